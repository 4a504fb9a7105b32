"""The Celery application, and publishing tasks that fails fast.

With REDIS_URL set, Redis is the broker and a real worker (`make worker`) runs the tasks.
Without it (the embedded default of `make run`) tasks run in-process, eagerly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jige_portal.settings")

from datetime import timedelta

# A pending row older than this, whose task has not claimed it, is queued again by its sweep
# (beat runs the sweeps every 20 s): after a broker outage everything goes out within a minute.
# A task queued twice still acts once: each claims its row.
SWEEP_AFTER = timedelta(seconds=30)

app = Celery("jige_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _collect_beat_schedules():
    """Each app lists its periodic tasks in `<app>/schedule.py`, a module of plain data."""
    import importlib

    schedule = {}
    for label in ("community", "credentials", "courses", "internships"):
        try:
            module = importlib.import_module(f"{label}.schedule")
        except ModuleNotFoundError:
            continue
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


app.conf.beat_schedule = _collect_beat_schedules()


class _Broker:
    """Whether the broker failed in the last REDIS_RETRY_SECONDS, as this process saw it."""

    down_until = 0.0
    skipped = 0


def send_after_commit(task, *args, **kwargs):
    """Queue `task` once the current transaction commits.

    A broker outage is logged, not raised: every caller first writes its work to the
    database (a pending row), and a periodic sweep queues whatever is still pending. A publish
    that fails costs one refused connection (or REDIS_TIMEOUT); after it this process stops
    trying for REDIS_RETRY_SECONDS, so a request that queues many tasks pays that once.
    """
    from django.db import transaction

    transaction.on_commit(lambda: publish(task, *args, **kwargs))


def publish(task, *args, **kwargs) -> bool:
    """Send `task` to the broker now; False (logged) when the broker is down or was a moment ago."""
    import logging
    import time

    from django.conf import settings
    from kombu.exceptions import OperationalError

    logger = logging.getLogger("jige_portal.tasks")
    if time.monotonic() < _Broker.down_until:
        _Broker.skipped += 1
        logger.info("Broker unavailable a moment ago, %s left for the sweep", task.name)
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except (OperationalError, ConnectionError, OSError) as exc:
        _Broker.down_until = time.monotonic() + getattr(settings, "REDIS_RETRY_SECONDS", 5)
        logger.warning("Broker unavailable, %s left for the sweep: %s", task.name, exc)
        return False
    return True
