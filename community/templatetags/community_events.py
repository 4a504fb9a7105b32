"""Template helpers for showing audit logs."""

from django import template
from django.db.models import prefetch_related_objects

register = template.Library()


@register.filter
def with_groups(entries):
    """The audit entries with their groups loaded in one query, for sentences that name them."""
    entries = list(entries)
    prefetch_related_objects(entries, "group")
    return entries
