"""Measure signing throughput in a running Celery worker and the verify endpoint's latency.

    manage.py bench_signing --count 50

Needs REDIS_URL, a worker (`make worker`) on the same database, and the key-encryption secret.
Creates a throwaway achievement and learners (slug/e-mail prefix "bench-sign-"), awards them,
and times from the commit until every award is signed; then POSTs one signed credential to the
verify endpoint (in-process test client) and reports p50/p95. Removes what it created unless --keep.
"""

import json
import statistics
import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from community.models import Organization, User
from credentials import services, signing
from credentials.models import Achievement, Award


class Command(BaseCommand):
    help = "Credentials signed per second in a real worker, and verify endpoint latency."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=50)
        parser.add_argument("--verify-requests", type=int, default=20)
        parser.add_argument("--timeout", type=float, default=600)
        parser.add_argument("--keep", action="store_true")

    def handle(self, *args, count, verify_requests, timeout, keep, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("set REDIS_URL and run a worker: tasks must not run in-process here")
        if not signing.is_configured():
            raise CommandError("CREDENTIALS_KEY_ENCRYPTION_KEY is not set")
        run = uuid.uuid4().hex[:8]
        issuer = Organization.objects.filter(kind=Organization.Kind.UNIVERSITY).order_by("pk").first()
        if issuer is None:
            raise CommandError("no university to issue from (run seed_demo first)")
        achievement = Achievement.objects.create(
            slug=f"bench-sign-{run}",
            type=Achievement.Type.COURSE_MODULE,
            name_en=f"Benchmark module {run}",
            name_ja=f"ベンチマーク {run}",
            description_en="Benchmark.",
            description_ja="ベンチマーク。",
            criteria_en="None.",
            criteria_ja="なし。",
            issuer=issuer,
        )
        learners = User.objects.bulk_create(
            User(email=f"bench-sign-{run}-{i}@example.invalid", display_name=f"Bench {i}") for i in range(count)
        )
        signing.active_issuer_key(organization=issuer)  # key creation is not part of the measure
        start = time.monotonic()
        with transaction.atomic():
            for learner in learners:
                services.award_achievement(recipient=learner, achievement=achievement)
        awards = Award.objects.filter(achievement=achievement)
        while awards.filter(signed_at__isnull=True).exists():
            if time.monotonic() - start > timeout:
                raise CommandError(f"only {awards.signed().count()} of {count} signed after {timeout} s")
            time.sleep(0.05)
        elapsed = time.monotonic() - start
        self.stdout.write(f"signed {count} credentials in {elapsed:.2f} s: {count / elapsed:.2f} per second")

        credential = json.dumps(awards.first().signed_credential)
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["127.0.0.1"])[0])
        timings = []
        for i in range(verify_requests):
            # Each request from its own address: the endpoint's rate limit is per client.
            t = time.monotonic()
            response = client.post(
                reverse("credentials:verify_api"),
                credential,
                content_type="application/json",
                REMOTE_ADDR=f"10.9.{i // 250}.{i % 250}",
            )
            timings.append((time.monotonic() - t) * 1000)
            if response.status_code != 200 or not response.json()["valid"]:
                raise CommandError(f"verify endpoint answered {response.status_code}: {response.content[:300]!r}")
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        self.stdout.write(f"verify endpoint: p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms")
        if not keep:
            with transaction.atomic():
                Award.objects.filter(achievement=achievement).update(status_list=None, status_index=None)
                from credentials.models import AwardEvent

                AwardEvent.objects.filter(award__achievement=achievement).delete()
                Award.objects.filter(achievement=achievement).delete()
                User.objects.filter(pk__in=[u.pk for u in learners]).delete()
                achievement.delete()
