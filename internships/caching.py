"""Version names of the internships' cached pages, and the rows that bump them (community.pagecache)."""

from community.caching import member
from community.pagecache import track

# The list of open postings: any posting or host company.
POSTINGS = "internships:postings"


def application(pk) -> str:
    """One application's page: its status, events, evaluations and surveys."""
    return f"internships:application:{pk}"


def eligibility(student_id) -> str:
    """A student's work eligibility, shown to staff on each of the student's applications."""
    return f"internships:eligibility:{student_id}"


def _posting_pages(row) -> list[str]:
    from .models import Application

    # An application's page shows its posting (title, company, paid or not) and who the company
    # is follows from it: a change to the posting renders every one of them anew.
    applications = Application.objects.filter(posting_id=row.pk).values_list("pk", flat=True)
    return [POSTINGS, *[application(pk) for pk in applications]]


def register():
    from .models import (
        Application,
        ApplicationEvent,
        Evaluation,
        HostCompany,
        OutcomeSurvey,
        Posting,
        Testimonial,
        WorkEligibility,
    )

    track(HostCompany, lambda row: [POSTINGS])
    track(Posting, _posting_pages)
    track(Application, lambda row: [application(row.pk), member(row.student_id)])
    for model in (ApplicationEvent, Evaluation, OutcomeSurvey, Testimonial):
        track(model, lambda row: [application(row.application_id)])
    track(WorkEligibility, lambda row: [eligibility(row.student_id), member(row.student_id)])
