"""The company side (postings reviewed by staff) and evaluations during the internship."""

import pytest
from django.urls import reverse
from django.utils import timezone

from internships import services
from internships.models import Application, Evaluation, Posting

from .factories import ApplicationFactory

S = Application.Status


@pytest.mark.django_db
def test_company_posts_staff_publish_students_see(client, company, company_contact, staff_member, student):
    client.force_login(company_contact)
    today = timezone.localdate()
    response = client.post(
        reverse("internships:posting_create"),
        {
            "title_en": "Kaizen assistant",
            "title_ja": "改善活動アシスタント",
            "description_en": "Help the line.",
            "description_ja": "ラインを支援します。",
            "mode": "on_site",
            "location_en": "Ota",
            "location_ja": "太田市",
            "prefecture": "10",
            "field": "engineering",
            "duration_months": "4",
            "start_earliest": (today.replace(year=today.year + 1)).isoformat(),
            "start_latest": (today.replace(year=today.year + 1)).isoformat(),
            "hours_per_week": "20",
            "monthly_pay_yen": "",
            "jlpt_level": "N3",
            "cefr_level": "",
            "skills": "lean",
            "positions": "1",
            "application_deadline": (today.replace(year=today.year + 1)).isoformat(),
        },
    )
    assert response.status_code == 302
    posting = Posting.objects.get(title_en="Kaizen assistant")
    assert posting.status == Posting.Status.IN_REVIEW
    client.force_login(student)
    assert client.get(posting.get_absolute_url()).status_code == 404
    client.force_login(staff_member)
    client.post(reverse("internships:posting_publish", args=[posting.pk]))
    client.force_login(student)
    assert client.get(posting.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_posting_form_refuses_bad_duration_and_missing_pay(client, company, company_contact):
    client.force_login(company_contact)
    response = client.post(
        reverse("internships:posting_create"),
        {
            "title_en": "X",
            "description_en": "Y",
            "mode": "remote",
            "prefecture": "10",
            "field": "ict",
            "duration_months": "13",
            "hours_per_week": "10",
            "is_paid": "on",
            "positions": "1",
            "start_earliest": "2030-01-01",
            "start_latest": "2029-01-01",
            "application_deadline": "2029-01-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"duration_months", "monthly_pay_yen", "start_latest"} <= set(errors)
    assert not Posting.objects.filter(title_en="X").exists()


@pytest.mark.django_db
def test_student_and_supervisor_evaluate_then_staff_complete(client, posting, student, company_contact, staff_member):
    application = ApplicationFactory(
        posting=posting, student=student, status=S.IN_PROGRESS, staff_approved_at=timezone.now()
    )
    for user in (student, company_contact):
        client.force_login(user)
        response = client.post(
            reverse("internships:evaluation_create", args=[application.pk, "final"]),
            {"final-rating": "5", "final-comments": "Excellent."},
        )
        assert response.status_code == 302
    assert set(Evaluation.objects.values_list("author_role", flat=True)) == {"student", "company"}
    client.force_login(student)  # a second final evaluation by the same side is refused
    client.post(
        reverse("internships:evaluation_create", args=[application.pk, "final"]),
        {"final-rating": "1", "final-comments": "Again."},
    )
    assert Evaluation.objects.count() == 2
    services.change_application_status(application=application, status=S.COMPLETED, by=staff_member)
    application.refresh_from_db()
    assert application.status == S.COMPLETED and application.completed_at


@pytest.mark.django_db
def test_a_company_posts_only_after_staff_approve_it(client, company, company_contact, staff_member):
    from internships.models import HostCompany

    HostCompany.objects.filter(pk=company.pk).update(status=HostCompany.Status.PENDING, approved_at=None)
    client.force_login(company_contact)
    response = client.get(reverse("internships:posting_create"))
    assert response.status_code == 302
    assert response.url == reverse("internships:company_home")
    client.force_login(staff_member)
    client.post(
        reverse("admin:internships_hostcompany_changelist"), {"action": "approve", "_selected_action": [company.pk]}
    )
    company.refresh_from_db()
    assert (company.status, company.approved_by) == (HostCompany.Status.APPROVED, staff_member)
    client.force_login(company_contact)
    assert client.get(reverse("internships:posting_create")).status_code == 200


@pytest.mark.django_db
def test_only_a_company_organization_can_be_a_host(db):
    from django.core.exceptions import ValidationError

    from community.tests.factories import OrganizationFactory
    from internships.models import HostCompany

    with pytest.raises(ValidationError):
        HostCompany(organization=OrganizationFactory()).full_clean()


@pytest.mark.django_db
def test_editing_a_published_posting_sends_it_back_to_review(client, posting, company_contact, student):
    client.force_login(company_contact)
    url = reverse("internships:posting_edit", args=[posting.pk])
    data = {
        name: value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else value)
        for name, value in {
            "title_en": "Renamed internship",
            "title_ja": posting.title_ja,
            "description_en": posting.description_en,
            "description_ja": posting.description_ja,
            "mode": posting.mode,
            "location_en": posting.location_en,
            "location_ja": posting.location_ja or "",
            "prefecture": posting.prefecture,
            "field": posting.field,
            "duration_months": posting.duration_months,
            "start_earliest": posting.start_earliest,
            "start_latest": posting.start_latest,
            "hours_per_week": posting.hours_per_week,
            "monthly_pay_yen": None,
            "jlpt_level": "",
            "cefr_level": "",
            "skills": posting.skills,
            "positions": posting.positions,
            "application_deadline": posting.application_deadline,
        }.items()
    }
    assert client.post(url, data).status_code == 302
    posting.refresh_from_db()
    assert (posting.title_en, posting.status) == ("Renamed internship", Posting.Status.IN_REVIEW)
    client.force_login(student)
    assert client.get(posting.get_absolute_url()).status_code == 404
