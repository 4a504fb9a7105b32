"""A group's own chat: members only, live poll (304 at zero SQL), unread counts, mute."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Conversation, Membership, Message, Notification, Participant
from community.tests.factories import CommunityGroupFactory, MembershipFactory, UserFactory


@pytest.fixture
def group(db, student, other_student):
    group = CommunityGroupFactory(slug="tea-club", name_en="Tea Club", join_policy="invite", visibility="secret")
    MembershipFactory(group=group, user=student, role="owner")
    MembershipFactory(group=group, user=other_student)
    return group


def chat_url(group):
    return reverse("community:group_chat", args=[group.slug])


def badge(page) -> str:
    """The header's unread-conversations count as a member reads it ("" when none)."""
    html = page.content.decode()
    marker = '<span class="header-badge__count">'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("<", 1)[0]


def open_chat(client, group):
    """Follow the group page's link to its chat; returns the chat page response."""
    return client.get(chat_url(group), follow=True)


def poll(client, conversation, etag, after=0):
    return client.get(
        reverse("community:conversation_poll", args=[conversation.pk]),
        {"after": after},
        HTTP_IF_NONE_MATCH=f'"{etag}"',
    )


def send(client, conversation, body):
    return client.post(reverse("community:message_send", args=[conversation.pk]), {"body": body})


@pytest.mark.django_db
def test_member_sends_and_another_member_sees_it(
    client, student, other_student, group, django_capture_on_commit_callbacks
):
    client.force_login(student)
    group_page = client.get(group.get_absolute_url()).content.decode()
    assert chat_url(group) in group_page
    page = open_chat(client, group)
    assert page.status_code == 200
    assert "No messages yet" in page.content.decode()
    conversation = Conversation.objects.get(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, conversation, "Tea at **five**?").status_code == 302
    client.force_login(other_student)
    page = open_chat(client, group).content.decode()
    assert "Tea at <strong>five</strong>?" in page
    assert "Chat of Tea Club" in page
    # the member took a seat on opening it: it is in their conversation list now
    assert "Chat of Tea Club" in client.get(reverse("community:conversation_list")).content.decode()


@pytest.mark.django_db
def test_group_chat_has_no_twelve_member_limit(client, group):
    members = UserFactory.create_batch(Conversation.MAX_PARTICIPANTS + 1)
    for member in members:
        MembershipFactory(group=group, user=member)
    for member in members:
        conversation = services.open_group_chat(group=group, user=member)
    services.send_message(conversation=conversation, sender=members[-1], body="Thirteen of us")
    assert Participant.objects.filter(conversation=conversation).count() == len(members)
    assert Conversation.objects.filter(group=group).count() == 1


@pytest.mark.django_db
def test_non_member_gets_404_on_the_page_the_send_and_the_poll(client, student, group):
    conversation = services.open_group_chat(group=group, user=student)
    services.send_message(conversation=conversation, sender=student, body="Members only")
    client.force_login(UserFactory())
    assert client.get(chat_url(group)).status_code == 404
    assert client.get(conversation.get_absolute_url()).status_code == 404
    assert send(client, conversation, "Let me in").status_code == 404
    assert poll(client, conversation, "1").status_code == 404
    assert not Message.objects.filter(body="Let me in").exists()


@pytest.mark.django_db
def test_leaving_the_group_ends_access_to_its_chat(client, other_student, group):
    client.force_login(other_student)
    page = open_chat(client, group)
    conversation, version = page.context["conversation"], page.context["version"]
    assert poll(client, conversation, version).status_code == 304
    client.post(reverse("community:group_leave", args=[group.slug]))
    assert not Membership.objects.filter(group=group, user=other_student).exists()
    assert poll(client, conversation, version).status_code == 404
    assert client.get(conversation.get_absolute_url()).status_code == 404
    assert send(client, conversation, "Still here?").status_code == 404
    assert "Chat of Tea Club" not in client.get(reverse("community:conversation_list")).content.decode()


@pytest.mark.django_db
def test_unread_count_on_the_group_page_list_and_badge(
    client, student, other_student, group, django_capture_on_commit_callbacks
):
    conversation = services.open_group_chat(group=group, user=student)
    client.force_login(other_student)
    open_chat(client, group)  # takes a seat, nothing to read yet
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(conversation=conversation, sender=student, body="One")
        services.send_message(conversation=conversation, sender=student, body="Two")
    group_page = client.get(group.get_absolute_url())
    assert "2 unread" in group_page.content.decode()
    assert badge(group_page) == "1"
    assert "2 unread" in client.get(reverse("community:conversation_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        open_chat(client, group)
    group_page = client.get(group.get_absolute_url())
    assert "unread" not in group_page.content.decode().split("Group chat", 1)[1].split("</p>", 1)[0]
    assert badge(group_page) == ""


@pytest.mark.django_db
def test_unread_count_before_the_first_visit_counts_from_joining(client, student, group):
    conversation = services.open_group_chat(group=group, user=student)
    services.send_message(conversation=conversation, sender=student, body="Before you joined")
    newcomer = UserFactory()
    MembershipFactory(group=group, user=newcomer)
    services.send_message(conversation=conversation, sender=student, body="Welcome!")
    client.force_login(newcomer)
    assert "1 unread" in client.get(group.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_muted_member_gets_no_unread_count_badge_or_email(
    client, student, other_student, group, django_capture_on_commit_callbacks, mailoutbox
):
    conversation = services.open_group_chat(group=group, user=student)
    services.open_group_chat(group=group, user=other_student)
    client.force_login(other_student)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("community:group_notifications", args=[group.slug]),
            {"notification_level": "mute", "email_mode": ""},
        )
    assert Membership.objects.get(group=group, user=other_student).notification_level == "mute"
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(conversation=conversation, sender=student, body="Anyone?")
    group_page = client.get(group.get_absolute_url())
    assert "1 unread" not in group_page.content.decode()
    assert badge(group_page) == ""
    listing = client.get(reverse("community:conversation_list")).content.decode()
    assert "Muted" in listing and "1 unread" not in listing
    chat = open_chat(client, group).content.decode()
    assert "You have muted this group" in chat
    # the unread-message e-mail sweep tells only members who did not mute the group
    Participant.objects.filter(user=other_student).update(last_read_at=None)
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=conversation.messages.get().created_at - timedelta(minutes=5)
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_unread_messages()
    assert mailoutbox == []
    assert not Notification.objects.filter(recipient=other_student, event="community.message.unread").exists()


@pytest.mark.django_db
def test_unchanged_poll_answers_304_without_any_sql(client, other_student, group, django_assert_num_queries):
    client.force_login(other_student)
    page = open_chat(client, group)
    conversation, version = page.context["conversation"], page.context["version"]
    with django_assert_num_queries(0):
        response = poll(client, conversation, version)
    assert response.status_code == 304


@pytest.mark.django_db
def test_poll_brings_a_new_message(client, student, other_student, group, django_capture_on_commit_callbacks):
    client.force_login(other_student)
    page = open_chat(client, group)
    conversation, version = page.context["conversation"], page.context["version"]
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(conversation=conversation, sender=student, body="Fresh tea")
    response = poll(client, conversation, version, after=page.context["last_id"] or 0)
    assert response.status_code == 200
    assert "Fresh tea" in response.json()["html"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_chat_page_query_budget(client, student, other_student, group, count, django_assert_max_num_queries):
    conversation = services.open_group_chat(group=group, user=student)
    for n in range(count):
        services.send_message(conversation=conversation, sender=student, body=f"Message {n}")
    client.force_login(other_student)
    open_chat(client, group)  # seat taken
    services.send_message(conversation=conversation, sender=student, body="One more")
    with django_assert_max_num_queries(20):
        response = client.get(conversation.get_absolute_url())
    assert response.status_code == 200
    assert f"Message {count - 1}" in response.content.decode()


@pytest.mark.django_db
def test_member_who_did_not_mute_is_emailed_about_unread_chat_messages(
    client, student, other_student, group, django_capture_on_commit_callbacks, mailoutbox
):
    conversation = services.open_group_chat(group=group, user=student)
    services.open_group_chat(group=group, user=other_student)
    services.send_message(conversation=conversation, sender=student, body="Anyone?")
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=conversation.messages.get().created_at - timedelta(minutes=5)
    )
    Participant.objects.filter(user=other_student).update(last_read_at=None)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_unread_messages()
    assert [message.to for message in mailoutbox] == [[other_student.email]]


@pytest.mark.django_db
def test_archived_group_chat_is_read_only(client, student, group):
    conversation = services.open_group_chat(group=group, user=student)
    services.send_message(conversation=conversation, sender=student, body="Last words")
    type(group).objects.filter(pk=group.pk).update(archived_at=timezone.now())
    client.force_login(student)
    page = open_chat(client, group).content.decode()
    assert "Last words" in page and "nobody can write any more" in page
    response = send(client, conversation, "After the end")
    assert response.status_code == 400
    assert "nobody can write any more" in response.content.decode()
    assert not Message.objects.filter(body="After the end").exists()


@pytest.mark.django_db
def test_member_who_comes_back_reads_the_chat_again(client, other_student, group):
    client.force_login(other_student)
    open_chat(client, group)
    client.post(reverse("community:group_leave", args=[group.slug]))
    assert client.get(chat_url(group)).status_code == 404
    client.post(reverse("community:invitation_answer", args=[group.slug]))  # no invitation: still out
    MembershipFactory(group=group, user=other_student)
    assert open_chat(client, group).status_code == 200
    assert Participant.objects.get(user=other_student).left_at is None
