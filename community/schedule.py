"""Periodic tasks of the community app (read by jige_portal/celery.py)."""

BEAT_SCHEDULE = {
    "community.sweep_outgoing_email": {"task": "community.tasks.sweep_outgoing_email", "schedule": 60.0},
}
