"""Messages in a conversation are rendered once and shared by its participants
(community/fragments.py), yet the sender sees their own messages without a report form, each
participant's forms carry their own CSRF token, and a hidden message or a new name shows at once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community import services
from community.models import Message, Report
from community.tests.pages import templates_rendered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]
MESSAGE = "community/_message.html"


def message_html(html: str, message) -> str:
    return re.search(rf'<li class="chat__message[^"]*" id="message-{message.pk}".*?</li>\n', html, re.S).group(0)


@pytest.fixture
def chat(student, other_student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        conversation = services.start_conversation(sender=student, recipients=[other_student], body="Hello Lucas!")
        services.send_message(conversation=conversation, sender=other_student, body="Hi Mai, see you **at six**")
    return conversation


@pytest.fixture
def clients(student, other_student):
    mai, lucas = Client(), Client()
    mai.force_login(student)
    lucas.force_login(other_student)
    return mai, lucas


def test_the_second_visit_reuses_the_messages_the_first_rendered(chat, clients):
    mai, _lucas = clients
    first = mai.get(chat.get_absolute_url())
    assert templates_rendered(first, MESSAGE) == 2
    again = mai.get(chat.get_absolute_url())
    assert templates_rendered(again, MESSAGE) == 0
    assert "see you <strong>at six</strong>" in again.content.decode()


def test_each_participant_sees_their_own_messages_without_a_report_form(chat, clients):
    mai, lucas = clients
    hello, reply = Message.objects.order_by("pk")
    mine = mai.get(chat.get_absolute_url()).content.decode()
    theirs = lucas.get(chat.get_absolute_url()).content.decode()
    assert "chat__message--own" in message_html(mine, hello) and "Report" not in message_html(mine, hello)
    assert "chat__message--own" not in message_html(mine, reply) and "Report" in message_html(mine, reply)
    assert "chat__message--own" in message_html(theirs, reply) and "Report" not in message_html(theirs, reply)
    assert "Report" in message_html(theirs, hello)


def test_a_shared_message_carries_each_participants_own_csrf_token(chat, student, other_student):
    hello = Message.objects.order_by("pk").first()
    warm = Client()
    warm.force_login(other_student)
    warm.get(chat.get_absolute_url())  # the fragments are in the cache now, rendered for Lucas
    lucas = Client(enforce_csrf_checks=True)
    lucas.force_login(other_student)
    response = lucas.get(chat.get_absolute_url())
    assert templates_rendered(response, MESSAGE) == 0
    html = message_html(response.content.decode(), hello)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert "pagecache" not in token
    report = reverse("community:message_report", args=[chat.pk, hello.pk])
    assert lucas.post(report, {"reason": "Spam", "csrfmiddlewaretoken": token}).status_code == 302
    assert Report.objects.filter(message=hello, reporter=other_student).exists()


def test_the_poll_sends_shared_messages_with_the_pollers_token(chat, clients, student, other_student):
    mai, lucas = clients
    mai.get(chat.get_absolute_url())
    poll = lucas.get(reverse("community:conversation_poll", args=[chat.pk]), {"after": 0}).json()
    assert poll["count"] == 2
    assert "pagecache" not in poll["html"]
    assert 'name="csrfmiddlewaretoken"' in poll["html"]


def test_a_hidden_message_and_a_new_name_show_at_once(chat, clients, student, other_student, staff_member):
    _mai, lucas = clients
    hello = Message.objects.order_by("pk").first()
    assert "Hello Lucas!" in lucas.get(chat.get_absolute_url()).content.decode()
    report = services.report_content(reporter=other_student, reason="Spam", message=hello)
    services.moderate_report(report=report, by=staff_member, hide=True)
    student.display_name = "Mai Tanaka-Sato"
    student.save(update_fields=["display_name"])
    html = lucas.get(chat.get_absolute_url()).content.decode()
    assert "Hello Lucas!" not in message_html(html, hello)
    assert "hidden by a moderator" in message_html(html, hello)
    assert "Mai Tanaka-Sato" in message_html(html, hello)


def fragment_reads(redis_commands) -> list[tuple[str, list[str]]]:
    """The fragment keys read from Redis, without the cache's prefix: (command, kinds of key)."""
    reads = []
    for name, keys in redis_commands:
        kinds = [key.split(":", 2)[-1].rsplit(":", 1)[0] for key in keys if ":fragment:message" in key]
        if name in ("GET", "MGET") and kinds:
            reads.append((name, kinds))
    return reads


def test_a_page_of_messages_seen_before_is_one_read(chat, clients, redis_commands):
    mai, _lucas = clients
    mai.get(chat.get_absolute_url())
    redis_commands.clear()
    again = mai.get(chat.get_absolute_url())
    assert templates_rendered(again, MESSAGE) == 0
    assert fragment_reads(redis_commands) == [("GET", ["fragment:message:list"])]
    assert "see you <strong>at six</strong>" in again.content.decode()


def test_a_new_message_renders_alone_and_the_others_come_from_their_own_fragments(
    chat, clients, student, redis_commands, django_capture_on_commit_callbacks
):
    mai, _lucas = clients
    mai.get(chat.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(conversation=chat, sender=student, body="One more thing")
    redis_commands.clear()
    response = mai.get(chat.get_absolute_url())
    html = response.content.decode()
    assert templates_rendered(response, MESSAGE) == 1
    # The page's list is new: its messages are read one by one, and only the new one is missing.
    assert fragment_reads(redis_commands) == [
        ("GET", ["fragment:message:list"]),
        ("MGET", ["fragment:message"] * 3),
    ]
    assert "Hello Lucas!" in html and "see you <strong>at six</strong>" in html and "One more thing" in html
    assert html.index("Hello Lucas!") < html.index("One more thing")
