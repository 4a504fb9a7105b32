"""E-mails name the portal and its address from the settings, never the Sites framework's example.com."""

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from community.sites import sync_site

PASSWORD = "a-long-enough-password-2026"


def sign_up(client, email, language="en"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "display_name": "Newcomer"},
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_signup_mail_greets_from_the_portal_not_example_com(client, language, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, f"newcomer-{language}@example.org", language)
    message = mail.outbox[-1]
    text = message.subject + message.body
    assert "example.com" not in text
    assert "JIGE Portal" in text
    assert "127.0.0.1:8000" in message.body  # the confirmation link is on SITE_URL


@pytest.mark.django_db
def test_the_site_row_follows_site_url_and_site_name(settings):
    settings.SITE_URL = "https://portal.jige.example"
    settings.SITE_NAME = "JIGE ポータル"
    sync_site()
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("portal.jige.example", "JIGE ポータル")
