"""Periodic tasks of the credentials app (read by jige_portal/celery.py)."""

BEAT_SCHEDULE = {
    "credentials.sweep_pending_awards": {"task": "credentials.tasks.sweep_pending_awards", "schedule": 20.0},
    "credentials.sign_unsigned_awards": {"task": "credentials.tasks.sign_unsigned_awards", "schedule": 300.0},
}
