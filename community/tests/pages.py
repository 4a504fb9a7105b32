"""Helpers for tests that read pages as a browser does: visits, cache hits, CSRF tokens, forms."""

import re
from html.parser import HTMLParser

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from community.tests.factories import UserFactory

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def visit(client, url, **headers):
    """A GET as a browser makes it: a cookie the last response expired (the flash messages'
    cookie once they were shown) is not sent again, as the test client would."""
    for name in [name for name, morsel in client.cookies.items() if str(morsel["max-age"]) == "0"]:
        del client.cookies[name]
    return client.get(url, **headers)


def from_cache(response) -> bool:
    """A page served from the cache was not rendered by a template in this request."""
    return response.status_code == 200 and response.context is None


def page(response) -> str:
    return response.content.decode()


def without_csrf(html: str) -> str:
    return CSRF_INPUT.sub("", html)


def csrf_token(response) -> str:
    return CSRF_INPUT.search(page(response)).group(1)


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


class _FormReader(HTMLParser):
    """What a browser submits from one form of a page (the form whose attributes match)."""

    def __init__(self, match):
        super().__init__(convert_charrefs=True)
        self.match, self.inside, self.fields = match, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = all(attrs.get(key) == value for key, value in self.match.items())
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.setdefault(name, []).append(attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._multiple, self._options, self._chosen = name, "multiple" in attrs, [], []
        elif tag == "option" and self._select:
            self._options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._chosen.append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = self._chosen or ([] if self._multiple or not self._options else self._options[:1])
            self.fields[self._select] = chosen
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, **match) -> dict[str, list[str]]:
    reader = _FormReader({key.rstrip("_"): value for key, value in match.items()})
    reader.feed(html)
    return reader.fields


def remove_role_in_the_admin(user, role):
    """A superuser unticks the role on the member's change form in the admin."""
    admin = signed_in(UserFactory(is_staff=True, is_superuser=True, language="en"))
    url = reverse("admin:community_user_change", args=[user.pk])
    fields = form_fields(page(admin.get(url)), id="user_form")
    role_pk = str(Group.objects.get(name=role).pk)
    fields["groups"] = [pk for pk in fields["groups"] if pk != role_pk]
    response = admin.post(url, fields)
    assert response.status_code == 302, page(response)[:3000]
    assert not user.groups.filter(name=role).exists()


def templates_rendered(response, name: str) -> int:
    """How many times the request rendered the template `name` (a fragment found in the cache is not)."""
    return sum(template.name == name for template in response.templates)


def card_linking_to(response, url: str) -> str:
    """The card (`<li class="card …">`) of the page that links to `url`."""
    found = re.search(rf'<li class="card[^"]*">(?:(?!</li>).)*href="{re.escape(url)}".*?</li>', page(response), re.S)
    assert found, f"no card links to {url}"
    return found.group(0)
