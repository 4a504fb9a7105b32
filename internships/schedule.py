"""Periodic tasks of the internships app (read by jige_portal/celery.py). All are safe to repeat."""

BEAT_SCHEDULE = {
    "internships.send_evaluation_reminders": {
        "task": "internships.tasks.send_evaluation_reminders",
        "schedule": 3600.0,
    },
    "internships.send_outcome_surveys": {"task": "internships.tasks.send_outcome_surveys", "schedule": 3600.0},
    "internships.alert_saved_searches": {"task": "internships.tasks.alert_saved_searches", "schedule": 3600.0},
}
