"""The member's latest credential on their home page (a panel for community.home)."""

from community.home import Panel

from . import caching
from .models import Award


def latest_credential_panel(user) -> Panel:
    award = (
        Award.objects.for_recipient(user)
        .exclude(status=Award.Status.PENDING)
        .for_cards()
        .order_by("-created_at", "-pk")
        .first()
    )
    # Awards change the learner's own version; a revocation, the award's.
    depends_on = (caching.award(award.pk), caching.ACHIEVEMENTS) if award else ()
    return Panel(50, "credentials/_home_panel.html", {"award": award}, depends_on)


PANELS = [latest_credential_panel]
