"""Publishing needs every co-owner's approval; only allowed status changes happen."""

import pytest
from django.core.exceptions import PermissionDenied

from community.models import CommunityGroup, Membership, Notification
from community.tests.factories import UserFactory
from courses import services
from courses.models import AuditEntry, InvalidTransition, Module, ModuleApproval
from courses.tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def co_teacher(db):
    return UserFactory(roles=["faculty"], display_name="Dr. Miller")


@pytest.fixture
def module(faculty, co_teacher):
    return ModuleFactory(owners=[faculty, co_teacher])


def test_submitting_writes_one_approval_row_per_co_owner_and_asks_the_others(module, faculty, co_teacher):
    services.submit_module_for_review(module=module, by=faculty)
    module.refresh_from_db()
    assert module.status == Module.Status.IN_REVIEW
    assert set(ModuleApproval.objects.filter(module=module).values_list("owner", flat=True)) == {
        faculty.pk,
        co_teacher.pk,
    }
    assert Notification.objects.filter(recipient=co_teacher, event="courses.module.review_requested").exists()
    assert not Notification.objects.filter(recipient=faculty, event="courses.module.review_requested").exists()


def test_module_is_published_only_after_the_last_co_owner_approves(module, faculty, co_teacher):
    services.submit_module_for_review(module=module, by=faculty)
    services.approve_module(module=module, by=faculty)
    module.refresh_from_db()
    assert module.status == Module.Status.IN_REVIEW
    assert not Module.objects.published().exists()

    services.approve_module(module=module, by=co_teacher)
    module.refresh_from_db()
    assert module.status == Module.Status.PUBLISHED
    assert module.published_at is not None
    events = list(AuditEntry.objects.filter(module=module).order_by("pk").values_list("event", flat=True))
    assert events == [
        "courses.module.submitted",
        "courses.module.approved",
        "courses.module.approved",
        "courses.module.published",
    ]


def test_publishing_creates_the_module_group_and_alumni_group_with_the_teachers(module, faculty, co_teacher):
    services.submit_module_for_review(module=module, by=faculty)
    services.approve_module(module=module, by=faculty)
    services.approve_module(module=module, by=co_teacher)
    module.refresh_from_db()
    assert module.group.category == CommunityGroup.Category.PROGRAMME
    assert module.group.name_ja == module.title_ja
    assert module.alumni_group.slug == f"module-{module.slug}-alumni"
    assert set(Membership.objects.filter(group=module.group).values_list("user", flat=True)) == {
        faculty.pk,
        co_teacher.pk,
    }


def test_a_co_owner_added_during_review_must_approve_too(module, faculty, co_teacher):
    services.submit_module_for_review(module=module, by=faculty)
    late = UserFactory(roles=["faculty"])
    services.add_co_owner(module=module, user=late)
    services.approve_module(module=module, by=faculty)
    services.approve_module(module=module, by=co_teacher)
    module.refresh_from_db()
    assert module.status == Module.Status.IN_REVIEW


def test_someone_who_is_not_a_co_owner_cannot_approve(module, faculty, staff_member):
    services.submit_module_for_review(module=module, by=faculty)
    stranger = UserFactory(roles=["faculty"])
    with pytest.raises(PermissionDenied):
        services.approve_module(module=module, by=stranger)
    with pytest.raises(PermissionDenied):
        services.approve_module(module=module, by=staff_member)


def test_only_allowed_transitions_happen(module, faculty, co_teacher):
    with pytest.raises(InvalidTransition):
        services.approve_module(module=module, by=faculty)  # a draft cannot be approved
    services.submit_module_for_review(module=module, by=faculty)
    with pytest.raises(InvalidTransition):
        services.submit_module_for_review(module=module, by=faculty)
    services.return_module_to_draft(module=module, by=faculty)
    module.refresh_from_db()
    assert module.status == Module.Status.DRAFT
    assert not module.approvals.exists()
    services.archive_module(module=module, by=faculty)
    with pytest.raises(InvalidTransition):
        services.archive_module(module=module, by=faculty)


def test_a_module_without_a_partner_university_cannot_go_to_review(faculty):
    module = ModuleFactory(owners=[faculty], partners=[])
    with pytest.raises(InvalidTransition):
        services.submit_module_for_review(module=module, by=faculty)
    module.refresh_from_db()
    assert module.status == Module.Status.DRAFT


def test_approving_twice_is_harmless(module, faculty, co_teacher):
    services.submit_module_for_review(module=module, by=faculty)
    services.approve_module(module=module, by=faculty)
    services.approve_module(module=module, by=faculty)
    assert AuditEntry.objects.filter(module=module, event="courses.module.approved").count() == 1


def test_editing_during_review_asks_every_co_owner_again(module, faculty, co_teacher):
    services.submit_module_for_review(module=module, by=faculty)
    services.approve_module(module=module, by=faculty)
    late = UserFactory(roles=["faculty"])
    services.add_co_owner(module=module, user=late)
    services.note_module_edited(module=module, by=co_teacher)
    assert not module.approvals.filter(approved_at__isnull=False).exists()
    assert set(module.approvals.values_list("owner", flat=True)) == {faculty.pk, co_teacher.pk, late.pk}
    for owner in (faculty, co_teacher, late):
        services.approve_module(module=module, by=owner)
    module.refresh_from_db()
    assert module.status == Module.Status.PUBLISHED


def test_the_last_approval_given_through_the_admin_action_publishes(client, module, faculty, co_teacher):
    from django.urls import reverse

    services.submit_module_for_review(module=module, by=faculty)
    services.approve_module(module=module, by=co_teacher)
    client.force_login(faculty)
    url = reverse("admin:courses_module_changelist")
    client.post(url, {"action": "approve_for_publishing", "_selected_action": [module.pk]})
    module.refresh_from_db()
    assert module.status == Module.Status.PUBLISHED  # both approved through the service and the admin action
