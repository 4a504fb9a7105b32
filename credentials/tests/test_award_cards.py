"""Wallet cards are rendered once per card's content and language and shared (community/fragments.py),
yet a revocation, a change of visibility, an expiry and the language switch show at once."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.tests.pages import card_linking_to, templates_rendered
from credentials import services
from credentials.tests.factories import AchievementFactory, AwardFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]
CARD = "credentials/_award_card.html"


def card(response, award) -> str:
    return card_linking_to(response, award.get_absolute_url())


@pytest.fixture
def award(student):
    achievement = AchievementFactory(name_en="Intercultural Teamwork", name_ja="異文化チームワーク", slug="teamwork")
    return AwardFactory(recipient=student, achievement=achievement)


@pytest.fixture
def wallet(student):
    client = Client()
    client.force_login(student)
    return client


def test_the_second_visit_reuses_the_cards(award, wallet):
    assert templates_rendered(wallet.get(reverse("credentials:wallet")), CARD) == 1
    again = wallet.get(reverse("credentials:wallet"))
    assert templates_rendered(again, CARD) == 0
    assert "Intercultural Teamwork" in card(again, award) and "Valid" in card(again, award)


def test_a_revocation_and_a_change_of_visibility_show_at_once(award, wallet, student, staff_member):
    type(award).objects.filter(pk=award.pk).update(is_public=False)
    assert "Private" in card(wallet.get(reverse("credentials:wallet")), award)
    services.set_award_visibility(award=award, user=student, public=True)
    assert "Public" in card(wallet.get(reverse("credentials:wallet")), award)
    services.revoke_award(award=award, revoked_by=staff_member, reason="Issued by mistake")
    revoked = wallet.get(reverse("credentials:wallet"))
    assert "cred-card--revoked" in card(revoked, award) and "Revoked" in card(revoked, award)


def test_an_expired_award_shows_as_expired(award, wallet):
    wallet.get(reverse("credentials:wallet"))
    type(award).objects.filter(pk=award.pk).update(valid_until=timezone.now() - timedelta(days=1))
    assert "Expired" in card(wallet.get(reverse("credentials:wallet")), award)


def test_the_cards_follow_the_language(award, wallet, student):
    wallet.get(reverse("credentials:wallet"))
    student.language = "ja"
    student.save(update_fields=["language"])
    japanese = card(wallet.get(reverse("credentials:wallet"), HTTP_ACCEPT_LANGUAGE="ja"), award)
    assert "異文化チームワーク" in japanese and "有効" in japanese
