"""Event pages: who sees and plans what, the form in the organisers' time zone, answering from
the page, the member's events with their feed address, and query budgets at 3 and 30 events."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import RSVP, AuditEvent, CalendarToken, Event
from community.tests.factories import CampusFactory, CommunityGroupFactory, UserFactory

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def plan(group, n=0, **kwargs):
    start = (timezone.now() + timedelta(days=3 + n)).replace(microsecond=0)
    fields = {
        "title": f"Event {n}",
        "format": Event.Format.ONLINE,
        "online_url": "https://meet.example.org/x",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "capacity": 5,
    }
    fields.update(kwargs)
    return services.create_event(group=group, by=UserFactory(), **fields)


def form_data(**overrides):
    day = (datetime.now(TOKYO) + timedelta(days=14)).date()
    data = {
        "title": "Haiku workshop",
        "description": "Bring a pen.",
        "format": "hybrid",
        "starts_at": f"{day:%Y-%m-%d}T17:00",
        "ends_at": f"{day:%Y-%m-%d}T18:30",
        "time_zone": "Asia/Tokyo",
        "online_url": "https://meet.example.org/haiku",
        "campus": "",
        "room": "B201",
        "capacity": "12",
    }
    data.update(overrides)
    return data


# -- who sees what ---------------------------------------------------------------------------
def test_secret_group_events_do_not_exist_for_non_members(client, student, other_student):
    group = CommunityGroupFactory(visibility="secret", join_policy="invite")
    services.add_member(group=group, user=student)
    event = plan(group, title="Secret supper")
    services.answer_event(event=event, user=student, answer=RSVP.Answer.GOING)
    client.force_login(other_student)

    urls = [
        reverse("community:group_events", args=[group.slug]),
        reverse("community:event_detail", args=[group.slug, event.pk]),
        reverse("community:event_create", args=[group.slug]),
        reverse("community:event_edit", args=[group.slug, event.pk]),
        reverse("community:event_cancel", args=[group.slug, event.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("community:event_answer", args=[group.slug, event.pk]), {"answer": "going"}).status_code
        == 404
    )
    assert "Secret supper" not in client.get(reverse("community:my_events")).content.decode()
    assert not RSVP.objects.filter(user=other_student).exists()

    client.force_login(student)
    assert "Secret supper" in client.get(reverse("community:group_events", args=[group.slug])).content.decode()
    assert "Secret supper" in client.get(reverse("community:my_events")).content.decode()


def test_private_group_events_are_for_members_and_open_group_events_for_everyone(client, student):
    private = CommunityGroupFactory(join_policy="request")
    private_event = plan(private)
    public = CommunityGroupFactory()
    public_event = plan(public, title="Open day")
    client.force_login(student)

    assert client.get(reverse("community:group_events", args=[private.slug])).status_code == 404
    assert client.get(reverse("community:event_detail", args=[private.slug, private_event.pk])).status_code == 404
    page = client.get(reverse("community:event_detail", args=[public.slug, public_event.pk]))
    assert page.status_code == 200 and "Open day" in page.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    group = CommunityGroupFactory()
    event = plan(group)
    for url in (
        reverse("community:group_events", args=[group.slug]),
        reverse("community:event_detail", args=[group.slug, event.pk]),
        reverse("community:my_events"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in (
        reverse("community:calendar_token"),
        reverse("community:event_answer", args=[group.slug, event.pk]),
    ):
        response = client.post(url, {"action": "regenerate", "answer": "going"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not RSVP.objects.exists() and not CalendarToken.objects.exists()


def test_only_owners_admins_and_staff_plan_edit_and_cancel(client, student, staff_member):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student)
    event = plan(group)
    client.force_login(student)
    assert client.get(reverse("community:event_create", args=[group.slug])).status_code == 403
    assert client.post(reverse("community:event_create", args=[group.slug]), form_data()).status_code == 403
    assert client.post(reverse("community:event_cancel", args=[group.slug, event.pk])).status_code == 403
    assert "Plan an event" not in client.get(reverse("community:group_events", args=[group.slug])).content.decode()

    client.force_login(staff_member)
    assert client.get(reverse("community:event_edit", args=[group.slug, event.pk])).status_code == 200


def test_module_faculty_plan_events_in_their_modules_group(client, faculty):
    from courses.tests.factories import published_module

    module = published_module(owners=[faculty])
    client.force_login(faculty)

    response = client.post(reverse("community:event_create", args=[module.group.slug]), form_data(format="online"))

    event = Event.objects.get(group=module.group)
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()


# -- the form ------------------------------------------------------------------------------
def test_times_are_read_in_the_events_zone_not_the_organisers(client, student):
    campus = CampusFactory()
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student, role="owner")
    student.time_zone = "America/New_York"
    student.save()
    client.force_login(student)

    response = client.post(reverse("community:event_create", args=[group.slug]), form_data(campus=campus.pk))

    assert response.status_code == 302
    event = Event.objects.get(title="Haiku workshop")
    assert event.starts_at.astimezone(UTC).time() == time(8, 0)
    assert event.ends_at - event.starts_at == timedelta(minutes=90)
    assert AuditEvent.objects.filter(event="community.event.created", target=f"event:{event.pk}").exists()
    edit = client.get(reverse("community:event_edit", args=[group.slug, event.pk])).content.decode()
    assert 'value="' + event.starts_at.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M") + '"' in edit


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2030-01-01T10:00", "starts_at": "2030-01-01T11:00"}, "ends_at", "must end after it starts"),
        ({"online_url": ""}, "online_url", "link for joining online"),
        ({}, "campus", "Choose the campus"),
        ({"capacity": "0"}, "capacity", "at least one place"),
        ({"starts_at": "not a date"}, "starts_at", "Enter a valid date/time"),
        (
            {"time_zone": "Europe/Berlin", "starts_at": "2030-03-31T02:30", "ends_at": "2030-03-31T04:00"},
            "starts_at",
            "does not exist in the chosen time zone",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(client, student, overrides, field, message):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student, role="admin")
    client.force_login(student)

    response = client.post(reverse("community:event_create", args=[group.slug]), form_data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert not Event.objects.exists()


def test_the_form_refuses_in_japanese(client, student):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student, role="admin")
    student.language = "ja"
    student.save()
    client.force_login(student)

    response = client.post(reverse("community:event_create", args=[group.slug]), form_data(online_url=""))

    assert "オンライン参加用のリンクを入力してください。" in response.content.decode()


# -- answering and the feed address ----------------------------------------------------------
def test_answering_on_the_page_and_joining_the_waiting_list(client, student, other_student):
    group = CommunityGroupFactory()
    event = plan(group, capacity=1)
    client.force_login(student)
    client.post(reverse("community:event_answer", args=[group.slug, event.pk]), {"answer": "going"})
    client.force_login(other_student)

    response = client.post(
        reverse("community:event_answer", args=[group.slug, event.pk]), {"answer": "going"}, follow=True
    )

    assert "you are on the waiting list" in response.content.decode()
    assert "You are number 1 on the waiting list." in response.content.decode()
    bad = client.post(
        reverse("community:event_answer", args=[group.slug, event.pk]), {"answer": "perhaps"}, follow=True
    )
    assert "Choose going, maybe or not going." in bad.content.decode()
    assert RSVP.objects.get(user=other_student).answer == RSVP.Answer.WAITLISTED


def test_cancelling_asks_first(client, student):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student, role="owner")
    event = plan(group, title="Picnic")
    client.force_login(student)

    ask = client.get(reverse("community:event_cancel", args=[group.slug, event.pk]))
    assert "Cancel “Picnic”?" in ask.content.decode()
    assert Event.objects.get(pk=event.pk).cancelled_at is None
    client.post(reverse("community:event_cancel", args=[group.slug, event.pk]))
    assert Event.objects.get(pk=event.pk).cancelled_at is not None


def test_my_events_makes_renews_and_turns_off_the_feed_address(client, student):
    client.force_login(student)
    page = client.get(reverse("community:my_events")).content.decode()
    assert "You have not answered any upcoming event." in page
    assert "Get my calendar feed address" in page

    client.post(reverse("community:calendar_token"), {"action": "regenerate"})
    first = CalendarToken.objects.get(user=student).token
    assert reverse("community:member_feed", args=[first]) in client.get(reverse("community:my_events")).content.decode()
    client.post(reverse("community:calendar_token"), {"action": "regenerate"})
    second = CalendarToken.objects.get(user=student).token
    assert second != first
    assert client.get(reverse("community:member_feed", args=[first])).status_code == 404
    client.post(reverse("community:calendar_token"), {"action": "revoke"})
    assert not CalendarToken.objects.filter(user=student).exists()
    assert client.get(reverse("community:member_feed", args=[second])).status_code == 404
    assert client.get(reverse("community:calendar_token")).status_code == 405


def test_event_pages_in_japanese(client, student):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student)
    event = plan(group)
    student.language = "ja"
    student.save()
    client.force_login(student)

    assert (
        "参加しますか？" in client.get(reverse("community:event_detail", args=[group.slug, event.pk])).content.decode()
    )
    assert "今後のイベント" in client.get(reverse("community:group_events", args=[group.slug])).content.decode()
    assert "あなたのカレンダーフィード" in client.get(reverse("community:my_events")).content.decode()


# -- pagination and query budgets -----------------------------------------------------------
def test_events_tab_pages_and_past_events(client, student):
    group = CommunityGroupFactory()
    for n in range(25):
        plan(group, n)
    old = plan(group, 0, title="Last year", starts_at=timezone.now() - timedelta(days=300))
    old.ends_at = old.starts_at + timedelta(hours=1)
    Event.objects.filter(pk=old.pk).update(ends_at=old.starts_at + timedelta(hours=1))
    client.force_login(student)

    first = client.get(reverse("community:group_events", args=[group.slug]))
    second = client.get(reverse("community:group_events", args=[group.slug]) + "?page=2")
    past = client.get(reverse("community:group_events", args=[group.slug]) + "?when=past")

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert [e.title for e in past.context["page"].object_list] == ["Last year"]


def fill(group, member, count):
    for n in range(count):
        event = plan(group, n)
        services.answer_event(event=event, user=member, answer=RSVP.Answer.GOING if n % 2 else RSVP.Answer.MAYBE)
        services.answer_event(event=event, user=UserFactory(), answer=RSVP.Answer.GOING)


@pytest.mark.parametrize("count", [3, 30])
def test_events_tab_query_budget(client, student, django_assert_max_num_queries, count):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student)
    fill(group, student, count)
    client.force_login(student)
    url = reverse("community:group_events", args=[group.slug])
    client.get(url)

    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_my_events_query_budget(client, student, django_assert_max_num_queries, count):
    group = CommunityGroupFactory()
    services.add_member(group=group, user=student)
    fill(group, student, count)
    services.feed_token_for(user=student)
    client.force_login(student)
    url = reverse("community:my_events")
    client.get(url)

    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_member_feed_query_budget(client, student, django_assert_max_num_queries, count):
    from courses.tests.factories import EnrolmentFactory, ModuleFactory, SessionFactory

    group = CommunityGroupFactory()
    services.add_member(group=group, user=student)
    fill(group, student, count)
    for _ in range(count // 3 or 1):
        module = ModuleFactory(status="published")
        SessionFactory(module=module)
        EnrolmentFactory(module=module, learner=student)
    token = services.feed_token_for(user=student).token

    with django_assert_max_num_queries(6):
        assert client.get(reverse("community:member_feed", args=[token])).status_code == 200
