"""The member's internship applications on their home page (a panel for community.home)."""

from community.home import Panel
from community.models import Role
from community.translation import translated
from jige_portal.prepared import prepared

from . import caching
from .models import Application, HostCompany

APPLICATIONS = 5


@prepared
def _latest_applications(student_id: int):
    return (
        Application.objects.filter(student_id=student_id)
        .select_related("posting__company__organization")
        .only(
            "status",
            "created_at",
            *translated("posting__title"),
            *translated("posting__company__organization__name"),
        )
        .order_by("-created_at", "-pk")[:APPLICATIONS]
    )


def applications_panel(user) -> Panel | None:
    """Students see their latest applications; a company's contacts, the way to their company's
    page; members who may not apply see nothing here."""
    if user.has_role(Role.COMPANY_CONTACT) and user.organization_id:
        company = HostCompany.objects.filter(organization_id=user.organization_id).first()
        if company is not None:
            return Panel(40, "internships/_home_company_panel.html", {"company": company})
    if not user.has_role(Role.STUDENT):
        return None
    applications = _latest_applications(user.pk)
    # Applications change the student's own version (internships.caching).
    return Panel(40, "internships/_home_panel.html", {"applications": applications})


def registration_panel(user) -> Panel | None:
    """A member whose company registration waits for staff, or was declined, sees where it stands."""
    # Only members who registered a company have a home organization and no role but guest.
    if not user.organization_id or user.role_names - {Role.GUEST}:
        return None
    company = (
        HostCompany.objects.filter(registered_by=user)
        .exclude(status=HostCompany.Status.APPROVED)
        .select_related("organization")
        .first()
    )
    if company is None:
        return None
    return Panel(35, "internships/_home_registration_panel.html", {"company": company}, (caching.POSTINGS,))


def consortium_panel(user) -> Panel | None:
    """Local government and consortium members go to their prefecture's outcomes."""
    if not user.has_role(Role.CONSORTIUM):
        return None
    return Panel(35, "internships/_home_consortium_panel.html")


PANELS = [applications_panel, registration_panel, consortium_panel]
