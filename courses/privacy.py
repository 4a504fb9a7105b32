"""A member's enrolments and programme applications: in their data archive, and on erasure (see
community/privacy.py)."""

from . import services
from .models import Enrolment, ProgrammeApplication


def _when(value):
    return value.isoformat() if value else None


def export_courses(user) -> dict:
    enrolments = Enrolment.objects.filter(learner=user).select_related("module").order_by("created_at", "pk")
    applications = (
        ProgrammeApplication.objects.filter(applicant=user).select_related("programme").order_by("created_at", "pk")
    )
    return {
        "courses/enrolments.json": [
            {
                "module": enrolment.module.title,
                "status": enrolment.status,
                "attendance_percent": enrolment.attendance_percent,
                "grade": enrolment.grade,
                "enrolled": _when(enrolment.enrolled_at),
                "completed": _when(enrolment.completed_at),
                "ended": _when(enrolment.ended_at),
            }
            for enrolment in enrolments
        ],
        "courses/programme-applications.json": [
            {
                "programme": application.programme.title,
                "status": application.status,
                "motivation": application.motivation,
                "needs_housing": application.needs_housing,
                "needs_visa_letter": application.needs_visa_letter,
                "submitted": _when(application.created_at),
                "decided": _when(application.decided_at),
                "decision_message": application.decision_message,
            }
            for application in applications
        ],
    }


def erase_courses(user, *, deletion) -> None:
    """Free the member's seats and waiting places (the next learner moves up) and strip their
    programme applications of what they wrote; results stay, as the universities' records."""
    for enrolment in Enrolment.objects.filter(learner=user).active().select_related("module"):
        services.withdraw_enrolment(module=enrolment.module, learner=user)
    ProgrammeApplication.objects.filter(applicant=user).update(
        motivation="", needs_housing=False, needs_visa_letter=False
    )


EXPORTERS = [export_courses]
ERASERS = [erase_courses]
