"""The single Redis (cache, sessions, broker) goes down in the middle of a working session.

The portal runs against a Redis of the test's own (tests/throwaway_redis.py) for its cache, its
sessions and its broker, with a real Celery worker on the same Redis. Redis is killed: signed-in
pages still answer 200, signing in works, a join request is approved, a message sent, a post
written, a module's results uploaded (five awards) and a batch award stored, each completely,
and fast. Redis comes back with nothing in it (the queued tasks are lost): the sweeps that beat
runs every minute, run here through the worker, send every pending e-mail, issue and sign every
award and announce the post, each exactly once, within a minute.
"""

import re
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import AuditEvent, JoinRequest, Membership, Message, Notification, OutgoingEmail, Post
from community.tests.factories import PASSWORD, CommunityGroupFactory, UserFactory
from conftest import wait_for
from courses.models import Enrolment
from courses.tests.factories import EnrolmentFactory, published_module
from credentials import services as credential_services
from credentials.models import Award, BatchAward
from credentials.tests.factories import AchievementFactory
from jige_portal import celery as portal_celery
from jige_portal.celery import SWEEP_AFTER
from jige_portal.celery import app as celery_app
from tests import throwaway_redis as redis_helpers
from tests.throwaway_redis import cache_settings

throwaway_redis = redis_helpers.throwaway_redis  # the fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A test-only key-encryption secret: awards are signed by the worker with it.
KEY_SECRET = "test-only-key-encryption-secret-of-the-outage-test-0123456789"


def _reset_broker_pools():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    portal_celery._Broker.down_until = 0


@pytest.fixture
def portal_on_throwaway_redis(throwaway_redis, settings):
    """This process's cache, sessions and broker on the throwaway Redis."""
    settings.CACHES = cache_settings(throwaway_redis.url())
    settings.PAGE_CACHE_SECONDS = 300
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = KEY_SECRET
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = throwaway_redis.url()
    _reset_broker_pools()
    yield throwaway_redis
    celery_app.conf.broker_url = saved
    _reset_broker_pools()


@pytest.fixture
def worker_env(worker_env, throwaway_redis):
    """The real worker on the throwaway Redis too (cache and broker), able to sign."""
    worker_env.update(REDIS_URL=throwaway_redis.url(), CREDENTIALS_KEY_ENCRYPTION_KEY=KEY_SECRET)
    return worker_env


def signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def mails_written(mail_dir) -> int:
    return sum(len(re.findall(r"^Message-ID: ", path.read_text(), flags=re.M)) for path in mail_dir.glob("*"))


def nothing_pending() -> bool:
    return not (
        OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()
        or Award.objects.exclude(status=Award.Status.ISSUED).exists()
        or Award.objects.filter(signed_at__isnull=True).exists()
        or BatchAward.objects.exclude(status=BatchAward.Status.DONE).exists()
    )


def run_sweeps():
    """What beat sends every minute, to the real worker."""
    from community.tasks import sweep_announcements, sweep_outgoing_email
    from credentials.tasks import sweep_pending_awards

    for task in (sweep_outgoing_email, sweep_pending_awards, sweep_announcements):
        task.apply_async(retry=True, retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.2})


def test_a_redis_outage_costs_no_request_and_every_pending_job_is_done_once_it_returns(
    portal_on_throwaway_redis, celery_worker_process, student, other_student, staff_member, company_contact
):
    redis_server = portal_on_throwaway_redis
    # --- before: Redis answers -------------------------------------------------------------
    tea = CommunityGroupFactory(join_policy="request", name_en="Tea ceremony circle")
    services.add_member(group=tea, user=other_student, role="owner")
    join_request = services.join_group(group=tea, user=student, message="I love matcha")
    hiking = CommunityGroupFactory(join_policy="open", name_en="Hiking")
    for member in (student, other_student, staff_member):
        services.add_member(group=hiking, user=member)
    conversation = services.start_conversation(sender=other_student, recipients=[student], body="Welcome!")
    faculty = UserFactory(roles=["faculty"], language="en", display_name="Dr. Jones")
    module = published_module(
        owners=[faculty], achievement=AchievementFactory(), min_attendance_percent=80, min_grade=60
    )
    learners = [UserFactory(email=f"learner{n}@example.org") for n in range(5)]
    for learner in learners:
        EnrolmentFactory(module=module, learner=learner)
        Membership.objects.create(group=module.group, user=learner)
    batch_achievement = AchievementFactory()
    registrar = UserFactory(roles=["staff"], is_superuser=True, display_name="Registrar")
    batch_learners = [UserFactory(email=f"batch{n}@example.org") for n in range(3)]

    member, owner, teacher = signed_in(student), signed_in(other_student), signed_in(faculty)
    pages = [
        reverse("home"),
        reverse("community:group_list"),
        hiking.get_absolute_url(),
        reverse("community:conversation_list"),
        conversation.get_absolute_url(),
        reverse("community:notification_list"),
        reverse("courses:index"),
        reverse("credentials:wallet"),
        reverse("internships:index"),
    ]
    for url in pages:
        assert member.get(url).status_code == 200, url
    wait_for(nothing_pending, timeout=60)  # the set-up's own mails went out through the worker

    # --- Redis is down -------------------------------------------------------------------
    redis_server.stop()
    timings = []
    for url in pages:
        started = time.monotonic()
        response = member.get(url)
        timings.append(time.monotonic() - started)
        assert response.status_code == 200, url
    assert response.context["user"] == student

    visitor = signed_in(company_contact)
    assert visitor.get(reverse("community:conversation_list")).status_code == 200

    response = owner.post(
        reverse("community:request_decide", args=[tea.slug, join_request.pk]),
        {"decision": "approve", "response": "See you on Friday"},
    )
    assert response.status_code == 302
    response = member.post(reverse("community:message_send", args=[conversation.pk]), {"body": "Redis is down?"})
    assert response.status_code in (200, 302)
    response = member.post(reverse("community:post_create", args=[hiking.slug]), {"body": "Posted in the outage"})
    assert response.status_code == 302

    csv = "email,attendance,grade\n" + "".join(f"{learner.email},95,88\n" for learner in learners)
    started = time.monotonic()
    response = teacher.post(
        reverse("courses:results", args=[module.slug]),
        {"upload": "1", "file": SimpleUploadedFile("results.csv", csv.encode(), content_type="text/csv")},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    upload_seconds = time.monotonic() - started
    assert "Saved 5 results; 5 learners completed the module." in response.content.decode()
    batch = credential_services.create_batch_award(
        achievement=batch_achievement,
        created_by=registrar,
        rows=[{"line": n + 1, "email": learner.email, "evidence": ""} for n, learner in enumerate(batch_learners)],
    )

    # Nothing is half-written: every change is whole in the database, its work pending there.
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert Membership.objects.filter(group=tea, user=student).exists()
    assert AuditEvent.objects.filter(event="community.join_request.approved").count() == 1
    assert Message.objects.filter(conversation=conversation, body="Redis is down?").count() == 1
    post = Post.objects.get(body="Posted in the outage")
    assert set(Enrolment.objects.filter(module=module).values_list("status", flat=True)) == {Enrolment.Status.COMPLETED}
    assert Award.objects.filter(achievement=module.achievement, status=Award.Status.PENDING).count() == 5
    assert BatchAward.objects.get(pk=batch.pk).status == BatchAward.Status.QUEUED
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).exists()
    print(
        f"\nRedis down: signed-in pages {min(timings) * 1000:.0f}-{max(timings) * 1000:.0f} ms, "
        f"results upload for 5 learners {upload_seconds * 1000:.0f} ms"
    )
    assert max(timings) < 2.0, timings  # a dead Redis costs milliseconds, not timeouts
    assert upload_seconds < 3.0, upload_seconds

    # --- Redis is back, empty: what was queued in it is lost ----------------------------------
    redis_server.start()
    back = time.monotonic()
    # The sweeps (every 20 s) take over rows left pending for SWEEP_AFTER (30 s); let the outage
    # have lasted 40 s, so the next sweep is the one that catches up, within a minute.
    a_minute_ago = timezone.now() - SWEEP_AFTER - timedelta(seconds=10)
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).update(created_at=a_minute_ago)
    Award.objects.filter(status=Award.Status.PENDING).update(created_at=a_minute_ago)
    BatchAward.objects.filter(status=BatchAward.Status.QUEUED).update(created_at=a_minute_ago)
    Post.objects.filter(pk=post.pk).update(created_at=a_minute_ago)
    _reset_broker_pools()
    assert member.get(reverse("community:conversation_list")).status_code == 200

    def caught_up():
        if not nothing_pending():
            run_sweeps()  # what beat does every minute; repeating it is harmless
            return False
        return AuditEvent.objects.filter(event="community.post.announced", target=f"post:{post.pk}").exists()

    wait_for(caught_up, timeout=60, interval=3)
    caught_up_seconds = time.monotonic() - back
    print(f"Redis back: everything pending done in {caught_up_seconds:.1f} s")

    # Exactly once: each stored mail written once, each award issued and signed once, the post
    # announced once; sweeping again changes nothing.
    def sent_once():
        total = OutgoingEmail.objects.count()
        assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT, attempts=1).count() == total
        assert mails_written(celery_worker_process.mail_dir) == total
        return total

    sent = sent_once()
    awards = Award.objects.filter(recipient__in=learners + batch_learners)
    assert awards.count() == 8
    assert (
        awards.filter(status=Award.Status.ISSUED, completion_attempts=1, signed_credential__isnull=False).count() == 8
    )
    announced = Notification.objects.filter(url=post.get_absolute_url())
    assert announced.exists()
    assert announced.count() == announced.values("recipient").distinct().count()
    run_sweeps()
    time.sleep(3)
    assert sent_once() == sent
    assert AuditEvent.objects.filter(event="community.post.announced", target=f"post:{post.pk}").count() == 1
    assert Notification.objects.filter(url=post.get_absolute_url()).count() == announced.count()
