"""Mentions in Chromium at phone size: "@やま" offers 山本 花子, chosen with the keyboard, posted."""

import pytest

from community import services
from community.models import Post
from community.tests.factories import PASSWORD, CommunityGroupFactory, UserFactory
from tests.e2e.conftest import axe_violations, screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_member_mentions_a_member_found_by_the_reading_of_her_name(new_page, student, other_student):
    student.language = "ja"
    student.save()
    yamamoto = UserFactory(display_name="山本 花子")
    yamamoto.profile.name_reading = "やまもと はなこ"
    yamamoto.profile.save()
    group = CommunityGroupFactory(slug="tokyo-hiking", name_en="Tokyo hiking club", name_ja="東京ハイキング部")
    for user in (student, other_student, yamamoto):
        services.add_member(group=group, user=user)

    page = new_page(locale="ja-JP")
    sign_in(page, student.email, PASSWORD)
    page.goto(group.get_absolute_url())
    box = page.get_by_role("combobox", name="投稿を書く")
    box.click()
    box.press_sequentially("地図は@やま")
    options = page.get_by_role("listbox", name="メンションできるメンバー").get_by_role("option")
    options.first.wait_for()
    assert options.count() == 1 and options.first.inner_text() == "山本 花子"
    assert page.get_by_role("status").filter(has_text="1人のメンバーが見つかりました").count() == 1
    assert box.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    screenshot(page, "mentions-offered-ja-375")
    box.press("ArrowDown")  # one option: stays on it
    box.press("Enter")
    assert box.input_value() == "地図は@山本 花子 "
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("さんにお願いします。")
    page.get_by_role("button", name="投稿する").click()
    page.get_by_text("投稿を公開しました。").wait_for()

    post = Post.objects.get(group=group, author=student)
    assert post.body == f"地図は@[{yamamoto.pk}] さんにお願いします。"
    link = page.locator(".post a.mention").first
    assert link.inner_text() == "@山本 花子"
    assert link.get_attribute("href") == yamamoto.get_absolute_url()
    # Escape closes the list, and the text typed stays as it was.
    box = page.get_by_role("combobox", name="投稿を書く")
    box.press_sequentially("@Lu")
    page.get_by_role("option", name="Lucas Other").wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and box.input_value() == "@Lu"
