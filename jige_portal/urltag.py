"""`{% url %}` that remembers what it reversed (a template builtin: TEMPLATES' "builtins").

Django's tag reverses on every render: 10–15 µs a URL, and a member's page holds a dozen (the
header's, a group's tabs, each form's action). A URL is a function of the view's name, the
arguments, the current application (for namespaces with several instances), the URL configuration,
the script prefix and the language, so those are the key; only arguments that are plain strings or
integers are remembered (anything else reverses as Django's tag does: a model instance would be
reversed by its `str()`). An unknown name or arguments that match no pattern raise as before, and
are not remembered.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()


@functools.lru_cache(maxsize=8192)
def _reversed(view_name, args, kwargs, current_app, urlconf, prefix, language) -> str:
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


def _plain(value) -> bool:
    return isinstance(value, str) or type(value) is int  # not a bool, a lazy text or a model


def reverse_remembered(view_name, args=(), kwargs=None, current_app=None) -> str:
    kwargs = kwargs or {}
    if not (
        isinstance(view_name, str)
        and all(_plain(value) for value in args)
        and all(_plain(value) for value in kwargs.values())
    ):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return _reversed(
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_urlconf(),
        get_script_prefix(),
        get_language(),
    )


class URLNode(defaulttags.URLNode):
    def render(self, context):
        from django.urls import NoReverseMatch

        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_remembered(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return defaulttags.conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}`, parsed by Django; see the module's text."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
