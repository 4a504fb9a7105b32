"""Open Badges 3.0 wired into the portal: keys, signing on completion, status lists and revocation,
downloads (JSON, baked PNG, learner record), the verify page and its JSON endpoint."""

import io
import json
import logging
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from community.tests.factories import OrganizationFactory, UserFactory
from credentials import services, signing
from credentials.models import Achievement, Award, IssuerKey, StatusList
from credentials.openbadges import (
    BitstringStatusList,
    StatusEntry,
    extract_credential,
    hash_email,
    verify_credential,
    verify_upload,
)
from credentials.openbadges import (
    IssuerKey as LibraryKey,
)
from credentials.openbadges.keys import decrypt_private_key
from credentials.openbadges.samples import sample_signed_credential
from credentials.tests.factories import AchievementFactory, AwardFactory

SITE = "https://portal.test"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def university(db):
    return OrganizationFactory(name_en="Kansai University", name_ja="関西大学", slug="kansai", website="")


@pytest.fixture
def module(university):
    achievement = AchievementFactory(
        slug="coil-cities",
        name_en="COIL: Sustainable Cities",
        name_ja="COIL：持続可能な都市",
        issuer=university,
        validity_months=24,
    )
    services.ensure_default_image(achievement)
    return achievement


def issue(recipient, achievement, **kwargs):
    """Award and complete in this process (what the task does), returning the fresh row."""
    award = services.award_achievement(recipient=recipient, achievement=achievement, **kwargs)
    services.complete_award(award_id=award.pk)
    award.refresh_from_db()
    return award


def verify(credential):
    return verify_credential(
        credential, fetch_status_list=signing.fetch_status_list, known_issuers=signing.known_issuers()
    )


def _png(size=(64, 64)):
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


# --- signing on completion -----------------------------------------------------------------------


@pytest.mark.django_db
def test_completing_an_award_signs_it_with_a_key_created_for_its_issuer(student, module, university):
    assert not IssuerKey.objects.exists()
    award = issue(student, module)

    key = IssuerKey.objects.get(organization=university)
    credential = award.signed_credential
    assert award.is_signed and award.signing_key == key
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["issuer"] == {
        "id": key.did,
        "type": ["Profile"],
        "name": "Kansai University / 関西大学",
        "url": SITE + university.get_absolute_url(),
    }
    assert credential["proof"]["verificationMethod"].startswith(key.did + "#")
    assert credential["id"] == f"urn:uuid:{award.public_id}"
    assert credential["validUntil"]  # validity_months
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Course"
    assert achievement["name"] == "COIL: Sustainable Cities"
    assert achievement["related"][0]["name"] == "COIL：持続可能な都市"
    assert achievement["image"]["id"].startswith(SITE + "/media/")
    assert achievement["creditsAvailable"] == 1.5
    assert credential["credentialSubject"]["creditsEarned"] == 1.5
    identity = credential["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == hash_email(student.email, identity["salt"])
    assert student.email not in json.dumps(credential)
    status = credential["credentialStatus"]
    assert status["statusListCredential"] == award.status_list.get_public_url()
    assert status["statusListIndex"] == str(award.status_index)

    result = verify(credential)
    assert result.valid, result.errors
    assert result.revoked is False and result.issuer_known and result.issuer_registered_name == university.name


@pytest.mark.django_db
def test_signing_is_done_once(student, module):
    award = issue(student, module)
    signed = award.signed_credential
    assert services.complete_award(award_id=award.pk) is False
    assert signing.sign_award(award=award) is False
    award.refresh_from_db()
    assert award.signed_credential == signed
    assert IssuerKey.objects.count() == 1 and StatusList.objects.count() == 1


@pytest.mark.django_db
def test_awards_issued_before_signing_are_signed_by_the_sweep(student, module):
    old = AwardFactory(recipient=student, achievement=module, snapshot=services.achievement_snapshot(module))
    older = AwardFactory(achievement=module, issued_at=None)  # completed before snapshots existed
    pending = AwardFactory(achievement=module, status=Award.Status.PENDING, issued_at=None)
    assert not old.is_signed and not older.snapshot
    assert signing.sign_unsigned_awards() == 2
    for award in (old, older):
        award.refresh_from_db()
        assert award.is_signed and verify(award.signed_credential).valid
        assert award.signed_credential["credentialSubject"]["achievement"]["name"] == "COIL: Sustainable Cities"
    pending.refresh_from_db()
    assert not pending.is_signed
    assert signing.sign_unsigned_awards() == 0


@pytest.mark.django_db
def test_without_the_key_secret_awards_are_issued_unsigned_then_signed_once_it_is_set(
    student, module, settings, monkeypatch
):
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = ""
    award = issue(student, module)
    assert award.status == Award.Status.ISSUED and not award.is_signed
    assert signing.sign_unsigned_awards() == 0
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = "test-only-key-encryption-secret-0123456789-abcdef"
    assert signing.sign_unsigned_awards() == 1


@pytest.mark.django_db
def test_status_indexes_are_unique_per_list(student, other_student, module):
    first, second = issue(student, module), issue(other_student, module)
    assert first.status_list == second.status_list and first.status_index != second.status_index
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=second.pk).update(status_index=first.status_index)


# --- status lists and revocation -------------------------------------------------------------------


@pytest.mark.django_db
def test_status_list_is_served_signed_at_a_stable_public_url_with_short_caching(client, student, module):
    award = issue(student, module)
    response = client.get(award.status_list.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=30"
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"] == award.status_list.get_public_url()
    assert document["issuer"] == award.signing_key.did
    encoded = document["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = BitstringStatusList.decode(encoded)
    assert len(bits) >= 131_072 and not bits.get(award.status_index)


@pytest.mark.django_db
def test_revoking_flips_the_bit_and_re_signs_the_list_at_once(client, student, staff_member, module):
    award = issue(student, module)
    before = client.get(award.status_list.get_absolute_url()).json()
    services.revoke_award(award=award, revoked_by=staff_member, reason="Plagiarism")

    after = client.get(award.status_list.get_absolute_url()).json()
    assert after["proof"]["proofValue"] != before["proof"]["proofValue"]
    assert BitstringStatusList.decode(after["credentialSubject"]["encodedList"]).get(award.status_index)
    result = verify(award.signed_credential)
    assert result.signature_valid and result.revoked is True and not result.valid


@pytest.mark.django_db(transaction=True)
def test_concurrent_revocations_on_one_list_keep_every_bit(staff_member, module):
    awards = [issue(UserFactory(), module) for _ in range(6)]
    assert len({award.status_list_id for award in awards}) == 1
    barrier = threading.Barrier(len(awards))
    errors = []

    def revoke(award):
        try:
            barrier.wait()
            services.revoke_award(award=award, revoked_by=staff_member, reason="Withdrawn")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=revoke, args=(award,)) for award in awards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    status_list = StatusList.objects.get()
    bits = BitstringStatusList.decode(status_list.signed_credential["credentialSubject"]["encodedList"])
    assert all(bits.get(award.status_index) for award in awards)
    assert BitstringStatusList(data=bytes(status_list.bits)).to_bytes() == bits.to_bytes()


@pytest.mark.django_db
def test_key_rotation_old_and_new_credentials_verify_and_old_lists_are_re_signed_with_the_old_key(
    student, other_student, staff_member, module, university
):
    old = issue(student, module)
    call_command("issuer_keys", "rotate", organization="kansai", stdout=io.StringIO())
    new = issue(other_student, module)

    assert new.signing_key != old.signing_key
    assert new.signed_credential["issuer"]["id"] != old.signed_credential["issuer"]["id"]
    assert new.status_list != old.status_list
    assert old.signing_key.__class__.objects.get(pk=old.signing_key_id).retired_at is not None
    assert verify(old.signed_credential).valid and verify(new.signed_credential).valid

    services.revoke_award(award=old, revoked_by=staff_member, reason="Error")
    assert verify(old.signed_credential).revoked is True  # the old list, re-signed by the retired key
    assert verify(new.signed_credential).valid


@pytest.mark.django_db
def test_issuer_keys_command_creates_lists_and_refuses_a_second_active_key(university):
    out = io.StringIO()
    call_command("issuer_keys", "create", organization="kansai", stdout=out)
    key = IssuerKey.objects.get(organization=university)
    assert key.did in out.getvalue() and key.encrypted_private_key not in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("issuer_keys", "create", organization="kansai", stdout=io.StringIO())
    out = io.StringIO()
    call_command("issuer_keys", "list", organization="kansai", stdout=out)
    assert "active" in out.getvalue()


@pytest.mark.django_db
def test_private_keys_are_absent_from_admin_logs_and_api_output(client, caplog, student, module, university):
    caplog.set_level(logging.DEBUG)
    award = issue(student, module)
    key = IssuerKey.objects.get(organization=university)
    raw = decrypt_private_key(key.encrypted_private_key, key_id=key.key_id)
    secrets_in_any_form = [key.encrypted_private_key, key.encrypted_private_key.split(".")[-1], raw.hex()]

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    pages = [
        reverse("admin:credentials_issuerkey_changelist"),
        reverse("admin:credentials_issuerkey_change", args=[key.pk]),
        reverse("admin:credentials_award_change", args=[award.pk]),
        reverse("admin:credentials_statuslist_change", args=[award.status_list_id]),
    ]
    outputs = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        outputs.append(response.content.decode())
    assert key.did in outputs[1]
    assert "encrypted" not in outputs[1].lower()
    client.logout()
    outputs.append(
        client.post(
            reverse("credentials:verify_api"), json.dumps(award.signed_credential), content_type="application/json"
        ).content.decode()
    )
    outputs.append(repr(key) + str(key) + repr(key.unlock()))
    outputs.append(caplog.text)
    for text in outputs:
        for secret in secrets_in_any_form:
            assert secret not in text


# --- downloads -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_credential_json_download_permissions(client, student, other_student, staff_member, module):
    award = issue(student, module)
    url = reverse("credentials:award_credential", args=[award.public_id])
    assert client.get(url).status_code == 404  # private: anonymous
    client.force_login(other_student)
    assert client.get(url).status_code == 404
    client.force_login(staff_member)
    assert client.get(url).status_code == 200
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{award.public_id}.json"'
    assert json.loads(response.content) == award.signed_credential

    services.set_award_visibility(award=award, user=student, public=True)
    client.logout()
    assert client.get(url).status_code == 200
    client.force_login(other_student)
    assert client.get(url).status_code == 200
    services.revoke_award(award=award, revoked_by=staff_member, reason="Error")
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_baked_png_round_trip_through_the_download_url(client, student, module):
    award = issue(student, module)
    client.force_login(student)
    response = client.get(reverse("credentials:award_image", args=[award.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    png = response.content
    assert extract_credential(png) == award.signed_credential
    assert verify_upload(png, fetch_status_list=signing.fetch_status_list).valid
    answer = client.post(reverse("credentials:verify_api"), png, content_type="image/png")
    assert answer.status_code == 200 and answer.json()["valid"] is True


@pytest.mark.django_db
def test_learner_record_is_a_signed_clr_of_every_valid_credential(client, student, staff_member, module, university):
    first = issue(student, module)
    second = issue(student, AchievementFactory(issuer=university, type=Achievement.Type.INTERNSHIP))
    revoked = issue(student, AchievementFactory(issuer=university))
    services.revoke_award(award=revoked, revoked_by=staff_member, reason="Error")
    url = reverse("credentials:learner_record")
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 200
    clr = json.loads(response.content)
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    inner_ids = {c["id"] for c in clr["credentialSubject"]["verifiableCredential"]}
    assert inner_ids == {f"urn:uuid:{first.public_id}", f"urn:uuid:{second.public_id}"}
    result = verify(clr)
    assert result.valid and len(result.inner_results) == 2 and result.issuer_known


@pytest.mark.django_db
def test_learner_record_without_signed_credentials_says_so(client, other_student):
    client.force_login(other_student)
    response = client.get(reverse("credentials:learner_record"), follow=True)
    assert "no signed credentials" in response.content.decode()


@pytest.mark.django_db
def test_export_command_writes_what_the_learner_downloads(client, tmp_path, student, module):
    award = issue(student, module)
    call_command("export_credentials", email=student.email.upper(), out=str(tmp_path / "out"), stdout=io.StringIO())
    client.force_login(student)
    json_download = client.get(reverse("credentials:award_credential", args=[award.public_id])).content
    png_download = client.get(reverse("credentials:award_image", args=[award.public_id])).content
    assert (tmp_path / "out" / f"{award.public_id}.json").read_bytes() == json_download
    assert (tmp_path / "out" / f"{award.public_id}.png").read_bytes() == png_download
    clr = json.loads((tmp_path / "out" / "learner-record.json").read_text())
    assert verify(clr).valid


# --- verify page and endpoint ------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_page_reports_valid_tampered_revoked_and_unknown_issuer(client, student, staff_member, module):
    award = issue(student, module)
    url = reverse("credentials:verify")
    page = client.post(url, {"credential": json.dumps(award.signed_credential)}).content.decode()
    assert "This credential is valid." in page and "Registered consortium organization" in page
    assert "COIL：持続可能な都市" in page and "Credits earned" in page

    tampered = json.loads(json.dumps(award.signed_credential))
    tampered["credentialSubject"]["creditsEarned"] = 60
    page = client.post(url, {"credential": json.dumps(tampered)}).content.decode()
    assert "This credential is not valid." in page and "signature is not valid" in page

    stranger = sample_signed_credential(LibraryKey.generate())
    page = client.post(url, {"credential": json.dumps(stranger)}).content.decode()
    assert "This credential is valid." in page and "Unknown issuer" in page

    elsewhere = sample_signed_credential(
        LibraryKey.generate(), status=StatusEntry("https://elsewhere.example/status/1", 3)
    )
    page = client.post(url, {"credential": json.dumps(elsewhere)}).content.decode()
    assert "Could not be checked." in page and "status list could not be checked" in page
    # The verifier's technical detail is English; a Japanese page says so and marks it.
    page = client.post(url, {"credential": json.dumps(elsewhere)}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    detail = '<span lang="en">the status list is not on this portal</span>'
    assert f"技術的な詳細（発行機関のIT担当者向け）： {detail}" in page

    services.revoke_award(award=award, revoked_by=staff_member, reason="Error")
    page = client.post(url, {"credential": json.dumps(award.signed_credential)}).content.decode()
    assert "Yes: the issuer has revoked it." in page


@pytest.mark.django_db
def test_verify_page_from_an_award_link_in_the_visitors_language(client, student, other_student, module):
    award = issue(student, module)
    url = reverse("credentials:verify") + f"?award={award.public_id}"
    assert client.get(url).status_code == 404  # private
    client.force_login(other_student)
    assert client.get(url).status_code == 404
    services.set_award_visibility(award=award, user=student, public=True)
    client.logout()
    public_page = client.get(award.get_absolute_url()).content.decode()
    assert "Verify this credential" in public_page
    assert 'src="data:image/svg+xml' in public_page  # the QR code of the verify link, made here
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert "このクレデンシャルは有効です。" in response.content.decode()
    assert client.get(reverse("credentials:verify") + "?award=not-a-uuid").status_code == 404


def _bomb_png():
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.json", b"{not json", "This is not valid JSON."),
        ("random.bin", bytes(range(256)) * 40, "This is not valid JSON."),
        ("bomb.png", None, "The badge image is too large."),
        ("plain.png", None, "does not contain an Open Badges credential"),
        ("huge.json", b"[" + b"1," * (1024 * 1024 + 10) + b"1]", "larger than 2 MB"),
        ("huger.png", b"\x89PNG\r\n\x1a\n" + bytes(3 * 1024 * 1024), "larger than 2 MB"),
    ],
)
def test_bad_uploads_get_a_clear_error_and_400(client, name, content, message):
    if name == "bomb.png":
        content = _bomb_png()
    elif name == "plain.png":
        content = _png()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("credentials:verify"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    api = client.post(reverse("credentials:verify_api"), content, content_type="application/octet-stream")
    assert api.status_code == 400
    assert api.json()


@pytest.mark.django_db
def test_verify_form_needs_something_and_keeps_csrf(client):
    response = client.post(reverse("credentials:verify"), {"credential": "  "})
    assert response.status_code == 400 and "Paste a credential or choose a file." in response.content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("credentials:verify"), {"credential": "{}"}).status_code == 403
    # the machine endpoint takes no cookies and needs no token
    answer = strict.post(reverse("credentials:verify_api"), "{}", content_type="application/json")
    assert answer.status_code == 400 and answer.json()["errors"][0]["code"] == "malformed"


@pytest.mark.django_db
def test_verify_api_answers_json_is_rate_limited_and_post_only(client, student, module):
    award = issue(student, module)
    url = reverse("credentials:verify_api")
    assert client.get(url).status_code == 405
    body = client.post(url, json.dumps(award.signed_credential), content_type="application/json").json()
    assert body["valid"] is True and body["signature_valid"] is True and body["revoked"] is False
    assert body["issuer_known"] is True and body["achievement_name"] == "COIL: Sustainable Cities"
    for _ in range(40):
        last = client.post(url, "{}", content_type="application/json")
    assert last.status_code == 429


@pytest.mark.django_db
def test_status_list_fetcher_reads_our_own_lists_and_refuses_other_hosts(student, module):
    award = issue(student, module)
    url = award.status_list.get_public_url()
    assert signing.fetch_status_list(url) == award.status_list.signed_credential
    for other in (
        url.replace("portal.test", "evil.test"),
        url.replace("https:", "http:"),
        url + "?x=1",
        SITE + "/credentials/wallet/",
        SITE + "/credentials/status/00000000-0000-0000-0000-000000000000/",
    ):
        with pytest.raises(Exception) as error:
            signing.fetch_status_list(other)
        assert "StatusListError" in type(error.value).__name__


@pytest.mark.django_db
def test_expired_award_is_reported_expired(student, module):
    award = issue(student, module)
    later = timezone.now() + timedelta(days=365 * 3)
    result = verify_credential(award.signed_credential, fetch_status_list=signing.fetch_status_list, now=later)
    assert result.expired is True and not result.valid


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_wallet_query_budget_holds_with_signed_awards(client, student, module, django_assert_max_num_queries, rows):
    for _ in range(rows):
        issue(student, AchievementFactory(issuer=module.issuer))
    client.force_login(student)
    client.get(reverse("credentials:wallet"))  # warm the session and header caches
    with django_assert_max_num_queries(7):  # the budget of test_wallet.test_wallet_query_budget
        response = client.get(reverse("credentials:wallet"))
    assert response.status_code == 200 and "learner-record.json" in response.content.decode()


@pytest.mark.django_db
def test_unknown_status_list_is_404_and_only_get_is_allowed(client, student, module):
    award = issue(student, module)
    assert (
        client.get(reverse("credentials:status_list", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
    )
    assert client.post(award.status_list.get_absolute_url()).status_code == 405
