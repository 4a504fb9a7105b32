"""Group cards in the finder are rendered once and shared by every viewer (community/fragments.py),
yet each viewer sees whether they are a member or have asked to join, and a join or a rename
shows at once."""

import pytest
from django.test import Client
from django.urls import reverse

from community import services
from community.models import Role
from community.tests.factories import CommunityGroupFactory, UserFactory
from community.tests.pages import card_linking_to, templates_rendered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]
CARD = "community/_group_card.html"


def card(response, group) -> str:
    return card_linking_to(response, group.get_absolute_url())


@pytest.fixture
def third_student(db):
    return UserFactory(roles=[Role.STUDENT], display_name="Aiko Third")


@pytest.fixture
def groups(other_student):
    hike = CommunityGroupFactory(name_en="Rokko hikes", slug="rokko", join_policy="open")
    choir = CommunityGroupFactory(name_en="Sendai choir", slug="choir", join_policy="request")
    services.add_member(group=hike, user=other_student, role="owner")
    services.add_member(group=choir, user=other_student, role="owner")
    return hike, choir


def test_a_second_member_gets_the_cards_the_first_one_rendered(groups, student, third_student):
    finder = reverse("community:group_list") + "?q="
    first, second = Client(), Client()
    first.force_login(student)
    second.force_login(third_student)
    assert templates_rendered(first.get(finder), CARD) == 2
    response = second.get(finder)
    assert templates_rendered(response, CARD) == 0
    assert "Sendai choir" in card(response, groups[1]) and "By request" in card(response, groups[1])


def test_each_viewer_sees_their_own_membership_and_request(groups, student, other_student, third_student):
    hike, choir = groups
    services.join_group(group=choir, user=third_student)
    finder = reverse("community:group_list") + "?q="
    owner, asker, newcomer = Client(), Client(), Client()
    owner.force_login(other_student)
    asker.force_login(third_student)
    newcomer.force_login(student)
    assert "You are a member" in card(owner.get(finder), choir)
    assert "Request pending" in card(asker.get(finder), choir)
    fresh = card(newcomer.get(finder), choir)
    assert "You are a member" not in fresh and "Request pending" not in fresh


def test_a_join_and_a_rename_show_at_once(groups, student, third_student):
    hike, _choir = groups
    finder = reverse("community:group_list") + "?q="
    viewer = Client()
    viewer.force_login(student)
    assert "1 member" in card(viewer.get(finder), hike)
    services.add_member(group=hike, user=third_student)
    hike.name_en = "Rokko and Maya hikes"
    hike.save(update_fields=["name_en"])
    updated = card(viewer.get(finder), hike)
    assert "2 members" in updated and "Rokko and Maya hikes" in updated
