"""Periodic tasks of the courses app (read by jige_portal/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Daily, early in UTC: a module's last day is over in every time zone by the next run at the
    # latest. A module queued twice is closed once (close_module holds its row lock).
    "courses.close_ended_modules": {
        "task": "courses.tasks.close_ended_modules",
        "schedule": crontab(hour=1, minute=30),
    },
    "courses.sweep_lti_scores": {
        "task": "courses.tasks.sweep_lti_scores",
        "schedule": 60.0,
    },
    "courses.sweep_cohort_enrolments": {"task": "courses.tasks.sweep_cohort_enrolments", "schedule": 60.0},
}
