"""Companies register themselves, staff approve or decline with a reason, approved companies have a
public profile with consented testimonials, and contacts invite colleagues."""

import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from community.models import AuditEvent, Organization, OutgoingEmail, Role, User
from community.tests.factories import OrganizationFactory, UserFactory
from internships.models import Application, CompanyInvitation, HostCompany
from internships.models import Testimonial as InternTestimonial  # not a test class

from .factories import ApplicationFactory, HostCompanyFactory, PostingFactory

COMPANY = {
    "company-name_en": "Haruna Robotics",
    "company-name_ja": "榛名ロボティクス株式会社",
    "company-prefecture": "10",
    "company-industry": "manufacturing",
    "company-size": "50-299",
    "company-work_languages": ["ja", "en"],
    "company-website": "https://haruna-robotics.example",
    "company-description_en": "Robots for farms in Gunma.",
    "company-description_ja": "群馬の農業用ロボットを作っています。",
}
ACCOUNT = {
    "email": "hr@haruna-robotics.example",
    "password1": "a-long-unusual-passphrase-42",
    "password2": "a-long-unusual-passphrase-42",
    "display_name": "Ito Haruna",
}


def _png(size=(64, 64)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _register(client, **extra):
    return client.post(reverse("internships:company_register"), {**COMPANY, **ACCOUNT, **extra})


@pytest.fixture
def registered(client, db, staff_member):
    """A company registered by a visitor who has not confirmed the address yet."""
    _register(client, **{"company-logo": _png()})
    client.logout()
    return HostCompany.objects.select_related("organization", "registered_by").get(
        organization__name_en="Haruna Robotics"
    )


def _confirm(user):
    EmailAddress.objects.filter(user=user).update(verified=True)


@pytest.mark.django_db
def test_a_visitor_registers_a_company_that_waits_for_staff_with_its_contact_unconfirmed(client, staff_member):
    response = _register(client, **{"company-logo": _png()})
    assert response.status_code == 302
    company = HostCompany.objects.select_related("organization", "registered_by").get()
    organization, contact = company.organization, company.registered_by
    assert company.status == HostCompany.Status.PENDING
    assert (company.industry, company.size, company.work_language_list) == ("manufacturing", "50-299", ["ja", "en"])
    assert organization.kind == Organization.Kind.COMPANY and not organization.is_active
    assert (organization.name_ja, organization.prefecture, organization.slug) == (
        "榛名ロボティクス株式会社",
        "10",
        "haruna-robotics",
    )
    assert organization.logo.name.startswith("logos/") and organization.logo.name.endswith(".jpg")
    assert contact.email == ACCOUNT["email"] and contact.organization == organization
    assert not contact.has_role(Role.COMPANY_CONTACT)
    assert not EmailAddress.objects.get(user=contact).verified
    assert OutgoingEmail.objects.filter(to=[ACCOUNT["email"]]).exists()  # allauth's confirmation
    assert staff_member.notifications.filter(event="internships.company.registered").exists()
    assert AuditEvent.objects.filter(event="internships.company.registered", actor=contact).exists()
    assert client.get(reverse("internships:company_profile", args=["haruna-robotics"])).status_code == 404


@pytest.mark.django_db
def test_a_damaged_logo_is_refused_with_a_message_and_nothing_is_saved(client):
    response = _register(client, **{"company-logo": SimpleUploadedFile("logo.png", b"not an image")})
    assert response.status_code == 200
    assert "The file is not an image, or it is damaged." in response.content.decode()
    assert not Organization.objects.filter(name_en="Haruna Robotics").exists()
    assert not User.objects.filter(email=ACCOUNT["email"]).exists()


@pytest.mark.django_db
def test_missing_company_fields_keep_what_was_typed(client):
    response = _register(client, **{"company-industry": "", "company-work_languages": []})
    html = response.content.decode()
    assert response.status_code == 200 and "Haruna Robotics" in html
    assert not HostCompany.objects.exists() and not User.objects.filter(email=ACCOUNT["email"]).exists()


@pytest.mark.django_db
def test_a_signed_in_guest_registers_with_their_account(client):
    guest = UserFactory(roles=[Role.GUEST], email="owner@cafe.example")
    client.force_login(guest)
    response = client.post(reverse("internships:company_register"), COMPANY)
    assert response.status_code == 302
    assert HostCompany.objects.get().registered_by == guest
    assert client.get(reverse("internships:company_register")).status_code == 302  # to the status page


@pytest.mark.django_db
def test_a_student_cannot_register_a_company_with_their_university_account(client, student):
    student.organization = OrganizationFactory(name_en="Kansai University")
    student.save(update_fields=["organization"])
    client.force_login(student)
    response = client.post(reverse("internships:company_register"), COMPANY)
    assert response.status_code == 200
    assert "Your account already belongs to Kansai University" in response.content.decode()
    assert not HostCompany.objects.exists()


@pytest.mark.django_db
def test_staff_cannot_approve_before_the_contact_confirmed_the_address(client, staff_member, registered):
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    client.force_login(staff_member)
    page = client.get(reverse("internships:company_registrations")).content.decode()
    assert "Haruna Robotics" in page and "e-mail address not confirmed yet" in page
    response = client.post(reverse("internships:company_approve", args=[registered.pk]), follow=True)
    assert "has not confirmed their e-mail address yet" in response.content.decode()
    registered.refresh_from_db()
    assert registered.status == HostCompany.Status.PENDING


@pytest.mark.django_db
def test_approval_makes_the_contact_a_company_contact_and_opens_the_profile(client, staff_member, registered):
    contact = registered.registered_by
    _confirm(contact)
    client.force_login(staff_member)
    client.post(reverse("internships:company_approve", args=[registered.pk]))
    registered.refresh_from_db()
    contact = User.objects.get(pk=contact.pk)
    assert registered.status == HostCompany.Status.APPROVED and registered.approved_by == staff_member
    assert registered.organization.is_active
    assert contact.has_role(Role.COMPANY_CONTACT) and not contact.has_role(Role.GUEST)
    assert contact.notifications.filter(event="internships.company.approved").exists()
    assert AuditEvent.objects.filter(event="internships.company.approved", actor=staff_member).exists()
    client.logout()
    client.cookies.clear()
    english = client.get(registered.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Haruna Robotics" in english and 'lang="ja">榛名ロボティクス株式会社' in english
    assert "Manufacturing" in english and "Japanese, English" in english and "<img" in english
    client.cookies.clear()
    japanese = client.get(registered.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<h1>榛名ロボティクス株式会社</h1>" in japanese and "群馬の農業用ロボット" in japanese


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("en", "the registration of Haruna Robotics was declined", "declined it, for this reason"),
        ("ja", "榛名ロボティクス株式会社の登録は見送られました", "次の理由で見送りました"),
    ],
)
def test_a_declined_registration_is_emailed_with_its_reason_in_the_contacts_language(
    client, staff_member, registered, language, subject, sentence
):
    User.objects.filter(pk=registered.registered_by_id).update(language=language)
    client.force_login(staff_member)
    client.post(
        reverse("internships:company_decline", args=[registered.pk]), {"reason": "Please give your company number."}
    )
    registered.refresh_from_db()
    assert registered.status == HostCompany.Status.DECLINED
    mail = OutgoingEmail.objects.filter(to=[ACCOUNT["email"]], subject__contains=subject).get()
    assert sentence in mail.body_text and "Please give your company number." in mail.body_text
    assert mail.language == language
    assert AuditEvent.objects.filter(event="internships.company.declined").exists()


@pytest.mark.django_db
def test_the_contact_reads_the_reason_corrects_the_registration_and_sends_it_again(client, staff_member, registered):
    client.force_login(staff_member)
    client.post(reverse("internships:company_decline", args=[registered.pk]), {"reason": "Add a website."})
    contact = registered.registered_by
    client.force_login(contact)
    page = client.get(reverse("internships:company_registration")).content.decode()
    assert "Add a website." in page and 'value="Haruna Robotics"' in page
    client.post(reverse("internships:company_registration"), {**COMPANY, "company-name_en": "Haruna Robotics Ltd."})
    registered.refresh_from_db()
    registered.organization.refresh_from_db()
    assert registered.status == HostCompany.Status.PENDING
    assert registered.organization.name_en == "Haruna Robotics Ltd."


@pytest.mark.django_db
def test_a_decline_needs_a_reason_and_a_pending_registration(client, staff_member, registered):
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    client.force_login(staff_member)
    response = client.post(reverse("internships:company_decline", args=[registered.pk]), {"reason": " "}, follow=True)
    assert "Tell the company why its registration is declined." in response.content.decode()
    registered.refresh_from_db()
    assert registered.status == HostCompany.Status.PENDING
    _confirm(registered.registered_by)
    client.post(reverse("internships:company_approve", args=[registered.pk]))
    response = client.post(
        reverse("internships:company_decline", args=[registered.pk]), {"reason": "Late."}, follow=True
    )
    assert "Only a registration waiting for review can be declined." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["student", "company_contact", "faculty"])
def test_only_staff_review_registrations(client, request, persona, registered):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("internships:company_registrations")).status_code == 403
    assert client.post(reverse("internships:company_approve", args=[registered.pk])).status_code == 403
    assert client.post(reverse("internships:company_decline", args=[registered.pk]), {"reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_the_admin_action_approves_a_registration(admin_client, registered):
    _confirm(registered.registered_by)
    admin_client.post(
        reverse("admin:internships_hostcompany_changelist"),
        {"action": "approve", "_selected_action": [registered.pk]},
    )
    registered.refresh_from_db()
    assert registered.status == HostCompany.Status.APPROVED
    assert User.objects.get(pk=registered.registered_by_id).has_role(Role.COMPANY_CONTACT)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_registrations_page_holds_its_query_budget(client, staff_member, django_assert_max_num_queries, count):
    for _index in range(count):
        HostCompanyFactory(status=HostCompany.Status.PENDING, registered_by=UserFactory(password=None))
    client.force_login(staff_member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("internships:company_registrations"))
    assert len(response.context["page"].object_list) == min(count, 20)


# --- the public profile ------------------------------------------------------------------------
def _completed(posting, **kwargs):
    return ApplicationFactory(
        posting=posting,
        student=UserFactory(password=None, **kwargs),
        status=Application.Status.COMPLETED,
        completed_at=timezone.now(),
        staff_approved_at=timezone.now(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_profile_holds_its_query_budget(client, django_assert_max_num_queries, count):
    company = HostCompanyFactory()
    for _index in range(count):
        posting = PostingFactory(company=company)
        InternTestimonial.objects.create(
            application=_completed(posting), text="Great team.", consent=True, consented_at=timezone.now()
        )
    with django_assert_max_num_queries(8):
        response = client.get(company.get_absolute_url())
    assert len(response.context["postings"]) == min(count, 20)
    assert len(response.context["testimonials"]) == min(count, 12)


@pytest.mark.django_db
def test_the_profile_shows_published_postings_only(client, company):
    published = PostingFactory(company=company, title_en="Published internship")
    PostingFactory(company=company, title_en="Draft internship", status="draft")
    html = client.get(company.get_absolute_url()).content.decode()
    assert published.title_en in html and "Draft internship" not in html


@pytest.mark.django_db
def test_a_testimonial_appears_only_while_the_intern_consents(client, company, student):
    application = ApplicationFactory(
        posting=PostingFactory(company=company),
        student=student,
        status=Application.Status.COMPLETED,
        completed_at=timezone.now(),
        staff_approved_at=timezone.now(),
    )
    client.force_login(student)
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'name="consent"' in page
    url = reverse("internships:testimonial", args=[application.pk])
    client.post(url, {"text": "I learnt to build robots.", "consent": ""})
    assert "I learnt to build robots." not in client.get(company.get_absolute_url()).content.decode()
    client.post(url, {"text": "I learnt to build robots.", "consent": "on"})
    profile = client.get(company.get_absolute_url()).content.decode()
    assert "I learnt to build robots." in profile and "Mai Student" in profile
    client.post(url, {"text": "I learnt to build robots.", "consent": ""})
    assert "I learnt to build robots." not in client.get(company.get_absolute_url()).content.decode()
    events = AuditEvent.objects.filter(actor=student).values_list("event", flat=True)
    assert sorted(events) == ["internships.testimonial.consent_given", "internships.testimonial.consent_withdrawn"]


@pytest.mark.django_db
def test_nobody_else_writes_an_interns_testimonial(client, company, student, other_student, company_contact):
    application = _completed(PostingFactory(company=company))
    for person in (other_student, company_contact):
        client.force_login(person)
        response = client.post(
            reverse("internships:testimonial", args=[application.pk]), {"text": "x", "consent": "on"}
        )
        assert response.status_code == 404
    assert not InternTestimonial.objects.exists()


@pytest.mark.django_db
def test_an_internship_in_progress_has_no_testimonial_yet(client, company, student):
    application = ApplicationFactory(posting=PostingFactory(company=company), student=student, status="in_progress")
    client.force_login(student)
    response = client.post(
        reverse("internships:testimonial", args=[application.pk]), {"text": "x", "consent": "on"}, follow=True
    )
    assert "Only a completed internship can have a testimonial." in response.content.decode()
    assert not InternTestimonial.objects.exists()


# --- colleagues ----------------------------------------------------------------------------------
@pytest.fixture
def invitation(client, company, company_contact):
    client.force_login(company_contact)
    client.post(reverse("internships:company_colleagues"), {"email": "Sato@Haruna.example", "language": "ja"})
    client.logout()
    return CompanyInvitation.objects.get()


@pytest.mark.django_db
def test_a_contact_invites_a_colleague_by_email_in_the_chosen_language(invitation, company):
    assert invitation.email == "sato@haruna.example" and invitation.company == company
    mail = OutgoingEmail.objects.get(to=["sato@haruna.example"])
    assert "への招待" in mail.subject and invitation.get_absolute_url() in mail.body_text
    assert "14日間有効" in mail.body_text
    assert AuditEvent.objects.filter(event="internships.company.invitation_sent").exists()


@pytest.mark.django_db
def test_the_colleague_creates_an_account_from_the_link_and_becomes_a_contact(client, invitation, company):
    response = client.post(
        invitation.get_absolute_url(),
        {"display_name": "Sato Kenji", "password1": "another-long-phrase-77", "password2": "another-long-phrase-77"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("internships:company_home")
    colleague = User.objects.get(email="sato@haruna.example")
    assert colleague.organization_id == company.organization_id and colleague.has_role(Role.COMPANY_CONTACT)
    assert colleague.language == "ja"
    assert EmailAddress.objects.get(user=colleague).verified
    assert client.get(reverse("internships:company_home")).status_code == 200
    client.logout()
    again = client.get(invitation.get_absolute_url())
    assert again.status_code == 410


@pytest.mark.django_db
def test_an_existing_account_signs_in_and_accepts(client, invitation, company):
    colleague = UserFactory(email="sato@haruna.example", roles=[Role.GUEST])
    assert 'href="/accounts/login/' in client.get(invitation.get_absolute_url()).content.decode()
    client.force_login(colleague)
    client.post(invitation.get_absolute_url())
    colleague = User.objects.get(pk=colleague.pk)
    assert colleague.has_role(Role.COMPANY_CONTACT) and not colleague.has_role(Role.GUEST)
    assert AuditEvent.objects.filter(event="internships.company.invitation_accepted", actor=colleague).exists()


@pytest.mark.django_db
def test_an_invitation_is_refused_to_another_address_and_to_another_organizations_member(client, invitation):
    client.force_login(UserFactory(email="someone@else.example"))
    response = client.post(invitation.get_absolute_url(), follow=True)
    assert "This invitation is for sato@haruna.example" in response.content.decode()
    member = UserFactory(email="sato@haruna.example", organization=OrganizationFactory(name_en="Tohoku University"))
    client.force_login(member)
    response = client.post(invitation.get_absolute_url(), follow=True)
    assert "Your account belongs to Tohoku University" in response.content.decode()
    assert not User.objects.filter(groups__name=Role.COMPANY_CONTACT, email="sato@haruna.example").exists()


@pytest.mark.django_db
def test_an_expired_or_withdrawn_invitation_no_longer_works(client, invitation, company_contact):
    CompanyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(invitation.get_absolute_url()).status_code == 410
    CompanyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=1))
    client.force_login(company_contact)
    client.post(reverse("internships:invitation_withdraw", args=[invitation.pk]))
    client.logout()
    response = client.post(
        invitation.get_absolute_url(),
        {"display_name": "Sato Kenji", "password1": "another-long-phrase-77", "password2": "another-long-phrase-77"},
    )
    assert response.status_code == 410 and not User.objects.filter(email="sato@haruna.example").exists()


@pytest.mark.django_db
def test_a_second_invitation_to_the_same_address_is_refused(client, invitation, company_contact):
    client.force_login(company_contact)
    response = client.post(
        reverse("internships:company_colleagues"), {"email": "sato@haruna.example", "language": "en"}
    )
    assert "has been invited already" in response.content.decode()
    assert CompanyInvitation.objects.count() == 1


@pytest.mark.django_db
def test_only_contacts_of_an_approved_company_invite(client, student, other_company_contact, company):
    client.force_login(student)
    assert client.get(reverse("internships:company_colleagues")).status_code == 403
    HostCompany.objects.filter(organization=other_company_contact.organization).update(status="pending")
    client.force_login(other_company_contact)
    response = client.post(reverse("internships:company_colleagues"), {"email": "new@x.example", "language": "en"})
    assert response.status_code == 403
    assert not CompanyInvitation.objects.exists()


@pytest.mark.django_db
def test_the_home_page_tells_the_contact_where_the_registration_stands(client, registered):
    client.force_login(registered.registered_by)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("internships:company_registration") in html and "Waiting for review" in html


@pytest.mark.django_db
def test_a_consortium_member_finds_the_outcomes_from_the_home_page(client):
    government = OrganizationFactory(kind=Organization.Kind.LOCAL_GOVERNMENT, country="JP", prefecture="10")
    client.force_login(UserFactory(roles=[Role.CONSORTIUM], organization=government))
    assert reverse("internships:outcomes") in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_contact_waiting_for_review_keeps_their_company_in_the_account_form(registered):
    from community.forms import AccountForm

    others = AccountForm(instance=UserFactory()).fields["organization"].queryset
    assert registered.organization not in others
    own = AccountForm(instance=registered.registered_by).fields["organization"].queryset
    assert registered.organization in own
