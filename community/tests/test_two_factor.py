"""Two-factor sign-in: an authenticator app (TOTP) and recovery codes for everyone, required for
staff and for those who issue credentials before they reach anything else, the admin included."""

import base64
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from community.tests.factories import PASSWORD


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 with the authenticator apps' defaults: HMAC-SHA1, 30 s steps, 6 digits."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int((at or time.time()) // 30)), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return response


def wait_for_a_fresh_step():
    # A code is accepted once; if the step is about to end, the next code would be the same window's.
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)


@pytest.mark.django_db
@pytest.mark.two_factor
def test_staff_without_totp_cannot_reach_the_admin_until_they_set_it_up(client, staff_member):
    sign_in(client, staff_member)
    activate = reverse("mfa_activate_totp")
    for url in (reverse("admin:index"), reverse("home"), reverse("community:privacy")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == activate, url

    # Adding an authenticator is a sensitive change: allauth asks for the password once more.
    response = client.get(activate)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == activate
    response = client.get(activate)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page or "data:image/svg+xml" in page  # the QR code
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page) or re.search(
        r'value="([A-Z2-7]{32})"', page
    )
    assert secret, page[:2000]
    secret = secret.group(1)
    refused = client.post(activate, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert refused.status_code == 200 and not Authenticator.objects.filter(user=staff_member).exists()

    wait_for_a_fresh_step()
    response = client.post(activate, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff_member, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
@pytest.mark.two_factor
def test_issuers_key_holders_must_set_up_totp_and_students_need_not(client, faculty, student):
    sign_in(client, faculty)
    assert client.get(reverse("credentials:wallet"))["Location"] == reverse("mfa_activate_totp")
    client.logout()
    sign_in(client, student)
    assert client.get(reverse("credentials:wallet")).status_code == 200
    # Everyone may turn it on.
    assert client.get(reverse("mfa_index")).status_code == 200


@pytest.mark.django_db
@pytest.mark.two_factor
def test_the_setup_page_is_in_japanese_for_a_japanese_member(client, staff_member):
    sign_in(client, staff_member)
    page = client.get(reverse("credentials:wallet"), follow=True).content.decode()
    assert 'lang="ja"' in page and "多要素認証が必要です" in page
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'lang="ja"' in page and "認証アプリを有効化する" in page


@pytest.mark.django_db
def test_sign_in_asks_for_a_real_totp_code(client, student):
    secret = generate_totp_secret()
    TOTP.activate(student, secret)
    response = sign_in(client, student)
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session  # the password alone signs nobody in
    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert wrong.status_code == 200 and SESSION_KEY not in client.session

    wait_for_a_fresh_step()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(student.pk)


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, student):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    TOTP.activate(student, generate_totp_secret())
    code = RecoveryCodes.activate(student).get_unused_codes()[0]
    sign_in(client, student)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session[SESSION_KEY] == str(student.pk)
    client.logout()
    sign_in(client, student)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
@pytest.mark.two_factor
def test_staff_cannot_turn_off_their_authenticator(client, staff_member, settings):
    settings.MFA_REAUTHENTICATION_REQUIRED = False
    TOTP.activate(staff_member, generate_totp_secret())
    client.force_login(staff_member)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=staff_member, type=Authenticator.Type.TOTP).exists()
