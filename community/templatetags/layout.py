"""Helpers for the page layout shared by every app (filters behind a button on phones)."""

from django import template

register = template.Library()


@register.filter
def active_filter_count(form, leave_out=""):
    """How many of a bound filter form's fields the visitor has set (for the "Filter (2)" button),
    not counting the comma-separated `leave_out` fields (the search box shown beside the button)."""
    if not getattr(form, "is_bound", False):
        return 0
    skipped = {name.strip() for name in leave_out.split(",") if name.strip()}
    count = 0
    for name in form.fields:
        if name in skipped:
            continue
        values = [value for value in form.data.getlist(form.add_prefix(name)) if value.strip()]
        if values:
            count += 1
    return count
