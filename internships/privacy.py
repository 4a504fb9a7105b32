"""A student's internship applications: in their data archive, and on erasure (see
community/privacy.py)."""

import posixpath

from .models import Application, Evaluation, OutcomeSurvey


def _when(value):
    return value.isoformat() if value else None


def export_internships(user) -> dict:
    applications = list(
        Application.objects.filter(student=user).select_related("posting__company").order_by("created_at", "pk")
    )
    files = {}
    for application in applications:
        if application.cv:
            try:
                with application.cv.open("rb") as handle:
                    files[f"internships/cv/{application.pk}{posixpath.splitext(application.cv.name)[1]}"] = (
                        handle.read()
                    )
            except FileNotFoundError:
                pass
    evaluations = Evaluation.objects.filter(author=user).order_by("submitted_at", "pk")
    surveys = OutcomeSurvey.objects.filter(application__student=user, responded_at__isnull=False)
    return {
        **files,
        "internships/applications.json": [
            {
                "id": application.pk,
                "posting": application.posting.title,
                "company": str(application.posting.company),
                "status": application.status,
                "motivation_letter": application.motivation,
                "cv": f"internships/cv/{application.pk}.pdf" if application.cv else None,
                "submitted": _when(application.submitted_at),
                "starts_on": _when(application.starts_on),
                "ends_on": _when(application.ends_on),
                "completed": _when(application.completed_at),
            }
            for application in applications
        ],
        "internships/evaluations.json": [
            {
                "application": evaluation.application_id,
                "stage": evaluation.stage,
                "rating": evaluation.rating,
                "comments": evaluation.comments,
                "submitted": _when(evaluation.submitted_at),
            }
            for evaluation in evaluations
        ],
        "internships/outcome-surveys.json": [
            {
                "application": survey.application_id,
                "wave": survey.wave,
                "has_job_offer": survey.has_job_offer,
                "works_in_host_prefecture": survey.works_in_host_prefecture,
                "employer": survey.employer,
                "answered": _when(survey.responded_at),
            }
            for survey in surveys
        ],
    }


def erase_internships(user, *, deletion) -> None:
    """Anonymise the student's applications: the letter and CV go, the workflow and its dates
    stay for the staff's statistics (and the audit trail, which nobody may change)."""
    for application in Application.objects.filter(student=user).exclude(cv=""):
        application.cv.delete(save=False)
        Application.objects.filter(pk=application.pk).update(cv="")
    Application.objects.filter(student=user).exclude(motivation="").update(motivation="")
    Evaluation.objects.filter(author=user).exclude(comments="").update(comments="")
    OutcomeSurvey.objects.filter(application__student=user).exclude(employer="").update(employer="")


EXPORTERS = [export_internships]
ERASERS = [erase_internships]
