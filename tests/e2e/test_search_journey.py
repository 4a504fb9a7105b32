"""A member searches the whole portal from the header with the keyboard, on a phone, in
Japanese, and browses the member directory."""

import pytest

from community import services
from community.models import Profile
from community.tests.factories import PASSWORD, CommunityGroupFactory, OrganizationFactory, PostFactory, UserFactory
from tests.e2e.conftest import axe_violations, open_menu, screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_header_search_and_member_directory_on_a_phone(new_page):
    member = UserFactory(email="searcher@example.org", language="ja")
    group = CommunityGroupFactory(name_en="Tokyo hikers", name_ja="東京ハイキング部", slug="tokyo-hikers")
    services.add_member(group=group, user=member, role="owner")
    PostFactory(group=group, author=member, body="土曜日に東京駅で集合します")
    kansai = OrganizationFactory(name_en="Kansai University", name_ja="関西大学", slug="kansai")
    shared = UserFactory(display_name="Aiko Tanaka", organization=kansai)
    Profile.objects.filter(user=shared).update(share_profile=True, other_script_name="田中 愛子")
    Profile.objects.get(user=shared).save()  # writes the search tokens
    page = new_page(width=375, locale="ja-JP")
    sign_in(page, member.email, PASSWORD)

    page.goto("/")
    open_menu(page)  # on a phone the header search sits behind the "Menu" button
    search_field = page.get_by_role("search").get_by_label("ポータルを検索")
    search_field.focus()
    search_field.type("東京")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "ポータルを検索"
    assert page.get_by_role("heading", name="グループ (1)").is_visible()
    assert page.get_by_role("heading", name="グループの投稿 (1)").is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "search-ja-375")

    page.goto("/community/members/")
    card = page.locator(".member-card")
    assert card.get_by_text("田中 愛子").is_visible() and card.get_by_text("関西大学").is_visible()
    page.get_by_label("大学・組織").select_option(label="関西大学")
    page.get_by_role("button", name="検索").last.click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Aiko Tanaka").is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "member-directory-ja-375")
