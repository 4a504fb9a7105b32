"""A group admin's answer to a join request reaches the requester, whether approved or declined."""

import pytest
from django.urls import reverse

from community import services
from community.models import Notification, OutgoingEmail
from community.tests.factories import CommunityGroupFactory


@pytest.fixture
def tea_circle(db, other_student):
    group = CommunityGroupFactory(join_policy="request", name_en="Tea ceremony circle", name_ja="茶道サークル")
    services.add_member(group=group, user=other_student, role="owner")
    return group


def decide(client, admin, group, join_request, decision, response, capture):
    client.force_login(admin)
    with capture(execute=True):
        client.post(
            reverse("community:request_decide", args=[group.slug, join_request.pk]),
            {"decision": decision, "response": response},
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("decision", "outcome"), [("approve", "was approved"), ("reject", "was declined")])
def test_the_admins_answer_is_in_the_notification_and_the_email(
    client, student, other_student, tea_circle, decision, outcome, django_capture_on_commit_callbacks
):
    join_request = services.join_group(group=tea_circle, user=student, message="I love matcha")
    decide(
        client,
        other_student,
        tea_circle,
        join_request,
        decision,
        "Bring a fan on Friday",
        django_capture_on_commit_callbacks,
    )

    client.force_login(student)
    page = client.get(reverse("community:notification_list")).content.decode()
    assert outcome in page
    assert "Bring a fan on Friday" in page

    mail = OutgoingEmail.objects.filter(to=[student.email]).latest("created_at")
    assert outcome in mail.body_text
    assert "Bring a fan on Friday" in mail.body_text


@pytest.mark.django_db
def test_a_japanese_requester_reads_the_answer_in_japanese(
    client, student, other_student, tea_circle, django_capture_on_commit_callbacks
):
    student.language = "ja"
    student.save()
    join_request = services.join_group(group=tea_circle, user=student)
    decide(
        client,
        other_student,
        tea_circle,
        join_request,
        "approve",
        "金曜日に会いましょう",
        django_capture_on_commit_callbacks,
    )

    mail = OutgoingEmail.objects.filter(to=[student.email]).latest("created_at")
    assert "参加申請が承認されました" in mail.body_text
    assert "グループからのメッセージ：「金曜日に会いましょう」" in mail.body_text


@pytest.mark.django_db
def test_without_an_answer_the_notification_says_only_the_decision(
    client, student, other_student, tea_circle, django_capture_on_commit_callbacks
):
    join_request = services.join_group(group=tea_circle, user=student)
    decide(client, other_student, tea_circle, join_request, "reject", "", django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient=student, event="community.join_request.rejected")
    assert "Message from the group" not in str(notification.text)
