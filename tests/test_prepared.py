"""Prepared queries (jige_portal/prepared.py): the SQL is built once, the rows are the ORM's."""

import datetime

import pytest
from django.db import connections, transaction
from django.db.models import Avg, Count, Prefetch
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from community.models import CommunityGroup, Membership, Post
from community.tests.factories import CommunityGroupFactory, MembershipFactory, PostFactory, UserFactory
from jige_portal.prepared import PreparedQuery, UnpreparableQuery, counted, prepared

pytestmark = pytest.mark.django_db


@prepared
def memberships_of(user_id: int):
    return (
        Membership.objects.filter(user_id=user_id)
        .select_related("group")
        .prefetch_related(Prefetch("group__posts", queryset=Post.objects.order_by("pk")))
        .annotate(members=Count("group__memberships"))
        .order_by("group__name", "pk")
    )


@prepared
def groups_with_average_member_id(user_id: int):
    # PostgreSQL answers avg() of integers with a numeric (a Decimal); the ORM converts it to a float.
    return (
        CommunityGroup.objects.filter(memberships__user_id=user_id)
        .annotate(average=Avg("memberships__id"))
        .order_by("pk")
    )


@prepared
def groups_named(name: str):
    return CommunityGroup.objects.filter(name__iexact=name).order_by("pk")


@prepared
def posts_since(group_id: int, since: datetime.datetime):
    return Post.objects.filter(group_id=group_id, created_at__gte=since).order_by("pk")


def _three_members():
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    hiking = CommunityGroupFactory(name_en="Hiking", name_ja="ハイキング")
    chess = CommunityGroupFactory(name_en="Chess", name_ja="チェス")
    for user in (first, second):
        MembershipFactory(user=user, group=hiking)
    MembershipFactory(user=first, group=chess)
    PostFactory(group=hiking, author=first)
    return first, second, third, hiking, chess


def test_each_call_returns_the_rows_of_its_own_arguments_with_related_rows_and_annotations(
    django_assert_num_queries,
):
    first, second, third, hiking, chess = _three_members()

    assert [(m.group.name_en, m.members) for m in memberships_of(first.pk)] == [("Chess", 1), ("Hiking", 2)]
    with django_assert_num_queries(2):  # the memberships with their groups, then the groups' posts
        rows = memberships_of(second.pk)
        assert [(m.user_id, m.group.name_en, m.members) for m in rows] == [(second.pk, "Hiking", 2)]
        assert [post.author_id for post in rows[0].group.posts.all()] == [first.pk]
    assert memberships_of(third.pk) == []
    assert memberships_of.first(first.pk).group == chess


def test_values_are_converted_as_the_orm_converts_them_on_every_call():
    first, second, _third, hiking, chess = _three_members()
    for user in (first, second, first):
        rows = groups_with_average_member_id(user.pk)
        expected = list(
            CommunityGroup.objects.filter(memberships__user_id=user.pk)
            .annotate(average=Avg("memberships__id"))
            .order_by("pk")
        )
        assert [(group.pk, group.average) for group in rows] == [(group.pk, group.average) for group in expected]
        assert all(type(group.average) is float for group in rows)
    assert [group.pk for group in groups_with_average_member_id(first.pk)] == sorted([hiking.pk, chess.pk])


def test_the_sql_is_built_once_per_language_and_follows_it():
    """modeltranslation turns `name` into name_en or name_ja: each language has its own SQL."""
    _, _, _, hiking, chess = _three_members()
    with translation.override("ja"):
        assert groups_named("ハイキング") == [hiking]
        assert groups_named("Hiking") == []
    with translation.override("en"):
        assert groups_named("hiking") == [hiking]
        assert groups_named("チェス") == []
    assert '"name_ja"' in groups_named._compiled["ja"].sql
    assert '"name_en"' in groups_named._compiled["en"].sql


def test_strings_and_datetimes_are_parameters_too():
    _, _, _, hiking, chess = _three_members()
    assert groups_named("hiking") == [hiking]
    assert groups_named("CHESS") == [chess]
    old = PostFactory(group=hiking)
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    week_ago = timezone.now() - datetime.timedelta(days=7)
    assert old not in posts_since(hiking.pk, week_ago)
    assert old in posts_since(hiking.pk, week_ago - datetime.timedelta(days=60))


def test_an_argument_that_shapes_the_sql_is_refused_and_falls_back_to_the_orm(settings):
    first, *_ = _three_members()
    sliced = PreparedQuery(lambda user_id, n: Membership.objects.filter(user_id=user_id)[:n])
    with pytest.raises(UnpreparableQuery, match="changes the SQL"):
        sliced(first.pk, 1)

    settings.PREPARED_QUERIES_CHECK = False
    fallback = PreparedQuery(lambda user_id, n: Membership.objects.filter(user_id=user_id).order_by("pk")[:n])
    assert len(fallback(first.pk, 1)) == 1
    assert len(fallback(first.pk, 2)) == 2  # built by the ORM each time: the second limit counts


def test_a_value_read_inside_the_function_is_refused():
    """now() read inside would be frozen into the SQL's parameters for every later call."""
    first, *_ = _three_members()
    frozen = PreparedQuery(lambda user_id: Post.objects.filter(author_id=user_id, created_at__lte=timezone.now()))
    with pytest.raises(UnpreparableQuery, match="not an argument"):
        frozen(first.pk)


def test_the_check_catches_a_function_that_depends_on_more_than_its_arguments():
    first, *_ = _three_members()
    state = {"role": "member"}
    by_role = PreparedQuery(lambda user_id: Membership.objects.filter(user_id=user_id, role=state["role"]))
    assert len(by_role(first.pk)) == 2
    state["role"] = "owner"
    with pytest.raises(AssertionError, match="differs from the ORM"):
        by_role(first.pk)


@pytest.mark.parametrize("value", [True, [1, 2], None, 1.5])
def test_only_values_that_cannot_shape_the_sql_are_accepted(value):
    query = PreparedQuery(lambda v: Membership.objects.filter(user_id=v))
    with pytest.raises(TypeError, match="int, str, date, datetime or UUID"):
        query(value)


@prepared
def members_of(group_id: int):
    return counted(Membership.objects.filter(group_id=group_id))


def test_a_counted_query_counts_the_rows_of_its_own_arguments(django_assert_num_queries):
    _, _, _, hiking, chess = _three_members()
    assert members_of.count(hiking.pk) == 2
    with django_assert_num_queries(1):
        assert members_of.count(chess.pk) == 1
    assert members_of.count(hiking.pk + chess.pk + 1000) == 0


# Server-side prepared statements (PostgreSQL): PREPARE once per connection, then EXECUTE.


def _statements_on(connection) -> dict[str, str]:
    with connection.connection.cursor() as cursor:  # not counted among the test's queries
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@prepared
def admins_of(group_id: int):
    return Membership.objects.filter(group_id=group_id, role=Membership.Role.ADMIN).order_by("pk")


def test_the_query_is_prepared_on_the_server_with_only_its_arguments_as_parameters(django_assert_num_queries):
    _, second, _, hiking, chess = _three_members()
    Membership.objects.filter(user=second, group=hiking).update(role=Membership.Role.ADMIN)
    connection = connections["default"]

    with django_assert_num_queries(1):  # the PREPARE is not one of the page's queries
        assert [m.user_id for m in admins_of(hiking.pk)] == [second.pk]
    name = admins_of._compiled["en"].statement.name
    statement = _statements_on(connection)[name]
    assert "$1" in statement and "$2" not in statement
    assert f"'{Membership.Role.ADMIN}'" in statement  # a constant stays a literal, for partial indexes

    with CaptureQueriesContext(connection) as queries:
        assert admins_of(chess.pk) == []
    assert queries.captured_queries[0]["sql"].startswith(f"EXECUTE {name}(")


def test_a_statement_outlives_a_rolled_back_transaction_and_a_new_connection_prepares_again():
    _, _, _, hiking, chess = _three_members()
    connection = connections["default"]
    with connection.connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection._jige_prepared_statements = None
    with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint inside the test's transaction
        assert members_of.count(hiking.pk) == 2
        raise RuntimeError
    name = members_of._compiled["en"].statement.name
    assert name in _statements_on(connection)  # PREPARE is not transactional
    assert members_of.count(chess.pk) == 1

    connection._jige_prepared_statements = None  # the bookkeeping lost, the statement still there
    assert members_of.count(chess.pk) == 1
    assert not members_of._compiled["en"].statement.refused

    connection._jige_prepared_statements = (object(), set())  # as if Django had connected anew
    with connection.connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {name}")
    assert members_of.count(hiking.pk) == 2
    assert name in _statements_on(connection)


def test_a_statement_postgresql_refuses_runs_as_plain_sql_and_leaves_the_transaction_usable(settings):
    """`$1 IS NULL` gives PostgreSQL no type for $1: PREPARE fails, inside the test's transaction."""
    first, *_ = _three_members()
    settings.PREPARED_QUERIES_CHECK = False
    untyped = PreparedQuery(
        lambda name: CommunityGroup.objects.annotate(unnamed=RawSQL("%s IS NULL", (name,))).order_by("pk")
    )
    assert [group.unnamed for group in untyped("x")] == [False, False]
    assert untyped._compiled["en"].statement.refused
    assert Membership.objects.filter(user=first).count() == 2  # the transaction was not aborted
    assert [group.unnamed for group in untyped("y")] == [False, False]


def test_statements_can_be_turned_off(settings):
    _, _, _, hiking, _ = _three_members()
    settings.PREPARED_STATEMENTS = False
    plain = PreparedQuery(lambda group_id: Membership.objects.filter(group_id=group_id).order_by("pk"))
    with CaptureQueriesContext(connections["default"]) as queries:
        assert len(plain(hiking.pk)) == 2
    assert plain._compiled["en"].statement is None
    assert queries.captured_queries[0]["sql"].startswith("SELECT")


@prepared
def memberships_in_order(group_id: int):
    return Membership.objects.filter(group_id=group_id).select_related("user").order_by("user__email", "pk")


def test_a_paginator_pages_prepared_rows_with_a_prepared_count(django_assert_num_queries):
    from django.core.paginator import Paginator

    group = CommunityGroupFactory()
    MembershipFactory.create_batch(5, group=group)
    expected = list(Membership.objects.filter(group=group).select_related("user").order_by("user__email", "pk"))

    with django_assert_num_queries(2):  # the count, then the page's rows with their users
        page = Paginator(memberships_in_order.rows(group.pk), 2).get_page(2)
        assert [m.user.email for m in page] == [m.user.email for m in expected[2:4]]
    assert (page.paginator.count, page.paginator.num_pages) == (5, 3)
    assert list(Paginator(memberships_in_order.rows(group.pk), 2).get_page(3)) == expected[4:]
    assert list(Paginator(memberships_in_order.rows(group.pk), 2).get_page(99)) == expected[4:]  # the last
    assert list(Paginator(memberships_in_order.rows(group.pk + 1000), 2).get_page(1)) == []

    with CaptureQueriesContext(connections["default"]) as queries:
        list(Paginator(memberships_in_order.rows(group.pk), 2).get_page(1))
    name = memberships_in_order._compiled["en"].paged().statement.name
    assert queries.captured_queries[1]["sql"] == f"EXECUTE {name}({group.pk}, 2, 0)"
    with pytest.raises(TypeError, match="a page at a time"):
        memberships_in_order.rows(group.pk)[0]
    sliced = PreparedQuery(lambda group_id: Membership.objects.filter(group_id=group_id).order_by("pk")[:3])
    with pytest.raises(UnpreparableQuery, match="sliced already"):
        sliced.rows(group.pk)[0:2]
