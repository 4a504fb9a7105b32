"""Form widgets for long filter lists.

Django renders every <option> of a Select through a template, about 50 µs each: a filter with a
few hundred organizations cost more than the rest of its page. `ListSelect` writes the same
markup in Python, and `choices_from` lists a model's rows as (pk, label) tuples without building
model instances.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


class ListSelect(forms.Select):
    """A single-choice <select> with flat choices, rendered without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's way
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option, mark_safe(" selected") if str(option) in selected else "", label) for option, label in choices),
        )
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


def choices_from(queryset, field: str, empty_label) -> list[tuple]:
    """("", empty_label) then (pk, label) of each row, the label in the active language and in
    English where it has no translation. One query, no model instances."""
    language = (get_language() or "en")[:2]
    rows = queryset.order_by(f"{field}_{language}", "pk").values_list("pk", f"{field}_en", f"{field}_{language}")
    return [("", empty_label), *((row[0], row[-1] or row[1]) for row in rows)]
