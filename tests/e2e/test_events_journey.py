"""Events in Chromium at phone size: an owner plans an event, a member answers from the keyboard
and gets their calendar feed address, which a calendar parser reads back."""

import re
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from community import services
from community.models import RSVP, Event
from community.tests.factories import PASSWORD, CampusFactory, CommunityGroupFactory
from tests.e2e.conftest import axe_violations, open_menu, screenshot


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.django_db(transaction=True)
def test_owner_plans_an_event_and_a_member_answers_and_subscribes(new_page, live_server, faculty, student):
    campus = CampusFactory(name_en="Chiba campus", name_ja="千葉キャンパス")
    group = CommunityGroupFactory(slug="haiku-circle", name_en="Haiku circle", name_ja="俳句の会")
    services.add_member(group=group, user=faculty, role="owner")
    services.add_member(group=group, user=student)
    day = (datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=9)).date()

    owner = new_page(locale="ja-JP")
    sign_in(owner, faculty.email)
    owner.goto("/community/groups/haiku-circle/events/")
    owner.get_by_text("予定されているイベントはまだありません。").wait_for()
    owner.get_by_role("link", name="イベントを企画する").first.click()
    owner.get_by_label("タイトル").fill("Moon-viewing haiku")
    owner.get_by_label("開催形式").select_option("hybrid")
    owner.get_by_label("開始").fill(f"{day:%Y-%m-%d}T17:00")
    owner.get_by_label("終了").fill(f"{day:%Y-%m-%d}T18:30")
    owner.get_by_label("タイムゾーン").select_option("Asia/Tokyo")
    owner.get_by_label("オンライン参加用リンク").fill("https://meet.example.org/haiku")
    owner.get_by_label("キャンパス").select_option(str(campus.pk))
    owner.get_by_label("教室").fill("A-101")
    owner.get_by_label("定員").fill("1")
    assert owner.evaluate("document.documentElement.scrollWidth") <= 375
    owner.get_by_role("button", name="保存").click()
    owner.get_by_text("イベントを作成しました。").wait_for()
    event = Event.objects.get(title="Moon-viewing haiku")
    assert event.starts_at.astimezone(UTC).hour == 8

    member = new_page()
    sign_in(member, student.email)
    member.goto(event.get_absolute_url())
    going = member.get_by_role("button", name="Going", exact=True)
    going.focus()
    member.keyboard.press("Enter")
    member.get_by_text("Your answer has been saved.").wait_for()
    assert RSVP.objects.get(event=event, user=student).answer == RSVP.Answer.GOING
    assert member.get_by_role("button", name="Going", exact=True).get_attribute("aria-pressed") == "true"
    assert member.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(member) == []
    screenshot(member, "event-detail-375")

    open_menu(member)  # on a phone the user menu sits behind the "Menu" button
    member.locator(".user-menu summary", has_text="Mai Student").click()
    member.get_by_role("link", name="My events").click()
    member.get_by_role("link", name="Moon-viewing haiku").wait_for()
    member.get_by_role("button", name="Get my calendar feed address").click()
    address = member.get_by_label(re.compile("Your calendar feed address")).input_value()
    assert address.startswith(live_server.url)

    with urllib.request.urlopen(address) as response:  # noqa: S310 - the test server's own address
        cal = icalendar.Calendar.from_ical(response.read())
    (vevent,) = cal.walk("VEVENT")
    assert vevent.decoded("dtstart").astimezone(UTC) == event.starts_at
    assert "Chiba campus, A-101" in str(vevent["location"])
