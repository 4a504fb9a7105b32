"""Notifications: in-app centre, e-mail immediately / in a daily digest / never, mute."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from community import services
from community.models import Membership, Notification, NotificationSettings, OutgoingEmail
from community.tests.factories import CommunityGroupFactory, PostFactory, UserFactory


@pytest.fixture
def group(db, student, other_student):
    group = CommunityGroupFactory(name_en="Hiking club", name_ja="ハイキング部")
    services.add_member(group=group, user=student, role="owner")
    services.add_member(group=group, user=other_student)
    return group


def comment_on_students_post(group, student, other_student, capture):
    post = PostFactory(group=group, author=student)
    with capture(execute=True):
        services.add_comment(post=post, author=other_student, body="Nice!")
    return post


@pytest.mark.django_db
def test_comment_on_your_post_notifies_in_app_and_by_email_in_your_language(
    client, student, other_student, group, django_capture_on_commit_callbacks
):
    student.language = "ja"
    student.save()
    post = comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient=student)
    assert notification.url == post.get_absolute_url()
    assert "Lucas Other" in notification.text and "ハイキング部" in notification.text
    mail = OutgoingEmail.objects.get(to=[student.email])
    assert mail.language == "ja"
    client.force_login(student)
    page = client.get(reverse("community:notification_list")).content.decode()
    assert notification.text in page
    assert '<span class="header-badge__count">1' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("community:notification_read"))
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "header-badge__count" not in client.get(reverse("community:notification_list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["user", "group"])
def test_mute_sends_nothing_on_any_channel(student, other_student, group, where, django_capture_on_commit_callbacks):
    if where == "user":
        services.update_notification_settings(user=student, level="mute", email_mode="immediately")
    else:
        membership = Membership.objects.get(group=group, user=student)
        services.update_group_notification_settings(membership=membership, level="mute", email_mode="")
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(group=group, author=other_student, body="New hike on Sunday")
    assert not Notification.objects.filter(recipient=student).exists()
    assert not OutgoingEmail.objects.filter(to=[student.email]).exists()


@pytest.mark.django_db
def test_mentions_only_drops_group_news_but_keeps_what_is_addressed_to_you(
    student, other_student, group, django_capture_on_commit_callbacks
):
    services.update_notification_settings(user=student, level="mentions", email_mode="never")
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(group=group, author=other_student, body="New hike on Sunday")
    assert not Notification.objects.filter(recipient=student).exists()
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=student, event="community.comment.created").exists()
    assert not OutgoingEmail.objects.filter(to=[student.email]).exists()


@pytest.mark.django_db
def test_new_post_reaches_members_with_all_activity(student, other_student, group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(group=group, author=other_student, body="New hike on Sunday")
    assert Notification.objects.filter(recipient=student, event="community.post.created").count() == 1
    assert not Notification.objects.filter(recipient=other_student).exists()
    # the task is safe to repeat
    post = group.posts.get()
    assert services.announce_post_to_members(post_id=post.pk) == 0


@pytest.mark.django_db
def test_daily_digest_is_sent_once_per_day_in_the_members_language_and_time_zone(
    student, other_student, group, django_capture_on_commit_callbacks
):
    student.language, student.time_zone = "ja", "Europe/Paris"
    student.save()
    services.update_notification_settings(user=student, level="all", email_mode="digest")
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    assert not OutgoingEmail.objects.filter(to=[student.email]).exists()
    early = datetime(2027, 5, 10, 5, 0, tzinfo=UTC)  # 07:00 in Paris: before the digest hour
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_notification_digests(now=early) == 0
    morning = datetime(2027, 5, 10, 7, 0, tzinfo=UTC)  # 09:00 in Paris
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_notification_digests(now=morning) == 1
    mail = OutgoingEmail.objects.get(to=[student.email])
    assert mail.language == "ja"
    assert "2" in mail.subject
    assert mail.body_text.count("Lucas Other") == 2
    assert NotificationSettings.objects.get(user=student).last_digest_on.isoformat() == "2027-05-10"
    # a rerun the same day sends nothing, even with something new waiting
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_notification_digests(now=morning.replace(hour=20)) == 0
    assert OutgoingEmail.objects.filter(to=[student.email]).count() == 1
    next_day = datetime(2027, 5, 11, 7, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_notification_digests(now=next_day) == 1


@pytest.mark.django_db
def test_unread_messages_are_emailed_once_when_the_member_was_not_online(
    student, other_student, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        services.start_conversation(sender=student, recipients=[other_student], body="Hi")
    now = timezone.now()
    assert services.notify_unread_messages(now=now) == 0  # too recent: they may be reading
    later = now + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_unread_messages(now=later) == 1
        assert services.notify_unread_messages(now=later) == 0
    assert OutgoingEmail.objects.filter(to=[other_student.email]).count() == 1
    assert not OutgoingEmail.objects.filter(to=[student.email]).exists()


@pytest.mark.django_db
def test_notification_settings_page_saves(client, student):
    client.force_login(student)
    response = client.post(reverse("community:notification_settings"), {"level": "mentions", "email_mode": "digest"})
    assert response.status_code == 302
    row = NotificationSettings.objects.get(user=student)
    assert (row.level, row.email_mode) == ("mentions", "digest")


@pytest.mark.django_db
def test_notification_email_keeps_names_as_typed(student, group, django_capture_on_commit_callbacks):
    o_brien = UserFactory(display_name="Seán O'Brien & co")
    services.add_member(group=group, user=o_brien)
    post = PostFactory(group=group, author=student)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(post=post, author=o_brien, body="<b>hi</b>")
    mail = OutgoingEmail.objects.get(to=[student.email])
    assert "Seán O'Brien & co" in mail.subject and "Seán O'Brien & co" in mail.body_text
    assert "http://" in mail.body_text and post.get_absolute_url() in mail.body_text


@pytest.mark.django_db
def test_a_mention_reaches_members_who_want_only_what_is_addressed_to_them(
    student, other_student, group, django_capture_on_commit_callbacks
):
    services.update_notification_settings(user=student, level="mentions", email_mode="immediately")
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(group=group, author=other_student, body="@Mai Student can you bring the map?")
    notification = Notification.objects.get(recipient=student)
    assert notification.event == "community.post.mentioned"
    assert "mentioned you" in notification.text
    assert OutgoingEmail.objects.filter(to=[student.email]).count() == 1
