"""Writes about host companies themselves: self-registration and its review, colleagues invited
to a company's account, and the testimonials past interns allow on its public page."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from community import pagecache
from community.models import Organization, Role, User
from community.services import assign_role, audit, notify, queue_email, send_templated_email

from . import caching
from .models import Application, CompanyInvitation, HostCompany, Testimonial

REGISTERED = "internships.company.registered"
APPROVED = "internships.company.approved"
DECLINED = "internships.company.declined"
INVITED = "internships.company.invitation_sent"
JOINED = "internships.company.invitation_accepted"
CONSENT_GIVEN = "internships.testimonial.consent_given"
CONSENT_WITHDRAWN = "internships.testimonial.consent_withdrawn"
RESERVED_SLUGS = {"register", "registration"}


def _staff():
    return User.objects.filter(is_active=True, groups__name=Role.STAFF.value).distinct()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "company"
    if base in RESERVED_SLUGS:  # the addresses of the registration pages
        base = f"{base}-company"
    slug, number = base, 1
    while Organization.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _has_verified_address(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def _make_contact(user: User, organization: Organization) -> None:
    """The member's home organization becomes the company and they hold the company-contact role
    (a guest's role is exchanged for it)."""
    if user.organization_id != organization.pk:
        user.organization = organization
        user.save(update_fields=["organization"])
    assign_role(user=user, role=Role.COMPANY_CONTACT)
    user.groups.remove(*user.groups.filter(name=Role.GUEST))
    user.__dict__.pop("role_names", None)


@transaction.atomic
def register_company(
    *,
    contact: User,
    name_en: str,
    name_ja: str = "",
    prefecture: str,
    website: str = "",
    description_en: str = "",
    description_ja: str = "",
    industry: str,
    size: str,
    work_languages: list[str],
    logo=None,
) -> HostCompany:
    """Record a company's own registration: an inactive organization and a host company waiting for
    staff review, with `contact` as its member (no role yet); staff are told. Raises ValidationError
    when the contact belongs to an organization already."""
    contact = User.objects.select_for_update().get(pk=contact.pk)
    if contact.organization_id:
        raise ValidationError(
            _("Your account already belongs to %(organization)s: ask staff to register a company for you."),
            code="member",
            params={"organization": contact.organization},
        )
    organization = Organization(
        name_en=name_en,
        name_ja=name_ja,
        slug=_unique_slug(name_en),
        kind=Organization.Kind.COMPANY,
        country="JP",
        prefecture=prefecture,
        website=website,
        description_en=description_en,
        description_ja=description_ja,
        # Hidden from every list until staff approve it.
        is_active=False,
    )
    if logo:
        organization.logo = logo
    organization.save()
    company = HostCompany.objects.create(
        organization=organization,
        status=HostCompany.Status.PENDING,
        industry=industry,
        size=size,
        work_languages=",".join(work_languages),
        registered_by=contact,
    )
    contact.organization = organization
    contact.save(update_fields=["organization"])
    audit(REGISTERED, actor=contact, target=f"company:{company.pk}")
    _ask_staff_to_review(organization, actor=contact)
    return company


@transaction.atomic
def approve_host_company(*, company: HostCompany, by: User) -> HostCompany:
    """Allow a company to post (staff only): a registered company's organization becomes visible and
    the contact who registered it gets the company-contact role and is told. Safe to repeat."""
    if not by.is_portal_staff:
        raise PermissionDenied
    # Two members of staff deciding at once: the second waits here and sees the first's decision.
    company = HostCompany.objects.select_for_update().select_related("organization").get(pk=company.pk)
    if company.is_approved:
        return company
    contact = company.registered_by
    if contact is not None and not _has_verified_address(contact):
        raise ValidationError(
            _("%(contact)s has not confirmed their e-mail address yet: approve the company once they have."),
            code="unverified",
            params={"contact": contact},
        )
    now = timezone.now()
    company.status = HostCompany.Status.APPROVED
    company.approved_by, company.approved_at, company.decided_at = by, now, now
    company.decline_reason = ""
    company.save(update_fields=["status", "approved_by", "approved_at", "decided_at", "decline_reason"])
    if not company.organization.is_active:
        Organization.objects.filter(pk=company.organization_id).update(is_active=True)
        company.organization.is_active = True
    audit(APPROVED, actor=by, target=f"company:{company.pk}")
    if contact is not None and contact.is_active:
        _make_contact(contact, company.organization)
        notify(
            recipient=contact,
            event=APPROVED,
            message=_("Staff approved %(company)s: you can now post internships and invite colleagues."),
            params={"company": company.organization.name},
            url=reverse("internships:company_home"),
            actor=by,
        )
    pagecache.bump(caching.POSTINGS)
    return company


@transaction.atomic
def decline_host_company(*, company: HostCompany, by: User, reason: str) -> HostCompany:
    """Decline a registration waiting for review with a reason that is e-mailed to the contact in
    their language and shown on their registration page. Raises ValidationError without a reason."""
    if not by.is_portal_staff:
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell the company why its registration is declined."), code="reason")
    company = HostCompany.objects.select_for_update().select_related("organization").get(pk=company.pk)
    if company.status != HostCompany.Status.PENDING:
        raise ValidationError(_("Only a registration waiting for review can be declined."), code="status")
    company.status = HostCompany.Status.DECLINED
    company.decline_reason = reason[:2000]
    company.decided_at = timezone.now()
    company.save(update_fields=["status", "decline_reason", "decided_at"])
    audit(DECLINED, actor=by, target=f"company:{company.pk}")
    if company.registered_by is not None:
        send_templated_email(
            recipient=company.registered_by,
            template_prefix="internships/email/company_declined",
            context={"company": company, "organization": company.organization, "reason": company.decline_reason},
        )
    return company


@transaction.atomic
def resubmit_registration(*, company: HostCompany, by: User, **fields) -> HostCompany:
    """The contact corrects a declined registration and sends it to staff review again."""
    company = HostCompany.objects.select_for_update().select_related("organization").get(pk=company.pk)
    if company.registered_by_id != by.pk:
        raise PermissionDenied
    if company.status != HostCompany.Status.DECLINED:
        raise ValidationError(_("Only a declined registration can be sent again."), code="status")
    organization = company.organization
    for name in ("name_en", "name_ja", "prefecture", "website", "description_en", "description_ja"):
        setattr(organization, name, fields[name])
    if fields.get("logo"):
        organization.logo = fields["logo"]
    organization.save()
    company.industry, company.size = fields["industry"], fields["size"]
    company.work_languages = ",".join(fields["work_languages"])
    company.status = HostCompany.Status.PENDING
    company.save(update_fields=["industry", "size", "work_languages", "status"])
    audit(REGISTERED, actor=by, target=f"company:{company.pk}")
    _ask_staff_to_review(organization, actor=by)
    return company


def _ask_staff_to_review(organization, *, actor: User) -> None:
    """Tell every staff member that a company (new or corrected) waits for their review."""
    for member in _staff():
        notify(
            recipient=member,
            event=REGISTERED,
            message=_("%(company)s registered as a host company and waits for your review."),
            params={"company": organization.name},
            url=reverse("internships:company_registrations"),
            actor=actor,
        )


# --- colleagues ---------------------------------------------------------------------------------
@transaction.atomic
def invite_colleague(*, company: HostCompany, by: User, email: str, language: str) -> CompanyInvitation:
    """A contact of an approved company invites a colleague: the invitation and its e-mail (in the
    language the contact chose) are stored together. Raises ValidationError for an address that is
    a contact already or has an open invitation."""
    if not company.is_contact(by) or not company.is_approved:
        raise PermissionDenied
    email = email.strip().lower()
    if company.contacts().filter(email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is a contact of your company already."), code="member", params={"email": email}
        )
    if CompanyInvitation.objects.usable().filter(company=company, email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s has been invited already; the invitation is still valid."),
            code="duplicate",
            params={"email": email},
        )
    invitation = CompanyInvitation.objects.create(
        company=company,
        email=email,
        language=language,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=CompanyInvitation.VALID_DAYS),
    )
    context = {
        "invitation": invitation,
        "inviter": by,
        "organization": company.organization,
        "site_url": settings.SITE_URL,
        "days": CompanyInvitation.VALID_DAYS,
    }
    with translation.override(language):
        subject = " ".join(render_to_string("internships/email/company_invitation_subject.txt", context).split())
        text = render_to_string("internships/email/company_invitation_message.txt", context)
    queue_email(EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email]), language=language)
    audit(INVITED, actor=by, target=f"invitation:{invitation.pk}")
    return invitation


@transaction.atomic
def withdraw_invitation(*, invitation: CompanyInvitation, by: User) -> None:
    """A contact withdraws an invitation nobody has accepted yet (its link stops working)."""
    if not invitation.company.is_contact(by):
        raise PermissionDenied
    CompanyInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def accept_invitation(*, invitation: CompanyInvitation, user: User) -> User:
    """Make `user` a contact of the inviting company. Raises ValidationError for a link that is used,
    withdrawn or expired, for another address, and for a member of another organization."""
    # Two clicks on the link at once: the second waits and finds the invitation used.
    invitation = (
        CompanyInvitation.objects.select_for_update().select_related("company__organization").get(pk=invitation.pk)
    )
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has been used, withdrawn or has expired."), code="unusable")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation is for %(email)s: sign in with that address to accept it."),
            code="address",
            params={"email": invitation.email},
        )
    organization = invitation.company.organization
    if user.organization_id and user.organization_id != organization.pk:
        raise ValidationError(
            _("Your account belongs to %(organization)s: ask staff to move it to %(company)s."),
            code="member",
            params={"organization": user.organization, "company": organization},
        )
    _make_contact(user, organization)
    # The link reached this address, so the address is verified.
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(JOINED, actor=user, target=f"invitation:{invitation.pk}")
    return user


@transaction.atomic
def create_account_from_invitation(
    *, invitation: CompanyInvitation, display_name: str, password: str, time_zone: str = "Asia/Tokyo"
) -> User:
    """A new account for the invited address, already a contact of the company. Raises
    ValidationError when the address has an account (its owner signs in and accepts instead)."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("An account with this address exists: sign in to accept the invitation."), code="exists"
        )
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        display_name=display_name,
        language=invitation.language,
        time_zone=time_zone,
    )
    return accept_invitation(invitation=invitation, user=user)


# --- testimonials ---------------------------------------------------------------------------------
@transaction.atomic
def save_testimonial(*, application: Application, by: User, text: str, consent: bool) -> Testimonial:
    """The intern writes about a completed internship and decides whether the company's public page
    shows it; consent can be withdrawn at any time (the text then stays private)."""
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.student_id != by.pk:
        raise PermissionDenied
    if application.status != Application.Status.COMPLETED:
        raise ValidationError(_("Only a completed internship can have a testimonial."), code="status")
    text = text.strip()
    if consent and not text:
        raise ValidationError(_("Write a few words before you allow them to be shown."), code="empty")
    testimonial = Testimonial.objects.filter(application=application).first() or Testimonial(application=application)
    was_public = testimonial.consent
    testimonial.text = text[:1500]
    testimonial.language = by.language
    testimonial.consent = consent
    testimonial.consented_at = (testimonial.consented_at if was_public else timezone.now()) if consent else None
    testimonial.save()
    if consent != was_public:
        audit(CONSENT_GIVEN if consent else CONSENT_WITHDRAWN, actor=by, target=f"testimonial:{testimonial.pk}")
    return testimonial
