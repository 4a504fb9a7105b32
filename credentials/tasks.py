from celery import shared_task

from . import services, signing


@shared_task(acks_late=True)
def complete_award(award_id: int) -> bool:
    """Issue a pending award (image, notification, pathway check); safe to repeat."""
    return services.complete_award(award_id=award_id)


@shared_task(acks_late=True)
def run_batch_award(batch_id: int) -> bool:
    """Award the rows of a batch, saving progress per chunk; safe to repeat and to resume."""
    return services.run_batch_award(batch_id=batch_id)


@shared_task(acks_late=True)
def sweep_pending_awards() -> int:
    """Queue the completion of awards left pending (broker was down, worker lost) and stalled batches."""
    return services.requeue_pending_awards() + services.requeue_stalled_batches()


@shared_task(acks_late=True)
def sign_unsigned_awards() -> int:
    """Sign issued awards that have no signed credential yet (older rows, or issued while the key
    secret was missing); safe to repeat."""
    return signing.sign_unsigned_awards()
