"""Community journeys in Chromium: a hobby group found in Japanese, and live messages."""

import re

import pytest

from community import services
from community.models import CommunityGroup, Membership, Message, Post
from community.tests.factories import PASSWORD, CommunityGroupFactory, InterestFactory
from tests.e2e.conftest import open_menu, screenshot


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.django_db(transaction=True)
def test_student_finds_a_hobby_group_in_japanese_joins_posts_and_messages_a_member(new_page, student, other_student):
    student.language = "ja"
    student.save()
    hiking = InterestFactory(slug="hiking", name_en="Hiking", name_ja="ハイキング")
    group = CommunityGroupFactory(
        slug="tokyo-hiking",
        name_en="Tokyo hiking club",
        name_ja="東京ハイキング部",
        description_ja="週末に高尾山などを歩きます。",
        category="hobby",
        interest=hiking,
    )
    services.add_member(group=group, user=other_student, role="owner")
    CommunityGroupFactory(slug="kyoto-tea", name_en="Kyoto tea", name_ja="京都茶道部", category="hobby")

    page = new_page(locale="ja-JP")
    sign_in(page, student.email)
    open_menu(page)
    page.get_by_role("navigation", name="メイン").get_by_role("link", name="コミュニティ").click()
    page.get_by_role("heading", level=1, name="グループを探す").wait_for()
    finder = page.get_by_role("search", name="グループを探す")  # not the header's "ポータルを検索"
    finder.get_by_label("検索").fill("東京")
    finder.locator("summary").click()  # the filters sit behind "絞り込み" on a phone
    finder.get_by_label("カテゴリー").select_option("hobby")
    finder.get_by_role("button", name="検索").click()
    results = page.get_by_role("region", name=re.compile("件のグループが見つかりました"))
    results.get_by_role("link", name="東京ハイキング部").wait_for()
    assert results.get_by_role("link", name="京都茶道部").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "community-finder-ja-375")
    results.get_by_role("link", name="東京ハイキング部").click()

    page.get_by_role("button", name="グループに参加する").click()
    page.get_by_text("グループへようこそ！").wait_for()
    assert Membership.objects.filter(group=group, user=student).exists()
    page.get_by_label("投稿を書く").fill("初めまして！**土曜日**の高尾山に行きたいです。")
    page.get_by_role("button", name="投稿する").click()
    page.get_by_text("投稿を公開しました。").wait_for()
    assert page.locator(".post strong", has_text="土曜日").is_visible()
    assert Post.objects.filter(group=group, author=student).exists()
    screenshot(page, "community-group-ja-375")

    page.get_by_role("link", name="メンバーを見る").click()
    page.get_by_role("link", name=f"メッセージを送る {other_student.display_name}").or_(
        page.get_by_role("link", name=re.compile(f"メッセージ.*{other_student.display_name}"))
    ).first.click()
    page.get_by_label("メッセージ").fill("土曜日、一緒に行きませんか？")
    page.get_by_role("button", name="送信").click()
    page.locator(".chat__message", has_text="土曜日、一緒に行きませんか？").wait_for()
    assert Message.objects.filter(sender=student, conversation__participants__user=other_student).exists()
    screenshot(page, "community-conversation-ja-375")


@pytest.mark.django_db(transaction=True)
def test_message_appears_in_the_open_conversation_without_reload(new_page, student, other_student):
    conversation = services.start_conversation(sender=student, recipients=[other_student], body="Hello Lucas")
    page_a = new_page(width=1280, height=900)
    page_b = new_page()
    sign_in(page_a, student.email)
    sign_in(page_b, other_student.email)
    page_b.goto(conversation.get_absolute_url())
    page_b.locator(".chat__message", has_text="Hello Lucas").wait_for()
    page_b.evaluate("window.__marker = 'still the same page'")
    polls = []
    page_b.on("response", lambda r: polls.append(r.status) if "/poll/" in r.url else None)

    page_a.goto(conversation.get_absolute_url())
    # mentions.js turns the message field into a combobox (it suggests members after "@")
    page_a.get_by_role("combobox", name="Message").fill("Are you free for lunch? 🍜")
    page_a.get_by_role("button", name="Send").click()

    page_b.locator(".chat__message", has_text="Are you free for lunch? 🍜").wait_for(timeout=15_000)
    assert page_b.evaluate("window.__marker") == "still the same page"
    # B read it: A's open page shows the read receipt, again without reload
    page_a.get_by_text(f"Seen by {other_student.display_name}").wait_for(timeout=15_000)
    page_b.wait_for_timeout(7_000)
    assert 304 in polls, polls
    screenshot(page_a, "community-conversation-desktop")
    screenshot(page_b, "community-conversation-375")
    assert CommunityGroup.objects.count() == 0
