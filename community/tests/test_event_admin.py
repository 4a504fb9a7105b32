"""The event admin: staff list and cancel events, read answers without changing them, and a
secret group's events exist in the admin only for its members and staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import RSVP, Event, Notification
from community.tests.factories import CommunityGroupFactory, UserFactory
from community.tests.pages import page

pytestmark = pytest.mark.django_db


def plan(group, title):
    start = timezone.now() + timedelta(days=2)
    return services.create_event(
        group=group,
        by=UserFactory(),
        title=title,
        format=Event.Format.ONLINE,
        online_url="https://meet.example.org/a",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )


def test_staff_cancel_events_from_the_admin_and_members_are_told(client, staff_member):
    event = plan(CommunityGroupFactory(), "Film night")
    member = UserFactory()
    services.answer_event(event=event, user=member, answer=RSVP.Answer.GOING)
    client.force_login(staff_member)

    assert "Film night" in page(client.get(reverse("admin:community_event_changelist")))
    client.post(
        reverse("admin:community_event_changelist"),
        {"action": "cancel_events", "_selected_action": [event.pk]},
    )

    assert Event.objects.get(pk=event.pk).is_cancelled
    assert Notification.objects.filter(recipient=member, event="community.event.cancelled").exists()
    rsvp = RSVP.objects.get(event=event)
    assert client.get(reverse("admin:community_rsvp_change", args=[rsvp.pk])).status_code == 200
    assert client.post(reverse("admin:community_rsvp_change", args=[rsvp.pk]), {"answer": "no"}).status_code == 403
    assert RSVP.objects.get(pk=rsvp.pk).answer == RSVP.Answer.GOING


def test_faculty_see_no_events_of_secret_groups_they_are_not_in(client, faculty):
    plan(CommunityGroupFactory(visibility="secret"), "Hidden supper")
    plan(CommunityGroupFactory(), "Public picnic")
    client.force_login(faculty)

    html = page(client.get(reverse("admin:community_event_changelist")))

    assert "Public picnic" in html
    assert "Hidden supper" not in html
