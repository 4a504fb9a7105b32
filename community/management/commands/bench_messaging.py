"""Time to send a message, and to announce a post to a large group in a running Celery worker.

    manage.py bench_messaging --count 100 --members 1000

Needs REDIS_URL and a worker (`make worker`) on the same database. Creates throwaway members
(e-mail prefix "bench-msg-"), a conversation and a group, and removes them unless --keep.

A message is written by the request that sends it; the other participants see it at their next
poll, so "send" is the service call and "seen" is send plus the recipient's poll that returns it.
A group post is announced by the worker (one notification per member, in one transaction): the
time runs from the post's commit until the notifications are there.
"""

import statistics
import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from community import services
from community.models import (
    CommunityGroup,
    EmailMode,
    Membership,
    Notification,
    NotificationSettings,
    User,
)


def percentile(timings: list[float], fraction: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class Command(BaseCommand):
    help = "Message send latency, and a post announced to a large group by a real worker."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100, help="messages to send")
        parser.add_argument("--members", type=int, default=1000, help="members of the announced group")
        parser.add_argument("--timeout", type=float, default=600)
        parser.add_argument("--keep", action="store_true")

    def handle(self, *args, count, members, timeout, keep, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("set REDIS_URL and run a worker: tasks must not run in-process here")
        if count < 1 or members < 2:
            raise CommandError("--count must be at least 1 and --members at least 2")
        run = uuid.uuid4().hex[:8]
        people = User.objects.bulk_create(
            User(email=f"bench-msg-{run}-{i}@example.invalid", display_name=f"Bench {run} {i}", language="en")
            for i in range(members)
        )
        try:
            self._messages(people[0], people[1], count)
            self._announcement(run, people, timeout)
        finally:
            if not keep:
                with transaction.atomic():
                    CommunityGroup.objects.filter(slug=f"bench-msg-{run}").delete()
                    User.objects.filter(pk__in=[person.pk for person in people]).delete()

    def _messages(self, sender, recipient, count):
        conversation = services.start_conversation(sender=sender, recipients=[recipient], body="Hello")
        reader = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["127.0.0.1"])[0])
        reader.force_login(recipient)
        poll = reverse("community:conversation_poll", args=[conversation.pk])
        etag = reader.get(poll)["ETag"]
        sends, seen = [], []
        for i in range(count):
            start = time.monotonic()
            message = services.send_message(conversation=conversation, sender=sender, body=f"Message {i} メッセージ")
            sent = time.monotonic()
            response = reader.get(poll, {"after": message.pk - 1}, HTTP_IF_NONE_MATCH=etag)
            if response.status_code != 200 or response.json()["last_id"] != message.pk:
                raise CommandError(f"the recipient's poll did not return message {message.pk}: {response.status_code}")
            etag = response["ETag"]
            sends.append((sent - start) * 1000)
            seen.append((time.monotonic() - start) * 1000)
        send_p50, send_p95 = statistics.median(sends), percentile(sends, 0.95)
        seen_p50, seen_p95 = statistics.median(seen), percentile(seen, 0.95)
        self.stdout.write(
            f"sent {count} messages: send p50 {send_p50:.1f} ms, p95 {send_p95:.1f} ms; "
            f"seen by the recipient's next poll p50 {seen_p50:.1f} ms, p95 {seen_p95:.1f} ms"
        )

    def _announcement(self, run, people, timeout):
        author, *readers = people
        group = CommunityGroup.objects.create(
            name=f"Benchmark {run}", slug=f"bench-msg-{run}", category=CommunityGroup.Category.HOBBY
        )
        Membership.objects.bulk_create(Membership(group=group, user=person) for person in people)
        # Large groups' members mostly read a daily digest: the e-mails are not part of this measure.
        NotificationSettings.objects.bulk_create(
            NotificationSettings(user=person, email_mode=EmailMode.DIGEST) for person in readers
        )
        start = time.monotonic()
        post = services.create_post(group=group, author=author, body=f"Announcement {run}")
        # By the group (indexed): notifications have no index on their address, and a check that
        # scanned a data set's 340,000 of them took 67 ms, as long as the announcement itself.
        told_of_post = Notification.objects.filter(group=group, url=post.get_absolute_url())
        while not told_of_post.exists():
            if time.monotonic() - start > timeout:
                raise CommandError(f"the worker did not announce the post within {timeout} s")
            time.sleep(0.02)
        elapsed = time.monotonic() - start
        told = told_of_post.count()
        if told != len(readers):
            raise CommandError(f"{told} of {len(readers)} members were told")
        self.stdout.write(f"a post announced to {told} members by the worker in {elapsed * 1000:.0f} ms")
