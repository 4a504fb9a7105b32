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
