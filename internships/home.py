"""The member's internship applications on their home page (a panel for community.home)."""

from community.home import Panel
from community.models import Role

from .models import Application, HostCompany

APPLICATIONS = 5


def applications_panel(user) -> Panel | None:
    """Students see their latest applications; a company's contacts, the way to their company's
    page; members who may not apply see nothing here."""
    if user.has_role(Role.COMPANY_CONTACT) and user.organization_id:
        company = HostCompany.objects.filter(organization_id=user.organization_id).first()
        if company is not None:
            return Panel(40, "internships/_home_company_panel.html", {"company": company})
    if not user.has_role(Role.STUDENT):
        return None
    applications = list(
        Application.objects.of_student(user)
        .select_related("posting__company__organization")
        .order_by("-created_at", "-pk")[:APPLICATIONS]
    )
    # Applications change the student's own version (internships.caching).
    return Panel(40, "internships/_home_panel.html", {"applications": applications})


PANELS = [applications_panel]
