"""Community tasks: each is safe to run twice; the profile sync runs in a real worker."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import tasks
from community.models import Membership, Notification
from community.tests.factories import CampusFactory, CommunityGroupFactory, PostFactory, UserFactory
from conftest import wait_for


@pytest.mark.django_db
def test_tasks_are_safe_to_run_twice(student):
    campus = CampusFactory()
    group = CommunityGroupFactory(is_automatic=True, rule_host_campus=campus)
    student.profile.host_campus = campus
    student.profile.save()
    assert tasks.sync_user_automatic_groups(student.pk) == (1, 0)
    assert tasks.sync_user_automatic_groups(student.pk) == (0, 0)
    assert tasks.sync_automatic_groups() == 1
    assert Membership.objects.filter(group=group).count() == 1
    member = UserFactory()
    Membership.objects.create(group=group, user=member)
    post = PostFactory(group=group, author=student)
    assert tasks.announce_post(post.pk) == 1
    assert tasks.announce_post(post.pk) == 0
    assert Notification.objects.filter(recipient=member).count() == 1
    assert tasks.send_notification_digests() == 0
    assert tasks.email_unread_messages() == 0


def test_profile_change_syncs_automatic_groups_in_a_real_worker(client, celery_worker_process, worker_env):
    student = UserFactory()
    campus = CampusFactory()
    group = CommunityGroupFactory(is_automatic=True, rule_host_campus=campus, rule_phase="during")
    today = timezone.localdate()
    client.force_login(student)
    response = client.post(
        reverse("community:profile_edit"),
        {
            "account-display_name": "Mai",
            "account-language": "en",
            "account-time_zone": "Asia/Tokyo",
            "profile-host_campus": campus.pk,
            "profile-arrival_date": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    wait_for(lambda: Membership.objects.filter(group=group, user=student, is_automatic=True).exists())
