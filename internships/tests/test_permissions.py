"""The full permission matrix: every internship URL for every persona.

404 for what a user may not know exists, 403 for what they see but may not do, a redirect to
sign in for visitors on members' pages.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from internships.models import Application, CompanyInvitation, OutcomeSurvey, Posting, SavedSearch

from .factories import ApplicationFactory, PostingFactory

PERSONAS = ["student", "other_student", "company", "other_company", "staff", "anonymous"]
S = Application.Status
LOGIN = "login"


@pytest.fixture
def world(company, student, other_student, company_contact, other_company_contact, staff_member):
    posting = PostingFactory(company=company)
    now = timezone.now()
    approved = ApplicationFactory(posting=posting, student=student, status=S.STAFF_APPROVED, staff_approved_at=now)
    in_progress = ApplicationFactory(
        posting=PostingFactory(company=company), student=student, status=S.IN_PROGRESS, staff_approved_at=now
    )
    completed = ApplicationFactory(
        posting=PostingFactory(company=company),
        student=student,
        status=S.COMPLETED,
        staff_approved_at=now,
        completed_at=now,
    )
    return SimpleNamespace(
        posting=posting,
        draft=PostingFactory(company=company, status=Posting.Status.DRAFT),
        fresh=PostingFactory(company=company),
        approved=approved,
        in_progress=in_progress,
        survey=OutcomeSurvey.objects.create(application=completed, wave=6),
        completed=completed,
        saved_search=SavedSearch.objects.create(user=student, name="Remote", filters={"mode": "remote"}),
        invitation=CompanyInvitation.objects.create(
            company=company,
            email="colleague@example.co.jp",
            invited_by=company_contact,
            expires_at=now + timedelta(days=14),
        ),
        users={
            "student": student,
            "other_student": other_student,
            "company": company_contact,
            "other_company": other_company_contact,
            "staff": staff_member,
            "anonymous": None,
        },
    )


def _row(student, other_student, company, other_company, staff, anonymous):
    return dict(zip(PERSONAS, (student, other_student, company, other_company, staff, anonymous), strict=True))


# name → (request builder, expected status per persona)
MATRIX = {
    "index": (lambda w: ("get", reverse("internships:index"), None), _row(200, 200, 200, 200, 200, 200)),
    "posting_detail": (lambda w: ("get", w.posting.get_absolute_url(), None), _row(200, 200, 200, 200, 200, 200)),
    "posting_detail_draft": (lambda w: ("get", w.draft.get_absolute_url(), None), _row(404, 404, 200, 404, 200, 404)),
    "apply": (
        lambda w: ("get", reverse("internships:apply", args=[w.fresh.pk]), None),
        _row(200, 200, 403, 403, 403, LOGIN),
    ),
    "apply_draft": (
        lambda w: ("get", reverse("internships:apply", args=[w.draft.pk]), None),
        _row(404, 404, 403, 404, 403, LOGIN),
    ),
    "posting_publish": (
        lambda w: ("post", reverse("internships:posting_publish", args=[w.draft.pk]), {}),
        _row(403, 403, 403, 403, 302, LOGIN),
    ),
    "posting_return": (
        lambda w: ("post", reverse("internships:posting_return", args=[w.draft.pk]), {"reason": "Add the pay."}),
        _row(403, 403, 403, 403, 302, LOGIN),
    ),
    "my_applications": (
        lambda w: ("get", reverse("internships:my_applications"), None),
        _row(200, 200, 200, 200, 200, LOGIN),
    ),
    "application_detail": (
        lambda w: ("get", w.approved.get_absolute_url(), None),
        _row(200, 404, 200, 404, 200, LOGIN),
    ),
    "application_transition": (
        lambda w: (
            "post",
            reverse("internships:application_transition", args=[w.approved.pk]),
            {"status": S.COMPANY_ACCEPTED},
        ),
        _row(403, 404, 302, 404, 403, LOGIN),
    ),
    "application_cv": (
        lambda w: ("get", reverse("internships:application_cv", args=[w.approved.pk]), None),
        _row(200, 404, 200, 404, 200, LOGIN),
    ),
    "evaluation_create": (
        lambda w: (
            "post",
            reverse("internships:evaluation_create", args=[w.in_progress.pk, "midterm"]),
            {"midterm-rating": "4", "midterm-comments": "Going well."},
        ),
        _row(302, 404, 302, 404, 403, LOGIN),
    ),
    "survey": (
        lambda w: ("get", w.survey.get_absolute_url(), None),
        _row(200, 404, 404, 404, 404, LOGIN),
    ),
    "staff_queue": (lambda w: ("get", reverse("internships:staff_queue"), None), _row(403, 403, 403, 403, 200, LOGIN)),
    "staff_bulk_approve": (
        lambda w: ("post", reverse("internships:staff_bulk_approve"), {}),
        _row(403, 403, 403, 403, 302, LOGIN),
    ),
    "eligibility_edit": (
        lambda w: ("get", reverse("internships:eligibility_edit", args=[w.users["student"].pk]), None),
        _row(403, 403, 403, 403, 200, LOGIN),
    ),
    "outcomes": (lambda w: ("get", reverse("internships:outcomes"), None), _row(403, 403, 403, 403, 200, LOGIN)),
    "outcomes_csv": (
        lambda w: ("get", reverse("internships:outcomes_csv"), None),
        _row(403, 403, 403, 403, 200, LOGIN),
    ),
    "company_home": (
        lambda w: ("get", reverse("internships:company_home"), None),
        _row(403, 403, 200, 200, 403, LOGIN),
    ),
    "posting_edit": (
        lambda w: ("get", reverse("internships:posting_edit", args=[w.draft.pk]), None),
        _row(403, 403, 200, 404, 403, LOGIN),
    ),
    "posting_create": (
        lambda w: ("get", reverse("internships:posting_create"), None),
        _row(403, 403, 200, 200, 403, LOGIN),
    ),
    "saved_searches": (
        lambda w: ("get", reverse("internships:saved_searches"), None),
        _row(200, 200, 403, 403, 403, LOGIN),
    ),
    "saved_search_create": (
        lambda w: ("post", reverse("internships:saved_search_create"), {"name": "Data", "mode": "remote"}),
        _row(302, 302, 403, 403, 403, LOGIN),
    ),
    "saved_search_delete": (
        lambda w: ("post", reverse("internships:saved_search_delete", args=[w.saved_search.pk]), {}),
        _row(302, 404, 403, 403, 403, LOGIN),
    ),
    "outcomes_summary_csv": (
        lambda w: ("get", reverse("internships:outcomes_summary_csv"), None),
        _row(403, 403, 403, 403, 200, LOGIN),
    ),
    "company_register": (
        lambda w: ("get", reverse("internships:company_register"), None),
        _row(200, 200, 200, 200, 200, 200),
    ),
    "company_registration": (
        lambda w: ("get", reverse("internships:company_registration"), None),
        _row(302, 302, 302, 302, 302, LOGIN),
    ),
    "company_profile": (
        lambda w: ("get", w.posting.company.get_absolute_url(), None),
        _row(200, 200, 200, 200, 200, 200),
    ),
    "company_registrations": (
        lambda w: ("get", reverse("internships:company_registrations"), None),
        _row(403, 403, 403, 403, 200, LOGIN),
    ),
    "company_approve": (
        lambda w: ("post", reverse("internships:company_approve", args=[w.posting.company.pk]), {}),
        _row(403, 403, 403, 403, 302, LOGIN),
    ),
    "company_decline": (
        lambda w: ("post", reverse("internships:company_decline", args=[w.posting.company.pk]), {"reason": "No."}),
        _row(403, 403, 403, 403, 302, LOGIN),
    ),
    "company_colleagues": (
        lambda w: ("get", reverse("internships:company_colleagues"), None),
        _row(403, 403, 200, 200, 403, LOGIN),
    ),
    "invitation_withdraw": (
        lambda w: ("post", reverse("internships:invitation_withdraw", args=[w.invitation.pk]), {}),
        _row(403, 403, 302, 404, 403, LOGIN),
    ),
    "invitation": (
        lambda w: ("get", reverse("internships:invitation", args=[w.invitation.token]), None),
        _row(200, 200, 200, 200, 200, 200),
    ),
    "testimonial": (
        lambda w: ("post", reverse("internships:testimonial", args=[w.completed.pk]), {"body": "Great team."}),
        _row(302, 404, 404, 404, 404, LOGIN),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix(client, world, name, persona):
    build, expected = MATRIX[name]
    method, url, data = build(world)
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    want = expected[persona]
    if want == LOGIN:
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    else:
        assert response.status_code == want, f"{persona} {method} {url}"


def test_matrix_covers_every_internship_url():
    from internships.urls import urlpatterns

    covered = {name.removesuffix("_draft") for name in MATRIX}
    assert {pattern.name for pattern in urlpatterns} <= covered


@pytest.mark.django_db
def test_company_never_sees_an_application_before_staff_approval(client, company_contact, posting, student):
    application = ApplicationFactory(posting=posting, student=student)
    client.force_login(company_contact)
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.get(reverse("internships:application_cv", args=[application.pk])).status_code == 404
    assert student.display_name not in client.get(reverse("internships:company_home")).content.decode()


@pytest.mark.django_db
def test_postings_of_an_unapproved_company_are_invisible_to_students(client, student, company):
    company.status = company.Status.PENDING
    company.save()
    posting = PostingFactory(company=company)
    client.force_login(student)
    assert client.get(posting.get_absolute_url()).status_code == 404
    assert posting.title_en not in client.get(reverse("internships:index")).content.decode()


@pytest.mark.django_db
def test_the_cv_is_not_under_the_public_media_url(application, settings):
    from pathlib import Path

    path = Path(application.cv.path).resolve()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert application.cv.storage.base_url is None
