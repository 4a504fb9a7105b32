"""Automatic groups: membership follows the profile, on change (task) and nightly (in bulk)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Membership
from community.tests.factories import CampusFactory, CommunityGroupFactory, OrganizationFactory, UserFactory


@pytest.fixture
def campus(db):
    return CampusFactory()


@pytest.fixture
def auto_group(campus):
    return CommunityGroupFactory(is_automatic=True, rule_host_campus=campus, rule_phase="during", category="campus")


def stay(profile, campus, *, days_from_now):
    today = timezone.localdate()
    profile.host_campus = campus
    profile.arrival_date = today + timedelta(days=days_from_now)
    profile.departure_date = today + timedelta(days=days_from_now + 90)
    profile.save()


@pytest.mark.django_db
def test_profile_change_adds_and_removes_automatic_membership(
    client, student, campus, auto_group, django_capture_on_commit_callbacks
):
    client.force_login(student)
    today = timezone.localdate()
    data = {
        "account-display_name": student.display_name,
        "account-language": "en",
        "account-time_zone": "Asia/Tokyo",
        "profile-host_campus": campus.pk,
        "profile-arrival_date": (today - timedelta(days=3)).isoformat(),
        "profile-departure_date": (today + timedelta(days=60)).isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("community:profile_edit"), data).status_code == 302
    membership = Membership.objects.get(group=auto_group, user=student)
    assert membership.is_automatic
    data["profile-host_campus"] = ""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("community:profile_edit"), data)
    assert not Membership.objects.filter(group=auto_group, user=student).exists()


@pytest.mark.django_db
def test_manual_membership_is_kept_when_the_rule_does_not_match(student, auto_group):
    services.add_member(group=auto_group, user=student, role="admin")
    services.sync_automatic_groups_for_user(user_id=student.pk)
    assert Membership.objects.filter(group=auto_group, user=student).exists()


@pytest.mark.django_db
def test_nightly_sync_is_set_based_and_safe_to_repeat(campus, auto_group, django_assert_max_num_queries):
    other_campus = CampusFactory()
    arrived = [UserFactory() for _ in range(12)]
    for user in arrived:
        stay(user.profile, campus, days_from_now=-5)
    not_yet = UserFactory()
    stay(not_yet.profile, campus, days_from_now=10)
    elsewhere = UserFactory()
    stay(elsewhere.profile, other_campus, days_from_now=-5)
    left = UserFactory()
    services.add_member(group=auto_group, user=left, is_automatic=True)
    with django_assert_max_num_queries(12):
        services.sync_all_automatic_groups()
    members = set(Membership.objects.filter(group=auto_group).values_list("user_id", flat=True))
    assert members == {user.pk for user in arrived}
    assert services.sync_automatic_group(group=auto_group) == (0, 0)


@pytest.mark.django_db
def test_rule_on_home_organization_and_year(student):
    home = OrganizationFactory()
    group = CommunityGroupFactory(is_automatic=True, rule_home_organization=home, rule_year_of_study=2)
    student.organization = home
    student.save()
    student.profile.year_of_study = 2
    student.profile.save()
    assert services.sync_automatic_groups_for_user(user_id=student.pk) == (1, 0)
    student.profile.year_of_study = 3
    student.profile.save()
    assert services.sync_automatic_groups_for_user(user_id=student.pk) == (0, 1)
    assert not Membership.objects.filter(group=group).exists()
