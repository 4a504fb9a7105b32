"""The catalogue's kinds of results in the portal's search (community/sitesearch.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.search import apply_search
from community.sitesearch import Provider, with_query

from .models import Module, Programme


def modules(user, query):
    """Published modules only, as in the catalogue."""
    found = apply_search(Module.objects.published(), query)
    return found.select_related("lead_university").order_by("starts_on", "title", "pk")


def programmes(user, query):
    """Published programmes only, as on the programme list."""
    found = apply_search(Programme.objects.published(), query)
    return found.select_related("host_campus__organization").order_by("stay_starts_on", "pk")


PROVIDERS = [
    Provider(
        "modules",
        _("Online modules"),
        30,
        "courses/search/_module.html",
        modules,
        lambda query: with_query(reverse("courses:index"), q=query),
    ),
    Provider(
        "programmes",
        _("Blended programmes"),
        40,
        "courses/search/_programme.html",
        programmes,
        lambda query: with_query(reverse("courses:programme_list"), q=query),
    ),
]
