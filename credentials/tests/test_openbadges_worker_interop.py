"""End to end with a real Celery worker and the Digital Credentials Consortium's verifier:
awards completed by the worker are signed there; the DCC verifier (interop/verify.mjs) accepts
them, fetching the status list from the portal's own URL (live_server), and rejects them once
revoked or tampered with; the portal's verify endpoint gives the same verdicts."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from community.tests.factories import OrganizationFactory, UserFactory
from conftest import wait_for
from credentials import services
from credentials.models import Achievement, Award
from credentials.tests.factories import AchievementFactory, PathwayFactory
from credentials.tests.test_openbadges_interop import dcc  # noqa: F401 - the DCC verifier fixture

pytestmark = [pytest.mark.worker]


@pytest.fixture
def portal(request, worker_env, live_server, settings):
    """SITE_URL = the live server (on 127.0.0.1, which the DCC loader may fetch status lists
    from), the same in this process and in the real worker, which then starts."""
    origin = live_server.url.replace("localhost", "127.0.0.1")
    settings.SITE_URL = origin
    worker_env["SITE_URL"] = origin
    request.getfixturevalue("celery_worker_process")
    return origin


def _signed(award):
    award.refresh_from_db()
    return award.signed_at is not None


def _verify_api(client, credential):
    response = client.post(reverse("credentials:verify_api"), json.dumps(credential), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db(transaction=True)
def test_worker_signed_module_internship_and_pathway_verify_with_dcc_until_revoked(
    dcc,  # noqa: F811
    portal,
    celery_worker_process,
    client,
):
    university = OrganizationFactory(name_en="Tohoku University", name_ja="東北大学", slug="tohoku")
    module = AchievementFactory(
        issuer=university, name_en="COIL: Disaster Resilience", name_ja="COIL：災害レジリエンス", slug="coil-dr"
    )
    internship = AchievementFactory(
        issuer=university,
        type=Achievement.Type.INTERNSHIP,
        name_en="Internship: Sendai Robotics",
        name_ja="インターンシップ：仙台ロボティクス",
        slug="intern-sendai",
    )
    pathway = PathwayFactory(
        issuer=university, name_en="Tohoku Global Pathway", name_ja="東北グローバル・パスウェイ", slug="tohoku-path"
    )
    pathway.components.set([module, internship])
    student = UserFactory(email="hana.learner@example.org", language="ja")
    staff = UserFactory(is_superuser=True)

    with transaction.atomic():
        services.award_achievement(recipient=student, achievement=module, evidence="/courses/modules/coil-dr/")
        services.award_achievement(recipient=student, achievement=internship)
    # the pathway is awarded by the worker when the second component completes, then signed too
    wait_for(lambda: Award.objects.filter(recipient=student).count() == 3, timeout=120)
    for award in Award.objects.filter(recipient=student):
        wait_for(lambda award=award: _signed(award), timeout=120)

    expected = {module.pk: "Course", internship.pk: "Fieldwork", pathway.pk: "Certificate"}
    by_achievement = {award.achievement_id: award for award in Award.objects.filter(recipient=student)}
    for achievement_id, award in by_achievement.items():
        credential = award.signed_credential
        subject = credential["credentialSubject"]["achievement"]
        assert subject["achievementType"] == expected[achievement_id]
        assert subject["related"][0]["inLanguage"] == "ja" and subject["related"][0]["name"]
        assert credential["credentialStatus"]["statusListCredential"].startswith(portal + "/credentials/status/")
        third_party = dcc(credential, status_origin=portal)
        assert third_party["verified"] is True, third_party
        assert third_party["statusListsFetched"] == [credential["credentialStatus"]["statusListCredential"]]
        ours = _verify_api(client, credential)
        assert ours["valid"] is True and ours["revoked"] is False and ours["issuer_known"] is True

    # tampered: both refuse
    tampered = json.loads(json.dumps(by_achievement[module.pk].signed_credential))
    tampered["credentialSubject"]["achievement"]["related"][0]["name"] = "偽物"
    assert dcc(tampered, status_origin=portal)["verified"] is False
    ours = _verify_api(client, tampered)
    assert ours["valid"] is False and ours["signature_valid"] is False

    # revoked (by staff, through the service): the served list changes at once; both refuse
    revoked = by_achievement[internship.pk]
    services.revoke_award(award=revoked, revoked_by=staff, reason="Placement not completed")
    third_party = dcc(revoked.signed_credential, status_origin=portal)
    assert third_party["verified"] is False and third_party["statusVerified"] is False
    ours = _verify_api(client, revoked.signed_credential)
    assert ours["valid"] is False and ours["signature_valid"] is True and ours["revoked"] is True
    # the others on the same list are untouched
    assert dcc(by_achievement[module.pk].signed_credential, status_origin=portal)["verified"] is True
    assert celery_worker_process.output().count("credentials.tasks.complete_award") >= 3  # signed in the worker


@pytest.mark.django_db(transaction=True)
def test_after_rotation_the_worker_signs_with_the_new_did_and_old_credentials_still_verify(dcc, portal, client):  # noqa: F811
    university = OrganizationFactory(slug="chiba")
    first, second = AchievementFactory(issuer=university), AchievementFactory(issuer=university)
    student = UserFactory()
    with transaction.atomic():
        old = services.award_achievement(recipient=student, achievement=first)
    wait_for(lambda: _signed(old), timeout=120)
    call_command("issuer_keys", "rotate", organization="chiba", stdout=io.StringIO())
    with transaction.atomic():
        new = services.award_achievement(recipient=student, achievement=second)
    wait_for(lambda: _signed(new), timeout=120)

    assert new.signed_credential["issuer"]["id"] != old.signed_credential["issuer"]["id"]
    assert new.signing_key.is_active and not old.signing_key.__class__.objects.get(pk=old.signing_key_id).is_active
    for award in (old, new):
        assert dcc(award.signed_credential, status_origin=portal)["verified"] is True
        assert _verify_api(client, award.signed_credential)["valid"] is True
