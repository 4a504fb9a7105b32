from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .. import home as member_home
from .. import pagecache, services
from ..caching import PORTAL
from ..forms import AccountForm, PrivacyForm, ProfileForm
from ..markup import render_markdown
from ..models import Block, Organization, Profile, User
from ..services.roles import ask_for_role


def home(request):
    """The marketing page for visitors; for members, their own home of panels (community.home)."""
    if not request.user.is_authenticated:
        return pagecache.serve_page(request, lambda: render(request, "home.html"), depends_on=[PORTAL])
    if request.method == "POST" and request.POST.get("action") == "ask_for_role":
        return _ask_for_role(request)

    def resolve():
        panels = member_home.panels_for(request.user)
        depends_on = {PORTAL, *(name for panel in panels for name in panel.depends_on)}
        return depends_on, lambda: render(request, "community/home.html", {"panels": panels})

    return pagecache.serve(request, resolve)


def _ask_for_role(request):
    role = request.POST.get("role", "")
    if role not in member_home.REQUESTABLE_ROLES:
        messages.error(request, _("Please choose a role."))
    elif ask_for_role(user=request.user, role=role, note=request.POST.get("note", "").strip()):
        messages.success(request, _("The staff have been asked. You will be told when your role changes."))
    else:
        messages.info(request, _("You asked the staff already today; they will answer soon."))
    return redirect("home")


@require_POST
def set_language(request):
    """Django's set_language, plus remembering the choice on the signed-in member."""
    if request.user.is_authenticated:
        services.set_language_preference(user=request.user, language=request.POST.get("language", ""))
    return django_set_language(request)


@login_required
def profile_detail(request, pk):
    member = get_object_or_404(
        User.objects.filter(is_active=True).select_related(
            "organization", "profile__home_campus__organization", "profile__host_campus__organization"
        ),
        pk=pk,
    )
    interests = member.profile.interests.all()
    context = {
        "member": member,
        "interests": interests,
        "bio_html": render_markdown(member.profile.bio),
        "shows": member.profile.visible_facts_for(request.user),
    }
    if member != request.user:
        context["has_blocked"] = Block.objects.filter(blocker=request.user, blocked=member).exists()
    return render(request, "community/profile_detail.html", context)


@login_required
def profile_edit(request):
    user = request.user
    profile = Profile.objects.get(user=user)
    if request.method == "POST":
        account_form = AccountForm(request.POST, request.FILES, instance=user, prefix="account")
        profile_form = ProfileForm(request.POST, instance=profile, prefix="profile")
        # Its own copy: a ModelForm cleans the whole model, and the dates' error belongs to the other form.
        privacy_form = PrivacyForm(request.POST, instance=Profile(pk=profile.pk), prefix="privacy")
        if account_form.is_valid() and profile_form.is_valid() and privacy_form.is_valid():
            with transaction.atomic():
                account_form.save()
                profile_form.save(commit=False)
                for name, value in privacy_form.cleaned_data.items():
                    setattr(profile, name, value)
                profile.save()
                profile_form.save_m2m()
                services.queue_automatic_group_sync(user=user)
            messages.success(request, _("Your profile has been saved."))
            return redirect("community:profile", pk=user.pk)
        messages.error(request, _("Please correct the errors below."))
    else:
        account_form = AccountForm(instance=user, prefix="account")
        profile_form = ProfileForm(instance=profile, prefix="profile")
        privacy_form = PrivacyForm(instance=profile, prefix="privacy")
    context = {"account_form": account_form, "profile_form": profile_form, "privacy_form": privacy_form}
    return render(request, "community/profile_form.html", context)


def organization_list(request):
    organizations = Organization.objects.filter(is_active=True).order_by("kind", "-is_lead", "name")
    return render(request, "community/organization_list.html", {"organizations": organizations})


def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.filter(is_active=True), slug=slug)
    campuses = organization.campuses.all()
    return render(request, "community/organization_detail.html", {"organization": organization, "campuses": campuses})
