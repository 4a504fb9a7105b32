"""The site header: rendered once per language, section and kind of member, with each member's own
values put in per request (community.templatetags.layout.site_header)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Notification
from community.tests.factories import UserFactory


def header(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="site-header"') : html.index("</header>")]


@pytest.mark.django_db
def test_each_member_sees_their_own_name_profile_link_and_counts(client, student, other_student):
    for text in ("First", "Second"):
        Notification.objects.create(recipient=student, event="community.test", text=text)
    client.force_login(student)
    mine = header(client.get(reverse("internships:index")))
    client.force_login(other_student)
    theirs = header(client.get(reverse("internships:index")))

    assert student.display_name in mine and other_student.display_name not in mine
    assert other_student.display_name in theirs and student.display_name not in theirs
    assert reverse("community:profile", args=[student.pk]) in mine
    assert reverse("community:profile", args=[other_student.pk]) in theirs
    assert '<span class="header-badge__count">2<span class="visually-hidden"> unread notifications</span>' in mine
    assert "header-badge__count" not in theirs


@pytest.mark.django_db
def test_a_name_with_markup_is_escaped(client):
    member = UserFactory(display_name='<script>alert("x")</script> Mai')
    client.force_login(member)
    html = header(client.get(reverse("internships:index")))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Mai" in html


@pytest.mark.django_db
def test_staff_links_only_for_staff(client, student, staff_member):
    client.force_login(student)
    assert reverse("community:moderation_queue") not in header(client.get(reverse("internships:index")))
    client.force_login(staff_member)
    assert reverse("community:moderation_queue") in header(client.get(reverse("internships:index")))


@pytest.mark.django_db
def test_the_current_section_and_language_follow_the_request(client, student):
    student.language = "ja"
    student.save()
    client.force_login(student)
    html = header(client.get(reverse("courses:index")))
    assert '<a href="/courses/" aria-current="page">コース</a>' in html
    assert 'aria-current="page">コミュニティ' not in html
    assert '<span class="visually-hidden">通知</span>' in html
    assert 'value="ja" lang="ja" aria-pressed="true"' in html
    html = header(client.get(reverse("internships:index") + "?q=<b>&page=2"))
    assert 'aria-current="page">インターンシップ</a>' in html
    assert 'name="next" value="/internships/?q=%3Cb%3E&amp;page=2"' in html


@pytest.mark.django_db
def test_signed_out_header_has_sign_in_and_no_member_menu(client, student):
    client.force_login(student)
    client.get(reverse("internships:index"))  # a member's header rendered first in this process
    html = header(Client().get(reverse("internships:index")))
    assert reverse("account_login") in html
    assert "user-menu" not in html and student.display_name not in html


@pytest.mark.django_db
def test_the_header_forms_carry_this_requests_csrf_token(student):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    html = header(browser.get(reverse("internships:index")))
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) == 2 and "pagecache" not in tokens[0]
    response = browser.post(reverse("set_language"), {"language": "ja", "next": "/", "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert browser.cookies["jige_language"].value == "ja"
