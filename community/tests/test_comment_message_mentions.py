"""Mentions in comments and messages tell the mentioned member, as mentions in posts do: only
members who may read the comment or message, once each, never the author, in their language."""

import pytest
from django.urls import reverse

from community import services
from community.models import Notification
from community.tests.factories import CommunityGroupFactory, UserFactory
from community.tests.pages import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamamoto(db):
    return UserFactory(display_name="山本 花子", language="ja")


@pytest.fixture
def club(student, other_student, yamamoto):
    group = CommunityGroupFactory(name_en="Hiking club", name_ja="ハイキング部", slug="hiking", join_policy="request")
    for user in (student, other_student, yamamoto):
        services.add_member(group=group, user=user)
    return group


def told(event):
    return list(Notification.objects.filter(event=event).order_by("recipient_id").values_list("recipient", flat=True))


def test_a_comment_mention_tells_the_member_once_in_their_language(club, student, other_student, yamamoto):
    post = services.create_post(group=club, author=student, body="Saturday?")
    url = reverse("community:comment_create", args=[club.slug, post.pk])
    response = signed_in(other_student).post(url, {"body": "@山本 花子 and @山本 花子, are you in? @Lucas Other"})
    assert response.status_code == 302
    assert told("community.comment.mentioned") == [yamamoto.pk]  # once; never the author
    notification = Notification.objects.get(event="community.comment.mentioned")
    assert notification.text == "Lucas Other さんが「ハイキング部」のコメントであなたをメンションしました。"
    assert notification.url == post.get_absolute_url()
    assert notification.actor == other_student


def test_the_post_author_mentioned_in_a_comment_is_told_once(club, student, other_student):
    post = services.create_post(group=club, author=student, body="Saturday?")
    services.add_comment(post=post, author=other_student, body="@Mai Student yes!")
    assert told("community.comment.mentioned") == [student.pk]
    assert told("community.comment.created") == []
    assert Notification.objects.get(recipient=student).text == "Lucas Other mentioned you in a comment in Hiking club."


def test_a_comment_mentions_no_one_outside_the_group(club, student, other_student):
    outsider = UserFactory(display_name="Kenji Outside")
    post = services.create_post(group=club, author=student, body="Saturday?")
    services.add_comment(post=post, author=other_student, body=f"@Kenji Outside @[{outsider.pk}] come too")
    assert told("community.comment.mentioned") == []


def test_a_message_mention_tells_the_participant_not_outsiders(student, other_student, yamamoto, faculty):
    conversation = services.start_conversation(sender=student, recipients=[other_student, yamamoto], body="Hi all")
    response = signed_in(student).post(
        reverse("community:message_send", args=[conversation.pk]),
        {"body": "@山本 花子 @Prof. Sato @Mai Student see the plan"},
    )
    assert response.status_code == 302
    assert told("community.message.mentioned") == [yamamoto.pk]
    notification = Notification.objects.get(event="community.message.mentioned")
    assert notification.text == "Mai Student さんが会話であなたをメンションしました。"
    assert notification.url.startswith(conversation.get_absolute_url() + "#message-")


def test_a_former_participant_is_not_told(student, other_student, yamamoto):
    conversation = services.start_conversation(sender=student, recipients=[other_student, yamamoto], body="Hi all")
    services.leave_conversation(conversation=conversation, user=yamamoto)
    services.send_message(conversation=conversation, sender=other_student, body="@山本 花子 are you there?")
    assert told("community.message.mentioned") == []


def test_a_group_chat_mention_tells_members_only(club, student, other_student, yamamoto):
    chat = services.open_group_chat(group=club, user=student)
    services.send_message(conversation=chat, sender=student, body="@Lucas Other @山本 花子 meet at 9")
    assert told("community.message.mentioned") == sorted([other_student.pk, yamamoto.pk])
    english = Notification.objects.get(event="community.message.mentioned", recipient=other_student)
    assert english.text == "Mai Student mentioned you in the chat of Hiking club."
    japanese = Notification.objects.get(event="community.message.mentioned", recipient=yamamoto)
    assert japanese.text == "Mai Student さんが「ハイキング部」のチャットであなたをメンションしました。"
    services.leave_group(group=club, user=yamamoto)
    Notification.objects.all().delete()
    services.send_message(conversation=chat, sender=student, body="@山本 花子 still coming?")
    assert told("community.message.mentioned") == []
