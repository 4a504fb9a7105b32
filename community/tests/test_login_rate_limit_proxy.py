"""Behind a reverse proxy, failed sign-ins are counted per client, not per proxy."""

import pytest
from django.test import Client
from django.urls import reverse

from community.tests.factories import PASSWORD, UserFactory

PROXY = "10.0.0.5"  # every request reaches the app server from the proxy's address


def sign_in(client_address: str, email: str, password: str):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return client, response


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.mark.django_db
def test_one_clients_failed_sign_ins_do_not_lock_out_another_behind_the_same_proxy(behind_one_proxy):
    attacker = "203.0.113.7"
    # Ten failures a minute per address, each for another account (the per-account limit is five).
    for n in range(10):
        _client, response = sign_in(attacker, f"nobody{n}@example.org", "wrong password")
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()

    member = UserFactory()
    client, response = sign_in("198.51.100.20", member.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_the_same_client_behind_the_proxy_is_still_limited(behind_one_proxy):
    attacker = "203.0.113.7"
    for n in range(10):
        sign_in(attacker, f"nobody{n}@example.org", "wrong password")

    member = UserFactory()
    # The proxy appends the address it saw: whatever the client forged to the left is not trusted.
    client, response = sign_in(f"192.0.2.1, {attacker}", member.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT == 0
    for n in range(10):
        sign_in(f"203.0.113.{n}", f"nobody{n}@example.org", "wrong password")
    member = UserFactory()
    client, response = sign_in("198.51.100.20", member.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
