"""The member's latest credential on their home page (a panel for community.home)."""

from community.home import Panel
from jige_portal.prepared import prepared

from . import caching
from .models import Award


@prepared
def _latest_award(user_id: int):
    return (
        Award.objects.for_recipient(user_id)
        .exclude(status=Award.Status.PENDING)
        .for_cards()
        .order_by("-created_at", "-pk")[:1]
    )


def latest_credential_panel(user) -> Panel:
    award = _latest_award.first(user.pk)
    # Awards change the learner's own version; a revocation, the award's.
    depends_on = (caching.award(award.pk), caching.ACHIEVEMENTS) if award else ()
    return Panel(50, "credentials/_home_panel.html", {"award": award}, depends_on)


PANELS = [latest_credential_panel]
