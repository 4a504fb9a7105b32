"""Django's form renderer, with the common widgets written out in Python.

Rendering a widget through Django's templates costs an include per attribute list and per
option: a group page's post form and notification choices, or the catalogue's six filters, took
several milliseconds of every rendered page. This renderer produces the same HTML as Django's
templates (tests/test_form_renderer.py compares the two for every widget it knows) for text-like
inputs, check boxes, text areas, selects and radio or check-box lists, and a clearable file input
that holds no file yet; any other template (the admin's widgets, a clearable file input showing
its file, form and field layouts) goes to Django's templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

_WIDGETS = "django/forms/widgets/"
_INPUTS = frozenset(
    _WIDGETS + f"{name}.html"
    for name in (
        "text",
        "email",
        "url",
        "number",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
        "file",
        "input",
    )
)
_LISTS = frozenset({_WIDGETS + "radio.html", _WIDGETS + "checkbox_select.html"})
_LIST_OPTIONS = frozenset({_WIDGETS + "radio_option.html", _WIDGETS + "checkbox_option.html"})
_SELECT_OPTION = _WIDGETS + "select_option.html"
_CLEARABLE_FILE = _WIDGETS + "clearable_file_input.html"


def _text(value) -> str:
    """`{{ value }}` in a template: localized, then escaped unless marked safe."""
    return str(conditional_escape(localize(value)))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: "%s" of the value, escaped unless it was marked safe."""
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


def _list_option(option: dict) -> str:
    """radio_option.html (or checkbox_option.html), which includes input_option.html."""
    if not option["wrap_label"]:
        return _input(option) + "\n\n"
    label_for = f' for="{_text(option["attrs"]["id"])}"' if option["attrs"].get("id") else ""
    return f"<label{label_for}>{_input(option)} {_text(option['label'])}</label>\n\n"


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            html = self._render_widget(template_name, widget)
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request)

    def _render_widget(self, template_name: str, widget: dict) -> str | None:
        if template_name in _INPUTS:
            return _input(widget)
        if template_name == _CLEARABLE_FILE and not widget.get("is_initial"):
            return _input(widget)  # no file yet: Django's template shows only the input
        if template_name == _WIDGETS + "textarea.html":
            value = _text(widget["value"]) if widget["value"] else ""
            return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
        if template_name == _WIDGETS + "select.html":
            return self._select(widget)
        if template_name in _LISTS:
            return self._list(widget)
        if template_name == _SELECT_OPTION:
            return self._option(widget)
        if template_name in _LIST_OPTIONS:
            return _list_option(widget)
        return None

    @staticmethod
    def _option(option: dict) -> str:
        return (
            f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'
        )

    def _select(self, widget: dict) -> str | None:
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in options:
                if option["template_name"] != _SELECT_OPTION:
                    return None  # a custom option template: Django's way
                parts.append("\n  " + self._option(option) + "\n")
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)

    def _list(self, widget: dict) -> str | None:
        attrs = widget["attrs"]
        parts = ["<div"]
        if attrs.get("id"):
            parts.append(f' id="{_text(attrs["id"])}"')
        if attrs.get("class"):
            parts.append(f' class="{_text(attrs["class"])}"')
        parts.append(">")
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{_text(group)}</label>")
            for option in options:
                if option["template_name"] not in _LIST_OPTIONS:
                    return None
                parts.append("<div>\n    " + _list_option(option) + "</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return "".join(parts)
