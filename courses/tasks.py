"""Background work of the courses app: the end of modules."""

from celery import shared_task

from jige_portal.celery import send_after_commit

from . import services
from .models import Module


@shared_task(acks_late=True)
def close_module(module_id: int) -> bool:
    """Close one ended module (enrolments settled, learners to the alumni group, notified).
    Safe to repeat: a closed module is left as it is. True when it is closed now."""
    module = Module.objects.filter(pk=module_id).first()
    if module is None or module.is_closed or not module.has_ended():
        return False
    services.close_module(module=module)
    return True


@shared_task(acks_late=True)
def archive_module_group(module_id: int) -> bool:
    """Make a closed module's community group read-only once its delay has passed; safe to repeat."""
    module = Module.objects.filter(pk=module_id).first()
    return module is not None and services.archive_module_group(module=module)


@shared_task(acks_late=True)
def close_ended_modules() -> int:
    """Daily: queue the closing of every module whose last day is over, and the archiving of
    groups whose delay has passed. Each module is its own task, so one failure stops no other."""
    closing = services.modules_due_for_closing()
    archiving = services.module_groups_due_for_archiving()
    for pk in closing:
        send_after_commit(close_module, pk)
    for pk in archiving:
        send_after_commit(archive_module_group, pk)
    return len(closing) + len(archiving)


@shared_task(bind=True, acks_late=True, max_retries=8)
def send_lti_score(self, score_id: int) -> bool:
    """Send a completion to the course's grade column (LTI Assignment and Grade Services).
    Safe to repeat: a score already sent is not sent again. Retries with backoff while the
    platform cannot be reached; the sweep picks up what is still pending after that."""
    from .lti import LtiError
    from .lti_services import send_score

    try:
        return send_score(score_id=score_id)
    except LtiError as error:
        if self.request.is_eager:  # in-process (no broker): leave it pending for the sweep
            return False
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 3600)) from None


@shared_task(acks_late=True)
def sweep_lti_scores() -> int:
    """Every minute: queue the completions still waiting to go back to a course (and drop
    spent login states). Safe to repeat: each score task claims its row."""
    from .lti_services import forget_old_login_states, requeue_pending_scores

    forget_old_login_states()
    return requeue_pending_scores()


@shared_task(acks_late=True)
def enrol_cohort(enrolment_id: int) -> int:
    """Place the members of a confirmed cohort enrolment; safe to repeat (rows claimed, placing idempotent)."""
    return services.enrol_cohort_members(enrolment_id=enrolment_id)


@shared_task(acks_late=True)
def sweep_cohort_enrolments() -> int:
    """Queue cohort enrolments that no worker has finished (broker was down, worker died)."""
    return services.requeue_cohort_enrolments()
