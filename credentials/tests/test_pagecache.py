"""The wallet, the public award page and the verify page from the page cache: new awards,
revocations and who may see an award are always those of now."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from community import services as community_services
from community.models import Role
from community.tests.factories import UserFactory
from community.tests.pages import (
    csrf_token,
    form_fields,
    from_cache,
    page,
    remove_role_in_the_admin,
    signed_in,
    visit,
    without_csrf,
)
from credentials import services
from credentials.models import Award
from credentials.tests.factories import AchievementFactory, PathwayFactory

pytestmark = pytest.mark.django_db

WALLET = reverse("credentials:wallet")
VERIFY = reverse("credentials:verify")


def issue(recipient, achievement):
    """Award and complete in this process (what the task does after commit): issued and signed."""
    award = services.award_achievement(recipient=recipient, achievement=achievement)
    services.complete_award(award_id=award.pk)
    award.refresh_from_db()
    return award


@pytest.fixture
def achievement(db):
    achievement = AchievementFactory(slug="teamwork", name_en="Intercultural Teamwork", name_ja="異文化チームワーク")
    services.ensure_default_image(achievement)
    return achievement


@pytest.fixture
def award(student, achievement):
    return issue(student, achievement)


@pytest.fixture
def public_award(student, award):
    return services.set_award_visibility(award=award, user=student, public=True)


@pytest.fixture
def english_staff(staff_member):
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    return staff_member


# --- the wallet -----------------------------------------------------------------------------------


def test_wallet_is_served_from_the_cache_on_the_second_visit(student, award):
    mai = signed_in(student)
    first, second = visit(mai, WALLET), visit(mai, WALLET)
    assert "Intercultural Teamwork" in page(first)
    assert first.context is not None and from_cache(second)
    assert without_csrf(page(second)) == without_csrf(page(first))


def test_an_award_made_by_staff_appears_in_the_wallet_of_a_learner_who_muted_notifications(
    student, staff_member, award, django_capture_on_commit_callbacks
):
    # Muted: no notification changes the header, so only the award itself can renew the page.
    community_services.update_notification_settings(user=student, level="mute", email_mode="never")
    mai = signed_in(student)
    visit(mai, WALLET)
    cached = visit(mai, WALLET)
    assert from_cache(cached) and "Campus Ambassador" not in page(cached)
    ambassador = AchievementFactory(name_en="Campus Ambassador")
    staff_member.organization = ambassador.issuer  # staff award in the name of their own university
    staff_member.save(update_fields=["organization"])
    tanaka = signed_in(staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = tanaka.post(
            reverse("credentials:staff_award"), {"achievement": ambassador.pk, "emails": student.email}
        )
    assert response.status_code == 302
    assert Award.objects.get(recipient=student, achievement=ambassador).status == Award.Status.ISSUED
    html = page(visit(mai, WALLET))
    assert "Campus Ambassador" in html and "Intercultural Teamwork" in html


def test_an_award_being_issued_shows_as_valid_once_it_is_issued(student, achievement):
    pending = services.award_achievement(recipient=student, achievement=achievement)
    mai = signed_in(student)
    visit(mai, WALLET)
    cached = visit(mai, WALLET)
    assert from_cache(cached) and "Being issued" in page(cached)
    services.complete_award(award_id=pending.pk)
    html = page(visit(mai, WALLET))
    assert "Being issued" not in html and "Valid" in html


def test_pathway_progress_in_the_wallet_follows_a_new_award(student, achievement):
    second = AchievementFactory(name_en="Japanese for Work")
    PathwayFactory(name_en="Global Careers Pathway", components=[achievement, second])
    issue(student, achievement)
    mai = signed_in(student)
    visit(mai, WALLET)
    cached = visit(mai, WALLET)
    assert from_cache(cached) and "1 of 2 components" in page(cached)
    issue(student, second)
    html = page(visit(mai, WALLET))
    assert "2 of 2 components" in html and "1 of 2 components" not in html


def test_each_member_sees_only_their_own_wallet(student, other_student, award):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, WALLET)
    assert from_cache(visit(mai, WALLET))
    theirs = page(visit(lucas, WALLET))
    assert "Intercultural Teamwork" not in theirs and "Lucas Other" in theirs and "Mai Student" not in theirs
    assert "Intercultural Teamwork" in page(visit(mai, WALLET))


def test_an_achievement_renamed_in_the_admin_shows_in_the_wallet_and_on_the_award_page(
    client, student, english_staff, public_award
):
    mai = signed_in(student)
    for viewer, url in ((mai, WALLET), (client, public_award.get_absolute_url())):
        visit(viewer, url)
        assert "Intercultural Teamwork" in page(visit(viewer, url))
    english_staff.organization = public_award.achievement.issuer  # staff edit their own university's achievements
    english_staff.save(update_fields=["organization"])
    tanaka = signed_in(english_staff)
    change = reverse("admin:credentials_achievement_change", args=[public_award.achievement_id])
    fields = form_fields(page(tanaka.get(change)), id="achievement_form")
    fields["name_en"] = ["Intercultural Team Leadership"]
    response = tanaka.post(change, fields)
    assert response.status_code == 302, page(response)[:3000]
    for viewer, url in ((mai, WALLET), (client, public_award.get_absolute_url())):
        html = page(visit(viewer, url))
        assert "Intercultural Team Leadership" in html and "Intercultural Teamwork" not in html


def test_wallet_follows_the_language_switch_and_back(student, award):
    mai = signed_in(student)
    visit(mai, WALLET)
    assert from_cache(visit(mai, WALLET))
    mai.post(reverse("set_language"), {"language": "ja", "next": WALLET})
    html = page(visit(mai, WALLET))
    assert "マイウォレット" in html and "異文化チームワーク" in html and "My wallet" not in html
    assert from_cache(visit(mai, WALLET))
    mai.post(reverse("set_language"), {"language": "en", "next": WALLET})
    html = page(visit(mai, WALLET))
    assert "My wallet" in html and "Intercultural Teamwork" in html and "マイウォレット" not in html


# --- the public award page ------------------------------------------------------------------------


def test_public_award_page_is_served_from_the_cache_on_the_second_visit(client, public_award):
    first, second = visit(client, public_award.get_absolute_url()), visit(client, public_award.get_absolute_url())
    assert "Intercultural Teamwork" in page(first) and "Mai Student" in page(first)
    assert first.context is not None and from_cache(second)
    assert without_csrf(page(second)) == without_csrf(page(first))


def test_a_revoked_award_shows_revoked_on_its_public_page_and_in_the_wallet(
    client, student, english_staff, public_award
):
    mai = signed_in(student)
    url = public_award.get_absolute_url()
    for viewer, address in ((client, url), (mai, WALLET)):
        visit(viewer, address)
        cached = visit(viewer, address)
        assert from_cache(cached) and "Revoked" not in page(cached)
    tanaka = signed_in(english_staff)
    revoke = reverse("credentials:award_revoke", args=[public_award.public_id])
    assert tanaka.post(revoke, {"reason": "Assessment found to be plagiarised"}).status_code == 302
    html = page(visit(client, url))
    assert "This credential has been revoked." in html and "plagiarised" not in html
    assert "Revoked" in page(visit(mai, WALLET))


def test_an_award_made_private_answers_404_to_visitors_and_other_members(client, student, other_student, public_award):
    mai, lucas = signed_in(student), signed_in(other_student)
    url = public_award.get_absolute_url()
    for viewer in (client, lucas):
        visit(viewer, url)
        assert from_cache(visit(viewer, url))
    visibility = reverse("credentials:award_visibility", args=[public_award.public_id])
    assert mai.post(visibility, {"public": "0"}).status_code == 302
    assert visit(client, url).status_code == 404
    assert visit(lucas, url).status_code == 404
    assert mai.post(visibility, {"public": "1", "confirm": "1"}).status_code == 302
    assert visit(client, url).status_code == 200


def test_making_an_award_public_shows_its_message_once(student, award):
    mai = signed_in(student)
    url = award.get_absolute_url()
    visit(mai, url)
    cached = visit(mai, url)
    assert from_cache(cached) and "Make public" in page(cached)
    visibility = reverse("credentials:award_visibility", args=[award.public_id])
    assert mai.post(visibility, {"public": "1", "confirm": "1"}).status_code == 302
    shown = page(visit(mai, url))
    assert "Anyone with the link can now see this award." in shown and "Make private" in shown
    after = page(visit(mai, url))
    assert "Anyone with the link can now see this award." not in after and "Make private" in after
    assert from_cache(visit(mai, url))


def test_the_learner_and_a_visitor_never_see_each_others_award_page(client, student, public_award):
    mai = signed_in(student)
    url = public_award.get_absolute_url()
    visit(mai, url)
    assert from_cache(own := visit(mai, url))
    theirs = page(visit(client, url))
    assert "Share and download" not in theirs and "Make private" not in theirs and "Sign in" in theirs
    assert from_cache(visit(client, url))
    assert "Share and download" in page(own) and "Make private" in page(own)


def test_staff_who_lose_the_staff_role_get_404_for_a_private_award(english_staff, award):
    tanaka = signed_in(english_staff)
    url = award.get_absolute_url()
    visit(tanaka, url)
    cached = visit(tanaka, url)
    assert from_cache(cached) and ">Revoke</a>" in page(cached)
    remove_role_in_the_admin(english_staff, Role.STAFF)
    assert visit(tanaka, url).status_code == 404


def test_a_cached_award_page_carries_a_csrf_token_that_works_for_this_browser(student, award):
    mai = signed_in(student, enforce_csrf_checks=True)
    url = award.get_absolute_url()
    visit(mai, url)
    cached = visit(mai, url)
    assert from_cache(cached)
    visibility = reverse("credentials:award_visibility", args=[award.public_id])
    assert (
        mai.post(visibility, {"public": "1", "confirm": "1", "csrfmiddlewaretoken": csrf_token(cached)}).status_code
        == 302
    )
    award.refresh_from_db()
    assert award.is_public


def test_public_award_page_follows_the_visitors_language_switch_and_back(public_award):
    visitor = Client()
    url = public_award.get_absolute_url()
    visit(visitor, url)
    assert from_cache(visit(visitor, url))
    visitor.post(reverse("set_language"), {"language": "ja", "next": url})
    html = page(visit(visitor, url))
    assert "異文化チームワーク" in html and "Intercultural Teamwork" not in html
    visitor.post(reverse("set_language"), {"language": "en", "next": url})
    html = page(visit(visitor, url))
    assert "Intercultural Teamwork" in html and "異文化チームワーク" not in html


# --- the verify page ------------------------------------------------------------------------------


def test_verify_page_is_served_from_the_cache_and_each_visitor_gets_their_own_working_token(award):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    rendered = visit(first, VERIFY)
    cached = visit(second, VERIFY)
    assert "Verify a credential" in page(rendered)
    assert rendered.context is not None and from_cache(cached)
    assert without_csrf(page(cached)) == without_csrf(page(rendered))
    credential = json.dumps(award.signed_credential)
    refused = second.post(VERIFY, {"credential": credential, "csrfmiddlewaretoken": csrf_token(rendered)})
    assert refused.status_code == 403
    answer = second.post(VERIFY, {"credential": credential, "csrfmiddlewaretoken": csrf_token(cached)})
    assert answer.status_code == 200 and "This credential is valid." in page(answer)


def test_verify_page_reports_a_revocation_made_after_it_was_cached(english_staff, public_award):
    visitor = Client(enforce_csrf_checks=True)
    visit(visitor, VERIFY)
    cached = visit(visitor, VERIFY)
    assert from_cache(cached)
    credential = json.dumps(public_award.signed_credential)
    answer = visitor.post(VERIFY, {"credential": credential, "csrfmiddlewaretoken": csrf_token(cached)})
    assert "This credential is valid." in page(answer)
    linked = f"{VERIFY}?award={public_award.public_id}"
    assert "This credential is valid." in page(visit(visitor, linked))

    services.revoke_award(award=public_award, revoked_by=english_staff, reason="Issued by mistake")
    cached = visit(visitor, VERIFY)
    assert from_cache(cached)
    answer = visitor.post(VERIFY, {"credential": credential, "csrfmiddlewaretoken": csrf_token(cached)})
    assert "Yes: the issuer has revoked it." in page(answer)
    assert "Yes: the issuer has revoked it." in page(visit(visitor, linked))


def test_verify_page_follows_the_language_switch_and_back(student):
    for viewer in (Client(), signed_in(UserFactory(language="en"))):
        visit(viewer, VERIFY)
        assert from_cache(visit(viewer, VERIFY))
        viewer.post(reverse("set_language"), {"language": "ja", "next": VERIFY})
        html = page(visit(viewer, VERIFY))
        assert "クレデンシャルを検証" in html and "Verify a credential" not in html
        assert from_cache(visit(viewer, VERIFY))
        viewer.post(reverse("set_language"), {"language": "en", "next": VERIFY})
        html = page(visit(viewer, VERIFY))
        assert "Verify a credential" in html and "クレデンシャルを検証" not in html
