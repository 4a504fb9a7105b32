"""Awards completed by a real Celery worker on Redis, including a worker killed in the middle of the task.

How the task is caught "in progress" honestly, without a test hook in the code: the completion
task claims the award (a conditional UPDATE) and then locks the learner's row, which it does in
production too (it serialises the pathway checks of one learner). The test holds that row lock
from its own database connection, so the task is parked inside its transaction — award claimed,
nothing committed — when the worker is killed with SIGKILL.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from django.db import connection, transaction
from django.utils import timezone

from community.models import Notification
from community.tests.factories import UserFactory
from conftest import wait_for
from credentials import services
from credentials.models import Award, AwardEvent
from credentials.tests.factories import AchievementFactory
from jige_portal.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _raw_connection():
    s = connection.settings_dict
    return psycopg2.connect(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432
    )


class LearnerLock:
    """Hold the lock the completion task takes on the learner's row (FOR NO KEY UPDATE, which
    lets the award itself be inserted), from a separate connection."""

    def __init__(self, user_id):
        self.conn = _raw_connection()
        self.conn.autocommit = False
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT id FROM community_user WHERE id = %s FOR NO KEY UPDATE", [user_id])

    def sessions_waiting(self) -> int:
        probe = _raw_connection()
        try:
            with probe.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
                return cursor.fetchone()[0]
        finally:
            probe.close()

    def release(self):
        self.conn.rollback()
        self.conn.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


class PreforkWorker:
    """A `celery worker --pool=prefork --concurrency=1`: the task runs in a child process, and the
    parent notices when that child dies (which is what reject_on_worker_lost acts on)."""

    def __init__(self, env, log_path):
        self.env, self.log_path = env, log_path

    def start(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jige_portal",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-prefork-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: b"ready." in self.log_path.read_bytes() or self.process.poll() is not None, timeout=60)
        assert self.process.poll() is None, self.output()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()

    def output(self):
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def prefork_worker(worker_env, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the real worker needs the PostgreSQL test database")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    worker = PreforkWorker(worker_env, tmp_path / "prefork.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = True


def _issued(award):
    award.refresh_from_db()
    return award.status == Award.Status.ISSUED


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_completes_the_award(celery_worker_process):
    student = UserFactory(language="ja")
    achievement = AchievementFactory()
    with transaction.atomic():
        award = services.award_achievement(recipient=student, achievement=achievement, evidence="Module completed")
    assert award.status == Award.Status.PENDING
    wait_for(lambda: _issued(award), timeout=60)
    achievement.refresh_from_db()
    assert achievement.generated_image.name.endswith(".png")
    assert Notification.objects.filter(recipient=student, event="credentials.award.issued").count() == 1
    assert "取得しました" in Notification.objects.get(recipient=student).text  # rendered in her language
    assert "complete_award" in celery_worker_process.output()


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_process_mid_task_still_issues_exactly_once(prefork_worker):
    student = UserFactory()
    achievement = AchievementFactory()
    lock = LearnerLock(student.pk)
    try:
        award = services.award_achievement(recipient=student, achievement=achievement)  # commits, then publishes
        # The task has claimed the award and now waits for the learner's row: it is mid-task.
        wait_for(lambda: lock.sessions_waiting() >= 1, timeout=60)
        children = _children(prefork_worker.process.pid)
        assert len(children) == 1
        os.kill(children[0], signal.SIGKILL)
        # The parent sees its child lost; with acks_late + reject_on_worker_lost the message goes
        # back to the queue and a fresh child takes it.
        wait_for(lambda: "WorkerLostError" in prefork_worker.output(), timeout=60)
        award.refresh_from_db()
        assert award.status == Award.Status.PENDING  # the killed attempt committed nothing
    finally:
        lock.release()
    wait_for(lambda: _issued(award), timeout=60)
    time.sleep(1)  # leave room for a wrong second issue to show up
    award.refresh_from_db()
    assert award.completion_attempts == 1  # the killed attempt was rolled back entirely
    assert AwardEvent.objects.filter(award=award, event="credentials.award.issued").count() == 1
    assert Notification.objects.filter(recipient=student).count() == 1
    assert Award.objects.filter(recipient=student).count() == 1


@pytest.mark.django_db(transaction=True)
def test_killing_the_whole_worker_and_restarting_it_the_sweep_finishes_once(celery_worker_process):
    student = UserFactory()
    achievement = AchievementFactory()
    lock = LearnerLock(student.pk)
    try:
        award = services.award_achievement(recipient=student, achievement=achievement)
        wait_for(lambda: lock.sessions_waiting() >= 1, timeout=60)
        celery_worker_process.stop(kill=True)  # SIGKILL: no chance to requeue its unacknowledged message
    finally:
        lock.release()
    wait_for(lambda: lock.sessions_waiting() == 0, timeout=30)
    award.refresh_from_db()
    assert award.status == Award.Status.PENDING

    celery_worker_process.start()
    # Redis keeps the unacknowledged message until its visibility timeout (an hour); meanwhile the
    # periodic sweep queues awards pending for more than a minute.
    Award.objects.filter(pk=award.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert services.requeue_pending_awards() == 1
    wait_for(lambda: _issued(award), timeout=60)
    # The late redelivery of the original message, or a second sweep, finds nothing to do.
    assert services.complete_award(award_id=award.pk) is False
    assert services.requeue_pending_awards() == 0
    assert AwardEvent.objects.filter(award=award, event="credentials.award.issued").count() == 1
    assert Notification.objects.filter(recipient=student).count() == 1
