"""Initials pictures for members and groups without an uploaded image."""

from django import template

from community import avatars

register = template.Library()


@register.filter
def initials(name):
    return avatars.initials(str(name))


@register.filter
def avatar_colour(obj):
    """The palette class (`avatar--c3`) of a member or group: from its primary key, else its name."""
    key = getattr(obj, "pk", None) or str(obj)
    return f"avatar--c{avatars.colour_index(key)}"
