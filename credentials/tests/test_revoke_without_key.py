"""Revoking a signed award needs the issuer key to re-sign its status list: without the
key-encryption secret (or with a wrong one) staff get a clear error and nothing is written."""

import logging
import os

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import Notification
from credentials import services
from credentials.models import Award, StatusList
from credentials.openbadges import BitstringStatusList
from credentials.tests.factories import AchievementFactory, AwardFactory

ENGLISH = "The signing key cannot be unlocked, so the award was not revoked."
JAPANESE = "署名鍵を復号できないため、授与は取り消されていません。"
SETTING = "CREDENTIALS_KEY_ENCRYPTION_KEY"


@pytest.fixture
def achievement(db):
    return AchievementFactory(slug="coil-basics", name_en="COIL Basics")


@pytest.fixture
def signed_award(student, achievement):
    award = services.award_achievement(recipient=student, achievement=achievement)
    services.complete_award(award_id=award.pk)
    award.refresh_from_db()
    assert award.is_signed and award.status_list_id is not None
    return award


class Key:
    """Takes the key-encryption secret away (from the settings and the environment) and puts it back."""

    def __init__(self, monkeypatch, settings):
        self.monkeypatch, self.settings = monkeypatch, settings
        self.secret = os.environ[SETTING]

    def set(self, secret):
        self.monkeypatch.setenv(SETTING, secret)
        self.settings.CREDENTIALS_KEY_ENCRYPTION_KEY = secret

    def remove(self):
        self.monkeypatch.delenv(SETTING)
        self.settings.CREDENTIALS_KEY_ENCRYPTION_KEY = ""

    def restore(self):
        self.set(self.secret)


@pytest.fixture
def key(monkeypatch, settings):
    return Key(monkeypatch, settings)


def assert_not_revoked(award):
    award.refresh_from_db()
    assert award.status == Award.Status.ISSUED
    assert (award.revoked_at, award.revoked_by, award.revocation_reason) == (None, None, "")
    status_list = StatusList.objects.get(pk=award.status_list_id)
    assert not BitstringStatusList(data=bytes(status_list.bits)).get(award.status_index)
    assert not award.events.filter(event="credentials.award.revoked").exists()
    assert not Notification.objects.filter(event="credentials.award.revoked").exists()


def assert_revoked(award, staff_member, reason):
    award.refresh_from_db()
    assert (award.status, award.revoked_by, award.revocation_reason) == (Award.Status.REVOKED, staff_member, reason)
    status_list = StatusList.objects.get(pk=award.status_list_id)
    assert BitstringStatusList(data=bytes(status_list.bits)).get(award.status_index)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "message"), [("en", ENGLISH), ("ja", JAPANESE)])
def test_portal_revocation_without_the_key_shows_the_error_and_leaves_the_award_and_its_bit_alone(
    client, staff_member, signed_award, key, caplog, language, message
):
    staff_member.language = language
    staff_member.save()
    signed_before = StatusList.objects.get(pk=signed_award.status_list_id).signed_credential
    key.remove()
    client.force_login(staff_member)
    with caplog.at_level(logging.ERROR, logger="credentials.services"):
        response = client.post(reverse("credentials:award_revoke", args=[signed_award.public_id]), {"reason": "Copied"})

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and SETTING in page
    assert "Copied" in page  # the reason is kept for another try
    assert_not_revoked(signed_award)
    assert StatusList.objects.get(pk=signed_award.status_list_id).signed_credential == signed_before
    assert any(record.levelname == "ERROR" and str(signed_award.pk) in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_portal_revocation_succeeds_once_the_key_is_set_again(client, staff_member, signed_award, key):
    url = reverse("credentials:award_revoke", args=[signed_award.public_id])
    client.force_login(staff_member)
    key.remove()
    assert client.post(url, {"reason": "Copied"}).status_code == 200
    assert_not_revoked(signed_award)

    key.restore()
    response = client.post(url, {"reason": "Copied"})
    assert response.status_code == 302
    assert response["Location"] == reverse("credentials:holder_list", args=[signed_award.achievement.slug])
    assert_revoked(signed_award, staff_member, "Copied")


def _admin_revoke(client, award, reason):
    return client.post(
        reverse("admin:credentials_award_changelist"),
        {"action": "revoke_selected", "_selected_action": [award.pk], "apply": "1", "reason": reason},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "message"), [("en", ENGLISH), ("ja", JAPANESE)])
def test_admin_revocation_without_the_key_shows_the_error_on_the_revoke_page_and_writes_nothing(
    client, staff_member, signed_award, key, language, message
):
    staff_member.is_superuser = True
    staff_member.language = language
    staff_member.save()
    key.remove()
    client.force_login(staff_member)
    response = _admin_revoke(client, signed_award, "Duplicate identity")

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and SETTING in page
    assert 'class="error"' in page  # shown as an error, not as a success
    assert_not_revoked(signed_award)


@pytest.mark.django_db
def test_admin_revocation_succeeds_once_the_key_is_set_again(client, staff_member, signed_award, key):
    staff_member.is_superuser = True
    staff_member.save()
    client.force_login(staff_member)
    key.remove()
    assert _admin_revoke(client, signed_award, "Duplicate identity").status_code == 200
    assert_not_revoked(signed_award)

    key.restore()
    assert _admin_revoke(client, signed_award, "Duplicate identity").status_code == 302
    assert_revoked(signed_award, staff_member, "Duplicate identity")


@pytest.mark.django_db
def test_admin_revokes_the_unsigned_awards_of_a_selection_and_reports_the_signed_one(
    client, staff_member, student, other_student, achievement, signed_award, key
):
    staff_member.is_superuser = True
    staff_member.language = "en"
    staff_member.save()
    unsigned = AwardFactory(recipient=other_student, achievement=AchievementFactory())
    key.remove()
    client.force_login(staff_member)
    response = client.post(
        reverse("admin:credentials_award_changelist"),
        {"action": "revoke_selected", "_selected_action": [signed_award.pk, unsigned.pk], "apply": "1", "reason": "X"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 awards revoked." in page and ENGLISH in page
    unsigned.refresh_from_db()
    assert unsigned.status == Award.Status.REVOKED
    signed_award.refresh_from_db()
    assert signed_award.status == Award.Status.ISSUED


@pytest.mark.django_db
def test_a_wrong_key_refuses_the_revocation_in_the_service_too(staff_member, signed_award, key):
    key.set("another-secret-of-enough-length-0123456789-xyz")
    with pytest.raises(ValidationError) as error:
        services.revoke_award(award=signed_award, revoked_by=staff_member, reason="Copied")
    assert error.value.code == "signing_key_locked"
    assert_not_revoked(signed_award)


@pytest.mark.django_db
def test_an_unsigned_award_is_revoked_without_the_key(client, staff_member, student, achievement, key):
    award = AwardFactory(recipient=student, achievement=achievement)
    assert award.status_list_id is None
    key.remove()
    client.force_login(staff_member)
    response = client.post(reverse("credentials:award_revoke", args=[award.public_id]), {"reason": "Withdrawn"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.status, award.revocation_reason) == (Award.Status.REVOKED, "Withdrawn")
