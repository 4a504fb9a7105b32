"""Prepared queries (jige_portal/prepared.py): the SQL is built once, the rows are the ORM's."""

import datetime

import pytest
from django.db.models import Count, Prefetch
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
