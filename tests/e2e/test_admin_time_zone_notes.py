"""The admin's time-zone note: in the admin's language, beside fields with a time, not beside dates."""

import pytest

from community.tests.factories import PASSWORD, UserFactory
from tests.e2e.conftest import sign_in


@pytest.mark.django_db(transaction=True)
def test_a_japanese_admin_abroad_reads_the_note_in_japanese_and_only_where_a_time_is_entered(browser, live_server):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True, language="ja")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="ja-JP",
        timezone_id="America/New_York",  # 13 or 14 hours behind the portal's Asia/Tokyo
        base_url=live_server.url,
    )
    try:
        page = context.new_page()
        sign_in(page, admin.email, PASSWORD)
        page.goto("/admin/courses/module/add/")
        page.wait_for_load_state("load")

        note = page.locator("#id_enrolment_opens_at_timezone_warning_helptext")
        note.wait_for()
        assert "注意：時刻は" in note.inner_text()
        assert "Note:" not in note.inner_text()
        page.wait_for_function("!document.getElementById('id_starts_on_timezone_warning_helptext')")
        assert page.locator("#id_starts_on").is_visible()
    finally:
        context.close()
