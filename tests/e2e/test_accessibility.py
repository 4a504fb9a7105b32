"""axe-core finds no serious or critical WCAG 2.1 AA problem on the foundation's pages, in both
languages, on a phone and on a desktop screen."""

import pytest

from community.tests.factories import PASSWORD, OrganizationFactory, UserFactory
from tests.e2e.conftest import axe_violations, screenshot, sign_in

PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/community/organizations/"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-GB", "ja-JP"])
@pytest.mark.parametrize("width", [375, 1280])
def test_public_pages_have_no_serious_accessibility_problems(new_page, locale, width):
    organization = OrganizationFactory(slug="lakeside", name_en="Lakeside University", name_ja="レイクサイド大学")
    page = new_page(width=width, locale=locale)
    for path in [*PUBLIC_PAGES, organization.get_absolute_url()]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == locale[:2]
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways"


@pytest.mark.django_db(transaction=True)
def test_member_pages_have_no_serious_accessibility_problems(new_page):
    member = UserFactory(email="a11y@example.org", language="ja")
    page = new_page()
    sign_in(page, member.email, PASSWORD)
    for path in [f"/community/members/{member.pk}/", "/community/profile/"]:
        page.goto(path)
        assert axe_violations(page) == [], path
    screenshot(page, "profile-edit-ja-375")


@pytest.mark.django_db(transaction=True)
def test_keyboard_reaches_the_skip_link_and_the_language_switch(new_page):
    page = new_page(width=1280)
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.goto("/")
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "日本語" in focused
    page.get_by_role("button", name="日本語").focus()
    # Wait for the page the form leads to: the current page is loaded already, so waiting for a
    # load state could read the English page before the Japanese one arrives.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "ja"


def test_the_audit_catches_a_broken_page(browser):
    page = browser.new_page()
    page.set_content('<html><body><img src="badge.png"><input type="text"></body></html>')
    found = {violation["id"] for violation in axe_violations(page)}
    page.close()
    assert {"image-alt", "html-has-lang"} <= found
