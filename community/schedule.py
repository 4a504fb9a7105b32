"""Periodic tasks of the community app (read by jige_portal/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Pending work written while the broker was down: each kind has its sweep (see also
    # credentials/schedule.py). A swept row is claimed by its task, so it is done once.
    "community.sweep_outgoing_email": {"task": "community.tasks.sweep_outgoing_email", "schedule": 20.0},
    "community.sweep_announcements": {"task": "community.tasks.sweep_announcements", "schedule": 20.0},
    "community.sweep_import_invitations": {"task": "community.tasks.sweep_import_invitations", "schedule": 60.0},
    "community.sync_automatic_groups": {
        "task": "community.tasks.sync_automatic_groups",
        "schedule": crontab(hour=3, minute=15),
    },
    # Hourly, so that each member's digest goes out in the morning of their own time zone.
    "community.send_notification_digests": {
        "task": "community.tasks.send_notification_digests",
        "schedule": crontab(minute=5),
    },
    # Every 10 minutes, so a reminder goes out at most that late; a reminder is sent once.
    "community.send_event_reminders": {"task": "community.tasks.send_event_reminders", "schedule": 600.0},
    "community.sweep_data_exports": {"task": "community.tasks.sweep_data_exports", "schedule": 60.0},
    "community.erase_due_accounts": {"task": "community.tasks.erase_due_accounts", "schedule": crontab(minute=35)},
    "community.email_unread_messages": {"task": "community.tasks.email_unread_messages", "schedule": 120.0},
}
