"""In the module admin both languages of a row are on screen at once, the main form's tabs open on
English whatever the interface language, and a text refused in one language opens that tab."""

import pytest

from community.tests.factories import PASSWORD, UserFactory
from courses.tests.factories import LearningOutcomeFactory, SessionFactory, published_module, restore_role_permissions
from tests.e2e.conftest import screenshot, sign_in


@pytest.fixture
def japanese_teacher(transactional_db):
    restore_role_permissions()
    return UserFactory(roles=["faculty"], email="sato@example.org", display_name="Prof. Sato", language="ja")


@pytest.fixture
def module(japanese_teacher):
    module = published_module(owners=[japanese_teacher], title_en="Sustainable Cities", title_ja="持続可能な都市")
    SessionFactory(module=module, label_en="Kick-off", label_ja="キックオフ")
    LearningOutcomeFactory(module=module, text_en="Compare two cities", text_ja="二つの都市を比べる")
    return module


@pytest.mark.django_db(transaction=True)
def test_both_languages_of_an_inline_row_are_visible_at_once(new_page, japanese_teacher, module):
    page = new_page(width=1280, height=900, locale="ja-JP")
    sign_in(page, japanese_teacher.email, PASSWORD)
    page.goto(f"/admin/courses/module/{module.pk}/change/")

    for row in ("#id_sessions-0-label", "#id_outcomes-0-text"):
        assert page.locator(f"{row}_en").is_visible() and page.locator(f"{row}_ja").is_visible()
    assert page.locator("#id_sessions-0-label_en").input_value() == "Kick-off"
    assert page.locator("#id_sessions-0-label_ja").input_value() == "キックオフ"
    headings = page.locator("#sessions-group thead").text_content()
    assert "English" in headings and "日本語" in headings

    # A row added in the browser has both columns too.
    page.locator("#sessions-group .add-row a").click()
    assert page.locator("#id_sessions-1-label_en").is_visible() and page.locator("#id_sessions-1-label_ja").is_visible()

    # The main form opens on English in a Japanese interface; Japanese is one tab away.
    assert page.locator("#id_title_en").is_visible() and not page.locator("#id_title_ja").is_visible()
    page.get_by_role("tab", name="ja").first.click()
    assert page.locator("#id_title_ja").is_visible()
    screenshot(page, "admin-bilingual-rows")


@pytest.mark.django_db(transaction=True)
def test_a_title_refused_in_japanese_opens_the_japanese_tab(new_page, japanese_teacher, module):
    page = new_page(width=1280, height=900, locale="ja-JP")
    sign_in(page, japanese_teacher.email, PASSWORD)
    page.goto(f"/admin/courses/module/{module.pk}/change/")
    page.get_by_role("tab", name="ja").first.click()
    page.locator("#id_title_ja").fill("")
    page.get_by_role("tab", name="en").first.click()
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()

    title_ja = page.locator("#id_title_ja")
    assert title_ja.is_visible() and not page.locator("#id_title_en").is_visible()
    tab = page.locator("li.ui-tab-has-errors a")
    assert tab.count() == 1 and tab.get_attribute("aria-selected") == "true"
    assert "日本語のタイトルを入力してください" in page.locator("#content-main").inner_text()
    # Every other group stays on English.
    assert page.locator("#id_summary_en").is_visible() and not page.locator("#id_summary_ja").is_visible()
    module.refresh_from_db()
    assert module.title_ja == "持続可能な都市"
