"""The portal's search across every kind of content, and the member directory."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from ..forms import DirectoryForm, SiteSearchForm
from ..models import Profile
from ..search import apply_search
from ..sitesearch import PREVIEW, Provider, provider_for, providers

RESULTS_PER_PAGE = 20
MEMBERS_PER_PAGE = 24


@dataclass
class Section:
    provider: Provider
    count: int
    items: list
    see_all_url: str


@login_required
def site_search(request):
    form = SiteSearchForm(request.GET or None)
    context = {"form": form, "query": "", "sections": [], "provider": None}
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        context["query"] = query
        provider = provider_for(form.cleaned_data["kind"])
        if provider is not None:
            # One kind, all of it: for kinds without a list page of their own (posts).
            results = provider.results(request.user, query)
            context["provider"] = provider
            context["page"] = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
            context["page_query"] = form.data.copy()
            context["page_query"].pop("page", None)
            context["page_query"] = context["page_query"].urlencode()
        else:
            for provider in providers():
                results = provider.results(request.user, query)
                count = results.count()
                items = list(results[:PREVIEW]) if count else []
                context["sections"].append(Section(provider, count, items, provider.see_all_url(query)))
            context["total"] = sum(section.count for section in context["sections"])
    return render(request, "community/search.html", context)


@login_required
def member_directory(request):
    form = DirectoryForm(request.GET or None)
    profiles = Profile.objects.shared()
    if form.is_valid():
        profiles = filter_directory(profiles, form.cleaned_data)
    elif form.is_bound:
        profiles = profiles.none()
    profiles = profiles.select_related(
        "user__organization", "home_campus__organization", "host_campus__organization"
    ).order_by("user__display_name", "pk")
    page = Paginator(profiles, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/member_directory.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
    )


def filter_directory(profiles, data):
    """Each filter sees only members who show that part of their profile: hidden is not findable."""
    profiles = apply_search(profiles, data["q"])
    if data["organization"]:
        profiles = profiles.filter(show_organization=True, user__organization=data["organization"])
    if data["campus"]:
        campus = data["campus"]
        profiles = profiles.filter(show_campus=True).filter(Q(home_campus=campus) | Q(host_campus=campus))
    if data["field"]:
        profiles = profiles.filter(show_field=True, field_of_study=data["field"])
    if data["phase"]:
        profiles = profiles.in_phase(data["phase"], timezone.localdate())
    return profiles
