"""A newcomer signs up, confirms by e-mail, switches to Japanese and sees the home page in Japanese."""

import re

import pytest
from django.core import mail

from tests.e2e.conftest import open_menu, screenshot


@pytest.mark.django_db(transaction=True)
def test_signup_confirm_and_switch_to_japanese(new_page):
    page = new_page()
    page.goto("/")
    open_menu(page)
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill("hana@example.org")
    page.get_by_label("Password:", exact=True).fill("a long and secret passphrase")
    page.get_by_label("Password (again):").fill("a long and secret passphrase")
    page.get_by_label("Display name").fill("Hana")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/")
    # The member's home greets them (on a phone their name in the header waits behind "Menu").
    assert "Hana" in page.get_by_role("heading", level=1).inner_text()

    open_menu(page)
    page.get_by_role("button", name="日本語").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"
    # Signed in, the home is the member's own, greeting them by name.
    assert page.get_by_role("heading", level=1).inner_text() == "おかえりなさい、Hanaさん。"
    # The page fits a 375 px phone screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "home-ja-375")

    from community.models import User

    assert User.objects.get(email="hana@example.org").language == "ja"
