"""Scale-out: two app servers and two Celery workers on one PostgreSQL, one Redis and one
S3-compatible object store, observed over HTTP as a browser or another system would see them.

The module starts, once: an S3-compatible server (moto), two gunicorn processes (A and B) and two
Celery workers, all on the test database and the test Redis, with media in the object store.
"""

import html
import http.client
import importlib.util
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.urls import reverse

from community.models import OutgoingEmail
from community.services import queue_email
from community.tests.factories import PASSWORD, UserFactory
from conftest import BASE_DIR, _database_url_for_subprocess, wait_for
from internships.models import Application
from internships.pdf import minimal_pdf
from internships.tests.factories import PostingFactory
from jige_portal.celery import app as celery_app

pytestmark = pytest.mark.worker

BUCKET = "jige-media"
S3_CREDENTIALS = {"aws_access_key_id": "scale-out", "aws_secret_access_key": "scale-out-secret"}
STARTUP_TIMEOUT = 45


# --- processes ------------------------------------------------------------------------------


class Process:
    """A child process in its own process group, logging to a file; stop() ends the group."""

    def __init__(self, name, args, *, env, log_dir):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self):
        return self.log_path.read_text(errors="replace")

    def wait_until(self, ready, what):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if ready():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} is not {what}:\n{self.output()[-4000:]}")

    def stop(self):
        # The group: a gunicorn master takes its workers with it, even when it must be killed.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=15)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        self._log.close()


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def answers_http(port, path="/"):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", path)
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


@dataclass
class Cluster:
    a: int  # port of app server A
    b: int  # port of app server B
    s3: object  # a boto3 client of the object store
    s3_url: str
    mail_dirs: dict  # worker name -> the directory it writes mails to
    media_root: Path
    private_root: Path


@pytest.fixture(scope="module")
def cluster(django_db_setup, tmp_path_factory):
    """The object store, app servers A and B and two workers; all stopped even when a start or a test fails."""
    missing = [name for name in ("gunicorn", "moto", "storages", "boto3") if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (pip install -r requirements.txt)")
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("the app servers and workers need the PostgreSQL test database and REDIS_URL")
    import boto3

    root = tmp_path_factory.mktemp("scale-out")
    s3_port, a_port, b_port = free_ports(3)
    s3_url = f"http://127.0.0.1:{s3_port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "MEDIA_S3_"))}
    env.update(
        DATABASE_URL=_database_url_for_subprocess(),
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        CONN_MAX_AGE="60",
        MEDIA_ROOT=str(root / "media"),
        INTERNSHIPS_PRIVATE_ROOT=str(root / "private"),
        MEDIA_S3_BUCKET=BUCKET,
        MEDIA_S3_ENDPOINT_URL=s3_url,
        MEDIA_S3_REGION="us-east-1",
        MEDIA_S3_ACCESS_KEY_ID=S3_CREDENTIALS["aws_access_key_id"],
        MEDIA_S3_SECRET_ACCESS_KEY=S3_CREDENTIALS["aws_secret_access_key"],
        EMAIL_URL=f"filemail://{root / 'mail-app'}",
        PYTHONUNBUFFERED="1",
        TWO_FACTOR_REQUIRED="0",  # as in the test process: staff act without an authenticator app
    )
    python = sys.executable
    gunicorn = [python, "-m", "gunicorn", "jige_portal.wsgi", "--workers", "1", "--access-logfile", "-"]
    celery = [python, "-m", "celery", "-A", "jige_portal", "worker", "--pool=solo", "--loglevel=INFO"]
    celery += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with ExitStack() as running:
        # All started at once, then waited for: the object store and four Django processes boot side by side.
        def start(name, args, **extra):
            process = Process(name, args, env={**env, **extra}, log_dir=root)
            running.callback(process.stop)
            return process

        s3 = start("s3", [python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)])
        servers = [
            start("app-a", [*gunicorn, "--bind", f"127.0.0.1:{a_port}"]),
            start("app-b", [*gunicorn, "--bind", f"127.0.0.1:{b_port}"]),
        ]
        mail_dirs = {name: root / f"mail-{name}" for name in ("worker-1", "worker-2")}
        workers = [
            start(name, [*celery, "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h"], EMAIL_URL=f"filemail://{mail_dir}")
            for name, mail_dir in mail_dirs.items()
        ]

        s3.wait_until(lambda: answers_http(s3_port), "answering")
        client = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", **S3_CREDENTIALS)
        client.create_bucket(Bucket=BUCKET)
        # What production grants: anyone may read media; the CVs' prefix stays private.
        public_media = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/media/*",
        }
        client.put_bucket_policy(
            Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_media]})
        )
        for server, port in zip(servers, (a_port, b_port), strict=True):
            server.wait_until(lambda port=port: answers_http(port, reverse("account_login")), "serving")
        for worker in workers:
            worker.wait_until(lambda worker=worker: "ready." in worker.output(), "ready")

        yield Cluster(a_port, b_port, client, s3_url, mail_dirs, root / "media", root / "private")


@pytest.fixture(autouse=True)
def _tasks_go_to_the_running_workers(cluster, transactional_db):
    """The root conftest flushes the Redis database before each test, and with it the queue binding
    the workers declared when they started: declare it again, and send tasks for real."""
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as broker:
        for queue in celery_app.amqp.queues.values():
            queue(broker.default_channel).declare()
    yield
    celery_app.conf.task_always_eager = True


# --- a visitor over HTTP ------------------------------------------------------------------------


@dataclass
class Page:
    status: int
    location: str
    content_type: str
    body: bytes

    @property
    def text(self):
        return self.body.decode(errors="replace")

    def csrf_token(self):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text).group(1)


class Browser:
    """One visitor's cookies, sent to whichever app server answers, as behind a load balancer."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, body=None, content_type=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            headers["Origin"] = f"http://127.0.0.1:{port}"
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = Page(
                response.status,
                response.getheader("Location", ""),
                response.getheader("Content-Type", ""),
                response.read(),
            )
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
        finally:
            connection.close()
        return page

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post(self, port, path, fields, files=None):
        """A form submission: multipart when it carries files, as the portal's forms declare."""
        if not files:
            return self.request(port, "POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        for name, (filename, content, mimetype) in files.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(f"{head}Content-Type: {mimetype}\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(port, "POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def submit(self, port, path, fields, files=None):
        """Open the form page, then post it with its CSRF token."""
        form = self.get(port, path)
        assert form.status == 200, (path, form.status)
        return self.post(port, path, {**fields, "csrfmiddlewaretoken": form.csrf_token()}, files)


def signed_in(port, user):
    # The app servers are other processes with the deployed hasher (the tests' fast one is theirs only).
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    browser = Browser()
    page = browser.submit(port, reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert page.status == 302, page.text[-2000:]
    assert "sessionid" in browser.cookies
    return browser


def fetch(url):
    """An anonymous GET, as by a visitor's browser: (status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def bucket_keys(cluster, prefix):
    listing = cluster.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [entry["Key"] for entry in listing.get("Contents", [])]


def files_under(directory):
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


# --- what the scale-out gives -------------------------------------------------------------------


def test_signing_in_on_one_app_server_signs_in_on_the_other(cluster):
    member = UserFactory(display_name="Aiko Scale", email="aiko.scale@example.org")
    edit_profile = reverse("community:profile_edit")
    assert Browser().get(cluster.b, edit_profile).status == 302  # B asks a stranger to sign in

    browser = signed_in(cluster.a, member)

    page = browser.get(cluster.b, edit_profile)
    assert page.status == 200
    assert "Aiko Scale" in page.text


def test_an_avatar_uploaded_through_one_app_server_is_shown_by_the_other_from_the_bucket(cluster):
    from PIL import Image

    member = UserFactory(display_name="Ren Upload", email="ren.upload@example.org")
    original = Image.new("RGBA", (48, 32))
    original.putdata([(x * 5, y * 8, 200, 255 if (x + y) % 3 else 96) for y in range(32) for x in range(48)])
    upload = io.BytesIO()
    original.save(upload, format="PNG")
    browser = signed_in(cluster.a, member)

    saved = browser.submit(
        cluster.a,
        reverse("community:profile_edit"),
        {"account-display_name": member.display_name, "account-language": "en", "account-time_zone": "Asia/Tokyo"},
        files={"account-avatar": ("me.png", upload.getvalue(), "image/png")},
    )
    assert saved.status == 302, saved.text[-2000:]

    profile = browser.get(cluster.b, reverse("community:profile", args=[member.pk]))
    assert profile.status == 200
    src = html.unescape(re.search(r'<img class="avatar avatar--large" src="([^"]+)"', profile.text).group(1))
    assert src.startswith(f"{cluster.s3_url}/{BUCKET}/media/avatars/")
    status, served = fetch(src)
    assert status == 200
    with Image.open(io.BytesIO(served)) as shown:
        assert shown.format == "PNG"  # re-encoded by the portal, losslessly since it has transparency
        assert shown.size == (48, 32)
        assert shown.convert("RGBA").tobytes() == original.tobytes()
    key = src.removeprefix(f"{cluster.s3_url}/{BUCKET}/")
    assert key in bucket_keys(cluster, "media/avatars/")
    assert cluster.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == served
    assert files_under(cluster.media_root) == []  # nothing went to a server's own disk


def test_a_cv_uploaded_through_one_app_server_is_kept_privately_in_the_bucket_and_served_by_the_other(cluster):
    student = UserFactory(roles=["student"], display_name="Sora Applicant", email="sora.applicant@example.org")
    posting = PostingFactory()
    pdf = minimal_pdf("CV of Sora Applicant")
    browser = signed_in(cluster.a, student)

    applied = browser.submit(
        cluster.a,
        reverse("internships:apply", args=[posting.pk]),
        {"motivation": "I would like to build tools with you."},
        files={"cv": ("my-cv.pdf", pdf, "application/pdf")},
    )
    assert applied.status == 302, applied.text[-2000:]

    application = Application.objects.get(student=student, posting=posting)
    key = f"private/{application.cv.name}"
    assert bucket_keys(cluster, "private/") == [key]
    assert fetch(f"{cluster.s3_url}/{BUCKET}/{key}")[0] == 403  # the bucket refuses anonymous readers
    assert not [name for name in bucket_keys(cluster, "media/") if name.endswith(".pdf")]
    assert files_under(cluster.private_root) == []
    detail = browser.get(cluster.b, application.get_absolute_url())
    assert detail.status == 200
    assert cluster.s3_url not in detail.text  # the CV has no URL of its own, only the portal's view
    download = browser.get(cluster.b, reverse("internships:application_cv", args=[application.pk]))
    assert download.status == 200
    assert download.content_type == "application/pdf"
    assert download.body == pdf
    assert Browser().get(cluster.b, reverse("internships:application_cv", args=[application.pk])).status == 302


def test_queued_emails_are_sent_by_both_workers_each_exactly_once(cluster):
    run = uuid.uuid4().hex[:8]
    subjects = [f"Scale-out {run} #{number:02d}" for number in range(40)]
    with transaction.atomic():  # published on commit, in one burst
        outgoing = [
            queue_email(
                EmailMessage(subject, "Sent by whichever worker is free.", to=[f"reader{n}@example.org"]), language="en"
            )
            for n, subject in enumerate(subjects)
        ]
    pks = [mail.pk for mail in outgoing]

    wait_for(lambda: OutgoingEmail.objects.filter(pk__in=pks, status=OutgoingEmail.Status.SENT).count() == 40)

    assert set(OutgoingEmail.objects.filter(pk__in=pks).values_list("attempts", flat=True)) == {1}
    pattern = re.compile(rf"^Subject: (Scale-out {run} #\d\d)$", re.MULTILINE)
    sent_by = {
        worker: Counter(subject for path in files_under(directory) for subject in pattern.findall(path.read_text()))
        for worker, directory in cluster.mail_dirs.items()
    }
    assert sum(sent_by.values(), Counter()) == Counter(subjects)  # every mail once, none twice
    assert all(sent_by.values()), {worker: len(sent) for worker, sent in sent_by.items()}  # both workers took part
