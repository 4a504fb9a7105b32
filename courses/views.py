import zoneinfo
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import fragments, pagecache
from community.caching import PORTAL
from community.models import Organization
from community.search import apply_search
from credentials.caching import ACHIEVEMENTS
from credentials.models import Achievement
from jige_portal.prepared import prepared

from . import caching, services
from . import calendar as calendar_items
from .forms import CatalogueFilterForm, ProgrammeApplicationForm, ResultFormSet, ResultsUploadForm
from .models import (
    Enrolment,
    EnrolmentRefused,
    LearningOutcome,
    Module,
    Programme,
    ProgrammeApplication,
    Session,
    weekly_schedule,
)

PAGE_SIZE = 12
TIME_ZONE_COOKIE = "jige_tz"


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def viewer_time_zone(request) -> str:
    """A member's own time zone; for visitors the zone their browser reported (courses.js), else Tokyo."""
    if request.user.is_authenticated and request.user.time_zone:
        return request.user.time_zone
    name = request.COOKIES.get(TIME_ZONE_COOKIE, "")
    return name if name in _time_zones() else timezone.get_default_timezone_name()


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def module_list(request):
    depends_on = [PORTAL, caching.CATALOGUE]
    return pagecache.serve_page(request, lambda: _module_list(request), depends_on=depends_on)


def attach_module_cards(request, modules) -> None:
    """Catalogue cards (`module.fragment_html`), rendered once for every search and viewer that
    shows the module as it is now (its seats left included)."""

    def inputs(module):
        return (
            module.pk,
            module.slug,
            str(module.cover),
            module.title,
            module.summary,
            module.level,
            module.modality,
            module.language,
            str(module.credit_value),
            tuple(university.short_name or university.name for university in module.universities),
            module.term,
            module.starts_on.isoformat() if module.starts_on else "",
            module.seats_left,
        )

    def render_card(module):
        return render_to_string("courses/_module_card.html", {"module": module})

    # No form in a card: no CSRF token to put in.
    fragments.attach_fragments(
        request, modules, name="module-card", inputs=inputs, render=render_card, keep_placeholder=True
    )


def _module_list(request):
    def render_results():
        form = CatalogueFilterForm(request.GET or None)
        page = _page(request, form.filter(Module.objects.for_catalogue()))
        attach_module_cards(request, page.object_list)
        context = {"page": page, "query": _query_without_page(request)}
        empty = not page.object_list
        filters = render_to_string("courses/_catalogue_filters.html", {"form": form, "empty": empty}, request)
        return render_to_string("courses/_catalogue_results.html", context, request), {"filters": filters}

    # The results, and the filter form that asked for them (a GET form: no token), are the same
    # for everyone who asks for these filters: shared between viewers.
    results = pagecache.shared(
        request, "courses.catalogue", depends_on=[PORTAL, caching.CATALOGUE], render=render_results
    )
    results.data["filters"] = mark_safe(results.data["filters"])  # noqa: S308 - rendered by our template above
    return render(request, "courses/module_list.html", {"results": results})


MODULE_PAGE_PREFETCH = ("partner_universities", "outcomes", "sessions")


@prepared
def _module_with_slug(slug: str):
    return (
        Module.objects.with_seats()
        .select_related("lead_university", "achievement__issuer", "group")
        .filter(slug=slug)[:1]
    )


@prepared
def _enrolment_of(module_id: int, learner_id: int):
    return Enrolment.objects.filter(module_id=module_id, learner_id=learner_id).order_by()[:1]


def _visible_module(request, slug, *, prefetch=MODULE_PAGE_PREFETCH) -> Module:
    module = _module_with_slug.first(slug)
    if module is None:
        raise Http404
    prefetch_related_objects([module], *prefetch)
    # A module that is not published does not exist for anyone but its co-owners and staff.
    if module.status != Module.Status.PUBLISHED and not module.can_be_edited_by(request.user):
        raise Http404
    return module


def module_detail(request, slug):
    tz_name = viewer_time_zone(request)

    def resolve():
        # The page's shared body loads the partners, outcomes and sessions only when it renders.
        module = _visible_module(request, slug, prefetch=())
        return [PORTAL, ACHIEVEMENTS, caching.module(module.pk)], lambda: _module_page(request, module, tz_name)

    return pagecache.serve(request, resolve, parts=[tz_name])


# What the module page's shared body shows of the module's relations, in their default order.
@prepared
def _partners_of(module_id: int):
    return Organization.objects.filter(partner_modules=module_id)


@prepared
def _outcomes_of(module_id: int):
    return LearningOutcome.objects.filter(module_id=module_id)


@prepared
def _sessions_of(module_id: int):
    return Session.objects.filter(module_id=module_id)


@prepared
def _pathways_with(achievement_id: int):
    return Achievement.objects.filter(components=achievement_id).active()


def _module_page(request, module, tz_name):
    def render_body():
        context = {
            "module": module,
            "universities": module.universities_among(_partners_of(module.pk)),
            "outcomes": _outcomes_of(module.pk),
            "schedule": weekly_schedule(_sessions_of(module.pk), tz_name),
            "viewer_time_zone": tz_name,
            "pathways": _pathways_with(module.achievement_id) if module.achievement_id else [],
        }
        facts = render_to_string("courses/_module_facts.html", context, request)
        return render_to_string("courses/_module_body.html", context, request), {"facts": facts}

    # What the module is (description, outcomes, schedule in the viewer's zone, facts) is the same
    # for everyone; only the enrolment box and the editors' links are the viewer's own.
    body = pagecache.shared(
        request,
        "courses.module",
        depends_on=[PORTAL, ACHIEVEMENTS, caching.module(module.pk)],
        render=render_body,
        parts=[tz_name],
    )
    body.data["facts"] = mark_safe(body.data["facts"])  # noqa: S308 - rendered by our template above
    enrolment = None
    if request.user.is_authenticated:
        enrolment = _enrolment_of.first(module.pk, request.user.pk)
    return render(
        request,
        "courses/module_detail.html",
        {
            "module": module,
            "body": body,
            "enrolment": enrolment,
            "enrolment_open": module.enrolment_is_open(),
            "can_edit": module.can_be_edited_by(request.user),
        },
    )


@login_required
@require_POST
def module_enrol(request, slug):
    module = _visible_module(request, slug)
    waitlist = request.POST.get("waitlist") == "1"
    try:
        if waitlist:
            enrolment = services.join_waiting_list(module=module, learner=request.user)
        else:
            enrolment = services.enrol_learner(module=module, learner=request.user)
    except EnrolmentRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(module)
    if enrolment.status == Enrolment.Status.WAITLISTED:
        messages.success(request, _("You are on the waiting list. We will e-mail you when a seat frees up."))
    else:
        messages.success(request, _("You are enrolled. Welcome to the module’s community group!"))
    return redirect(module)


@login_required
@require_POST
def module_withdraw(request, slug):
    module = _visible_module(request, slug)
    try:
        services.withdraw_enrolment(module=module, learner=request.user)
    except EnrolmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("You have withdrawn from the module."))
    return redirect(module)


@login_required
def my_learning(request):
    page = _page(request, _enrolments_of.rows(request.user.pk))
    applications = _applications_of(request.user.pk)
    return render(request, "courses/my_learning.html", {"page": page, "applications": applications})


@prepared
def _enrolments_of(learner_id: int):
    return (
        Enrolment.objects.for_learner(learner_id)
        .select_related("module__lead_university", "module__group", "module__alumni_group")
        .order_by("-created_at", "-pk")
    )


@prepared
def _applications_of(applicant_id: int):
    return (
        ProgrammeApplication.objects.filter(applicant_id=applicant_id)
        .select_related("programme")
        .order_by("-created_at", "-pk")[:50]
    )


@login_required
def module_results(request, slug):
    """Co-owners (and staff) record attendance and grades, one by one or from a CSV file."""
    module = get_object_or_404(Module, slug=slug)
    if not module.can_be_edited_by(request.user):
        if module.status != Module.Status.PUBLISHED:
            raise Http404
        raise PermissionDenied
    enrolments = module.enrolments.filter(
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]
    ).select_related("learner")
    formset = ResultFormSet(queryset=enrolments, prefix="results")
    upload_form = ResultsUploadForm()
    row_errors = []
    if request.method == "POST" and "upload" in request.POST:
        upload_form = ResultsUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            rows, row_errors = services.parse_results_csv(module=module, data=upload_form.cleaned_data["file"].read())
            if not row_errors:
                try:
                    completed = services.record_results(
                        module=module, results=[(r.enrolment, r.attendance, r.grade) for r in rows], by=request.user
                    )
                except PermissionDenied as refusal:
                    return _results_refused(request, module, refusal)
                messages.success(
                    request,
                    _("Saved %(rows)s results; %(completed)s learners completed the module.")
                    % {"rows": len(rows), "completed": len(completed)},
                )
                return redirect("courses:results", slug=module.slug)
            messages.error(request, _("Nothing was saved: the file has errors. Correct them and upload it again."))
    elif request.method == "POST":
        formset = ResultFormSet(request.POST, queryset=enrolments, prefix="results")
        if formset.is_valid():
            results = [
                (form.instance, form.cleaned_data["attendance_percent"], form.cleaned_data["grade"])
                for form in formset.forms
                if form.has_changed()
            ]
            try:
                completed = services.record_results(module=module, results=results, by=request.user)
            except PermissionDenied as refusal:
                return _results_refused(request, module, refusal)
            messages.success(
                request,
                _("Saved %(rows)s results; %(completed)s learners completed the module.")
                % {"rows": len(results), "completed": len(completed)},
            )
            return redirect("courses:results", slug=module.slug)
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "courses/module_results.html",
        {"module": module, "formset": formset, "upload_form": upload_form, "row_errors": row_errors},
    )


def _results_refused(request, module, refusal: PermissionDenied):
    # record_results refuses with the reason when the module's credential may not be awarded
    # (Module.award_refusal); the co-owner reads it. A refusal without a reason stays a 403.
    if not refusal.args:
        raise refusal
    messages.error(request, str(refusal.args[0]))
    return redirect("courses:results", slug=module.slug)


def programme_list(request):
    search = request.GET.get("q", "").strip()[:100]
    programmes = (
        apply_search(Programme.objects.published(), search)
        .with_seats()
        .select_related("host_campus__organization")
        .prefetch_related(Prefetch("modules", queryset=Module.objects.published()))
        .order_by("stay_starts_on", "pk")
    )
    context = {"page": _page(request, programmes), "search": search, "query": _query_without_page(request)}
    return render(request, "courses/programme_list.html", context)


def _visible_programme(request, slug) -> Programme:
    programme = get_object_or_404(
        Programme.objects.with_seats().select_related("host_campus__organization", "achievement"), slug=slug
    )
    if programme.status != Programme.Status.PUBLISHED and not (
        request.user.is_authenticated and request.user.is_portal_staff
    ):
        raise Http404
    return programme


def programme_detail(request, slug):
    programme = _visible_programme(request, slug)
    application = None
    if request.user.is_authenticated:
        application = ProgrammeApplication.objects.filter(programme=programme, applicant=request.user).first()
    form = ProgrammeApplicationForm(programme=programme)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={programme.get_absolute_url()}")
        form = ProgrammeApplicationForm(request.POST, programme=programme)
        if form.is_valid():
            try:
                services.apply_to_programme(
                    programme=programme,
                    applicant=request.user,
                    motivation=form.cleaned_data["motivation"],
                    needs_housing=form.cleaned_data.get("needs_housing", False),
                    needs_visa_letter=form.cleaned_data.get("needs_visa_letter", False),
                )
            except EnrolmentRefused as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("Your application has been sent. Staff will let you know their decision."))
            return redirect(programme)
    modules = programme.modules.published().select_related("lead_university")
    return render(
        request,
        "courses/programme_detail.html",
        {"programme": programme, "application": application, "form": form, "modules": modules},
    )


@login_required
@require_POST
def programme_withdraw(request, slug):
    programme = _visible_programme(request, slug)
    try:
        services.withdraw_application(programme=programme, applicant=request.user)
    except EnrolmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect(programme)


def _login_url():
    from django.conf import settings
    from django.urls import reverse

    return reverse(settings.LOGIN_URL)


def module_calendar(request, slug):
    """A published module's weekly sessions (and its group's events, when those are public) as an
    iCalendar feed anyone may subscribe to: the schedule is on the module's public page already."""
    from community import calendar
    from community.models import Event

    module = _visible_module(request, slug)
    items = calendar_items.session_items(module, module.sessions.all())
    if module.group_id and not module.group.content_is_private:
        items += [
            calendar.event_item(event, with_link=False)
            for event in Event.objects.filter(group=module.group).select_related("campus", "group")
        ]
    response = HttpResponse(calendar.build_feed(module.title, items), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{module.slug}.ics"'
    return response
