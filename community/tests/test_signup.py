"""Sign-up, e-mail verification, sign-in, rate limits and account enumeration."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from community.models import OutgoingEmail, User
from community.tests.factories import PASSWORD, UserFactory
from conftest import wait_for

CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/")


def sign_up(client, email="newcomer@example.org", language="en"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "display_name": "Newcomer"},
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.django_db
def test_signup_sends_verification_mail_and_confirming_signs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="newcomer@example.org")
    assert user.display_name == "Newcomer"
    assert not EmailAddress.objects.get(user=user).verified

    # Unverified: signing in is refused until the address is confirmed.
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) >= 1
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(0)
    response = client.post(urlparse(link).path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_verification_mail_is_in_the_language_of_the_signup(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="aiko@example.jp", language="ja")
    user = User.objects.get(email="aiko@example.jp")
    assert user.language == "ja"
    message = mail.outbox[-1]
    assert "メールアドレス" in message.subject + message.body
    assert OutgoingEmail.objects.get(to=["aiko@example.jp"]).language == "ja"


@pytest.mark.django_db
def test_password_reset_mail_is_rendered_in_the_recipients_language(client, django_capture_on_commit_callbacks):
    member = UserFactory(email="kenji@example.jp", language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email}, HTTP_ACCEPT_LANGUAGE="en")
    message = mail.outbox[-1]
    assert message.to == ["kenji@example.jp"]
    assert "パスワード" in message.subject + message.body


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    UserFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


@pytest.mark.django_db
def test_signup_with_a_taken_address_does_not_reveal_it(client, django_capture_on_commit_callbacks):
    UserFactory(email="taken@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="taken@example.org")
    # Same answer as a fresh sign-up; the owner of the address gets a mail instead.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert mail.outbox[-1].to == ["taken@example.org"]


@pytest.mark.django_db
def test_repeated_wrong_passwords_are_rate_limited(client):
    member = UserFactory()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": member.email, "password": "wrong password"})
        assert response.status_code == 200
    # Even the right password is refused for a while after five failures for this address.
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_admin_login_goes_through_the_portal_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_admin_refuses_signed_in_members_without_staff_rights(client, student):
    client.force_login(student)
    response = client.get("/admin/login/")
    assert response.status_code == 403


@pytest.mark.worker
def test_verification_mail_goes_through_a_real_celery_worker(client, celery_worker_process):
    response = sign_up(client, email="worker@example.org")
    assert response.status_code == 302
    outgoing = OutgoingEmail.objects.get(to=["worker@example.org"])

    def sent():
        outgoing.refresh_from_db()
        return outgoing.status == OutgoingEmail.Status.SENT

    wait_for(sent, timeout=30)
    written = "".join(p.read_text() for p in celery_worker_process.mail_dir.glob("*.log"))
    assert "worker@example.org" in written
    assert "/accounts/confirm-email/" in written
    assert "send_outgoing_email" in celery_worker_process.output()


@pytest.mark.django_db
def test_changing_email_verifies_the_new_address_before_using_it(client, student, django_capture_on_commit_callbacks):
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"action_add": "", "email": "mai.new@example.org"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["mai.new@example.org"]
    student.refresh_from_db()
    assert student.email == "mai.student@example.org"  # unchanged until the new address is confirmed
    link = CONFIRM_LINK.search(mail.outbox[-1].body).group(0)
    client.post(urlparse(link).path)
    student.refresh_from_db()
    assert student.email == "mai.new@example.org"
