"""Answers to events: a capacity, a waiting list that moves up in order when a place frees
(also under two answers at once), what members are told in their own language and time zone,
and reminders sent once however often the task runs."""

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from community import services, tasks
from community.models import RSVP, AuditEvent, Event, Notification
from community.tests.factories import CommunityGroupFactory, UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")


def plan(group=None, *, capacity=None, starts_in=timedelta(days=7), **kwargs):
    group = group or CommunityGroupFactory()
    start = (timezone.now() + starts_in).replace(microsecond=0)
    fields = {
        "title": "Career fair",
        "format": Event.Format.ONLINE,
        "online_url": "https://meet.example.org/fair",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "time_zone": "Asia/Tokyo",
        "capacity": capacity,
    }
    fields.update(kwargs)
    return services.create_event(group=group, by=UserFactory(), **fields)


def answers(event):
    return dict(RSVP.objects.filter(event=event).values_list("user__email", "answer"))


@pytest.mark.django_db
def test_full_event_puts_the_next_member_on_the_waiting_list_in_order():
    event = plan(capacity=2)
    a, b, c, d = (UserFactory(email=f"{n}@example.org") for n in "abcd")
    for user in (a, b, c, d):
        services.answer_event(event=event, user=user, answer=RSVP.Answer.GOING)

    assert answers(event) == {
        "a@example.org": "going",
        "b@example.org": "going",
        "c@example.org": "waitlisted",
        "d@example.org": "waitlisted",
    }


@pytest.mark.django_db
def test_a_member_who_stops_going_frees_the_place_for_the_first_waiting_who_is_told_in_japanese():
    event = plan(capacity=1, title="Kendo demonstration")
    first = UserFactory()
    waiting = UserFactory(language="ja", time_zone="Asia/Tokyo")
    later = UserFactory()
    services.answer_event(event=event, user=first, answer=RSVP.Answer.GOING)
    services.answer_event(event=event, user=waiting, answer=RSVP.Answer.GOING)
    services.answer_event(event=event, user=later, answer=RSVP.Answer.GOING)

    services.answer_event(event=event, user=first, answer=RSVP.Answer.NO)

    assert RSVP.objects.get(event=event, user=waiting).answer == RSVP.Answer.GOING
    assert RSVP.objects.get(event=event, user=later).answer == RSVP.Answer.WAITLISTED
    note = Notification.objects.get(recipient=waiting, event="community.event.promoted")
    assert "「Kendo demonstration」に空きが出たため、参加が確定しました。" in note.text
    assert timezone.localtime(event.starts_at, TOKYO).strftime("%H:%M") in note.text
    assert not Notification.objects.filter(recipient=later, event="community.event.promoted").exists()
    assert AuditEvent.objects.filter(event="community.event.promoted", target=f"event:{event.pk}").count() == 1


@pytest.mark.django_db
def test_answering_going_again_keeps_the_place_on_the_waiting_list():
    event = plan(capacity=1)
    services.answer_event(event=event, user=UserFactory(), answer=RSVP.Answer.GOING)
    early, late = UserFactory(), UserFactory()
    services.answer_event(event=event, user=early, answer=RSVP.Answer.GOING)
    services.answer_event(event=event, user=late, answer=RSVP.Answer.GOING)
    before = RSVP.objects.get(event=event, user=early).waitlisted_at

    services.answer_event(event=event, user=early, answer=RSVP.Answer.GOING)

    assert RSVP.objects.get(event=event, user=early).waitlisted_at == before


@pytest.mark.django_db
def test_a_larger_capacity_moves_the_waiting_list_up():
    event = plan(capacity=1)
    users = [UserFactory() for _ in range(3)]
    for user in users:
        services.answer_event(event=event, user=user, answer=RSVP.Answer.GOING)

    services.update_event(event=event, by=UserFactory(), capacity=3)

    assert set(answers(event).values()) == {"going"}


@pytest.mark.django_db
def test_no_answers_to_a_cancelled_or_past_event():
    event = plan()
    services.cancel_event(event=event, by=UserFactory())
    with pytest.raises(services.EventClosed):
        services.answer_event(event=event, user=UserFactory(), answer=RSVP.Answer.GOING)
    past = plan(starts_in=timedelta(days=-2))
    with pytest.raises(services.EventClosed):
        services.answer_event(event=past, user=UserFactory(), answer=RSVP.Answer.GOING)
    assert not RSVP.objects.exists()


@pytest.mark.django_db
def test_cancelling_tells_everyone_who_answered_once():
    event = plan()
    going, maybe, no = UserFactory(), UserFactory(), UserFactory()
    services.answer_event(event=event, user=going, answer=RSVP.Answer.GOING)
    services.answer_event(event=event, user=maybe, answer=RSVP.Answer.MAYBE)
    services.answer_event(event=event, user=no, answer=RSVP.Answer.NO)

    services.cancel_event(event=event, by=UserFactory())
    services.cancel_event(event=event, by=UserFactory())

    told = Notification.objects.filter(event="community.event.cancelled")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([going.pk, maybe.pk])


@pytest.mark.django_db
def test_a_new_time_is_told_to_members_who_answered_and_clears_sent_reminders():
    event = plan(starts_in=timedelta(hours=5))
    member = UserFactory()
    services.answer_event(event=event, user=member, answer=RSVP.Answer.GOING)
    assert services.send_event_reminders() == 1

    later = event.starts_at + timedelta(hours=2)
    services.update_event(event=event, by=UserFactory(), starts_at=later, ends_at=later + timedelta(hours=1))

    assert Notification.objects.filter(recipient=member, event="community.event.changed").count() == 1
    assert services.send_event_reminders() == 1  # a reminder for the new time
    assert Event.objects.get(pk=event.pk).sequence == 1


@pytest.mark.django_db
def test_reminder_task_run_twice_reminds_each_member_once_in_their_language_and_time_zone():
    start = datetime.combine(timezone.localdate(timezone=TOKYO) + timedelta(days=1), time(17, 0), tzinfo=TOKYO)
    if start - timezone.now() > timedelta(hours=24):
        start -= timedelta(days=1)
    if start <= timezone.now():
        start += timedelta(days=1)
    event = plan(title="Open campus", starts_at=start, ends_at=start + timedelta(hours=1))
    ja = UserFactory(language="ja", time_zone="Asia/Tokyo")
    en = UserFactory(language="en", time_zone="Europe/London")
    maybe = UserFactory()
    services.answer_event(event=event, user=ja, answer=RSVP.Answer.GOING)
    services.answer_event(event=event, user=en, answer=RSVP.Answer.GOING)
    services.answer_event(event=event, user=maybe, answer=RSVP.Answer.MAYBE)

    assert tasks.send_event_reminders.delay().get() == 2
    assert tasks.send_event_reminders.delay().get() == 0

    reminders = Notification.objects.filter(event="community.event.reminder")
    assert reminders.count() == 2
    ja_text = reminders.get(recipient=ja).text
    en_text = reminders.get(recipient=en).text
    assert ja_text.startswith("リマインダー：「Open campus」は") and "17:00" in ja_text and "Asia/Tokyo" in ja_text
    london = start.astimezone(ZoneInfo("Europe/London"))
    assert en_text.startswith("Reminder: “Open campus” starts") and "Europe/London" in en_text
    assert london.strftime("%-I") in en_text or london.strftime("%H:%M") in en_text


@pytest.mark.django_db
def test_no_reminder_for_far_cancelled_or_waiting_answers():
    far = plan(starts_in=timedelta(days=3))
    cancelled = plan(starts_in=timedelta(hours=3))
    full = plan(starts_in=timedelta(hours=3), capacity=1)
    member = UserFactory()
    services.answer_event(event=far, user=member, answer=RSVP.Answer.GOING)
    services.answer_event(event=cancelled, user=member, answer=RSVP.Answer.GOING)
    services.cancel_event(event=cancelled, by=UserFactory())
    services.answer_event(event=full, user=UserFactory(), answer=RSVP.Answer.GOING)
    services.answer_event(event=full, user=member, answer=RSVP.Answer.GOING)

    assert services.send_event_reminders() == 1  # only the one going to the full event
    assert not Notification.objects.filter(recipient=member, event="community.event.reminder").exists()


@pytest.mark.django_db(transaction=True)
def test_two_members_answering_going_to_the_last_place_at_once_get_one_place():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    event = plan(capacity=1)
    racers = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    errors = []

    def answer(user):
        try:
            barrier.wait()
            services.answer_event(event=event, user=user, answer=RSVP.Answer.GOING)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(user,)) for user in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(answers(event).values()) == ["going", "waitlisted"]


@pytest.mark.django_db
def test_demo_events_are_seeded_once_with_a_full_hike_and_a_waiting_list():
    from community import demo

    demo.seed(password="jige-demo-2026")
    demo.seed(password="jige-demo-2026")

    hike = Event.objects.get(title="Takao hike: meet at the campus gate")
    assert Event.objects.filter(group=hike.group).count() == 2
    assert hike.rsvps.filter(answer=RSVP.Answer.GOING).count() == 3
    assert hike.rsvps.filter(answer=RSVP.Answer.WAITLISTED).count() == 2
    assert hike.starts_at.astimezone(TOKYO).hour == 9
