from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_evaluation_reminders() -> int:
    """Remind students and supervisors of evaluations due within a week; each reminder is sent once."""
    return services.send_evaluation_reminders()


@shared_task(acks_late=True)
def send_outcome_surveys() -> int:
    """E-mail the 6- and 12-month outcome surveys that are due; each wave is sent once."""
    return services.send_outcome_surveys()


@shared_task(acks_late=True)
def alert_saved_searches() -> int:
    """Hourly: add postings new to each saved search to its member's daily digest; each is sent once."""
    return services.alert_saved_searches()
