"""Events of a group (Events tab, event page, answers), the member's events, and calendar feeds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import calendar, services
from ..forms import EventForm, RSVPForm
from ..models import RSVP, CalendarToken, CommunityGroup, Event, Membership
from .groups import GroupAccess, paginate

PAGE_SIZE = 20


def _with_counts(queryset):
    return queryset.select_related("campus", "group").annotate(
        going_count=Count("rsvps", filter=Q(rsvps__answer=RSVP.Answer.GOING)),
        waiting_count=Count("rsvps", filter=Q(rsvps__answer=RSVP.Answer.WAITLISTED)),
    )


def _with_own_answer(events, user) -> None:
    """Attach `own_answer` (the member's RSVP or None) to each event of a page: one query."""
    answers = {r.event_id: r for r in RSVP.objects.filter(user=user, event__in=[e.pk for e in events])}
    for event in events:
        event.own_answer = answers.get(event.pk)


def _feed_urls(request, access):
    """The group's feed address: public for open public groups, else the member's personal one."""
    group = access.group
    if not group.content_is_private:
        return request.build_absolute_uri(reverse("community:group_feed", args=[group.slug]))
    if access.is_member:
        token = CalendarToken.objects.filter(user=request.user).first()
        if token:
            return request.build_absolute_uri(reverse("community:group_member_feed", args=[token.token, group.slug]))
    return ""


@login_required
def group_events(request, slug):
    access = GroupAccess(request, slug)
    access.require_content()
    group = access.group
    past = request.GET.get("when") == "past"
    events = group.events.past() if past else group.events.upcoming()
    page = paginate(request, _with_counts(events), PAGE_SIZE)
    _with_own_answer(page.object_list, request.user)
    sessions = [] if past else calendar.group_items(group)
    return render(
        request,
        "community/event_list.html",
        {
            "group": group,
            "access": access,
            "page": page,
            "past": past,
            "query": "when=past" if past else "",
            "sessions": sessions,
            "can_plan": access.can_manage and not group.is_archived,
            "feed_url": _feed_urls(request, access),
        },
    )


def _event_for(access, pk) -> Event:
    return get_object_or_404(_with_counts(access.group.events.all()), pk=pk)


@login_required
def event_detail(request, slug, pk):
    access = GroupAccess(request, slug)
    access.require_content()
    event = _event_for(access, pk)
    own = RSVP.objects.filter(event=event, user=request.user).first()
    position = None
    if own and own.answer == RSVP.Answer.WAITLISTED:
        position = (
            event.rsvps.filter(answer=RSVP.Answer.WAITLISTED)
            .filter(Q(waitlisted_at__lt=own.waitlisted_at) | Q(waitlisted_at=own.waitlisted_at, pk__lt=own.pk))
            .count()
            + 1
        )
    going = []
    if access.is_member or access.is_staff:
        going = list(event.rsvps.filter(answer=RSVP.Answer.GOING).select_related("user").order_by("answered_at")[:50])
    places_left = None if event.capacity is None else max(event.capacity - event.going_count, 0)
    return render(
        request,
        "community/event_detail.html",
        {
            "group": access.group,
            "access": access,
            "event": event,
            "own": own,
            # On the waiting list the member's answer is "going", still to be granted.
            "selected": ("going" if own.answer == RSVP.Answer.WAITLISTED else own.answer) if own else "",
            "position": position,
            "going": going,
            "places_left": places_left,
            "can_answer": not event.is_cancelled and not event.has_ended(),
            "can_edit": access.can_manage and not event.is_cancelled,
            "answers": RSVPForm.base_fields["answer"].choices,
        },
    )


@login_required
@require_POST
def event_answer(request, slug, pk):
    access = GroupAccess(request, slug)
    access.require_content()
    event = _event_for(access, pk)
    form = RSVPForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose going, maybe or not going."))
        return redirect(event)
    try:
        rsvp = services.answer_event(event=event, user=request.user, answer=form.cleaned_data["answer"])
    except services.EventClosed:
        messages.error(request, _("This event is cancelled or over: answers are closed."))
        return redirect(event)
    if rsvp.answer == RSVP.Answer.WAITLISTED:
        messages.info(
            request, _("The event is full: you are on the waiting list and will be told when a place comes free.")
        )
    else:
        messages.success(request, _("Your answer has been saved."))
    return redirect(event)


def _form_page(request, access, form, event=None):
    return render(request, "community/event_form.html", {"group": access.group, "form": form, "event": event})


@login_required
def event_create(request, slug):
    access = GroupAccess(request, slug)
    access.require_manager()
    if access.group.is_archived:
        raise PermissionDenied
    form = EventForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        event = services.create_event(group=access.group, by=request.user, **form.cleaned_data)
        messages.success(request, _("The event has been planned."))
        return redirect(event)
    return _form_page(request, access, form)


@login_required
def event_edit(request, slug, pk):
    access = GroupAccess(request, slug)
    access.require_manager()
    event = get_object_or_404(access.group.events.all(), pk=pk)
    if event.is_cancelled:
        raise Http404
    form = EventForm(request.POST or None, instance=Event.objects.get(pk=event.pk))
    if request.method == "POST" and form.is_valid():
        services.update_event(event=event, by=request.user, **form.cleaned_data)
        messages.success(request, _("The event has been saved."))
        return redirect(event)
    return _form_page(request, access, form, event)


@login_required
def event_cancel(request, slug, pk):
    """Asks first (GET), cancels on POST."""
    access = GroupAccess(request, slug)
    access.require_manager()
    event = get_object_or_404(access.group.events.all(), pk=pk)
    if request.method == "POST":
        services.cancel_event(event=event, by=request.user)
        messages.success(request, _("The event has been cancelled and everyone who answered has been told."))
        return redirect(event)
    return render(request, "community/event_cancel.html", {"group": access.group, "event": event})


@login_required
def my_events(request):
    """The events the member answered going, maybe or waiting to, and their feed address."""
    mine = Event.objects.filter(
        pk__in=RSVP.objects.filter(
            user=request.user, answer__in=[RSVP.Answer.GOING, RSVP.Answer.MAYBE, RSVP.Answer.WAITLISTED]
        ).values("event_id")
    ).visible_to(request.user)
    page = paginate(request, _with_counts(mine.upcoming()), PAGE_SIZE)
    _with_own_answer(page.object_list, request.user)
    token = CalendarToken.objects.filter(user=request.user).first()
    return render(
        request,
        "community/my_events.html",
        {
            "page": page,
            "token": token,
            "feed_url": request.build_absolute_uri(reverse("community:member_feed", args=[token.token]))
            if token
            else "",
        },
    )


@login_required
@require_POST
def calendar_token(request):
    if request.POST.get("action") == "revoke":
        services.revoke_feed_token(user=request.user)
        messages.success(
            request, _("Your calendar feed address is turned off; calendars subscribed to it stop updating.")
        )
    else:
        existed = CalendarToken.objects.filter(user=request.user).exists()
        services.regenerate_feed_token(user=request.user)
        if existed:
            messages.success(request, _("You have a new calendar feed address; the old one no longer works."))
        else:
            messages.success(request, _("Your calendar feed address is ready."))
    return redirect("community:my_events")


# -- feeds (read by calendar apps, which do not sign in: the address is the key) ------------
def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def _token_owner(token: str):
    found = CalendarToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404
    return found.user


def _events_of(groups_filter) -> list:
    return list(Event.objects.filter(groups_filter).select_related("campus", "group").order_by("starts_at", "pk"))


def member_feed(request, token):
    """The member's modules' sessions and the events they go to (maybe: tentative)."""
    user = _token_owner(token)
    with translation.override(user.language), timezone.override(user.time_zone):
        answers = dict(
            RSVP.objects.filter(user=user, answer__in=[RSVP.Answer.GOING, RSVP.Answer.MAYBE]).values_list(
                "event_id", "answer"
            )
        )
        events = list(
            Event.objects.filter(pk__in=answers)
            .visible_to(user)
            .select_related("campus", "group")
            .order_by("starts_at")
        )
        items = [calendar.event_item(e, tentative=answers[e.pk] == RSVP.Answer.MAYBE) for e in events]
        items += calendar.member_items(user)
        name = _("%(portal)s: my events and sessions") % {"portal": _("JIGE Portal")}
        return _ics(calendar.build_feed(name, items), "jige-events")


def _group_feed(group):
    items = [calendar.event_item(e, with_link=False) for e in _events_of(Q(group=group))]
    items += calendar.group_items(group)
    return calendar.build_feed(str(group.name), items)


def group_feed(request, slug):
    """An open public group's events and sessions, for anyone (calendar apps do not sign in)."""
    group = get_object_or_404(CommunityGroup, slug=slug)
    if group.content_is_private:
        raise Http404
    return _ics(_group_feed(group), group.slug)


def group_member_feed(request, token, slug):
    """A members-only group's feed, through the member's personal address."""
    user = _token_owner(token)
    group = get_object_or_404(CommunityGroup, slug=slug)
    if group.content_is_private and not (
        user.is_portal_staff or Membership.objects.filter(group=group, user=user).exists()
    ):
        raise Http404
    with translation.override(user.language), timezone.override(user.time_zone):
        return _ics(_group_feed(group), group.slug)
