"""Staff pages for enrolling an imported cohort in a module or a blended programme."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import ImportBatch

from . import cohorts, services
from .models import CohortEnrolment, CohortEnrolmentRow, Module, Programme

PAGE_SIZE = 100


class CohortEnrolmentForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=gettext_lazy("Cohort"),
        queryset=ImportBatch.objects.exclude(status=ImportBatch.Status.PREVIEW),
        help_text=gettext_lazy("A list of members imported on the member imports page."),
    )
    module = forms.ModelChoiceField(
        label=gettext_lazy("Module"), queryset=Module.objects.published().filter(closed_at=None), required=False
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("or blended programme"), queryset=Programme.objects.published(), required=False
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("module")) == bool(data.get("programme")):
            raise forms.ValidationError(gettext_lazy("Choose either a module or a programme."))
        return data


def _staff(request):
    if not request.user.is_portal_staff:
        raise PermissionDenied


@login_required
def cohort_enrolment_new(request):
    """Choose a cohort and a target; the preview lists each member's outcome; staff confirm it."""
    _staff(request)
    if request.method == "POST":
        form = CohortEnrolmentForm(request.POST)
    elif "cohort" in request.GET:
        form = CohortEnrolmentForm(request.GET)
    else:  # from a module's or programme's page: the target is chosen, the cohort not yet
        form = CohortEnrolmentForm(initial=request.GET.dict())
    plan = page = None
    if form.is_valid():
        target = {"module": form.cleaned_data["module"], "programme": form.cleaned_data["programme"]}
        if request.method == "POST":
            try:
                batch = services.start_cohort_enrolment(cohort=form.cleaned_data["cohort"], by=request.user, **target)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            except services.NothingToChange:
                messages.info(request, _("Nothing to change: every member of this cohort is already placed."))
            else:
                return redirect(batch)
        plan = cohorts.plan(form.cleaned_data["cohort"], **target)
        page = Paginator(plan.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    recent = CohortEnrolment.objects.select_related("cohort", "module", "programme")[:10]
    return render(
        request,
        "courses/cohort_enrolment_form.html",
        {
            "form": form,
            "plan": plan,
            "page": page,
            "query": query.urlencode(),
            "counts": [(status, label, plan.count(status)) for status, label in cohorts.LABELS.items()] if plan else [],
            "recent": recent,
        },
    )


@login_required
def cohort_enrolment(request, pk):
    _staff(request)
    batch = get_object_or_404(CohortEnrolment.objects.select_related("cohort", "module", "programme"), pk=pk)
    rows = CohortEnrolmentRow.objects.filter(enrolment=batch).select_related("learner").order_by("pk")
    return render(
        request,
        "courses/cohort_enrolment_detail.html",
        {
            "batch": batch,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "progress": _progress(batch),
        },
    )


def _progress(batch) -> dict:
    placed = CohortEnrolmentRow.objects.filter(enrolment=batch).exclude(outcome="").count()
    return {
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "total": batch.total,
        "sent": placed,
        "done": batch.status == CohortEnrolment.Status.DONE,
    }


@login_required
def cohort_enrolment_progress(request, pk):
    _staff(request)
    return JsonResponse(_progress(get_object_or_404(CohortEnrolment, pk=pk)))
