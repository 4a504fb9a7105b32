"""The Celery application.

With REDIS_URL set, Redis is the broker and a real worker (`make worker`) runs the tasks.
Without it (the embedded default of `make run`) tasks run in-process, eagerly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jige_portal.settings")

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


def send_after_commit(task, *args, **kwargs):
    """Queue `task` once the current transaction commits.

    A broker outage is logged, not raised: every caller first writes its work to the
    database (a pending row), and a periodic sweep queues whatever is still pending.
    """
    import logging

    from django.db import transaction
    from kombu.exceptions import OperationalError

    def publish():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except (OperationalError, ConnectionError, OSError) as exc:
            logging.getLogger("jige_portal.tasks").warning(
                "Broker unavailable, %s left for the sweep: %s", task.name, exc
            )

    transaction.on_commit(publish)
