"""Form widgets for long filter lists.

Django renders every <option> of a Select through a template, about 50 µs each: a filter with a
few hundred organizations cost more than the rest of its page. `ListSelect` writes the same
markup in Python, once per list of choices (the same few hundred options on every page that
shows the filter, with only the selected one differing), and `choices_from` lists a model's rows
as (pk, label) tuples without building model instances.
"""

import functools
from collections.abc import Callable, Iterable

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from . import caching, pagecache


@functools.lru_cache(maxsize=512)
def _options(choices: tuple[tuple[str, str, bool], ...]) -> tuple[str, ...]:
    """Each choice as an unselected <option>; `choices` are (value, label, label is safe)."""
    return tuple(
        format_html('<option value="{}">{}</option>', value, mark_safe(label) if safe else label)  # noqa: S308
        for value, label, safe in choices
    )


class ListSelect(forms.Select):
    """A single-choice <select> with flat choices, rendered without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's way
        selected = set(self.format_value(value))
        values = [str(option) for option, _label in choices]
        # The label's text in the active language is part of the key (str() of a lazy label).
        rendered = _options(
            tuple(
                (option, str(label), isinstance(label, SafeData))
                for option, (_value, label) in zip(values, choices, strict=True)
            )
        )
        options = mark_safe(  # noqa: S308 - escaped in _options
            "".join(
                html.replace('">', '" selected>', 1) if option in selected else html
                for option, html in zip(values, rendered, strict=True)
            )
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)


def choices_from(queryset, field: str, empty_label) -> list[tuple]:
    """("", empty_label) then (pk, label) of each row, the label in the active language and in
    English where it has no translation. One query, no model instances."""
    language = (get_language() or "en")[:2]
    rows = queryset.order_by(f"{field}_{language}", "pk").values_list("pk", f"{field}_en", f"{field}_{language}")
    return [("", empty_label), *((row[0], row[-1] or row[1]) for row in rows)]


def portal_choices(name: str, build: Callable[[], Iterable]) -> tuple:
    """Choices that `caching.PORTAL` covers (organizations, campuses, group categories) and every
    viewer sees alike, as `build()` lists them: built once per process and language while those
    rows are unchanged (pagecache.memo), not queried on every page with the filter."""
    return pagecache.memo(name, depends_on=[caching.PORTAL], build=lambda: tuple(build()))
