"""Through a real Celery worker: event reminders go out once, in the member's language."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community import services, tasks
from community.models import RSVP, Event, Notification, OutgoingEmail
from community.tests.factories import CommunityGroupFactory, UserFactory
from conftest import wait_for


@pytest.mark.worker
def test_reminders_sent_by_a_real_worker_twice_reach_the_member_once(celery_worker_process):
    start = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    event = services.create_event(
        group=CommunityGroupFactory(),
        by=UserFactory(),
        title="Calligraphy night",
        format=Event.Format.ONLINE,
        online_url="https://meet.example.org/shodo",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="Asia/Tokyo",
    )
    member = UserFactory(language="ja", email="shodo@example.org")
    services.answer_event(event=event, user=member, answer=RSVP.Answer.GOING)

    tasks.send_event_reminders.delay()
    tasks.send_event_reminders.delay()

    def finished():
        lines = [line for line in celery_worker_process.output().splitlines() if "send_event_reminders[" in line]
        return [line.rsplit(":", 1)[-1].strip() for line in lines if "succeeded" in line]

    results = wait_for(lambda: len(finished()) == 2 and finished(), timeout=60)
    assert sorted(results) == ["0", "1"]
    (note,) = Notification.objects.filter(recipient=member, event="community.event.reminder")
    assert "「Calligraphy night」" in note.text
    outgoing = OutgoingEmail.objects.get(to=["shodo@example.org"])
    wait_for(lambda: OutgoingEmail.objects.get(pk=outgoing.pk).status == OutgoingEmail.Status.SENT, timeout=60)
    assert RSVP.objects.get(event=event, user=member).reminded_for == start
