"""Error pages in the portal's layout and the member's language; no links a member may not
follow; the favicon on admin pages; profile bios rendered from Markdown, safely."""

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied, server_error

from community.models import Role
from community.tests.factories import UserFactory
from internships.tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def test_a_guest_applying_for_an_internship_is_told_why_in_japanese_inside_the_layout(client):
    guest = UserFactory(roles=[Role.GUEST], language="ja")
    posting = PostingFactory()
    client.force_login(guest)
    response = client.get(reverse("internships:apply", args=[posting.pk]))
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ja">' in html and 'class="site-header"' in html
    assert "このページを開く権限がありません" in html
    assert "ゲスト" in html  # the roles the member holds
    assert reverse("home") in html and reverse("account_email") in html


def test_the_403_page_shows_the_reason_the_view_gave(student):
    request = RequestFactory().get("/somewhere/")
    request.user = student
    response = permission_denied(request, PermissionDenied("Only staff can open the moderation queue."))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Only staff can open the moderation queue." in html
    assert "Your roles: Student." in html


def test_the_404_page_is_in_the_layout_and_leads_somewhere(client, student):
    client.force_login(student)
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find this page" in html and 'class="site-header"' in html
    assert reverse("community:group_list") in html and reverse("courses:index") in html


def test_the_500_page_renders_without_a_request_context_or_the_database(django_assert_num_queries):
    with translation.override("ja"), django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ja">' in html
    assert '<meta name="viewport"' in html
    assert "サーバー側でエラーが発生しました" in html


def test_faculty_see_no_moderation_link_but_staff_do(client, faculty, staff_member):
    client.force_login(faculty)
    html = client.get(reverse("community:profile_edit")).content.decode()
    assert reverse("community:moderation_queue") not in html
    assert reverse("admin:index") in html  # faculty do reach the admin
    assert client.get(reverse("community:moderation_queue")).status_code == 403

    client.force_login(staff_member)
    html = client.get(reverse("community:profile_edit")).content.decode()
    assert reverse("community:moderation_queue") in html


def test_admin_pages_name_the_favicon_that_static_serves(client, staff_member):
    staff_member.is_superuser = True
    staff_member.save(update_fields=["is_superuser"])
    client.force_login(staff_member)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html
    assert finders.find("img/favicon.svg")


def test_profile_bios_are_markdown_rendered_and_sanitized(client, student, other_student):
    other_student.profile.bio = "Mai **loves** hiking. <script>alert(1)</script> [site](javascript:alert(1))"
    other_student.profile.share_profile = True  # a bio is shown to other members only when shared
    other_student.profile.save()
    client.force_login(student)
    html = client.get(reverse("community:profile", args=[other_student.pk])).content.decode()
    assert "<strong>loves</strong>" in html and "**loves**" not in html
    assert "<script>alert(1)</script>" not in html
    assert "javascript:alert" not in html


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_portals_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
