"""Internship postings in the portal's search (community/sitesearch.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.sitesearch import Provider, with_query

from .models import Posting


def postings(user, query):
    """Open postings of approved companies, as on the internship list."""
    found = Posting.objects.open().search(query)
    return found.select_related("company__organization").order_by("application_deadline", "pk")


PROVIDERS = [
    Provider(
        "postings",
        _("Internships"),
        50,
        "internships/search/_posting.html",
        postings,
        lambda query: with_query(reverse("internships:index"), q=query),
    ),
]
