"""Notifications read in the reader's language of the moment, not the one they were written in."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community import services
from community.models import Notification, NotificationSettings, OutgoingEmail
from community.tests.factories import CommunityGroupFactory, PostFactory
from courses.tests.factories import ModuleFactory

COMMENTED_EN = "Lucas Other commented on your post in Hiking club."
COMMENTED_JA = "Lucas Other さんが「ハイキング部」のあなたの投稿にコメントしました。"


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


def switch_language(client, user, language):
    user.language = language
    user.save()
    client.force_login(user)


@pytest.mark.django_db
def test_notification_written_in_english_reads_in_japanese_after_switching(
    client, student, other_student, group, django_capture_on_commit_callbacks
):
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    switch_language(client, student, "en")
    assert COMMENTED_EN in client.get(reverse("community:notification_list")).content.decode()

    switch_language(client, student, "ja")
    page = client.get(reverse("community:notification_list")).content.decode()
    assert COMMENTED_JA in page
    assert "commented on your post" not in page and "Hiking club" not in page


@pytest.mark.django_db
def test_notification_written_in_japanese_reads_in_english_after_switching(
    client, student, other_student, group, django_capture_on_commit_callbacks
):
    student.language = "ja"
    student.save()
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    assert COMMENTED_JA in OutgoingEmail.objects.get(to=[student.email]).body_text
    switch_language(client, student, "en")
    page = client.get(reverse("community:notification_list")).content.decode()
    assert COMMENTED_EN in page
    assert "ハイキング部" not in page


@pytest.mark.django_db
def test_renamed_group_shows_its_current_name(
    client, student, other_student, group, django_capture_on_commit_callbacks
):
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    group.name_en, group.name_ja = "Mountain club", "山岳部"
    group.save()
    switch_language(client, student, "en")
    assert "Lucas Other commented on your post in Mountain club." in (
        client.get(reverse("community:notification_list")).content.decode()
    )


@pytest.mark.django_db
def test_daily_digest_is_written_in_the_language_the_member_has_when_it_is_sent(
    student, other_student, group, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=student, email_mode="digest")
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    student.language = "ja"
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_notification_digests(now=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # 10:00 in Tokyo
    digest = OutgoingEmail.objects.get(to=[student.email])
    assert COMMENTED_JA in digest.body_text
    assert "Hiking club" not in digest.body_text


@pytest.mark.django_db
def test_parameters_from_other_apps_follow_the_reader_too(client, student):
    module = ModuleFactory(title_en="Sustainable Cities", title_ja="持続可能な都市")
    services.notify(
        recipient=student,
        event="courses.enrolment.promoted",
        message=_("A seat has freed up: you are now enrolled in “%(module)s”."),
        params={"module": module},
        email=False,
    )
    switch_language(client, student, "ja")
    assert "空きが出ました。「持続可能な都市」に履修登録されました。" in (
        client.get(reverse("community:notification_list")).content.decode()
    )


@pytest.mark.django_db
def test_translated_labels_and_dates_in_a_message_follow_the_reader(client, student):
    services.notify(
        recipient=student,
        event="internships.evaluation.midterm.reminder",
        message=_("Reminder: the %(stage)s of the internship “%(posting)s” is due on %(due)s."),
        params={"stage": _("Mid-term evaluation"), "posting": "Data Analyst", "due": date(2026, 12, 3)},
        email=False,
    )
    switch_language(client, student, "ja")
    page = client.get(reverse("community:notification_list")).content.decode()
    assert "中間評価" in page and "2026年12月3日" in page
    assert "Mid-term evaluation" not in page


@pytest.mark.django_db
def test_notification_whose_subject_is_gone_keeps_its_first_text(
    client, student, other_student, group, django_capture_on_commit_callbacks
):
    comment_on_students_post(group, student, other_student, django_capture_on_commit_callbacks)
    other_student_pk = other_student.pk
    Notification.objects.filter(recipient=student).update(actor=None)
    other_student.delete()
    assert not Notification.objects.filter(recipient=student, actor_id=other_student_pk).exists()
    switch_language(client, student, "ja")
    assert COMMENTED_EN in client.get(reverse("community:notification_list")).content.decode()


@pytest.mark.django_db
def test_rows_written_before_messages_were_stored_show_their_text(client, student):
    Notification.objects.create(recipient=student, event="community.test", text="An old notification.")
    switch_language(client, student, "ja")
    assert "An old notification." in client.get(reverse("community:notification_list")).content.decode()


def notify_about_a_module_and_a_group(student):
    module, group = ModuleFactory(), CommunityGroupFactory()
    services.notify(
        recipient=student,
        event="courses.enrolment.promoted",
        message=_("A seat has freed up: you are now enrolled in “%(module)s”."),
        params={"module": module},
        email=False,
    )
    services.notify(
        recipient=student,
        event="community.join_request.approved",
        message=_("Your request to join %(group)s was approved."),
        params={"group": group},
        group=group,
        email=False,
    )


@pytest.mark.django_db
def test_notification_list_costs_the_same_queries_at_3_and_30_rows(client, student):
    url = reverse("community:notification_list")
    switch_language(client, student, "ja")
    counts = []
    for total in (3, 30):
        while Notification.objects.filter(recipient=student).count() < total:
            notify_about_a_module_and_a_group(student)
        client.get(url)  # warm the session and badge caches like any second page view
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counts.append(len(queries))
        assert "に履修登録されました。" in page and "への参加申請が承認されました。" in page
    assert counts[0] == counts[1], counts
