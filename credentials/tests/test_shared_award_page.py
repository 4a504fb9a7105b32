"""An award's public page looks the same to everyone but its owner, those who may award it and
staff, so its body is rendered once and shared between them (pagecache.shared), with the page
cache off: a revocation and a new name of the recipient show at once, and the owner's and staff's
own parts never reach anyone else."""

import pytest
from django.test import Client

from community.tests.factories import UserFactory
from community.tests.pages import page, signed_in, templates_rendered
from credentials import services
from credentials.tests.factories import AchievementFactory, AwardFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off", "shared_fragments_on")]
ARTICLE = "credentials/_award_article.html"


@pytest.fixture
def award(student):
    achievement = AchievementFactory(name_en="Design Thinking Sprint", slug="design-sprint")
    return AwardFactory(recipient=student, achievement=achievement, is_public=True)


def test_a_second_visitor_gets_the_award_without_rendering_it(award):
    url = award.get_absolute_url()
    assert templates_rendered(Client().get(url), ARTICLE) == 1
    again = Client().get(url)
    assert templates_rendered(again, ARTICLE) == 0
    assert "Design Thinking Sprint" in page(again) and "Mai Student" in page(again)
    member = signed_in(UserFactory()).get(url)
    assert templates_rendered(member, ARTICLE) == 0
    assert "Design Thinking Sprint" in page(member)


def test_the_owners_share_section_stays_with_the_owner(award, student):
    url = award.get_absolute_url()
    Client().get(url)
    owner = page(signed_in(student).get(url))
    assert "Share and download" in owner
    assert "Share and download" not in page(Client().get(url))


def test_a_revocation_shows_at_once_and_its_reason_only_to_staff(award, staff_member):
    url = award.get_absolute_url()
    Client().get(url)
    services.revoke_award(award=award, revoked_by=staff_member, reason="Issued to the wrong learner")
    visitor = page(Client().get(url))
    assert "This credential has been revoked." in visitor
    assert "Issued to the wrong learner" not in visitor
    assert "Issued to the wrong learner" in page(signed_in(staff_member).get(url))
    assert "Issued to the wrong learner" not in page(Client().get(url))


def test_a_new_name_of_the_recipient_shows_at_once(award, student):
    url = award.get_absolute_url()
    Client().get(url)
    student.display_name = "Mai Yamada"
    student.save()
    html = page(Client().get(url))
    assert "Mai Yamada" in html and "Mai Student" not in html


def test_a_private_award_stays_hidden_from_others_after_its_owner_saw_it(award, student):
    services.set_award_visibility(award=award, user=student, public=False)
    url = award.get_absolute_url()
    assert signed_in(student).get(url).status_code == 200
    assert Client().get(url).status_code == 404
    assert signed_in(UserFactory()).get(url).status_code == 404
