"""Data portability: write a learner's signed credentials, baked badges and learner record to a directory."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from community.models import User
from credentials import signing
from credentials.models import Award


def _json_bytes(document: dict) -> bytes:
    # The same serialisation as the download views (credentials.views._json_download).
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


class Command(BaseCommand):
    help = (
        "Write each signed credential of a learner as <award-id>.json, its baked badge as <award-id>.png, "
        "and their signed learner record as learner-record.json, exactly as the learner downloads them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--out", required=True, help="directory (created if missing)")

    def handle(self, *args, email, out, **options):
        learner = User.objects.filter(email__iexact=email.strip()).first()
        if learner is None:
            raise CommandError(f"no member with the e-mail address {email!r}")
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        awards = list(
            Award.objects.for_recipient(learner)
            .issued()
            .signed()
            .select_related("achievement")
            .order_by("issued_at", "pk")
        )
        for award in awards:
            (directory / f"{award.public_id}.json").write_bytes(_json_bytes(award.signed_credential))
            try:
                baked = signing.baked_badge(award)
            except FileNotFoundError:
                baked = None
                self.stderr.write(f"{award.public_id}: badge image file missing, PNG skipped")
            if baked:
                (directory / f"{award.public_id}.png").write_bytes(baked)
        with transaction.atomic():
            record = signing.build_learner_record(learner=learner)
        if record is not None:
            (directory / "learner-record.json").write_bytes(_json_bytes(record))
        self.stdout.write(f"{len(awards)} credentials written to {directory}")
