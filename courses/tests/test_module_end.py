"""The end of a module: enrolments are settled, learners move to the alumni group and are told in
their language, and the module's group becomes read-only after COURSES_GROUP_ARCHIVE_DAYS."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from community import events
from community import services as community_services
from community.models import AuditEvent, Membership, Notification
from community.tests.factories import UserFactory
from conftest import wait_for
from courses import services, tasks
from courses.models import AuditEntry, Enrolment, EnrolmentRefused, InvalidTransition, Module
from courses.tests.factories import published_module

NEW_EVENTS = [
    "courses.module.closed",
    "courses.module.group_archived",
    "courses.enrolment.not_completed",
    "courses.enrolment.waitlist_closed",
    "community.group.archived",
]


def ended_module(teacher=None, **kwargs) -> Module:
    """A published module whose last day was two days ago (enrolment is still open, as the factory leaves it)."""
    today = timezone.localdate()
    return published_module(
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=2),
        owners=[teacher] if teacher else [],
        **kwargs,
    )


@pytest.fixture
def teacher(db):
    return UserFactory(roles=["faculty"], display_name="Prof. Kato")


@pytest.fixture
def finished_class(teacher):
    """One learner completed, one did not (in Japanese), one waited for a seat that never came."""
    module = ended_module(teacher, seats=2, title_en="Disaster Resilience", title_ja="防災とレジリエンス")
    done, not_done, waiting = UserFactory(), UserFactory(language="ja"), UserFactory()
    for learner in (done, not_done):
        services.enrol_learner(module=module, learner=learner)
    services.join_waiting_list(module=module, learner=waiting)
    services.record_results(
        module=module, results=[(Enrolment.objects.get(module=module, learner=done), 95, 90)], by=teacher
    )
    module.refresh_from_db()
    return module, done, not_done, waiting


def status_of(module, learner) -> str:
    return Enrolment.objects.get(module=module, learner=learner).status


def is_member(group, user) -> bool:
    return Membership.objects.filter(group=group, user=user).exists()


@pytest.mark.django_db
def test_closing_settles_every_enrolment_and_moves_learners_to_the_alumni_group(finished_class, staff_member):
    module, done, not_done, waiting = finished_class

    services.close_module(module=module, by=staff_member)

    module.refresh_from_db()
    assert module.is_closed
    assert status_of(module, done) == Enrolment.Status.COMPLETED
    assert status_of(module, not_done) == Enrolment.Status.NOT_COMPLETED
    assert status_of(module, waiting) == Enrolment.Status.WAITLIST_CLOSED
    assert Enrolment.objects.get(module=module, learner=not_done).ended_at is not None
    # Completed or not, those who took part are alumni (the enrolment says which); nobody stays
    # in the module's group, and whoever only waited joins neither.
    assert is_member(module.alumni_group, done) and is_member(module.alumni_group, not_done)
    assert not is_member(module.group, done) and not is_member(module.group, not_done)
    assert not is_member(module.alumni_group, waiting) and not is_member(module.group, waiting)
    assert AuditEntry.objects.filter(module=module, event="courses.module.closed", actor=staff_member).exists()
    assert AuditEntry.objects.filter(module=module, event="courses.enrolment.not_completed", subject=not_done).exists()


@pytest.mark.django_db
def test_each_learner_is_told_in_their_own_language(finished_class):
    module, done, not_done, waiting = finished_class

    services.close_module(module=module)

    (told_done,) = Notification.objects.filter(recipient=done, event="courses.module.closed.completed")
    (told_not_done,) = Notification.objects.filter(recipient=not_done, event="courses.module.closed.not_completed")
    (told_waiting,) = Notification.objects.filter(recipient=waiting, event="courses.module.closed.waitlist_closed")
    assert told_done.text.startswith("“Disaster Resilience” has ended. Congratulations")
    assert told_not_done.text.startswith("「防災とレジリエンス」は終了しました。修了要件を満たさなかった")
    assert "waiting list is closed" in told_waiting.text
    assert told_not_done.url == module.alumni_group.get_absolute_url()


@pytest.mark.django_db
def test_closing_twice_changes_nothing(finished_class, staff_member, django_capture_on_commit_callbacks):
    module, done, not_done, waiting = finished_class
    services.close_module(module=module, by=staff_member)
    before = (
        list(Enrolment.objects.filter(module=module).values_list("learner", "status", "ended_at", "updated_at")),
        Notification.objects.count(),
        AuditEntry.objects.count(),
        AuditEvent.objects.count(),
        sorted(Membership.objects.values_list("group", "user")),
    )

    services.close_module(module=module, by=staff_member)
    tasks.close_module(module.pk)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.close_ended_modules()

    after = (
        list(Enrolment.objects.filter(module=module).values_list("learner", "status", "ended_at", "updated_at")),
        Notification.objects.count(),
        AuditEntry.objects.count(),
        AuditEvent.objects.count(),
        sorted(Membership.objects.values_list("group", "user")),
    )
    assert after == before


@pytest.mark.django_db
def test_only_staff_close_and_only_from_the_last_day(teacher, staff_member, student):
    running = published_module(owners=[teacher])
    with pytest.raises(InvalidTransition, match="has not ended yet"):
        services.close_module(module=running, by=staff_member)
    ended = ended_module(teacher)
    for someone in (teacher, student):
        with pytest.raises(PermissionDenied):
            services.close_module(module=ended, by=someone)
    last_day = published_module(ends_on=timezone.localdate(), starts_on=timezone.localdate() - timedelta(days=30))
    services.close_module(module=last_day, by=staff_member)
    assert Module.objects.get(pk=last_day.pk).is_closed


@pytest.mark.django_db
def test_the_daily_task_closes_modules_whose_last_day_is_over_in_their_own_time_zone(
    student, django_capture_on_commit_callbacks
):
    ended = ended_module()
    # Its last day is today in Honolulu: not over there, whatever the date in Tokyo.
    honolulu_today = timezone.now().astimezone(timezone.get_fixed_timezone(-600)).date()
    today_there = published_module(
        time_zone="Pacific/Honolulu", ends_on=honolulu_today, starts_on=honolulu_today - timedelta(days=30)
    )
    services.enrol_learner(module=ended, learner=student)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.close_ended_modules()

    assert Module.objects.get(pk=ended.pk).is_closed
    assert not Module.objects.get(pk=today_there.pk).is_closed
    assert status_of(ended, student) == Enrolment.Status.NOT_COMPLETED


@pytest.mark.django_db
def test_a_closed_module_takes_no_enrolment(student, staff_member):
    module = ended_module()
    services.close_module(module=module, by=staff_member)
    with pytest.raises(EnrolmentRefused, match="has ended"):
        services.enrol_learner(module=module, learner=student)


@pytest.mark.django_db
def test_the_group_is_archived_after_the_delay_members_read_nobody_posts(
    client, settings, teacher, staff_member, django_capture_on_commit_callbacks
):
    settings.COURSES_GROUP_ARCHIVE_DAYS = 30
    module = ended_module(teacher)
    post = community_services.create_post(group=module.group, author=teacher, body="Thank you all, see you!")
    services.close_module(module=module, by=staff_member)
    module.refresh_from_db()
    assert not module.group.is_archived  # still open for 30 days

    with django_capture_on_commit_callbacks(execute=True):
        tasks.close_ended_modules()
    assert not Module.objects.get(pk=module.pk).group.is_archived
    Module.objects.filter(pk=module.pk).update(closed_at=timezone.now() - timedelta(days=30, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.close_ended_modules()

    group = Module.objects.get(pk=module.pk).group
    assert group.is_archived
    assert AuditEntry.objects.filter(module=module, event="courses.module.group_archived").count() == 1
    assert AuditEvent.objects.filter(group=group, event="community.group.archived").count() == 1
    # Members still read it...
    client.force_login(teacher)
    page = client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Thank you all, see you!" in page and "This group is archived" in page
    assert 'action="{}"'.format(reverse("community:post_create", args=[group.slug])) not in page
    assert client.get(post.get_absolute_url()).status_code == 200
    # ...and nobody, not even its admin, posts, comments or edits.
    assert client.post(reverse("community:post_create", args=[group.slug]), {"body": "One more"}).status_code == 403
    for write in (
        lambda: community_services.create_post(group=group, author=teacher, body="Late"),
        lambda: community_services.add_comment(post=post, author=teacher, body="Late"),
        lambda: community_services.edit_post(post=post, by=teacher, body="Changed"),
    ):
        post.refresh_from_db()
        with pytest.raises(PermissionDenied):
            write()
    assert group.posts.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        tasks.close_ended_modules()  # again: archived once
    assert AuditEvent.objects.filter(group=group, event="community.group.archived").count() == 1


@pytest.mark.django_db
def test_without_a_delay_the_group_is_archived_when_the_module_closes(settings, staff_member):
    settings.COURSES_GROUP_ARCHIVE_DAYS = 0
    module = ended_module()
    services.close_module(module=module, by=staff_member)
    assert Module.objects.get(pk=module.pk).group.is_archived


@pytest.mark.parametrize("event", NEW_EVENTS)
def test_every_new_event_reads_as_a_sentence(event):
    assert events.has_sentence(event)


@pytest.mark.worker
def test_the_daily_task_closes_a_module_through_a_real_worker(celery_worker_process):
    module = ended_module()
    learner = UserFactory(email="ended@example.org")
    services.enrol_learner(module=module, learner=learner)

    tasks.close_ended_modules.delay()

    wait_for(lambda: Module.objects.get(pk=module.pk).closed_at is not None, timeout=60)
    assert status_of(module, learner) == Enrolment.Status.NOT_COMPLETED
    assert is_member(module.alumni_group, learner)
    assert Notification.objects.filter(recipient=learner, event="courses.module.closed.not_completed").count() == 1
