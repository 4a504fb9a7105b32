"""One date and time style per language on every page, in the viewer's time zone."""

from datetime import UTC, datetime, time

import pytest
from django.urls import reverse

from community import services
from community.models import Message, Notification
from courses.models import Module
from courses.tests.factories import SessionFactory, published_module

# 20:00 UTC on 2 December is 05:00 on 3 December in Tokyo and 15:00 on 2 December in New York.
MOMENT = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
STYLES = {
    ("en", "Asia/Tokyo"): "Dec. 3, 2026, 05:00",
    ("ja", "Asia/Tokyo"): "2026年12月3日 05:00",
    ("en", "America/New_York"): "Dec. 2, 2026, 15:00",
}


def chat_and_notification_pages(client, reader, writer):
    conversation = services.start_conversation(sender=writer, recipients=[reader], body="See you on Sunday")
    Message.objects.filter(conversation=conversation).update(created_at=MOMENT)
    Notification.objects.create(recipient=reader, event="community.test", text="Hello")
    Notification.objects.filter(recipient=reader).update(created_at=MOMENT)
    client.force_login(reader)
    return [
        client.get(conversation.get_absolute_url()).content.decode(),
        client.get(reverse("community:notification_list")).content.decode(),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "zone"), list(STYLES))
def test_chat_and_lists_show_one_date_style_in_the_readers_zone(client, student, other_student, language, zone):
    student.language, student.time_zone = language, zone
    student.save()
    for html in chat_and_notification_pages(client, student, other_student):
        assert STYLES[language, zone] in html
        assert "12/03/2026" not in html and "12/02/2026" not in html and "a.m." not in html and "p.m." not in html


@pytest.mark.django_db
def test_japanese_dates_have_a_space_before_the_time(client, student, other_student):
    student.language = "ja"
    student.save()
    for html in chat_and_notification_pages(client, student, other_student):
        assert "2026年12月3日05:00" not in html and "2026年12月3日5:00" not in html


@pytest.mark.django_db
def test_visitors_schedule_is_in_their_own_time_zone(client):
    # Monday 17:00–18:30 in Tokyo (UTC+9) is Monday 03:00–04:30 in New York in January (UTC−5).
    module = published_module(time_zone="Asia/Tokyo")
    Module.objects.filter(pk=module.pk).update(starts_on="2027-01-04")
    SessionFactory(module=module, weekday=0, starts_at=time(17, 0), duration_minutes=90, label_en="Seminar")
    client.cookies["jige_tz"] = "America/New_York"
    html = client.get(module.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Times are shown in your time zone (America/New_York)." in html
    assert ">03:00</time>–04:30" in html
    assert "17:00" not in html and "18:30" not in html
