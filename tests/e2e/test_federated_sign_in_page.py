"""The sign-in page offers each university's own sign-in: readable on a phone, reachable by
keyboard, and without serious accessibility problems, in English and Japanese."""

import pytest

from community.models import IdentityProvider
from community.tests.factories import OrganizationFactory
from tests.e2e.conftest import axe_violations, screenshot


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-GB", "ja-JP"])
def test_university_sign_in_buttons_on_a_phone(new_page, locale):
    for slug, name_en, name_ja in [
        ("kansai-u", "Kansai University", "関西大学"),
        ("tohoku", "Tohoku University", "東北大学"),
        ("lakeside", "Lakeside University of Applied Sciences and Technology", "レイクサイド応用科学技術大学"),
    ]:
        IdentityProvider.objects.create(
            organization=OrganizationFactory(slug=slug, name_en=name_en, name_ja=name_ja),
            protocol="oidc",
            slug=slug,
            server_url="https://idp.example.org",
            client_id="portal",
            client_secret="secret",
        )
    page = new_page(width=375, locale=locale)
    page.goto("/accounts/login/")
    label = "東北大学でログイン" if locale == "ja-JP" else "Sign in with Tohoku University"
    button = page.get_by_role("button", name=label)
    assert button.is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Keyboard: the university buttons come after the e-mail form and can be reached with Tab.
    page.locator("#id_login").focus()
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == label:
            break
    else:
        pytest.fail("the university's button cannot be reached with the keyboard")
    screenshot(page, f"sign-in-universities-{locale[:2]}-375")
