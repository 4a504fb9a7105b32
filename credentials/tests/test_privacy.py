"""A learner's credentials in their data archive (the signed files the wallet serves) and on the
deletion of their account (revoked through the status list, or kept, as they chose)."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import AccountDeletion
from community.services import privacy
from credentials import services
from credentials.models import Award, StatusList
from credentials.openbadges import BitstringStatusList, verify_credential
from credentials.signing import fetch_status_list
from credentials.tests.factories import AchievementFactory


@pytest.fixture
def signed_award(student):
    achievement = AchievementFactory(slug="coil-basics", name_en="COIL Basics")
    award = services.award_achievement(recipient=student, achievement=achievement)
    services.complete_award(award_id=award.pk)
    award.refresh_from_db()
    assert award.is_signed and award.status_list_id is not None
    return award


def erase(user, *, keep_credentials):
    deletion = privacy.request_account_deletion(user=user, confirmation=user.email, keep_credentials=keep_credentials)
    AccountDeletion.objects.filter(pk=deletion.pk).update(erase_after=timezone.now() - timedelta(seconds=1))
    assert privacy.erase_due_accounts() == 1


def revoked_bit(award) -> bool:
    status_list = StatusList.objects.get(pk=award.status_list_id)
    return BitstringStatusList(data=bytes(status_list.bits)).get(award.status_index)


@pytest.mark.django_db
def test_archive_holds_each_credential_as_the_signed_json_the_wallet_serves(client, student, signed_award):
    export = privacy.request_data_export(user=student)
    assert privacy.build_data_export(export_id=export.pk)
    client.force_login(student)
    download = client.get(reverse("community:data_export_download", args=[export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    wallet_file = client.get(reverse("credentials:award_credential", args=[signed_award.public_id])).content
    assert archive.read(f"credentials/{signed_award.public_id}.json") == wallet_file
    credential = json.loads(archive.read(f"credentials/{signed_award.public_id}.json"))
    assert verify_credential(credential, fetch_status_list=fetch_status_list).valid
    listing = json.loads(archive.read("credentials/awards.json"))
    assert [row["id"] for row in listing] == [str(signed_award.public_id)]
    record = json.loads(archive.read("credentials/learner-record.json"))
    assert "ClrCredential" in record["type"]


@pytest.mark.django_db
def test_erasure_revokes_credentials_through_the_status_list_when_asked(student, signed_award):
    erase(student, keep_credentials=False)
    signed_award.refresh_from_db()
    assert signed_award.status == Award.Status.REVOKED and signed_award.revoked_by is None
    assert revoked_bit(signed_award)
    result = verify_credential(signed_award.signed_credential, fetch_status_list=fetch_status_list)
    assert result.revoked is True and not result.valid
    # Twice: nothing changes.
    assert services.revoke_awards_of_departing_member(recipient=student, reason="again") == 0


@pytest.mark.django_db
def test_erasure_keeps_credentials_valid_but_private_when_asked(client, student, signed_award):
    signed_award.is_public = True
    signed_award.save()
    erase(student, keep_credentials=True)
    signed_award.refresh_from_db()
    assert signed_award.status == Award.Status.ISSUED and not revoked_bit(signed_award)
    assert verify_credential(signed_award.signed_credential, fetch_status_list=fetch_status_list).valid
    assert not signed_award.is_public
    assert client.get(signed_award.get_absolute_url()).status_code == 404
