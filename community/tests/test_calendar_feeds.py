"""Calendar feeds read back by real parsers (icalendar, recurring-ical-events): the right
instants in UTC, a VTIMEZONE per zone, weekly sessions repeating across a clock change, and the
personal address that stops working once replaced."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from django.urls import reverse

from community import services
from community.models import RSVP, Event
from community.tests.factories import CommunityGroupFactory, UserFactory
from courses.models import Enrolment
from courses.tests.factories import EnrolmentFactory, ModuleFactory, SessionFactory

TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def tokyo_event(group, **kwargs):
    day = (datetime.now(TOKYO) + timedelta(days=10)).date()
    fields = {
        "title": "Tea ceremony evening",
        "format": Event.Format.ONLINE,
        "online_url": "https://meet.example.org/tea",
        "starts_at": datetime.combine(day, time(17, 0), tzinfo=TOKYO),
        "ends_at": datetime.combine(day, time(19, 0), tzinfo=TOKYO),
        "time_zone": "Asia/Tokyo",
    }
    fields.update(kwargs)
    return services.create_event(group=group, by=UserFactory(), **fields)


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events_of(cal):
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_member_feed_gives_a_tokyo_event_at_the_right_instant_with_its_time_zone(client, student):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student)
    event = tokyo_event(group)
    services.answer_event(event=event, user=student, answer=RSVP.Answer.GOING)
    token = services.feed_token_for(user=student)

    cal = parse(client.get(reverse("community:member_feed", args=[token.token])))

    vevent = events_of(cal)["Tea ceremony evening"]
    start = vevent.decoded("dtstart")
    assert vevent["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert start.astimezone(UTC).time() == time(8, 0)
    assert start.astimezone(UTC) == event.starts_at.astimezone(UTC)
    assert vevent.decoded("dtend").astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=2)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert str(vevent["status"]) == "CONFIRMED"
    assert vevent["url"].endswith(event.get_absolute_url())


def test_member_feed_leaves_out_events_not_going_and_marks_maybe_tentative(client, student):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student)
    going = tokyo_event(group, title="Going one")
    maybe = tokyo_event(group, title="Maybe one")
    declined = tokyo_event(group, title="Declined one")
    tokyo_event(group, title="Never answered")
    services.answer_event(event=going, user=student, answer=RSVP.Answer.GOING)
    services.answer_event(event=maybe, user=student, answer=RSVP.Answer.MAYBE)
    services.answer_event(event=declined, user=student, answer=RSVP.Answer.NO)

    cal = parse(client.get(reverse("community:member_feed", args=[services.feed_token_for(user=student).token])))

    found = events_of(cal)
    assert set(found) == {"Going one", "Maybe one"}
    assert str(found["Maybe one"]["status"]) == "TENTATIVE"


def test_weekly_sessions_of_the_members_module_repeat_at_local_time_across_a_clock_change(client, student):
    # Berlin leaves summer time on the last Sunday of October: 18:00 local is 16:00 UTC before, 17:00 after.
    year = date.today().year + 1
    module = ModuleFactory(
        status="published", time_zone="Europe/Berlin", starts_on=date(year, 10, 1), ends_on=date(year, 11, 30)
    )
    SessionFactory(module=module, weekday=2, starts_at=time(18, 0), duration_minutes=90, label="Seminar")
    EnrolmentFactory(module=module, learner=student, status=Enrolment.Status.ENROLLED)

    response = client.get(reverse("community:member_feed", args=[services.feed_token_for(user=student).token]))
    cal = parse(response)

    vevent = events_of(cal)[f"{module.title_en}: Seminar"]
    assert vevent["dtstart"].params["TZID"] == "Europe/Berlin"
    rule = vevent["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["UNTIL"][0].tzinfo is not None and rule["UNTIL"][0].utcoffset() == timedelta(0)
    assert "Europe/Berlin" in [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")]
    instances = recurring_ical_events.of(cal).between(date(year, 9, 1), date(year, 12, 31))
    starts = [i.decoded("dtstart").astimezone(UTC) for i in instances]
    wednesdays = [date(year, 10, 1) + timedelta(days=d) for d in range(61)]
    wednesdays = [d for d in wednesdays if d.weekday() == 2]
    assert len(starts) == len(wednesdays)
    assert starts[0] == datetime.combine(wednesdays[0], time(16, 0), tzinfo=UTC)
    assert starts[-1] == datetime.combine(wednesdays[-1], time(17, 0), tzinfo=UTC)
    assert {s.astimezone(BERLIN).time() for s in starts} == {time(18, 0)}


def test_a_new_address_makes_the_old_one_answer_404_and_turning_off_ends_both(client, student):
    old = services.feed_token_for(user=student).token
    assert client.get(reverse("community:member_feed", args=[old])).status_code == 200

    new = services.regenerate_feed_token(user=student).token

    assert new != old
    assert client.get(reverse("community:member_feed", args=[old])).status_code == 404
    assert client.get(reverse("community:member_feed", args=[new])).status_code == 200
    services.revoke_feed_token(user=student)
    assert client.get(reverse("community:member_feed", args=[new])).status_code == 404


def test_public_group_feed_is_open_and_private_group_feed_needs_a_members_address(client, student, other_student):
    public = CommunityGroupFactory(slug="open-tea")
    tokyo_event(public, title="Open tea")
    private = CommunityGroupFactory(slug="closed-tea", join_policy="request")
    tokyo_event(private, title="Closed tea")
    secret = CommunityGroupFactory(slug="secret-tea", visibility="secret")
    tokyo_event(secret, title="Secret tea")
    services.add_member(group=private, user=student)
    member_token = services.feed_token_for(user=student).token
    outsider_token = services.feed_token_for(user=other_student).token

    assert set(events_of(parse(client.get(reverse("community:group_feed", args=["open-tea"]))))) == {"Open tea"}
    assert client.get(reverse("community:group_feed", args=["closed-tea"])).status_code == 404
    assert client.get(reverse("community:group_feed", args=["secret-tea"])).status_code == 404
    feed = client.get(reverse("community:group_member_feed", args=[member_token, "closed-tea"]))
    assert set(events_of(parse(feed))) == {"Closed tea"}
    assert client.get(reverse("community:group_member_feed", args=[outsider_token, "closed-tea"])).status_code == 404
    assert client.get(reverse("community:group_member_feed", args=[outsider_token, "secret-tea"])).status_code == 404
    assert client.get(reverse("community:group_member_feed", args=["not-a-token", "closed-tea"])).status_code == 404


def test_cancelled_event_stays_in_the_feed_as_cancelled_with_a_higher_sequence(client):
    group = CommunityGroupFactory(slug="tea-club")
    event = tokyo_event(group)
    services.cancel_event(event=event, by=UserFactory())

    vevent = events_of(parse(client.get(reverse("community:group_feed", args=["tea-club"]))))["Tea ceremony evening"]

    assert str(vevent["status"]) == "CANCELLED"
    assert int(vevent["sequence"]) == 1


def test_module_feed_holds_its_sessions_for_anyone_and_an_unpublished_module_has_none(client):
    module = ModuleFactory(status="published", time_zone="Asia/Tokyo")
    SessionFactory(module=module, weekday=0, starts_at=time(17, 0), duration_minutes=60)
    draft = ModuleFactory(status="draft")

    cal = parse(client.get(reverse("courses:module_calendar", args=[module.slug])))

    (vevent,) = cal.walk("VEVENT")
    first = vevent.decoded("dtstart")
    assert first.astimezone(UTC).time() == time(8, 0)
    assert first.astimezone(TOKYO).weekday() == 0
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert client.get(reverse("courses:module_calendar", args=[draft.slug])).status_code == 404


def test_module_group_events_tab_and_group_feed_show_the_weekly_sessions(client, student):
    module = ModuleFactory(status="published", time_zone="Asia/Tokyo")
    from courses.services import ensure_module_groups

    ensure_module_groups(module=module)
    SessionFactory(module=module, weekday=3, starts_at=time(10, 0), label="Lab")
    services.add_member(group=module.group, user=student)
    client.force_login(student)

    page = client.get(reverse("community:group_events", args=[module.group.slug]))
    feed = client.get(
        reverse("community:group_member_feed", args=[services.feed_token_for(user=student).token, module.group.slug])
    )

    assert f"{module.title_en}: Lab" in page.content.decode()
    assert f"{module.title_en}: Lab" in events_of(parse(feed))


def test_the_online_link_is_in_the_personal_feed_of_who_answered_not_in_the_public_group_feed(client, student):
    group = CommunityGroupFactory(slug="link-club")
    services.add_member(group=group, user=student)
    event = tokyo_event(group)
    services.answer_event(event=event, user=student, answer=RSVP.Answer.GOING)

    public = events_of(parse(client.get(reverse("community:group_feed", args=["link-club"]))))
    personal = events_of(
        parse(client.get(reverse("community:member_feed", args=[services.feed_token_for(user=student).token])))
    )

    assert "location" not in public["Tea ceremony evening"]
    assert "https://meet.example.org/tea" in str(personal["Tea ceremony evening"]["location"])
