"""A post whose announcement was lost (broker down, worker died) is announced by the sweep, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community import services
from community.models import AuditEvent, Notification, Post
from community.tests.factories import CommunityGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hiking(student, other_student):
    group = CommunityGroupFactory(join_policy="open", name_en="Hiking")
    services.add_member(group=group, user=student)
    services.add_member(group=group, user=other_student)
    return group


def lost_post(group, author, *, minutes_ago=2):
    """A post stored while its announce task never reached a worker."""
    post = Post.objects.create(group=group, author=author, body="Mount Takao on Saturday?")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return post


def test_the_sweep_announces_a_lost_post_once(hiking, student, django_capture_on_commit_callbacks):
    post = lost_post(hiking, student)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_unannounced_posts() == 1
    told = Notification.objects.filter(url=post.get_absolute_url()).count()
    assert told >= 1
    assert AuditEvent.objects.filter(event="community.post.announced", target=f"post:{post.pk}").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_unannounced_posts() == 0
    assert services.announce_post_to_members(post_id=post.pk) == 0
    assert Notification.objects.filter(url=post.get_absolute_url()).count() == told


def test_a_post_of_the_last_minute_is_left_to_its_own_task(hiking, student):
    lost_post(hiking, student, minutes_ago=0)
    assert services.requeue_unannounced_posts() == 0


def test_the_sweep_runs_every_minute():
    from jige_portal.celery import app

    entry = app.conf.beat_schedule["community.sweep_announcements"]
    assert entry == {"task": "community.tasks.sweep_announcements", "schedule": 20.0}
