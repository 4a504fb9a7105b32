"""Evaluation reminders before they are due and outcome surveys 6 and 12 months later: each sent once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Notification, OutgoingEmail
from internships import services, tasks
from internships.models import Application, Evaluation, EvaluationReminder, OutcomeSurvey, add_months
from internships.schedule import BEAT_SCHEDULE

from .factories import ApplicationFactory

S = Application.Status


@pytest.fixture
def running(posting, student):
    today = timezone.localdate()
    return ApplicationFactory(
        posting=posting,
        student=student,
        status=S.IN_PROGRESS,
        staff_approved_at=timezone.now(),
        starts_on=today - timedelta(days=40),
        midterm_due=today + timedelta(days=5),
        ends_on=today + timedelta(days=50),
    )


def test_tasks_are_scheduled_by_beat():
    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert scheduled == {
        "internships.tasks.send_evaluation_reminders",
        "internships.tasks.send_outcome_surveys",
        "internships.tasks.alert_saved_searches",
    }


@pytest.mark.django_db
def test_midterm_reminder_goes_to_student_and_supervisor_once(running, student, company_contact):
    assert tasks.send_evaluation_reminders() == 2
    assert tasks.send_evaluation_reminders() == 0  # run twice: sent once
    reminded = set(EvaluationReminder.objects.values_list("recipient", "stage"))
    assert reminded == {(student.pk, "midterm"), (company_contact.pk, "midterm")}
    note = Notification.objects.get(recipient=student)
    assert note.event == "internships.evaluation.midterm.reminder"
    assert "Mid-term evaluation" in note.text


@pytest.mark.django_db
def test_no_reminder_far_from_the_due_date_nor_for_a_done_evaluation(running, student, company_contact):
    Evaluation.objects.create(
        application=running, stage="midterm", author_role="student", author=student, rating=5, comments="Great."
    )
    assert services.send_evaluation_reminders(today=timezone.localdate() - timedelta(days=30)) == 0
    assert services.send_evaluation_reminders() == 1
    assert list(EvaluationReminder.objects.values_list("recipient", flat=True)) == [company_contact.pk]


@pytest.mark.django_db
def test_final_reminder_comes_a_week_before_the_end(running):
    later = running.ends_on - timedelta(days=6)
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                application=running, stage="midterm", author_role=role, author=running.student, rating=3, comments="."
            )
            for role in ("student", "company")
        ]
    )
    assert services.send_evaluation_reminders(today=later) == 2
    assert set(EvaluationReminder.objects.values_list("stage", flat=True)) == {"final"}


@pytest.fixture
def completed(posting, student):
    return ApplicationFactory(
        posting=posting,
        student=student,
        status=S.COMPLETED,
        staff_approved_at=timezone.now(),
        completed_at=timezone.now() - timedelta(days=1),
    )


@pytest.mark.django_db
def test_outcome_surveys_are_sent_at_6_and_12_months_once_in_the_students_language(completed, student):
    student.language = "ja"
    student.save(update_fields=["language"])
    done = timezone.localdate() - timedelta(days=1)
    assert services.send_outcome_surveys(today=add_months(done, 6) - timedelta(days=1)) == 0
    assert services.send_outcome_surveys(today=add_months(done, 6)) == 1
    assert services.send_outcome_surveys(today=add_months(done, 6)) == 0
    assert services.send_outcome_surveys(today=add_months(done, 12)) == 1
    assert tasks.send_outcome_surveys() == 0  # the beat task, today: nothing more is due
    assert list(OutcomeSurvey.objects.values_list("wave", flat=True)) == [6, 12]
    mails = OutgoingEmail.objects.filter(to=[student.email]).order_by("created_at")
    assert mails.count() == 2
    assert all(mail.language == "ja" for mail in mails)
    assert "インターンシップ" in mails[0].body_text
    survey = OutcomeSurvey.objects.get(wave=6)
    assert survey.get_absolute_url() in mails[0].body_text


@pytest.mark.django_db
def test_student_answers_the_survey(client, completed, student):
    from django.urls import reverse

    survey = OutcomeSurvey.objects.create(application=completed, wave=6)
    client.force_login(student)
    response = client.post(
        survey.get_absolute_url(), {"has_job_offer": "True", "works_in_host_prefecture": "False", "employer": ""}
    )
    assert response.url == reverse("internships:my_applications")
    survey.refresh_from_db()
    assert (survey.has_job_offer, survey.works_in_host_prefecture) == (True, False)
    assert survey.responded_at is not None


def test_add_months_clamps_to_the_end_of_the_month():
    from datetime import date

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 8, 15), -12) == date(2025, 8, 15)
