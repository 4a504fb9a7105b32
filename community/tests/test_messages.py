"""Conversations: sending, the conditional poll (304 at zero SQL), receipts, blocks, reports."""

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from community import pagecache, services
from community.models import Conversation, Message, Participant, Report
from community.tests.factories import UserFactory


@pytest.fixture
def conversation(db, student, other_student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.start_conversation(sender=student, recipients=[other_student], body="Hello Lucas!")


def poll(client, conversation, etag, after=0):
    return client.get(
        reverse("community:conversation_poll", args=[conversation.pk]),
        {"after": after},
        HTTP_IF_NONE_MATCH=f'"{etag}"',
    )


@pytest.mark.django_db
def test_member_starts_a_conversation_from_a_profile(client, student, other_student):
    client.force_login(student)
    profile = client.get(reverse("community:profile", args=[other_student.pk])).content.decode()
    assert reverse("community:conversation_start", args=[other_student.pk]) in profile
    response = client.post(reverse("community:conversation_start", args=[other_student.pk]), {"body": "Hi **Lucas**"})
    conversation = Conversation.objects.get()
    assert response.url == conversation.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Hi <strong>Lucas</strong>" in page
    # writing again reuses the one-to-one conversation
    client.post(reverse("community:conversation_start", args=[other_student.pk]), {"body": "Again"})
    assert Conversation.objects.count() == 1 and Message.objects.count() == 2


@pytest.mark.django_db
def test_unchanged_poll_answers_304_without_any_sql(client, other_student, conversation, django_assert_num_queries):
    client.force_login(other_student)
    page = client.get(conversation.get_absolute_url())
    version = page.context["version"]
    with django_assert_num_queries(0):
        response = poll(client, conversation, version)
    assert response.status_code == 304


def _seconds_left(key) -> int:
    return cache._cache.get_client(key).ttl(cache.make_key(key))


@pytest.mark.django_db
def test_opening_renews_a_poll_grant_past_half_its_time_and_keeps_a_recent_one(
    client, other_student, conversation, page_cache_off
):
    client.force_login(other_student)
    key = services.messaging.access_key(conversation.pk, other_student.pk)
    version = client.get(conversation.get_absolute_url()).context["version"]
    granted = cache.get(key)
    assert granted > time.time() - 60 and _seconds_left(key) > services.messaging.ACCESS_TTL - 60
    cache.set(key, granted - 100, 1000)  # recent: left as it is
    assert client.get(conversation.get_absolute_url()).context["version"] == version
    assert cache.get(key) == granted - 100
    old = int(time.time() - services.messaging.ACCESS_TTL * 0.6)
    cache.set(key, old, 1000)  # older than half its time: granted anew, for the whole time
    client.get(conversation.get_absolute_url())
    assert cache.get(key) > old and _seconds_left(key) > services.messaging.ACCESS_TTL - 60
    assert poll(client, conversation, version).status_code == 304


@pytest.mark.django_db
def test_poll_returns_new_messages_after_a_change(
    client, student, other_student, conversation, django_capture_on_commit_callbacks
):
    client.force_login(other_student)
    page = client.get(conversation.get_absolute_url())
    version, last_id = page.context["version"], page.context["last_id"]
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(conversation=conversation, sender=student, body="Are you coming <b>tonight</b>?")
    response = poll(client, conversation, version, after=last_id)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert "Are you coming &lt;b&gt;tonight&lt;/b&gt;?" in data["html"]
    new_version = response["ETag"].strip('"')
    assert new_version != version
    # the poll marked it read: the sender sees the receipt
    seat = Participant.objects.get(conversation=conversation, user=other_student)
    assert seat.last_read_at == Conversation.objects.get().last_message_at
    client.force_login(student)
    assert "Seen by Lucas Other" in client.get(conversation.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_outsiders_cannot_read_or_poll_a_conversation(client, conversation):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(conversation.get_absolute_url()).status_code == 404
    assert poll(client, conversation, "1").status_code == 404
    assert client.post(reverse("community:message_send", args=[conversation.pk]), {"body": "hi"}).status_code == 404
    client.logout()
    assert poll(client, conversation, "1").status_code == 403


@pytest.mark.django_db
def test_leaving_ends_access_and_the_poll_fast_path(client, other_student, conversation):
    client.force_login(other_student)
    version = client.get(conversation.get_absolute_url()).context["version"]
    assert poll(client, conversation, version).status_code == 304
    client.post(reverse("community:conversation_leave", args=[conversation.pk]))
    assert poll(client, conversation, version).status_code == 404


@pytest.mark.django_db
def test_blocked_member_cannot_message(client, student, other_student, conversation):
    client.force_login(other_student)
    client.post(reverse("community:member_block", args=[student.pk]), {"action": "block"})
    client.force_login(student)
    response = client.post(reverse("community:message_send", args=[conversation.pk]), {"body": "Still there?"})
    assert response.status_code == 400
    assert "You cannot send messages to this conversation." in response.content.decode()
    response = client.post(reverse("community:conversation_start", args=[other_student.pk]), {"body": "Hello?"})
    assert "This member does not accept messages from you." in response.content.decode()
    assert Message.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "language", "error"),
    [
        ("   ", "en", "Write something first."),
        ("x" * 10_001, "en", "This is too long: at most 10,000 characters"),
        ("   ", "ja", "何か書いてください。"),
        ("x" * 10_001, "ja", "長すぎます"),
    ],
)
def test_empty_or_oversize_message_is_refused_with_a_translated_error(
    client, student, conversation, body, language, error
):
    student.language = language
    student.save()
    client.force_login(student)
    response = client.post(reverse("community:message_send", args=[conversation.pk]), {"body": body})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_sending_too_fast_answers_429(client, student, conversation, settings):
    settings.COMMUNITY_RATE_LIMITS = {"message": (3, 60)}
    client.force_login(student)
    url = reverse("community:message_send", args=[conversation.pk])
    statuses = [client.post(url, {"body": f"spam {n}"}).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    response = client.post(url, {"body": "more"})
    assert "Slow down, please" in response.content.decode()
    assert Message.objects.count() == 4


@pytest.mark.django_db
def test_member_reports_a_message_and_staff_hide_it(client, student, other_student, staff_member, conversation):
    message = Message.objects.get()
    client.force_login(other_student)
    client.post(reverse("community:message_report", args=[conversation.pk, message.pk]), {"reason": "Spam"})
    report = Report.objects.get()
    client.force_login(staff_member)
    queue = client.get(reverse("community:moderation_queue")).content.decode()
    assert "Hello Lucas!" in queue
    client.post(reverse("community:moderation_decide", args=[report.pk]), {"action": "hide"})
    message.refresh_from_db()
    assert message.is_hidden
    log = client.get(reverse("community:moderation_queue")).content.decode()
    assert "会話のメッセージを非表示にしました。" in log and "community.moderation.hidden" not in log
    client.force_login(other_student)
    assert "Hello Lucas!" not in client.get(conversation.get_absolute_url()).content.decode()
    client.force_login(student)
    assert client.get(reverse("community:moderation_queue")).status_code == 403


@pytest.mark.django_db
def test_member_starts_a_small_group_conversation_from_a_member_list(client, student, other_student):
    third = UserFactory(display_name="Third Member")
    group = services.create_group(name_en="Study group", category="specialization", owner=student)
    services.add_member(group=group, user=other_student)
    services.add_member(group=group, user=third)
    client.force_login(student)
    members_page = client.get(reverse("community:group_members", args=[group.slug])).content.decode()
    assert "Start a conversation with the selected members" in members_page
    url = reverse("community:conversation_new") + f"?to={other_student.pk}&to={third.pk}"
    assert "New group conversation" in client.get(url).content.decode()
    response = client.post(url, {"to": [other_student.pk, third.pk], "title": "Exam prep", "body": "Shall we meet?"})
    conversation = Conversation.objects.get()
    assert response.url == conversation.get_absolute_url()
    assert conversation.title == "Exam prep"
    assert set(conversation.participants.values_list("user_id", flat=True)) == {student.pk, other_student.pk, third.pk}
    client.force_login(third)
    assert "Shall we meet?" in client.get(conversation.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_messages_of_a_member_who_left_still_show_who_wrote_them(client, student, other_student):
    mei = UserFactory(display_name="Mei Tanaka")
    chat = services.start_conversation(sender=student, recipients=[other_student, mei], body="Picnic on Sunday?")
    services.send_message(conversation=chat, sender=mei, body="I will bring onigiri")
    services.leave_conversation(conversation=chat, user=mei)
    services.send_message(conversation=chat, sender=other_student, body="Count me in")

    client.force_login(other_student)
    html = client.get(chat.get_absolute_url()).content.decode()
    mine = html.index("Count me in")
    theirs = html.index("I will bring onigiri")
    assert '<span class="chat__sender">Mei Tanaka</span>' in html[:theirs]  # the sender who left, by name
    assert f'<span class="chat__sender">{student.display_name}</span>' in html[:theirs]
    assert f'<span class="chat__sender">{other_student.display_name}</span>' in html[theirs:mine]


@pytest.mark.django_db
def test_each_participant_sends_from_the_shared_composer_with_their_own_token(
    student, other_student, conversation, page_cache_off
):
    pages = {}
    for user in (student, other_student):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        html = browser.get(conversation.get_absolute_url()).content.decode()
        assert reverse("community:message_send", args=[conversation.pk]) in html and 'name="body"' in html
        pages[user.pk] = (browser, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    (mine, my_token), (theirs, their_token) = pages[student.pk], pages[other_student.pk]
    assert my_token != their_token and pagecache.CSRF_PLACEHOLDER not in my_token
    send = reverse("community:message_send", args=[conversation.pk])
    assert mine.post(send, {"body": "See you at 9", "csrfmiddlewaretoken": my_token}).status_code == 302
    assert theirs.post(send, {"body": "Not with hers", "csrfmiddlewaretoken": my_token}).status_code == 403
    assert list(conversation.messages.values_list("body", flat=True).order_by("pk")) == ["Hello Lucas!", "See you at 9"]
