"""With Redis not answering, every use of the cache fails open, fast; writes it lost are forgotten
once Redis answers again; publishing tasks gives up after one failed connection."""

import logging
import time

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from community import ratelimit
from community.models import OutgoingEmail
from community.services import queue_email
from community.sessions import SessionStore
from jige_portal import celery as portal_celery
from jige_portal.celery import app as celery_app
from tests import throwaway_redis as redis_helpers
from tests.throwaway_redis import cache_settings, free_port

throwaway_redis = redis_helpers.throwaway_redis  # the fixture


@pytest.fixture
def dead_redis(settings):
    """The cache on a port where nothing listens: every connection is refused."""
    settings.CACHES = cache_settings(f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def quick_retry(settings):
    """The circuit opens for one second only, so that a test can see Redis answer again."""

    def on(url):
        caches = cache_settings(url)
        caches["default"]["OPTIONS"]["retry_seconds"] = 1
        settings.CACHES = caches

    return on


def test_a_dead_redis_answers_like_an_empty_cache_in_milliseconds(dead_redis, caplog):
    started = time.monotonic()
    assert cache.get("x") is None
    assert cache.get("x", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert "x" not in cache
    assert cache.add("lock", 1) is True  # as if stored: cache locks let the request through
    assert cache.set("x", 1) is None
    assert cache.incr("counter") == 1
    assert cache.incr_window("window", 60) == 1
    assert cache.delete("x") is False
    assert cache.set_many({"a": 1}) == ["a"]
    elapsed = time.monotonic() - started
    assert elapsed < 0.5, elapsed
    assert not cache.available
    # One warning for the outage, not one per call.
    assert [
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "Cache unavailable" in r.getMessage()
    ]
    assert len([r for r in caplog.records if "Cache unavailable" in r.getMessage()]) == 1


def test_while_the_circuit_is_open_redis_is_not_tried_then_it_is_again(throwaway_redis, quick_retry):
    quick_retry(throwaway_redis.url())
    throwaway_redis.stop()
    assert cache.get("k") is None
    throwaway_redis.start()
    throwaway_redis.client().set("jige:1:k", 7)  # what cache.set("k", 7) stores
    assert cache.get("k") is None  # the circuit is open: not even tried
    time.sleep(1.1)
    assert cache.get("k") == 7
    assert cache.available


def test_writes_lost_in_a_partition_are_forgotten_when_redis_answers(throwaway_redis, quick_retry):
    quick_retry(throwaway_redis.url())
    cache.set("token", "old")
    cache.set("gone", "old")
    throwaway_redis.pause()  # connections hang; the data survive
    started = time.monotonic()
    cache.set("token", "new")  # a page-cache bump, a session save
    cache.delete("gone")  # a sign-out, a forgotten member
    assert time.monotonic() - started < 1.0
    throwaway_redis.resume()
    time.sleep(1.1)
    # Not the values from before the partition: a miss, which the database answers.
    assert cache.get_many(["token", "gone"]) == {}


def test_signing_out_during_a_partition_is_not_undone_when_redis_returns(client, student, throwaway_redis, quick_retry):
    quick_retry(throwaway_redis.url())
    client.force_login(student)
    assert client.get(reverse("community:conversation_list")).status_code == 200
    cookie = client.cookies["sessionid"].value
    throwaway_redis.pause()
    assert client.post(reverse("account_logout")).status_code == 302
    throwaway_redis.resume()
    time.sleep(1.1)
    client.cookies["sessionid"] = cookie  # the old cookie, as a copied or stolen one
    response = client.get(reverse("community:conversation_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_signed_in_member_is_served_from_the_database_while_redis_is_down(client, student, dead_redis):
    client.force_login(student)
    response = client.get(reverse("community:conversation_list"))
    assert response.status_code == 200
    assert response.context["user"] == student


@pytest.mark.django_db
def test_sessions_survive_a_cache_backend_that_raises(settings):
    """The session store's own guards, for a cache that does not fail open (Django's own)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.1},
        }
    }
    store = SessionStore()
    store["answer"] = 42
    store.save()
    key = store.session_key
    again = SessionStore(key)
    assert again["answer"] == 42
    assert again.exists(key)
    again.delete()
    assert not SessionStore().exists(key)


def test_rate_limits_are_skipped_with_a_warning_while_the_cache_is_down(dead_redis, caplog):
    count, _seconds = ratelimit.limit_for("post")
    assert all(ratelimit.hit("post", 1) for _ in range(count + 3))
    assert any("rate limit post skipped" in r.getMessage() for r in caplog.records)


@pytest.fixture
def dead_broker():
    """Tasks published to a broker that refuses connections (the test's process only)."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    celery_app.conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    portal_celery._Broker.down_until = 0
    yield
    celery_app.conf.broker_url = saved
    celery_app.conf.task_always_eager = True
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    portal_celery._Broker.down_until = 0


@pytest.mark.django_db(transaction=True)
def test_queueing_mail_with_the_broker_down_fails_once_fast_and_keeps_every_row(dead_broker, caplog):
    started = time.monotonic()
    with transaction.atomic():
        for n in range(5):
            queue_email(EmailMessage(f"Hello {n}", "Body", to=[f"learner{n}@example.org"]), language="en")
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, elapsed
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count() == 5
    failures = [r for r in caplog.records if "Broker unavailable, " in r.getMessage()]
    assert len(failures) == 1  # the four after it did not try again
    assert portal_celery._Broker.skipped >= 4
