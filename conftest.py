"""Shared fixtures: personas, a real Celery worker, and per-test isolation of cache and queue."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.db import connection

from jige_portal.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks():
    """Rate-limit counters and cached pages must not leak between tests; tasks run eagerly
    (in the test's process, after commit) unless a test asks for the real worker."""
    cache.clear()
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_and_time_zone():
    """A request handled in a test activates its member's language and time zone in this thread;
    the next test starts from the portal's defaults again."""
    from django.utils import timezone, translation

    translation.activate("en")
    timezone.deactivate()
    yield
    translation.activate("en")
    timezone.deactivate()


def restore_roles():
    """Put back the role groups and their permissions, which the data migrations created.

    A transactional test ends with a flush that empties every table; post_migrate brings back
    content types and permissions, but not the groups made by data migrations. Every app's
    roles migration exposes its `ROLE_PERMISSIONS` (role -> permission codenames of that app).
    """
    from importlib import import_module
    from pkgutil import iter_modules

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    for config in apps.get_app_configs():
        if not config.path.startswith(str(BASE_DIR)):
            continue
        package = f"{config.name}.migrations"
        try:
            migrations = import_module(package)
        except ModuleNotFoundError:
            continue
        for info in iter_modules(migrations.__path__):
            roles = getattr(import_module(f"{package}.{info.name}"), "ROLE_PERMISSIONS", None)
            for role, codenames in (roles or {}).items():
                group, _ = Group.objects.get_or_create(name=role)
                group.permissions.add(
                    *Permission.objects.filter(content_type__app_label=config.label, codename__in=codenames)
                )


@pytest.fixture(autouse=True)
def _roles_after_flush(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        transactional = True
    if transactional:
        request.getfixturevalue("transactional_db")
        restore_roles()
        from community.sites import sync_site

        sync_site()  # the flush also emptied the Sites table allauth reads
    elif marker or "db" in request.fixturenames:
        # In parallel runs a test in a transaction may follow, in the same process, a transactional
        # test whose flush emptied the role groups; put them back inside this test's transaction.
        from django.contrib.auth.models import Group

        request.getfixturevalue("db")
        if not Group.objects.filter(name="student").exists():
            from community.sites import sync_site

            restore_roles()
            sync_site()


def pytest_configure(config):
    # Also for module- and session-scoped set-ups (the seeded key pages, the live server), which
    # run before the per-test fixture below.
    from django.conf import settings

    settings.TWO_FACTOR_REQUIRED = False
    # Every prepared query (jige_portal.prepared) is also built through the ORM on each call and
    # compared: the suite proves that reusing its SQL gives what the ORM would have run.
    settings.PREPARED_QUERIES_CHECK = True
    # As in production with persistent connections: each test keeps its connection, so the suite
    # runs the prepared queries as server-side statements (PREPARE once, EXECUTE after).
    settings.PREPARED_STATEMENTS = True
    # Every persona and factory member gets a password: PBKDF2 at Django's default 1,000,000
    # iterations made user creation the slowest part of the suite. A fast hasher for the passwords
    # made here; PBKDF2 stays accepted for any made by a subprocess (a Celery worker).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _two_factor_where_tested(request, settings):
    """The personas sign in with a password only; staff and faculty would otherwise be sent to set
    up an authenticator app first. Tests of that rule are marked `two_factor`."""
    settings.TWO_FACTOR_REQUIRED = request.node.get_closest_marker("two_factor") is not None


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _query_budgets_render_pages(request, settings):
    """A query budget is about rendering a page: with the budget fixtures, the page cache and the
    shared fragments are off (their own budgets, on a hit, are tested in
    community/tests/test_pagecache.py and test_shared_fragments.py)."""
    if {"django_assert_max_num_queries", "django_assert_num_queries"} & set(request.fixturenames):
        settings.PAGE_CACHE_SECONDS = 0
        settings.SHARED_FRAGMENT_SECONDS = 0


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands this process sends to Redis: name and arguments."""
    sent = []
    send = redis.Redis.execute_command

    def spy(self, *args, **options):
        sent.append((args[0], [str(arg) for arg in args[1:]]))
        return send(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", spy)
    return sent


@pytest.fixture
def page_cache_off(settings):
    """Every page renders: what a test sees of a shared fragment came from the fragment cache."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def shared_fragments_on(settings):
    """The parts of pages shared between viewers (pagecache.shared) kept, as deployed."""
    settings.SHARED_FRAGMENT_SECONDS = 300


def _persona(role, **kwargs):
    from community.models import Role
    from community.tests.factories import UserFactory

    return UserFactory(roles=[Role(role)], **kwargs)


@pytest.fixture
def student(db):
    return _persona("student", display_name="Mai Student", email="mai.student@example.org")


@pytest.fixture
def other_student(db):
    return _persona("student", display_name="Lucas Other", email="lucas.other@example.org")


@pytest.fixture
def faculty(db):
    return _persona("faculty", display_name="Prof. Sato", email="sato.faculty@example.org", language="ja")


@pytest.fixture
def staff_member(db):
    return _persona("staff", display_name="Tanaka Staff", email="tanaka.staff@example.org", language="ja")


@pytest.fixture
def company_contact(db):
    return _persona("company_contact", display_name="Kobayashi Company", email="kobayashi@example.co.jp")


@pytest.fixture
def personas(student, faculty, staff_member, company_contact):
    return {"student": student, "faculty": faculty, "staff": staff_member, "company_contact": company_contact}


def _database_url_for_subprocess():
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker_env(transactional_db, tmp_path):
    """Environment for a subprocess that must see the test database and the test Redis."""
    env = os.environ.copy()
    env.update(
        DATABASE_URL=_database_url_for_subprocess(),
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_URL=f"filemail://{tmp_path / 'mail'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
        # As in this process (pytest_configure): staff in subprocesses act without an authenticator app.
        TWO_FACTOR_REQUIRED="0",
    )
    return env


@pytest.fixture
def celery_worker_process(worker_env, tmp_path):
    """A real `celery worker` process on the test Redis and the test database.

    Yields a handle with `.mail_dir` (the worker writes mails there) and `.restart()`.
    """
    if connection.vendor != "postgresql":
        pytest.skip("the real worker needs the PostgreSQL test database")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()

    class Worker:
        mail_dir = tmp_path / "mail"
        log_path = tmp_path / "worker.log"
        process = None

        def start(self):
            name = f"test-{uuid.uuid4().hex[:8]}@%h"
            self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "jige_portal",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    name,
                ],
                cwd=BASE_DIR,
                env=worker_env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if b"ready." in self.log_path.read_bytes():
                    return
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
            raise RuntimeError(f"Celery worker did not start:\n{self.log_path.read_text(errors='replace')}")

        def stop(self, kill=False):
            if self.process and self.process.poll() is None:
                if kill:
                    self.process.kill()
                else:
                    self.process.terminate()
                self.process.wait(timeout=30)
            self.log.close()

        def restart(self):
            self.stop()
            self.start()

        def output(self):
            return self.log_path.read_text(errors="replace")

    worker = Worker()
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = True


def wait_for(predicate, timeout=30.0, interval=0.2):
    """Poll until predicate() is truthy; return its value or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")
