import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from community import scale as community_scale
from courses import scale as courses_scale
from credentials import scale as credentials_scale
from internships import scale as internships_scale


class Command(BaseCommand):
    help = (
        "Build the national-programme data set of issue 8 (factor 1: 100,000 users, 2,000,000 messages, ...). "
        "Refuses when scale data exists; --reset deletes only the rows it created first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=float, default=0.1, help="1 is the full size; 0.1 a tenth.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed, the same data).")
        parser.add_argument("--reset", action="store_true", help="Delete earlier scale data first.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, factor, seed, reset, no_progress, **options):
        if not 0 < factor <= 10:
            raise CommandError("--factor must be above 0 and at most 10.")
        started = time.monotonic()
        if community_scale.exists():
            if not reset:
                raise CommandError(
                    f"Scale data exists (users @{community_scale.SCALE_DOMAIN}); "
                    "run again with --reset to delete it and seed afresh."
                )
            self.stderr.write("Deleting the earlier scale data...")
            delete_scale_data()
        progress = community_scale.Progress(stream=self.stderr, enabled=not no_progress)
        context = seed_all(factor=factor, rng=random.Random(seed), progress=progress)
        if connection.vendor == "postgresql":
            # Fresh planner statistics: before autovacuum gets to the new rows, the planner
            # would guess their sizes and pick slow plans (a few times slower group finder).
            # VACUUM too, as autovacuum soon would: the seeding updates many rows after inserting
            # them, and until their dead versions go and the visibility map is set, a count that
            # an index could answer alone reads the table (the catalogue's: 2 ms, not 0.3).
            # Not possible inside a transaction (the tests' own).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            self.stderr.write(f"Updating the planner's statistics ({command})...")
            with connection.cursor() as cursor:
                cursor.execute(command)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data (factor {factor}) is ready in {time.monotonic() - started:.1f} s: "
                f"{len(context['users'])} users, {len(context['groups'])} groups, "
                f"{len(context['conversations'])} conversations, {len(context['modules'])} modules, "
                f"{len(context['applications'])} applications, {len(context['awards'])} awards."
            )
        )


@transaction.atomic
def delete_scale_data():
    # Dependents first: awards protect achievements, applications protect users and postings.
    credentials_scale.reset()
    internships_scale.reset()
    courses_scale.reset()
    credentials_scale.reset_achievements()
    community_scale.reset()


@transaction.atomic
def seed_all(*, factor, rng, progress) -> dict:
    context = community_scale.seed(factor=factor, rng=rng, progress=progress)
    courses_scale.seed(context, factor=factor, rng=rng, progress=progress)
    internships_scale.seed(context, factor=factor, rng=rng, progress=progress)
    credentials_scale.seed(context, factor=factor, rng=rng, progress=progress)
    return context
