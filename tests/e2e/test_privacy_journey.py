"""A member downloads their data at phone size; staff set up two-factor sign-in in Japanese."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from community.tests.factories import PASSWORD, UserFactory
from community.tests.test_two_factor import totp_code, wait_for_a_fresh_step
from tests.e2e.conftest import axe_violations, open_menu, screenshot, sign_in


def _roles():
    from django.contrib.auth.models import Group

    from community.models import Role

    # Earlier transactional tests flush the tables, which drops the role groups made by a data migration.
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.mark.django_db(transaction=True)
def test_member_makes_and_downloads_their_archive_on_a_phone(new_page):
    _roles()
    member = UserFactory(roles=["student"], email="aiko@example.org", display_name="Aiko T.")
    page = new_page()
    sign_in(page, member.email, PASSWORD)
    open_menu(page)  # on a phone the user menu sits behind the "Menu" button
    page.locator("summary", has_text="Aiko T.").click()
    page.get_by_role("link", name="Your data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your data"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "privacy-index-375")

    page.get_by_role("button", name="Make an archive of my data").click()
    page.wait_for_url(re.compile(r"/community/privacy/exports/\d+/$"))
    # Tasks run in-process here, so the archive is ready by the time the page shows.
    assert page.locator("progress").get_attribute("value") == "100"
    assert axe_violations(page) == []
    screenshot(page, "privacy-export-375")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the archive").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert json.loads(archive.read("profile.json"))["account"]["display_name"] == "Aiko T."


@pytest.mark.django_db(transaction=True)
@pytest.mark.two_factor
def test_staff_are_sent_to_set_up_an_authenticator_app_in_japanese(new_page):
    from allauth.mfa.models import Authenticator

    _roles()
    staff = UserFactory(roles=["staff"], email="kato@example.org", display_name="Kato", language="ja")
    page = new_page(locale="ja-JP")
    sign_in(page, staff.email, PASSWORD)
    page.goto("/admin/")
    # First the password once more (a sensitive change), then the authenticator app.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert page.locator("html").get_attribute("lang") == "ja"
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert "認証アプリを有効化する" in page.get_by_role("heading", level=1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "two-factor-activate-ja-375")
    secret = page.locator("#authenticator_secret").input_value()
    wait_for_a_fresh_step()
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    screenshot(page, "two-factor-after-ja-375")
    page.goto("/admin/")
    assert page.url.endswith("/admin/")
