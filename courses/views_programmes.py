"""Staff pages of a blended programme: its applications, accepted, declined or promoted from the waiting list."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import services
from .models import InvalidTransition, Programme, ProgrammeApplication

PAGE_SIZE = 50


class DeclineForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message to the applicant"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The applicant reads it in the notification, the e-mail and on the programme page."),
    )


def _staff_programme(request, slug) -> Programme:
    if not request.user.is_portal_staff:
        raise PermissionDenied
    return get_object_or_404(Programme.objects.with_seats(), slug=slug)


@login_required
def programme_applications(request, slug):
    """Staff: every application to one programme, with what can be done to each."""
    programme = _staff_programme(request, slug)
    applications = programme.applications.select_related("applicant").order_by("created_at", "pk")
    status = request.GET.get("status", "")
    if status in ProgrammeApplication.Status.values:
        applications = applications.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "courses/programme_applications.html",
        {
            "programme": programme,
            "page": Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page")),
            "statuses": ProgrammeApplication.Status.choices,
            "status": status,
            "query": urlencode({"status": status}) if status else "",
            "decline_form": DeclineForm(),
        },
    )


def _acceptance_messages(request, acceptance) -> None:
    name = acceptance.application.applicant
    messages.success(request, _("%(name)s is accepted.") % {"name": name})
    if acceptance.enrolled:
        messages.info(
            request,
            _("%(name)s is enrolled in: %(modules)s.")
            % {"name": name, "modules": ", ".join(str(m) for m in acceptance.enrolled)},
        )
    if acceptance.waitlisted:
        messages.warning(
            request,
            _("These modules are full, so %(name)s is on their waiting list: %(modules)s.")
            % {"name": name, "modules": ", ".join(str(m) for m in acceptance.waitlisted)},
        )
    if acceptance.not_open:
        messages.warning(
            request,
            _("These modules are not open (unpublished or ended), so %(name)s is not enrolled in them: %(modules)s.")
            % {"name": name, "modules": ", ".join(str(m) for m in acceptance.not_open)},
        )


@login_required
@require_POST
def programme_application_decide(request, slug, pk, action):
    programme = _staff_programme(request, slug)
    application = get_object_or_404(
        ProgrammeApplication.objects.select_related("applicant"), pk=pk, programme=programme
    )
    try:
        if action == "accept":
            _acceptance_messages(request, services.accept_application(application=application, by=request.user))
        elif action == "promote":
            _acceptance_messages(request, services.promote_application(application=application, by=request.user))
        elif action == "waitlist":
            services.waitlist_application(application=application, by=request.user)
            messages.success(request, _("%(name)s is on the waiting list.") % {"name": application.applicant})
        elif action == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                messages.error(request, form.errors["message"][0])
                return redirect("courses:programme_applications", slug=programme.slug)
            services.decline_application(application=application, by=request.user, message=form.cleaned_data["message"])
            messages.success(request, _("The application of %(name)s is declined.") % {"name": application.applicant})
        else:
            raise Http404
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
    return redirect("courses:programme_applications", slug=programme.slug)
