from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_outgoing_email(email_id: int) -> bool:
    """Send one stored e-mail; safe to repeat (a conditional UPDATE claims it first)."""
    return services.deliver_outgoing_email(email_id=email_id)


@shared_task(acks_late=True)
def sweep_outgoing_email() -> int:
    """Queue stored e-mails that no worker has sent (broker was down, worker died)."""
    return services.requeue_stale_outgoing_email()


@shared_task(acks_late=True)
def sync_user_automatic_groups(user_id: int) -> tuple[int, int]:
    """Sync one member's automatic groups after a profile change; safe to repeat."""
    return services.sync_automatic_groups_for_user(user_id=user_id)


@shared_task(acks_late=True)
def sync_automatic_groups() -> int:
    """Nightly: bring every automatic group in line with its rule; safe to repeat."""
    return len(services.sync_all_automatic_groups())


@shared_task(acks_late=True)
def send_notification_digests() -> int:
    """Hourly: send due daily digests; a member gets at most one per local day."""
    return services.send_notification_digests()


@shared_task(acks_late=True)
def email_unread_messages() -> int:
    """Every few minutes: e-mail members about messages they have not read; safe to repeat."""
    return services.notify_unread_messages()


@shared_task(acks_late=True)
def announce_post(post_id: int) -> int:
    """Notify a group's members of a new post; safe to repeat (announced once per post)."""
    return services.announce_post_to_members(post_id=post_id)


@shared_task(acks_late=True)
def sweep_announcements() -> int:
    """Queue the announcement of posts that have none (broker was down, worker died)."""
    return services.requeue_unannounced_posts()


@shared_task(acks_late=True)
def send_event_reminders() -> int:
    """Every few minutes: remind members going to an event that starts soon; safe to repeat
    (each reminder is claimed once)."""
    return services.send_event_reminders()


@shared_task(acks_late=True)
def send_import_invitations(batch_id: int) -> int:
    """E-mail the invitations of an imported cohort; safe to repeat (rows are claimed and marked sent)."""
    return services.send_import_invitations(batch_id=batch_id)


@shared_task(acks_late=True)
def sweep_import_invitations() -> int:
    """Queue imported cohorts whose invitations are still pending (broker was down, worker died)."""
    return services.requeue_import_invitations()


@shared_task(acks_late=True)
def build_data_export(export_id: int) -> bool:
    """Make a member's data archive; safe to repeat (only a pending export is claimed)."""
    from .services import privacy

    return privacy.build_data_export(export_id=export_id)


@shared_task(acks_late=True)
def sweep_data_exports() -> int:
    """Queue data exports no worker has made, and delete expired archives."""
    from .services import privacy

    return privacy.sweep_data_exports()


@shared_task(acks_late=True)
def erase_due_accounts() -> int:
    """Erase the accounts whose deletion grace period is over; safe to repeat."""
    from .services import privacy

    return privacy.erase_due_accounts()
