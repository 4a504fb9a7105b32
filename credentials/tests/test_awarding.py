"""award_achievement: once per learner and achievement, completed in the background, swept after outages."""

import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from community.models import Notification
from community.tests.factories import UserFactory
from credentials import services
from credentials.models import Award, AwardEvent
from credentials.tests.factories import AchievementFactory


@pytest.mark.django_db
def test_award_is_pending_until_commit_then_issued_with_image_and_notification(
    student, django_capture_on_commit_callbacks
):
    achievement = AchievementFactory(validity_months=24)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        award = services.award_achievement(recipient=student, achievement=achievement, evidence="Final project")
    assert award.status == Award.Status.PENDING
    # The completion task is queued after commit (beside the page cache's version bumps).
    tasks = [callback for callback in callbacks if "pagecache" not in callback.__module__]
    assert len(tasks) == 1

    tasks[0]()  # runs the task eagerly, as a worker would
    award.refresh_from_db()
    achievement.refresh_from_db()
    assert award.status == Award.Status.ISSUED
    assert award.issued_at is not None
    assert award.valid_until.year == award.issued_at.year + 2
    assert award.credits_earned == achievement.credit_value
    assert award.issuer == achievement.issuer
    assert award.snapshot["name_ja"] == achievement.name_ja
    assert award.snapshot["criteria_en"] == achievement.criteria_en
    assert achievement.generated_image.name.endswith(".png")
    assert award.badge_image == achievement.generated_image
    notification = Notification.objects.get(recipient=student)
    assert achievement.name_en in str(notification)


@pytest.mark.django_db(transaction=True)
def test_the_learner_is_told_in_app_and_by_email_in_their_language():
    from community.models import OutgoingEmail

    learner = UserFactory(language="ja", email="hana@example.org")
    achievement = AchievementFactory(name_ja="防災と復興")
    services.award_achievement(recipient=learner, achievement=achievement)
    notification = Notification.objects.get(recipient=learner, event="credentials.award.issued")
    assert "「防災と復興」を取得しました" in notification.text
    assert notification.url == Award.objects.get().get_absolute_url()
    email = OutgoingEmail.objects.get(to=[learner.email])
    assert "防災と復興" in email.body_text


@pytest.mark.django_db
def test_awarding_twice_returns_the_same_award(student, faculty):
    achievement = AchievementFactory()
    first = services.award_achievement(recipient=student, achievement=achievement)
    second = services.award_achievement(recipient=student, achievement=achievement, awarded_by=faculty)
    assert first.pk == second.pk
    assert Award.objects.count() == 1
    assert AwardEvent.objects.filter(event="credentials.award.created").count() == 1


@pytest.mark.django_db
def test_completing_twice_issues_once(student, django_capture_on_commit_callbacks):
    achievement = AchievementFactory()
    with django_capture_on_commit_callbacks(execute=False):
        award = services.award_achievement(recipient=student, achievement=achievement)
    assert services.complete_award(award_id=award.pk) is True
    assert services.complete_award(award_id=award.pk) is False
    assert AwardEvent.objects.filter(award=award, event="credentials.award.issued").count() == 1
    assert Notification.objects.filter(recipient=student).count() == 1
    award.refresh_from_db()
    assert award.completion_attempts == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_awarding_from_several_connections_creates_one_award():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locking")
    recipient = UserFactory()
    achievement = AchievementFactory()
    barrier = threading.Barrier(6)
    results, errors = [], []

    def award_in_own_connection():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                award = services.award_achievement(recipient=recipient, achievement=achievement)
                # Hold the transaction open a little so that the others really collide.
                connection.cursor().execute("SELECT pg_sleep(0.2)")
            results.append(award.pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=award_in_own_connection) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 6
    assert len(set(results)) == 1
    assert Award.objects.filter(recipient=recipient, achievement=achievement).count() == 1
    assert Award.objects.get().status == Award.Status.ISSUED


@pytest.mark.django_db
def test_sweep_completes_awards_left_pending_for_more_than_a_minute(student, django_capture_on_commit_callbacks):
    achievement = AchievementFactory()
    with django_capture_on_commit_callbacks(execute=False):  # as if the broker had lost the message
        award = services.award_achievement(recipient=student, achievement=achievement)
    assert services.requeue_pending_awards() == 0  # too fresh: the queued task may still come
    Award.objects.filter(pk=award.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_pending_awards() == 1
    award.refresh_from_db()
    assert award.status == Award.Status.ISSUED
    assert services.requeue_pending_awards() == 0


AWARD_WITH_BROKER_DOWN = """
import django; django.setup()
from django.db import transaction
from community.models import User
from credentials.models import Achievement
from credentials.services import award_achievement
with transaction.atomic():
    award = award_achievement(recipient=User.objects.get(email="outage@example.org"),
                              achievement=Achievement.objects.get(slug="outage-module"))
print("awarded", award.status)
"""


@pytest.mark.django_db(transaction=True)
def test_broker_outage_at_award_time_loses_nothing_and_the_sweep_completes_later(worker_env):
    student = UserFactory(email="outage@example.org")
    AchievementFactory(slug="outage-module")
    env = {**worker_env, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(
        [sys.executable, "-c", AWARD_WITH_BROKER_DOWN], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "awarded pending" in result.stdout
    award = Award.objects.get(recipient=student)
    assert award.status == Award.Status.PENDING

    Award.objects.filter(pk=award.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert services.requeue_pending_awards() == 1  # the broker is back: runs eagerly after commit
    award.refresh_from_db()
    assert award.status == Award.Status.ISSUED


STAFF_AWARDS_WITH_BROKER_DOWN = """
import django; django.setup()
from django.test import Client
from community.models import User
from credentials.models import Achievement
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(email="registrar@example.org"))
response = client.post("/credentials/staff/award/", {
    "achievement": Achievement.objects.get(slug="outage-module").pk, "emails": "outage@example.org"})
print("status", response.status_code)
"""


@pytest.mark.django_db(transaction=True)
def test_staff_award_page_works_while_the_broker_is_down_and_the_sweep_catches_up(worker_env):
    from community.models import Role
    from credentials.models import BatchAward

    student = UserFactory(email="outage@example.org")
    achievement = AchievementFactory(slug="outage-module")
    # Staff of the issuing university: staff award only in the name of the university they are staff of.
    UserFactory(email="registrar@example.org", roles=[Role.STAFF], organization=achievement.issuer)
    env = {**worker_env, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}  # the cache stays up
    result = subprocess.run(
        [sys.executable, "-c", STAFF_AWARDS_WITH_BROKER_DOWN], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "status 302" in result.stdout  # no 500
    batch = BatchAward.objects.get()
    assert batch.status == BatchAward.Status.QUEUED

    BatchAward.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    from credentials.tasks import sweep_pending_awards

    sweep_pending_awards.delay()  # the broker is back; the periodic sweep runs (eagerly here)
    batch.refresh_from_db()
    assert batch.status == BatchAward.Status.DONE
    assert Award.objects.get(recipient=student).status == Award.Status.ISSUED
