"""The group finder's form and results are shared between members (pagecache.shared), with the
page cache off: a second member's search does not query the groups again, yet each member sees
their own part of every card (member, request pending), a member of a secret group and staff find
what only they may see, and "my phase" finds each member's own phase."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Role
from community.tests.factories import CommunityGroupFactory, UserFactory
from community.tests.pages import card_linking_to, page, signed_in, visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off", "shared_fragments_on")]

FINDER = reverse("community:group_list")


@pytest.fixture
def groups(other_student):
    hike = CommunityGroupFactory(name_en="Zao hiking club", slug="zao-hiking", join_policy="open")
    choir = CommunityGroupFactory(name_en="Sendai hiking choir", slug="hiking-choir", join_policy="request")
    hidden = CommunityGroupFactory(name_en="Hiking organisers", slug="hiking-organisers", visibility="secret")
    for group in (hike, choir, hidden):
        services.add_member(group=group, user=other_student, role="owner")
    return hike, choir, hidden


def group_queries(client, url) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = visit(client, url)
    assert response.status_code == 200
    return [q["sql"] for q in queries if 'FROM "community_communitygroup"' in q["sql"]], page(response)


def test_a_second_member_searches_without_querying_the_groups(groups, student):
    url = FINDER + "?q=hiking"
    first, _html = group_queries(signed_in(UserFactory(roles=[Role.STUDENT])), url)
    assert first
    second, html = group_queries(signed_in(student), url)
    assert second == []
    assert "Zao hiking club" in html and "Sendai hiking choir" in html
    assert "2 groups found" in html
    assert "Hiking organisers" not in html


def test_each_member_sees_their_own_part_of_the_shared_cards(groups, student):
    hike, choir, _hidden = groups
    services.add_member(group=hike, user=student)
    services.join_group(group=choir, user=student)
    url = FINDER + "?q=hiking"
    stranger = signed_in(UserFactory(roles=[Role.STUDENT]))
    assert "You are a member" not in page(stranger.get(url))
    mine = signed_in(student).get(url)
    assert "You are a member" in card_linking_to(mine, hike.get_absolute_url())
    assert "Request pending" in card_linking_to(mine, choir.get_absolute_url())
    again = stranger.get(url)
    assert "You are a member" not in page(again) and "Request pending" not in page(again)


def test_the_members_part_of_a_card_is_in_their_language(groups, student):
    hike, _choir, _hidden = groups
    services.add_member(group=hike, user=student)
    student.language = "ja"
    student.save(update_fields=["language"])
    response = signed_in(student).get(FINDER + "?q=hiking")
    assert "参加中" in card_linking_to(response, hike.get_absolute_url())


def test_a_member_of_a_secret_group_and_staff_find_it_the_others_do_not(groups, other_student, staff_member):
    url = FINDER + "?q=hiking"
    assert "Hiking organisers" not in page(signed_in(UserFactory(roles=[Role.STUDENT])).get(url))
    owner = page(signed_in(other_student).get(url))
    assert "Hiking organisers" in owner and "3 groups found" in owner
    assert "/hiking-organisers/" in page(signed_in(staff_member).get(url))
    assert "Hiking organisers" not in page(signed_in(UserFactory(roles=[Role.STUDENT])).get(url))


def test_my_phase_finds_each_members_own_phase(student):
    CommunityGroupFactory(name_en="Packing lists", slug="packing", phase="before")
    CommunityGroupFactory(name_en="Back home meetups", slug="back-home", phase="after")
    arriving, returned = UserFactory(roles=[Role.STUDENT]), UserFactory(roles=[Role.STUDENT])
    today = timezone.localdate()
    for member, arrival, departure in ((arriving, 30, 200), (returned, -200, -30)):
        member.profile.arrival_date = today + timedelta(days=arrival)
        member.profile.departure_date = today + timedelta(days=departure)
        member.profile.save()
    url = FINDER + "?phase=mine"
    before = page(signed_in(arriving).get(url))
    after = page(signed_in(returned).get(url))
    assert "Packing lists" in before and "Back home meetups" not in before
    assert "Back home meetups" in after and "Packing lists" not in after


def test_a_join_shows_in_the_shared_member_count_at_once(groups, student):
    hike, _choir, _hidden = groups
    url = FINDER + "?q=Zao"
    assert "1 member" in card_linking_to(signed_in(student).get(url), hike.get_absolute_url())
    services.add_member(group=hike, user=UserFactory())
    assert "2 members" in card_linking_to(signed_in(student).get(url), hike.get_absolute_url())
