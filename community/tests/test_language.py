"""Two languages: browser preference for visitors, a stored preference for members."""

import pytest
from django.conf import settings
from django.urls import reverse

from community.tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_visitor_gets_the_browsers_language(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "学び、働き、つながる" in html


@pytest.mark.django_db
def test_visitor_choice_is_kept_in_a_cookie(client):
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ja">' in html


@pytest.mark.django_db
def test_member_language_choice_is_stored_and_applied_at_next_sign_in(client):
    member = UserFactory(language="en")
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    member.refresh_from_db()
    assert member.language == "ja"

    # A different browser that prefers English: after sign-in, the portal speaks Japanese.
    other_browser = client_class = type(client)
    other_browser = client_class()
    assert '<html lang="en">' in other_browser.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = other_browser.post(
        reverse("account_login"), {"login": member.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    html = other_browser.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ja">' in html
    assert "おかえりなさい" in html


@pytest.mark.django_db
def test_unknown_language_is_ignored(client, student):
    client.force_login(student)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    student.refresh_from_db()
    assert student.language == "en"


@pytest.mark.django_db
def test_admin_has_a_language_switch(client, staff_member):
    client.force_login(staff_member)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'name="language" value="en"' in html  # staff_member prefers Japanese, so English is offered
    assert '<html lang="ja"' in html


@pytest.mark.django_db
def test_dates_are_shown_in_the_members_time_zone(client):
    from datetime import UTC, datetime

    member = UserFactory(time_zone="America/New_York", date_joined=datetime(2026, 1, 1, 2, 0, tzinfo=UTC))
    client.force_login(member)
    html = client.get(reverse("community:profile", args=[member.pk])).content.decode()
    assert "Dec. 31, 2025" in html  # 02:00 UTC on 1 January is still 31 December in New York


@pytest.mark.django_db
def test_empty_choices_are_labelled_in_japanese(client, student):
    student.language = "ja"
    student.save()
    client.force_login(student)
    html = client.get(reverse("community:profile_edit")).content.decode()
    assert "- 選択してください -" in html
    assert "Select an option" not in html


@pytest.mark.django_db
def test_admin_header_is_translated(client, staff_member):
    client.force_login(staff_member)  # prefers Japanese
    assert "JIGEポータル" in client.get(reverse("admin:index")).content.decode()
