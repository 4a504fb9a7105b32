import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import pagecache
from community.caching import PORTAL
from community.choices import Prefecture
from community.models import Role, User
from credentials.caching import ACHIEVEMENTS
from jige_portal.prepared import prepared

from . import caching, outcomes, services
from .forms import (
    ApplicationForm,
    BulkApproveForm,
    EvaluationForm,
    OutcomeFilterForm,
    OutcomeSurveyForm,
    PostingFilterForm,
    PostingForm,
    SavedSearchForm,
    TestimonialForm,
    TransitionForm,
    WorkEligibilityForm,
)
from .models import (
    Application,
    ApplicationEvent,
    Evaluation,
    HostCompany,
    InvalidTransition,
    OutcomeSurvey,
    Posting,
    SavedSearch,
    Testimonial,
    TransitionForbidden,
    WorkEligibility,
    eligibility_problems,
)

PAGE_SIZE = 20


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_portal_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def company_contact_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        company = HostCompany.objects.filter(organization_id=request.user.organization_id).first()
        if company is None or not company.is_contact(request.user):
            raise PermissionDenied
        return view(request, company, *args, **kwargs)

    return wrapper


@prepared
def _application_with_pk(pk: int):
    return Application.objects.select_related("posting__company__organization", "student__profile").filter(pk=pk)[:1]


@prepared
def _evaluations_of(application_id: int):
    return Evaluation.objects.filter(application_id=application_id).select_related("author")


@prepared
def _events_of(application_id: int):
    return ApplicationEvent.objects.filter(application_id=application_id).select_related("actor")


@prepared
def _eligibility_of(student_id: int):
    return WorkEligibility.objects.filter(student_id=student_id).order_by("pk")[:1]


def _visible_application(request, pk) -> Application:
    """404 for an application the user may not know exists."""
    application = _application_with_pk.first(int(pk))
    if application is None or not application.is_visible_to(request.user):
        raise Http404
    return application


# --- students and visitors -------------------------------------------------------------------
def index(request):
    return pagecache.serve_page(request, lambda: _index(request), depends_on=[PORTAL, caching.POSTINGS])


def _index(request):
    query = request.GET.copy()
    query.pop("page", None)

    def render_results():
        form = PostingFilterForm(request.GET or None)
        postings = form.filter(Posting.objects.open().select_related("company__organization"))
        page = _page(request, postings.order_by("application_deadline", "pk"), size=12)
        html = render_to_string(
            "internships/_posting_results.html", {"page": page, "query": query.urlencode()}, request
        )
        empty = not page.object_list
        filters = render_to_string("internships/_posting_filters.html", {"form": form, "empty": empty}, request)
        return html, {"filters": filters}

    # The results, and the filters that asked for them (a GET form: no token), are the same for
    # everyone who asks for these filters: shared between viewers.
    results = pagecache.shared(
        request, "internships.postings", depends_on=[PORTAL, caching.POSTINGS], render=render_results
    )
    results.data["filters"] = mark_safe(results.data["filters"])  # noqa: S308 - rendered by our template above
    return render(request, "internships/index.html", {"results": results, "query": query.urlencode()})


@prepared
def _published_posting(pk: int):
    return Posting.objects.published().select_related("company__organization", "achievement").filter(pk=pk)[:1]


@prepared
def _application_for(posting_id: int, student_id: int):
    return Application.objects.filter(posting_id=posting_id, student_id=student_id).order_by("pk")[:1]


def _visible_posting(user, pk: int) -> Posting:
    """The posting if `user` may see it, else 404; for the many who see only published postings,
    a prepared query."""
    if Posting.objects.sees_only_published(user):
        posting = _published_posting.first(pk)
    else:
        postings = Posting.objects.visible_to(user).select_related("company__organization", "achievement")
        posting = postings.filter(pk=pk).first()
    if posting is None:
        raise Http404
    return posting


def posting_detail(request, pk):
    def resolve():
        posting = _visible_posting(request.user, pk)
        # The member's own application follows their version (internships.caching).
        return [PORTAL, caching.POSTINGS, ACHIEVEMENTS], lambda: _posting_page(request, posting)

    return pagecache.serve(request, resolve)


def _posting_page(request, posting):
    def render_body():
        return render_to_string("internships/_posting_body.html", {"posting": posting}, request), {}

    # What the posting is reads the same for everyone who may see it; the way to apply, the
    # member's application and staff's actions are theirs.
    body = pagecache.shared(
        request, "internships.posting", depends_on=[PORTAL, caching.POSTINGS, ACHIEVEMENTS], render=render_body
    )
    application = None
    if request.user.is_authenticated:
        application = _application_for.first(posting.pk, request.user.pk)
    return render(
        request,
        "internships/posting_detail.html",
        {
            "posting": posting,
            "body": body.html,
            "application": application,
            "is_student": request.user.is_authenticated and request.user.has_role(Role.STUDENT),
            "is_owner": posting.company.is_contact(request.user),
        },
    )


@login_required
def apply(request, pk):
    posting = get_object_or_404(Posting.objects.visible_to(request.user).select_related("company"), pk=pk)
    if not request.user.has_role(Role.STUDENT):
        raise PermissionDenied
    existing = Application.objects.filter(posting=posting, student=request.user).first()
    if existing:
        messages.info(request, _("You have already applied for this internship."))
        return redirect(existing)
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                application = services.apply_to_posting(
                    posting=posting,
                    student=request.user,
                    motivation=form.cleaned_data["motivation"],
                    cv=form.cleaned_data["cv"],
                    submit="save_draft" not in request.POST,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if application.status == Application.Status.DRAFT:
                    messages.success(request, _("Your draft is saved: submit it when you are ready."))
                else:
                    messages.success(request, _("Your application has been sent to staff for review."))
                return redirect(application)
    else:
        form = ApplicationForm()
    return render(request, "internships/application_form.html", {"form": form, "posting": posting})


def student_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.has_role(Role.STUDENT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@student_required
def saved_search_create(request):
    """Name the current filters of the internship list (carried in the query string) and keep them."""
    query = request.POST.get("query", "") if request.method == "POST" else request.GET.urlencode()
    filter_form = PostingFilterForm(QueryDict(query))
    filters = filter_form.saved_filters()
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        if not filter_form.is_valid():
            form.add_error(None, _("These filters are not valid any more. Search again, then save the search."))
        elif form.is_valid():
            try:
                search = services.save_search(user=request.user, name=form.cleaned_data["name"], filters=filters)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Search “%(name)s” saved: new internships that match will be in your daily digest.")
                    % {"name": search.name},
                )
                return redirect("internships:saved_searches")
    else:
        form = SavedSearchForm(initial={"query": query})
    return render(
        request,
        "internships/savedsearch_form.html",
        {"form": form, "filters": PostingFilterForm.describe(filters), "query": query},
    )


@student_required
def saved_searches(request):
    searches = SavedSearch.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = _page(request, searches)
    rows = [(search, PostingFilterForm.describe(search.filters)) for search in page]
    return render(request, "internships/savedsearch_list.html", {"page": page, "rows": rows})


@student_required
def saved_search_delete(request, pk):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    if request.method == "POST":
        services.delete_search(search=search, user=request.user)
        messages.success(request, _("Search “%(name)s” deleted.") % {"name": search.name})
        return redirect("internships:saved_searches")
    return render(
        request,
        "internships/savedsearch_confirm_delete.html",
        {"search": search, "filters": PostingFilterForm.describe(search.filters)},
    )


@login_required
def my_applications(request):
    applications = (
        Application.objects.of_student(request.user)
        .select_related("posting__company__organization")
        .order_by("-created_at", "-pk")
    )
    return render(request, "internships/application_list.html", {"page": _page(request, applications)})


@login_required
def application_detail(request, pk):
    def resolve():
        application = _visible_application(request, pk)
        # is_visible_to read the application, its company and the viewer's roles (member(pk)).
        depends_on = [PORTAL, caching.application(application.pk), caching.eligibility(application.student_id)]
        return depends_on, lambda: _application_page(request, application)

    return pagecache.serve(request, resolve)


def _application_page(request, application):
    actors = application.actors_for(request.user)
    is_staff = Application.Actor.STAFF in actors
    evaluations = _evaluations_of(application.pk)
    context = {
        "application": application,
        "posting": application.posting,
        "transitions": [
            (status, Application.Status(status).label) for status in application.allowed_transitions_for(request.user)
        ],
        "is_staff": is_staff,
        "events": _events_of(application.pk) if is_staff else None,
        "evaluations": evaluations,
        "evaluation_forms": _open_evaluations(application, actors, evaluations),
        "testimonial_form": _testimonial_form(application, actors),
    }
    if is_staff:
        eligibility = _eligibility_of.first(application.student_id)
        context["eligibility"] = eligibility
        context["eligibility_problems"] = eligibility_problems(eligibility, application.posting)
    return render(request, "internships/application_detail.html", context)


def _testimonial_form(application, actors):
    """The intern of a completed internship may write about it for the company's public page."""
    if Application.Actor.STUDENT not in actors or application.status != Application.Status.COMPLETED:
        return None
    testimonial = Testimonial.objects.filter(application=application).first()
    initial = {"text": testimonial.text, "consent": testimonial.consent} if testimonial else {}
    return TestimonialForm(initial=initial)


def _open_evaluations(application, actors, evaluations):
    if application.status != Application.Status.IN_PROGRESS:
        return []
    role = (
        Evaluation.Author.STUDENT
        if Application.Actor.STUDENT in actors
        else Evaluation.Author.COMPANY
        if Application.Actor.COMPANY in actors
        else None
    )
    if role is None:
        return []
    done = {(e.stage, e.author_role) for e in evaluations}
    return [
        (stage, label, EvaluationForm(prefix=stage))
        for stage, label in Evaluation.Stage.choices
        if (stage, role) not in done
    ]


@login_required
@require_POST
def application_transition(request, pk):
    application = _visible_application(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect(application)
    try:
        services.change_application_status(
            application=application,
            status=form.cleaned_data["status"],
            by=request.user,
            comment=form.cleaned_data["comment"],
        )
    except TransitionForbidden as error:
        raise PermissionDenied(str(error)) from error
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The application is now “%(status)s”.")
            % {"status": Application.Status(form.cleaned_data["status"]).label},
        )
    return redirect(application)


@login_required
def application_cv(request, pk):
    application = _visible_application(request, pk)
    if not application.can_read_cv(request.user) or not application.cv:
        raise Http404
    response = FileResponse(
        application.cv.open("rb"),
        as_attachment=True,
        filename=f"cv-application-{application.pk}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evaluation_create(request, pk, stage):
    application = _visible_application(request, pk)
    if stage not in Evaluation.Stage.values:
        raise Http404
    form = EvaluationForm(request.POST, prefix=stage)
    if form.is_valid():
        try:
            services.submit_evaluation(application=application, author=request.user, stage=stage, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: your evaluation has been saved."))
    else:
        messages.error(request, _("Please give a rating from 1 to 5 and a comment."))
    return redirect(application)


@login_required
def survey(request, token):
    survey = get_object_or_404(OutcomeSurvey.objects.select_related("application__posting"), token=token)
    if survey.application.student_id != request.user.pk:
        raise Http404
    form = OutcomeSurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        services.answer_outcome_survey(survey=survey, by=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you for your answer."))
        return redirect("internships:my_applications")
    return render(request, "internships/survey_form.html", {"form": form, "survey": survey})


# --- staff -------------------------------------------------------------------------------------
POSTINGS_IN_REVIEW_SHOWN = 20


@staff_required
def staff_queue(request):
    applications = Application.objects.awaiting_staff().with_list_data().order_by("submitted_at", "pk")
    page = _page(request, applications)
    for application in page:
        eligibility = getattr(application.student, "work_eligibility", None)
        application.problems = eligibility_problems(eligibility, application.posting)
    postings = (
        Posting.objects.filter(status=Posting.Status.IN_REVIEW)
        .select_related("company__organization")
        .order_by("updated_at", "pk")
    )
    return render(
        request,
        "internships/staff_queue.html",
        {
            "page": page,
            "postings_in_review": postings[:POSTINGS_IN_REVIEW_SHOWN],
            "postings_in_review_count": postings.count(),
        },
    )


@staff_required
@require_POST
def staff_bulk_approve(request):
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select at least one application."))
        return redirect("internships:staff_queue")
    approved, refused = services.bulk_approve_applications(
        applications=form.cleaned_data["applications"], by=request.user, comment=form.cleaned_data["comment"]
    )
    if approved:
        messages.success(request, _("Approved: %(count)s.") % {"count": len(approved)})
    for application, error in refused:
        messages.error(request, _("%(application)s: %(error)s") % {"application": application, "error": error})
    return redirect("internships:staff_queue")


@staff_required
def eligibility_edit(request, user_pk):
    student = get_object_or_404(User.objects.filter(groups__name=Role.STUDENT.value).distinct(), pk=user_pk)
    eligibility = WorkEligibility.objects.filter(student=student).first() or WorkEligibility(student=student)
    form = WorkEligibilityForm(request.POST or None, instance=eligibility)
    if request.method == "POST" and form.is_valid():
        services.record_work_eligibility(
            student=student, by=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("The work eligibility of %(student)s has been recorded.") % {"student": student})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("internships:staff_queue")
        return redirect(next_url)
    return render(
        request,
        "internships/eligibility_form.html",
        {"form": form, "student": student, "next": request.GET.get("next", "")},
    )


@staff_required
@require_POST
def posting_publish(request, pk):
    posting = get_object_or_404(Posting, pk=pk)
    try:
        services.publish_posting(posting=posting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The posting is published."))
    return redirect(posting)


@staff_required
@require_POST
def posting_return(request, pk):
    posting = get_object_or_404(Posting, pk=pk)
    try:
        services.return_posting(posting=posting, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The posting was sent back to the company with your reason."))
    return redirect(posting)


def _outcome_filters(request) -> tuple[OutcomeFilterForm, outcomes.Filters, str]:
    """The filters asked for; a consortium member's own prefecture whatever the request says."""
    prefecture = outcomes.prefecture_of_viewer(request.user)
    form = OutcomeFilterForm(request.GET or None, prefecture=prefecture)
    data = form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
    filters = outcomes.Filters(
        prefecture=prefecture or data.get("prefecture") or "",
        company=data.get("company"),
        cohort=data.get("cohort"),
        programme=data.get("programme"),
        wave=data.get("wave"),
        suppress=bool(prefecture),
    )
    return form, filters, prefecture


@login_required
def outcomes_dashboard(request):
    form, filters, prefecture = _outcome_filters(request)
    context = outcomes.dashboard(filters)
    context.update(
        form=form,
        own_prefecture=Prefecture(prefecture).label if prefecture else "",
        query=request.GET.urlencode(),
    )
    return render(request, "internships/outcomes.html", context)


@login_required
def outcomes_summary_csv(request):
    _form, filters, _prefecture = _outcome_filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="internship-outcomes-summary.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in outcomes.summary_rows(filters):
        writer.writerow([_spreadsheet_safe(cell) for cell in row])
    return response


@staff_required
def outcomes_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="internship-outcomes.csv"'
    response.write("\ufeff")  # a BOM, so that spreadsheet programs read Japanese names as UTF-8
    writer = csv.writer(response)
    for row in outcomes.export_rows():
        writer.writerow([_spreadsheet_safe(cell) for cell in row])
    return response


def _spreadsheet_safe(cell):
    """Company-written text must not run as a formula when staff open the export (CSV injection)."""
    text = str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


# --- company contacts --------------------------------------------------------------------------
@company_contact_required
def company_home(request, company):
    postings = Posting.objects.filter(company=company).order_by("-created_at", "-pk")
    applications = (
        Application.objects.for_company_contact(request.user)
        .select_related("posting", "student__profile")
        .order_by("-staff_approved_at", "-pk")
    )
    return render(
        request,
        "internships/company_home.html",
        {"company": company, "postings": postings[:50], "page": _page(request, applications)},
    )


@company_contact_required
def posting_create(request, company):
    if not company.is_approved:
        messages.error(request, _("Staff must approve your company before it can post internships."))
        return redirect("internships:company_home")
    form = PostingForm(request.POST or None, instance=Posting(company=company))
    if request.method == "POST" and form.is_valid():
        posting = form.save()
        services.submit_posting(posting=posting, by=request.user)
        messages.success(request, _("The posting has been sent to staff for review."))
        return redirect("internships:company_home")
    return render(request, "internships/posting_form.html", {"form": form, "company": company})


@company_contact_required
def posting_edit(request, company, pk):
    """A contact corrects a posting of their company; a published one goes back to staff review."""
    posting = get_object_or_404(Posting.objects.filter(company=company), pk=pk)
    form = PostingForm(request.POST or None, instance=posting)
    if request.method == "POST" and form.is_valid():
        services.update_posting(posting=form.save(commit=False), by=request.user)
        messages.success(request, _("The posting has been sent to staff for review."))
        return redirect("internships:company_home")
    return render(request, "internships/posting_form.html", {"form": form, "company": company, "posting": posting})
