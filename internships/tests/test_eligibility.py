"""The immigration gate on staff approval of paid internships (資格外活動許可 and the 28-hour rule)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from internships import services
from internships.models import Application, TransitionBlocked, WorkEligibility

from .factories import ApplicationFactory, PostingFactory, WorkEligibilityFactory

S = Application.Status
Residence, Permission = WorkEligibility.ResidenceStatus, WorkEligibility.Permission


def paid_posting(company, hours=20):
    return PostingFactory(company=company, is_paid=True, monthly_pay_yen=120000, hours_per_week=hours)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("paid", "hours", "residence", "permission", "eligible", "reason"),
    [
        (False, 40, None, None, True, ""),  # unpaid: no permission needed
        (True, 20, None, None, False, "residence status is not recorded"),
        (True, 20, Residence.STUDENT, Permission.NONE, False, "資格外活動許可"),
        (True, 20, Residence.STUDENT, Permission.COMPREHENSIVE, True, ""),
        (True, 28, Residence.STUDENT, Permission.COMPREHENSIVE, True, ""),
        (True, 29, Residence.STUDENT, Permission.COMPREHENSIVE, False, "more than 28"),
        (True, 35, Residence.STUDENT, Permission.INDIVIDUAL, True, ""),
        (True, 35, Residence.UNRESTRICTED, Permission.NONE, True, ""),
        (True, 35, Residence.ABROAD, Permission.NONE, True, ""),
    ],
)
def test_staff_approval_gate(company, student, staff_member, paid, hours, residence, permission, eligible, reason):
    posting = paid_posting(company, hours) if paid else PostingFactory(company=company, hours_per_week=hours)
    if residence is not None:
        WorkEligibilityFactory(student=student, residence_status=residence, permission=permission)
    application = ApplicationFactory(posting=posting, student=student)
    if eligible:
        services.change_application_status(application=application, status=S.STAFF_APPROVED, by=staff_member)
        application.refresh_from_db()
        assert application.status == S.STAFF_APPROVED
    else:
        with pytest.raises(TransitionBlocked) as blocked:
            services.change_application_status(application=application, status=S.STAFF_APPROVED, by=staff_member)
        assert reason in str(blocked.value)
        application.refresh_from_db()
        assert application.status == S.SUBMITTED
        assert not application.events.exists()


@pytest.mark.django_db
def test_an_expired_permission_blocks_approval(company, student, staff_member):
    WorkEligibilityFactory(student=student, permission_valid_until=timezone.localdate() + timedelta(days=1))
    application = ApplicationFactory(posting=paid_posting(company), student=student)
    with pytest.raises(TransitionBlocked, match="expires before the internship starts"):
        services.change_application_status(application=application, status=S.STAFF_APPROVED, by=staff_member)


@pytest.mark.django_db
def test_staff_see_why_and_record_the_document_then_approve(client, company, student, staff_member):
    application = ApplicationFactory(posting=paid_posting(company, hours=32), student=student)
    client.force_login(staff_member)
    client.cookies.load({"jige_language": "en"})
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])

    queue = client.get(reverse("internships:staff_queue")).content.decode()
    assert "residence status is not recorded" in queue
    response = client.post(
        reverse("internships:application_transition", args=[application.pk]), {"status": S.STAFF_APPROVED}, follow=True
    )
    assert "residence status is not recorded" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED

    url = reverse("internships:eligibility_edit", args=[student.pk])
    response = client.post(
        url,
        {
            "residence_status": Residence.STUDENT,
            "permission": Permission.COMPREHENSIVE,
            "permission_reference": "TKY-2026-001",
            "permission_valid_until": (timezone.localdate() + timedelta(days=500)).isoformat(),
            "next": application.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response.url == application.get_absolute_url()
    detail = client.get(application.get_absolute_url()).content.decode()
    assert "more than 28: an individual permission" in detail

    client.post(
        url,
        {
            "residence_status": Residence.STUDENT,
            "permission": Permission.INDIVIDUAL,
            "permission_reference": "TKY-2026-002",
            "permission_valid_until": (timezone.localdate() + timedelta(days=500)).isoformat(),
        },
    )
    eligibility = WorkEligibility.objects.get(student=student)
    assert (eligibility.recorded_by, eligibility.permission) == (staff_member, Permission.INDIVIDUAL)
    client.post(reverse("internships:application_transition", args=[application.pk]), {"status": S.STAFF_APPROVED})
    application.refresh_from_db()
    assert application.status == S.STAFF_APPROVED


@pytest.mark.django_db
def test_a_permission_needs_its_reference_and_validity(client, staff_member, student):
    client.force_login(staff_member)
    response = client.post(
        reverse("internships:eligibility_edit", args=[student.pk]),
        {"residence_status": Residence.STUDENT, "permission": Permission.COMPREHENSIVE},
    )
    assert response.status_code == 200
    assert not WorkEligibility.objects.filter(student=student).exists()


@pytest.mark.django_db
def test_eligibility_redirect_stays_on_the_site(client, staff_member, student):
    client.force_login(staff_member)
    response = client.post(
        reverse("internships:eligibility_edit", args=[student.pk]),
        {"residence_status": Residence.UNRESTRICTED, "next": "https://evil.example/"},
    )
    assert response.url == reverse("internships:staff_queue")
