"""A member's first day: the role their sign-up address gives them, asking staff for another,
and the sign-in message in their own language."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from community import services
from community.models import Notification, Organization, Role, User
from community.services.roles import ask_for_role
from community.tests.factories import PASSWORD, CommunityGroupFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/")


@pytest.fixture
def kansai():
    return OrganizationFactory(
        name_en="Kansai University", slug="kansai", is_lead=True, country="JP", email_domains="kansai-u.ac.jp"
    )


def sign_up_and_confirm(client, email, capture):
    with capture(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD, "display_name": "Aiko"},
        )
    user = User.objects.get(email=email)
    assert user.role_names == {Role.GUEST}  # nothing more before the address is proved
    link = CONFIRM_LINK.search(mail.outbox[-1].body).group(0)
    client.post(urlparse(link).path)
    user.refresh_from_db()
    user.__dict__.pop("role_names", None)
    return user


def test_signing_up_with_a_partner_university_subdomain_makes_a_student_of_it(
    client, kansai, django_capture_on_commit_callbacks
):
    user = sign_up_and_confirm(client, "aiko@mail.kansai-u.ac.jp", django_capture_on_commit_callbacks)
    assert user.role_names == {Role.STUDENT}
    assert user.organization == kansai


def test_signing_up_with_any_other_address_makes_a_guest_who_can_join_open_groups(
    client, kansai, django_capture_on_commit_callbacks
):
    user = sign_up_and_confirm(client, "aiko@notkansai-u.ac.jp", django_capture_on_commit_callbacks)
    assert user.role_names == {Role.GUEST}
    assert user.organization is None
    group = CommunityGroupFactory(join_policy="open")
    response = client.post(reverse("community:group_join", args=[group.slug]))
    assert response.status_code == 302
    assert group.memberships.filter(user=user).exists()


def test_a_guest_who_confirms_a_university_address_later_becomes_a_student(
    client, kansai, django_capture_on_commit_callbacks
):
    guest = UserFactory(email="aiko@gmail.example", roles=[Role.GUEST])
    client.force_login(guest)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "aiko@kansai-u.ac.jp"})
    client.post(urlparse(CONFIRM_LINK.search(mail.outbox[-1].body).group(0)).path)
    guest = User.objects.get(pk=guest.pk)
    assert guest.role_names == {Role.STUDENT}
    assert guest.organization == kansai


def test_members_who_hold_a_role_keep_it_when_they_confirm_a_university_address(
    client, faculty, kansai, django_capture_on_commit_callbacks
):
    client.force_login(faculty)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "sato@kansai-u.ac.jp"})
    client.post(urlparse(CONFIRM_LINK.search(mail.outbox[-1].body).group(0)).path)
    faculty = User.objects.get(pk=faculty.pk)
    assert faculty.role_names == {Role.FACULTY}
    assert faculty.organization is None


def test_only_the_domain_or_its_subdomains_match_and_the_most_specific_wins(kansai):
    OrganizationFactory(slug="kansai-law", email_domains="@law.kansai-u.ac.jp, ")
    OrganizationFactory(slug="company", kind=Organization.Kind.COMPANY, email_domains="corp.example")
    find = Organization.objects.for_email_address
    assert find("a@KANSAI-U.AC.JP") == kansai
    assert find("a@x.law.kansai-u.ac.jp").slug == "kansai-law"
    assert find("a@evilkansai-u.ac.jp") is None
    assert find("a@kansai-u.ac.jp.evil.example") is None
    assert find("a@corp.example") is None  # companies do not make students


def test_sign_in_message_speaks_the_members_language_not_the_browsers(client):
    member = UserFactory(email="kenji@example.jp", display_name="Kenji", language="ja")
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["ユーザー Kenji としてログインしました。"]


def test_a_name_ending_in_a_full_stop_gets_one_full_stop(client):
    member = UserFactory(email="sato@example.org", display_name="Prof. Sato.", language="en")
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD}, follow=True)
    assert [str(message) for message in response.context["messages"]] == ["Successfully signed in as Prof. Sato."]


def test_a_guest_asks_staff_for_a_role_once_a_day(client, staff_member):
    guest = UserFactory(display_name="Aiko Guest", roles=[Role.GUEST])
    client.force_login(guest)
    home = client.get(reverse("home")).content.decode()
    assert "Ask the staff for this role" in home
    response = client.post(
        reverse("home"), {"action": "ask_for_role", "role": Role.STUDENT, "note": "Tohoku, exchange"}
    )
    assert response.status_code == 302
    client.post(reverse("home"), {"action": "ask_for_role", "role": Role.STUDENT})
    notification = Notification.objects.get(event="community.role.requested")
    assert notification.recipient == staff_member
    assert "Aiko Guest" in str(notification)
    assert Notification.objects.filter(event="community.role.requested").count() == 1


def test_staff_cannot_be_asked_for_and_a_member_with_a_role_sees_no_request_form(client, student):
    with pytest.raises(ValueError):
        ask_for_role(user=student, role=Role.STAFF)
    client.force_login(student)
    assert "Ask the staff for this role" not in client.get(reverse("home")).content.decode()


def test_new_accounts_are_verified_guests_before_anything_else(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD, "display_name": "New"},
        )
    user = User.objects.get(email="new@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert list(user.groups.values_list("name", flat=True)) == [Role.GUEST]
    services.assign_role(user=user, role=Role.STUDENT)  # staff may still give a role by hand
    assert Role.STUDENT in User.objects.get(pk=user.pk).role_names
