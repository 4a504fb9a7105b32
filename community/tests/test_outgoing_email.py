"""Stored e-mails: nothing is lost when the broker is down, and nothing is sent twice."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from community import services
from community.models import OutgoingEmail
from community.tests.factories import UserFactory

QUEUE_WITH_BROKER_DOWN = """
import django; django.setup()
from django.db import transaction
from community.models import User
from community.services import send_templated_email
with transaction.atomic():
    send_templated_email(recipient=User.objects.get(email="outage@example.org"),
                         template_prefix="community/email/test", context={})
print("queued without error")
"""


@pytest.mark.django_db
def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        outgoing = services.send_templated_email(recipient=member, template_prefix="community/email/test", context={})
    assert services.deliver_outgoing_email(email_id=outgoing.pk) is True
    assert services.deliver_outgoing_email(email_id=outgoing.pk) is False
    assert len(mail.outbox) == 1
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingEmail.Status.SENT


@pytest.mark.django_db
def test_templated_email_uses_the_recipients_language():
    member = UserFactory(language="ja")
    outgoing = services.send_templated_email(recipient=member, template_prefix="community/email/test", context={})
    assert "JIGEポータル" in outgoing.subject


@pytest.mark.django_db(transaction=True)
def test_broker_outage_loses_nothing_and_the_sweep_sends_later(worker_env):
    member = UserFactory(email="outage@example.org")
    env = {**worker_env, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(
        [sys.executable, "-c", QUEUE_WITH_BROKER_DOWN], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "queued without error" in result.stdout
    outgoing = OutgoingEmail.objects.get(to=[member.email])
    assert outgoing.status == OutgoingEmail.Status.PENDING
    assert mail.outbox == []

    OutgoingEmail.objects.filter(pk=outgoing.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert services.requeue_stale_outgoing_email() == 1  # runs the send eagerly once committed
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert services.requeue_stale_outgoing_email() == 0
