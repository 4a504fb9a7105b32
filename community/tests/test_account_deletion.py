"""A member deletes their account: confirmation, a grace period that signing in cancels, then
their personal data erased and what they wrote attributed to a former member."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation

from community import services
from community.models import AccountDeletion, AuditEvent, Comment, DataExport, Membership, OutgoingEmail, User
from community.services import privacy
from community.tests.factories import PASSWORD, CommunityGroupFactory, PostFactory
from internships.models import Application
from internships.tests.factories import ApplicationFactory


def schedule(user, *, keep_credentials=True):
    return privacy.request_account_deletion(user=user, confirmation=user.email, keep_credentials=keep_credentials)


def make_due(deletion):
    AccountDeletion.objects.filter(pk=deletion.pk).update(erase_after=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_wrong_confirmation_is_refused_with_a_translated_error_and_nothing_is_scheduled(client, student):
    client.force_login(student)
    response = client.post(reverse("community:account_delete"), {"confirmation": "nope", "credentials": "keep"})
    assert response.status_code == 200
    assert "Type your e-mail address or your password to confirm." in response.content.decode()
    assert not AccountDeletion.objects.exists()
    student.language = "ja"
    student.save()
    response = client.post(reverse("community:account_delete"), {"confirmation": "nope", "credentials": "keep"})
    assert "確認のため、メールアドレスまたはパスワードを入力してください。" in response.content.decode()
    assert not AccountDeletion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["MAI.STUDENT@example.org", PASSWORD])
def test_deleting_schedules_erasure_after_the_grace_period_signs_out_and_mails(
    client, student, settings, typed, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_DELETION_GRACE_DAYS = 14
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("community:account_delete"), {"confirmation": typed, "credentials": "revoke"})
    assert response.status_code == 302 and response["Location"] == reverse("community:account_deletion_scheduled")
    deletion = AccountDeletion.objects.get(user=student)
    assert deletion.status == AccountDeletion.Status.SCHEDULED and deletion.keep_credentials is False
    assert timedelta(days=13, hours=23) < deletion.erase_after - timezone.now() <= timedelta(days=14)
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "signing in cancels the deletion" in page
    mail = OutgoingEmail.objects.get(to=[student.email])
    assert "Your personal data will be erased on" in mail.body_text and "will be revoked" in mail.body_text
    assert AuditEvent.objects.filter(event="community.account.deletion_requested", actor=student).count() == 1


@pytest.mark.django_db
def test_signing_in_during_the_grace_period_cancels_the_deletion(client, student):
    deletion = schedule(student)
    response = client.post(reverse("account_login"), {"login": student.email, "password": PASSWORD}, follow=True)
    assert "your account will not be deleted" in response.content.decode()
    deletion.refresh_from_db()
    assert deletion.status == AccountDeletion.Status.CANCELLED
    make_due(deletion)
    assert privacy.erase_due_accounts() == 0
    student.refresh_from_db()
    assert not student.is_erased and student.email == "mai.student@example.org"


@pytest.mark.django_db
def test_a_member_still_signed_in_elsewhere_can_keep_the_account(client, student):
    schedule(student)
    client.force_login(student)
    assert "Keep my account" in client.get(reverse("community:privacy")).content.decode()
    client.post(reverse("community:account_delete_cancel"))
    assert AccountDeletion.objects.get(user=student).status == AccountDeletion.Status.CANCELLED
    assert AuditEvent.objects.filter(event="community.account.deletion_cancelled").count() == 1


@pytest.mark.django_db
def test_nothing_is_erased_before_the_grace_period_ends(student):
    deletion = schedule(student)
    assert privacy.erase_account(deletion_id=deletion.pk) is False
    assert privacy.erase_due_accounts() == 0
    student.refresh_from_db()
    assert not student.is_erased


@pytest.mark.django_db
def test_erasure_clears_the_person_and_keeps_their_writing_as_a_former_members(client, student, other_student):
    group = CommunityGroupFactory(name_en="Sendai food")
    services.add_member(group=group, user=student)
    services.add_member(group=group, user=other_student)
    post = PostFactory(group=group, author=student, body="Best gyutan near the station?")
    Comment.objects.create(post=post, author=student, body="Try Rikyu.")
    conversation = services.start_conversation(sender=student, recipients=[other_student], body="Lunch tomorrow?")
    student.profile.bio = "Exchange student from Lyon"
    student.profile.save()
    application = ApplicationFactory(student=student, motivation="I love robots.")
    cv_name = application.cv.name
    export = privacy.request_data_export(user=student)
    privacy.build_data_export(export_id=export.pk)
    export_name = DataExport.objects.get(pk=export.pk).file.name
    deletion = schedule(student)
    make_due(deletion)

    assert privacy.erase_due_accounts() == 1
    assert privacy.erase_due_accounts() == 0  # twice: erased once
    assert privacy.erase_account(deletion_id=deletion.pk) is False

    student = User.objects.get(pk=student.pk)
    assert student.is_erased and not student.is_active and not student.has_usable_password()
    assert student.email == f"erased-{student.pk}@erased.invalid"
    assert student.display_name == "Former member"
    assert student.profile.bio == "" and not student.role_names
    assert not EmailAddress.objects.filter(user=student).exists()
    assert not Membership.objects.filter(user=student).exists()
    application.refresh_from_db()
    assert application.motivation == "" and not application.cv
    assert not Application.cv.field.storage.exists(cv_name)
    assert not DataExport.objects.filter(user=student).exists() and not default_storage.exists(export_name)
    deletion.refresh_from_db()
    assert deletion.status == AccountDeletion.Status.ERASED
    erased = AuditEvent.objects.get(event="community.account.erased")
    assert erased.actor is None and erased.data == {"credentials": "kept"}

    client.force_login(other_student)
    feed = client.get(post.get_absolute_url()).content.decode()
    assert "Best gyutan near the station?" in feed and "Try Rikyu." in feed
    assert "Former member" in feed and "Mai Student" not in feed
    thread = client.get(reverse("community:conversation", args=[conversation.pk])).content.decode()
    assert "Lunch tomorrow?" in thread and "Former member" in thread and "Mai Student" not in thread
    assert client.get(reverse("community:profile", args=[student.pk])).status_code == 404
    with translation.override("ja"):
        assert str(User.objects.get(pk=student.pk)) == "退会したメンバー"
    other_student.language = "ja"
    other_student.save()
    assert "退会したメンバー" in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_erased_member_cannot_sign_in(client, student):
    deletion = schedule(student)
    make_due(deletion)
    privacy.erase_due_accounts()
    for login in ("mai.student@example.org", f"erased-{student.pk}@erased.invalid"):
        client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_pages_are_reachable_from_the_member_menu(client, student):
    client.force_login(student)
    home = client.get(reverse("home")).content.decode()
    assert reverse("community:privacy") in home and reverse("mfa_index") in home
    page = client.get(reverse("community:privacy")).content.decode()
    assert reverse("community:account_delete") in page and reverse("community:data_export_create") in page
    student.language = "ja"
    student.save()
    page = client.get(reverse("community:account_delete")).content.decode()
    assert "アカウントを削除する" in page and "発行済みのクレデンシャル" in page
