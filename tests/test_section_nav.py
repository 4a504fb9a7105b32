"""The internships' and credentials' navigations (community/templatetags/layout.py section_nav),
rendered once per kind of member, read as their templates render them for each member."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from community.models import Role
from community.tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

NAVS = [
    ("internships/_nav.html", ""),
    *[("credentials/_nav.html", s) for s in ("catalogue", "wallet", "credit_bank", "staff", "verify", "")],
]


def _members(student, faculty, staff_member, company_contact):
    company_contact.organization = OrganizationFactory()
    company_contact.save()
    return [
        AnonymousUser(),
        student,
        faculty,
        staff_member,
        company_contact,
        UserFactory(roles=[Role(Role.COMPANY_CONTACT)]),  # a contact without an organization yet
        UserFactory(roles=[Role(Role.CONSORTIUM)]),
        UserFactory(roles=[Role(Role.STUDENT), Role(Role.FACULTY)]),
    ]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_each_member_gets_what_the_template_gives_them(language, student, faculty, staff_member, company_contact):
    tag = engines["django"].from_string("{% load layout %}{% section_nav name section=section %}")
    members = _members(student, faculty, staff_member, company_contact)
    seen = set()
    with translation.override(language):
        for member in members * 2:  # the second time from what was kept
            for name, section in NAVS:
                ours = tag.render({"user": member, "name": name, "section": section})
                theirs = render_to_string(name, {"user": member, "section": section})
                assert ours == theirs, (member, name, section)
                seen.add(ours)
    assert len(seen) > len(NAVS)  # the kinds of member see different navigations


def test_the_pages_show_each_member_their_own(client, student, staff_member):
    queue_link = f'href="{reverse("internships:staff_queue")}"'
    client.force_login(student)
    wallet = client.get(reverse("credentials:wallet")).content.decode()
    assert f'href="{reverse("credentials:wallet")}" aria-current="page"' in wallet
    assert queue_link not in client.get(reverse("internships:index")).content.decode()
    client.force_login(staff_member)
    assert queue_link in client.get(reverse("internships:index")).content.decode()
