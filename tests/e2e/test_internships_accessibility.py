"""axe-core finds no serious or critical WCAG 2.1 AA problem on the internship pages of every role."""

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Role
from community.tests.factories import PASSWORD, UserFactory
from internships.models import Application, OutcomeSurvey
from internships.tests.factories import ApplicationFactory, HostCompanyFactory, PostingFactory
from tests.e2e.conftest import axe_violations, sign_in


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_internship_pages_have_no_serious_accessibility_problems(new_page, language):
    student = UserFactory(roles=[Role.STUDENT], language=language, email="s@example.org", display_name="Aiko")
    staff = UserFactory(roles=[Role.STAFF], language=language, email="staff@example.org")
    company = HostCompanyFactory()
    contact = UserFactory(
        roles=[Role.COMPANY_CONTACT], language=language, email="c@example.jp", organization=company.organization
    )
    posting = PostingFactory(company=company, is_paid=True, monthly_pay_yen=100000)
    other = PostingFactory(company=company)
    application = ApplicationFactory(posting=posting, student=student)
    running = ApplicationFactory(
        posting=other, student=student, status=Application.Status.IN_PROGRESS, staff_approved_at=timezone.now()
    )
    done = ApplicationFactory(
        posting=PostingFactory(company=company),
        student=student,
        status=Application.Status.COMPLETED,
        staff_approved_at=timezone.now(),
        completed_at=timezone.now(),
    )
    survey = OutcomeSurvey.objects.create(application=done, wave=6)
    pages = {
        student: [
            reverse("internships:index"),
            posting.get_absolute_url(),
            reverse("internships:apply", args=[PostingFactory(company=company).pk]),
            reverse("internships:my_applications"),
            running.get_absolute_url(),
            survey.get_absolute_url(),
        ],
        staff: [
            reverse("internships:staff_queue"),
            application.get_absolute_url(),
            reverse("internships:eligibility_edit", args=[student.pk]),
            reverse("internships:outcomes"),
        ],
        contact: [
            reverse("internships:company_home"),
            reverse("internships:posting_create"),
            running.get_absolute_url(),
        ],
    }
    for user, paths in pages.items():
        page = new_page(locale="ja-JP" if language == "ja" else "en-GB")
        sign_in(page, user.email, PASSWORD)
        for path in paths:
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language
            assert axe_violations(page) == [], path
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{path} scrolls sideways"
