"""Make a new app-server process ready before it takes its first request.

A worker that has just started would otherwise spend about a second on its first requests:
importing the views through the URL configuration, hashing the code for the page cache's
fingerprint, loading the message catalogues and compiling each template on first use. Members
who reach a worker just after a deploy or a restart waited for all of it (in the mixed
benchmark those first requests were its slowest hundredth). `warm_up()` does that work at start:
it reads files and imports code, and opens no connection to the database or Redis, so it is safe
before a fork (`gunicorn --preload`) as well as in each worker.
"""

import importlib
import logging
import pkgutil
from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateSyntaxError, engines
from django.template.loader import get_template
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import formats, translation

logger = logging.getLogger(__name__)

APPS = ("jige_portal", "community", "courses", "internships", "credentials")
# Not imported: what only tests, migrations and commands use, and the other server entry points.
NOT_IMPORTED = {"tests", "migrations", "management", "wsgi", "asgi"}
SIGN_IN_TEMPLATES = {"account", "allauth", "mfa", "socialaccount"}


def member_templates() -> list[str]:
    """The names of the templates members' pages use: the portal's own (templates/) and those of
    the sign-in pages (allauth's apps), not the admin's."""
    names = set(_names_in(Path(settings.BASE_DIR) / "templates"))
    for root in get_app_template_dirs("templates"):
        names.update(name for name in _names_in(Path(root)) if name.split("/")[0] in SIGN_IN_TEMPLATES)
    return sorted(names)


def _names_in(root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in root.rglob("*.html")]


def warm_up() -> None:
    """Import the portal's code and the views, compute the page cache's fingerprint, load every
    language's catalogue and formats and compile the templates members' pages use."""
    from community import pagecache
    from community.markup import render_markdown
    from jige_portal.celery import app as celery_app

    for module in _modules():
        importlib.import_module(module)
    _populate(get_resolver())  # imports every URL configuration, and with it the views
    pagecache.code_fingerprint()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
            formats.get_format("DATETIME_FORMAT")
    engines["django"].engine.template_context_processors  # noqa: B018 - imported on first access
    renderer = get_default_renderer()
    for name in _form_templates():
        renderer.get_template(name)  # the form renderer's own engine keeps its templates apart
    render_markdown("*Markdown* loads its extensions on first use")
    celery_app.tasks  # noqa: B018 - registers the tasks (the app is finalized on first use)
    celery_app.amqp  # noqa: B018 - what a task's publish builds first (it connects only when sending)
    for name in member_templates():
        try:
            get_template(name)
        except TemplateSyntaxError:
            # The page using it fails the same way when it is asked for; the server still starts.
            logger.exception("template %s does not compile", name)


def _form_templates() -> list[str]:
    """Django's templates of forms (layouts, labels, errors and the widgets not written in Python)."""
    return _names_in(Path(django.forms.__file__).parent / "templates")


def _modules() -> list[str]:
    """Every module of the portal's apps that a request may import on first use."""
    names = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if NOT_IMPORTED.isdisjoint(info.name.split(".")[1:]):
                names.append(info.name)
    return names


def _populate(resolver) -> None:
    """Fill the reverse lookups of the resolver and of every namespace under it (each is
    otherwise filled by the first reverse() into it)."""
    resolver.reverse_dict  # noqa: B018 - the property fills the lookups
    for _prefix, child in resolver.namespace_dict.values():
        _populate(child)
