"""The verify API's rate limit counts clients, not the reverse proxy in front of the portal:
TRUSTED_PROXY_COUNT says how many entries of X-Forwarded-For were written by our own proxies."""

import pytest
from django.urls import reverse

PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _two_calls_a_minute(settings):
    settings.CREDENTIALS_VERIFY_RATE = 2


def call(client, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("credentials:verify_api"), "{}", content_type="application/json", **extra)


def use_up_the_allowance(client, forwarded=None, remote=PROXY):
    for _ in range(2):
        assert call(client, forwarded, remote).status_code != 429


def assert_rate_limited(response):
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"


@pytest.mark.django_db
def test_behind_one_trusted_proxy_each_client_gets_its_own_allowance(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    use_up_the_allowance(client, "203.0.113.7")
    assert_rate_limited(call(client, "203.0.113.7"))
    assert call(client, "198.51.100.9").status_code != 429


@pytest.mark.django_db
def test_without_trusted_proxies_clients_behind_one_proxy_share_the_allowance(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    use_up_the_allowance(client, "203.0.113.7")
    assert_rate_limited(call(client, "198.51.100.9"))
    assert call(client, "198.51.100.9", remote="10.0.0.2").status_code != 429


@pytest.mark.django_db
def test_prepending_fake_addresses_to_the_header_does_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    use_up_the_allowance(client, "203.0.113.7")
    for forged in ("192.0.2.1, 203.0.113.7", "192.0.2.2,192.0.2.3, 203.0.113.7", ", 203.0.113.7"):
        assert_rate_limited(call(client, forged))


@pytest.mark.django_db
def test_with_two_trusted_proxies_the_client_is_the_second_entry_from_the_right(client, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    use_up_the_allowance(client, "192.0.2.1, 203.0.113.7, 10.1.0.1")
    assert_rate_limited(call(client, "192.0.2.99, 203.0.113.7, 10.1.0.2"))
    assert call(client, "203.0.113.8, 10.1.0.1").status_code != 429


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "", "203.0.113.7"])
def test_a_missing_or_short_header_counts_the_remote_address(client, settings, header):
    settings.TRUSTED_PROXY_COUNT = 2
    use_up_the_allowance(client, header)
    assert_rate_limited(call(client, header))
    assert_rate_limited(call(client, "198.51.100.9"))  # one entry is still too few: the same REMOTE_ADDR
    assert call(client, header, remote="10.0.0.2").status_code != 429
