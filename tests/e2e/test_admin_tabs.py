"""The admin's English/Japanese tabs work offline: nothing is loaded from outside the portal."""

import pytest

from community.tests.factories import PASSWORD, UserFactory
from tests.e2e.conftest import sign_in


@pytest.mark.django_db(transaction=True)
def test_translation_tabs_switch_languages_without_any_external_request(new_page, live_server):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    page = new_page(width=1280)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, admin.email, PASSWORD)
    page.goto("/admin/community/organization/add/")

    english = page.locator("#id_name_en")
    japanese = page.locator("#id_name_ja")
    assert english.is_visible()
    assert not japanese.is_visible()
    tab = page.get_by_role("tab", name="ja").first
    tab.click()
    assert japanese.is_visible()
    assert not english.is_visible()
    tab.press("ArrowLeft")
    assert english.is_visible()
    assert page.get_by_role("tab", name="en").first.evaluate("el => el === document.activeElement")

    outside = [url for url in requested if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert outside == []
