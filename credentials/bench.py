"""Pages of the credentials app for `make bench` (scripts/bench.py)."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass
class Page:
    name: str
    path: str
    role: str | None = None


def bench_pages() -> list[Page]:
    from .models import Award

    pages = [
        Page("credentials wallet", reverse("credentials:wallet"), "student"),
        Page("credentials verify", reverse("credentials:verify")),
    ]
    # The demo data makes one of the demo student's awards public (credentials/demo.py).
    award = Award.objects.public().order_by("pk").only("public_id").first()
    if award is not None:
        pages.append(Page("credentials public award", award.get_absolute_url()))
    return pages
