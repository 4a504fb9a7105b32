import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from community import demo


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent): organizations, one user per role, and each app's samples."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="jige-demo-2026", help="Password of the demo users.")

    @transaction.atomic
    def handle(self, *args, password, **options):
        context = demo.seed(password=password)
        for label in ("credentials", "courses", "internships"):
            try:
                module = importlib.import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            module.seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
