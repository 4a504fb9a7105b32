"""Pages about host companies: self-registration and its review by staff, public profiles,
colleagues invited to a company's account, and interns' testimonials."""

from allauth.account import app_settings as allauth_settings
from allauth.account.forms import SignupForm
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.models import User

from . import registration
from .forms import CompanyRegistrationForm, DeclineCompanyForm, InvitationForm, InvitationSignupForm, TestimonialForm
from .models import Application, CompanyInvitation, HostCompany, Posting, Testimonial
from .views import _page, _visible_application, company_contact_required, staff_required

PROFILE_POSTINGS = 20
PROFILE_TESTIMONIALS = 12


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- registration -------------------------------------------------------------------------------
def register(request):
    """The company and, for a visitor, the contact's account (allauth's sign-up: the e-mail address
    is confirmed before staff can approve)."""
    if request.user.is_authenticated and HostCompany.objects.filter(registered_by=request.user).exists():
        return redirect("internships:company_registration")
    company_form = CompanyRegistrationForm(request.POST or None, request.FILES or None, prefix="company")
    account_form = None if request.user.is_authenticated else SignupForm(request.POST or None)
    if request.method == "POST":
        if account_form is not None:
            limited = ratelimit.consume_or_429(request, action="signup")
            if limited:
                return limited
        if company_form.is_valid() and (account_form is None or account_form.is_valid()):
            try:
                with transaction.atomic():
                    return _register(request, company_form, account_form)
            except ValidationError as error:
                company_form.add_error(None, error)
    return render(
        request, "internships/company_register.html", {"company_form": company_form, "account_form": account_form}
    )


def _register(request, company_form, account_form):
    fields = company_form.cleaned_data
    if account_form is None:
        registration.register_company(contact=request.user, **fields)
        messages.success(request, _("Thank you: staff will review your company’s registration."))
        return redirect("internships:company_registration")
    user, response = account_form.try_save(request)
    if response:  # the address has an account: allauth answers as for a new one and mails its owner
        return response
    registration.register_company(contact=user, **fields)
    try:
        return complete_signup(
            request,
            user=user,
            email_verification=allauth_settings.EMAIL_VERIFICATION,
            redirect_url=reverse("internships:company_registration"),
        )
    except ImmediateHttpResponse as exit_early:
        return exit_early.response


@login_required
def registration_status(request):
    company = HostCompany.objects.filter(registered_by=request.user).select_related("organization").first()
    if company is None:
        return redirect("internships:company_register")
    form = None
    if company.status == HostCompany.Status.DECLINED:
        form = CompanyRegistrationForm(
            request.POST or None,
            request.FILES or None,
            prefix="company",
            initial=CompanyRegistrationForm.initial_for(company),
        )
        if request.method == "POST" and form.is_valid():
            try:
                registration.resubmit_registration(company=company, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your corrected registration has been sent to staff."))
                return redirect("internships:company_registration")
    verified = EmailAddress.objects.filter(user=request.user, email__iexact=request.user.email, verified=True).exists()
    return render(
        request,
        "internships/company_registration.html",
        {"company": company, "organization": company.organization, "form": form, "verified": verified},
    )


# --- staff ---------------------------------------------------------------------------------------
@staff_required
def staff_registrations(request):
    verified = EmailAddress.objects.filter(user_id=OuterRef("registered_by_id"), verified=True)
    companies = (
        HostCompany.objects.awaiting_review()
        .select_related("organization", "registered_by")
        .annotate(contact_verified=Exists(verified))
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "internships/company_registrations.html",
        {"page": _page(request, companies), "decline_form": DeclineCompanyForm()},
    )


@staff_required
@require_POST
def staff_approve(request, pk):
    company = get_object_or_404(HostCompany.objects.select_related("organization"), pk=pk)
    try:
        registration.approve_host_company(company=company, by=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("%(company)s is approved.") % {"company": company.organization})
    return redirect("internships:company_registrations")


@staff_required
@require_POST
def staff_decline(request, pk):
    company = get_object_or_404(HostCompany.objects.select_related("organization"), pk=pk)
    form = DeclineCompanyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell the company why its registration is declined."))
        return redirect("internships:company_registrations")
    try:
        registration.decline_host_company(company=company, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request, _("%(company)s is declined; the contact has been told why.") % {"company": company.organization}
        )
    return redirect("internships:company_registrations")


# --- the public profile ----------------------------------------------------------------------------
def profile(request, slug):
    companies = HostCompany.objects.select_related("organization")
    if not (request.user.is_authenticated and request.user.is_portal_staff):
        companies = companies.approved()
    company = get_object_or_404(companies, organization__slug=slug)
    postings = (
        Posting.objects.published().filter(company=company).order_by("application_deadline", "pk")[:PROFILE_POSTINGS]
    )
    testimonials = (
        Testimonial.objects.filter(
            consent=True, application__posting__company=company, application__status=Application.Status.COMPLETED
        )
        .select_related("application__student", "application__posting")
        .order_by("-consented_at", "-pk")[:PROFILE_TESTIMONIALS]
    )
    return render(
        request,
        "internships/company_profile.html",
        {
            "company": company,
            "organization": company.organization,
            "postings": list(postings),
            "testimonials": list(testimonials),
            "is_contact": company.is_contact(request.user),
        },
    )


# --- colleagues ------------------------------------------------------------------------------------
@company_contact_required
def colleagues(request, company):
    form = InvitationForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        try:
            registration.invite_colleague(company=company, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, _("The invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("internships:company_colleagues")
    contacts = company.contacts().order_by("display_name", "pk")
    invitations = CompanyInvitation.objects.usable().filter(company=company).select_related("invited_by")
    return render(
        request,
        "internships/company_colleagues.html",
        {
            "company": company,
            "form": form,
            "contacts": list(contacts[:100]),
            "invitations": list(invitations[:100]),
        },
    )


@company_contact_required
@require_POST
def invitation_withdraw(request, company, pk):
    invitation = get_object_or_404(CompanyInvitation.objects.filter(company=company), pk=pk)
    registration.withdraw_invitation(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return redirect("internships:company_colleagues")


def invitation(request, token):
    invitation = get_object_or_404(CompanyInvitation.objects.select_related("company__organization"), token=token)
    context = {"invitation": invitation, "organization": invitation.company.organization}
    if not invitation.is_usable:
        return render(request, "internships/invitation.html", {**context, "unusable": True}, status=410)
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                registration.accept_invitation(invitation=invitation, user=request.user)
            except ValidationError as error:
                messages.error(request, _errors(error))
            else:
                messages.success(
                    request,
                    _("You are now a contact of %(company)s.") % {"company": invitation.company.organization},
                )
                return redirect("internships:company_home")
        return render(request, "internships/invitation.html", context)
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = None if has_account else InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            user = registration.create_account_from_invitation(
                invitation=invitation,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="community.backends.AuthenticationBackend")
            messages.success(
                request, _("You are now a contact of %(company)s.") % {"company": invitation.company.organization}
            )
            return redirect("internships:company_home")
    login_url = reverse("account_login") + "?next=" + invitation.get_absolute_url()
    return render(request, "internships/invitation.html", {**context, "form": form, "login_url": login_url})


# --- testimonials -----------------------------------------------------------------------------------
@login_required
@require_POST
def testimonial(request, pk):
    application = _visible_application(request, pk)
    if application.student_id != request.user.pk:
        raise Http404
    form = TestimonialForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(application)
    try:
        saved = registration.save_testimonial(application=application, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        if saved.consent:
            messages.success(request, _("Thank you: your words are shown on the company’s page."))
        else:
            messages.success(request, _("Saved: your words are not shown on the company’s page."))
    return redirect(application)
