"""Conversations, the live-update poll, blocks, notifications and the moderation queue."""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jige_portal.prepared import prepared

from .. import caching, fragments, media, pagecache, services
from ..forms import ConversationMessageForm, MessageForm, NotificationSettingsForm, ReportForm
from ..keyset import keyset_page
from ..mentions import mention_candidates
from ..middleware import apply_user_preferences, cache_only
from ..models import (
    AuditEvent,
    CommunityGroup,
    Conversation,
    Membership,
    Message,
    MessageAttachment,
    Notification,
    NotificationLevel,
    NotificationSettings,
    Participant,
    Report,
    User,
)
from ..ratelimit import rate_limited
from ..services.messaging import access_key, version_key
from .groups import paginate

MESSAGES_PER_PAGE = 50


@login_required
def conversation_list(request):
    depends_on = [caching.inbox(request.user.pk)]
    return pagecache.serve_page(request, lambda: _conversation_list(request), depends_on=depends_on)


@prepared
def _conversations_of(user_id: int):
    own = Participant.objects.filter(conversation=OuterRef("pk"), user_id=user_id)
    last_message = Message.objects.filter(conversation=OuterRef("pk"), is_hidden=False).order_by("-created_at", "-pk")
    muted = Membership.objects.filter(
        group_id=OuterRef("group_id"), user_id=user_id, notification_level=NotificationLevel.MUTE
    )
    # COUNT(*) as a plain function, not an aggregate: without a GROUP BY PostgreSQL reads only the
    # messages after the last read from the (conversation, created_at) index, not every message.
    unread = (
        Message.objects.filter(conversation=OuterRef("pk"), is_hidden=False, created_at__gt=OuterRef("my_last_read"))
        .exclude(sender_id=user_id)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return (
        Conversation.objects.of_user(user_id)
        .select_related("group")
        .annotate(
            my_last_read=Subquery(own.values("last_read_at")[:1]),
            last_body=Subquery(last_message.values("body")[:1]),
            is_muted=Exists(muted),
        )
        .annotate(unread_count=Subquery(unread))
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.active().with_names().order_by("user__display_name"),
            )
        )
        .order_by("-last_message_at", "-pk")
    )


def _conversation_list(request):
    page = paginate(request, _conversations_of.rows(request.user.pk))
    for conversation in page.object_list:
        conversation.is_unread = not conversation.is_muted and bool(
            conversation.last_message_at
            and (conversation.my_last_read is None or conversation.my_last_read < conversation.last_message_at)
        )
    return render(request, "community/conversation_list.html", {"page": page})


@prepared
def _seat_in(conversation_id: int, user_id: int):
    return (
        Participant.objects.active()
        .select_related("conversation__group")
        .filter(conversation_id=conversation_id, user_id=user_id)
        .order_by("pk")[:1]
    )


@prepared
def _participants_of(conversation_id: int):
    return (
        Participant.objects.active().filter(conversation_id=conversation_id).with_names("last_read_at").order_by("pk")
    )


def _messages_of(conversation_id: int):
    # Only what a message shows. The sender's name and picture come as values (_attach_senders):
    # the senders are nearly always participants whose rows are read already.
    return (
        Message.objects.filter(conversation_id=conversation_id)
        .only("conversation", "sender", "body", "body_html", "is_hidden", "created_at")
        .annotate(
            sender_display_name=F("sender__display_name"),
            sender_avatar=F("sender__avatar"),
            sender_erased_at=F("sender__erased_at"),
            # Most pages hold no file: then the files are not asked for (_attach_files).
            has_files=Exists(MessageAttachment.objects.filter(message=OuterRef("pk"))),
        )
    )


def _attach_senders(messages, participants) -> None:
    """`message.sender`: the participant's row, or for a sender who has left, a row made of the
    name and picture read with the message (what the message shows of them)."""
    users = {participant.user_id: participant.user for participant in participants}
    for message in messages:
        sender = users.get(message.sender_id)
        if sender is None:
            sender = users[message.sender_id] = User(
                pk=message.sender_id,
                display_name=message.sender_display_name,
                avatar=message.sender_avatar,
                erased_at=message.sender_erased_at,
            )
        message.sender = sender


@prepared
def _files_between(conversation_id: int, first: int, last: int):
    """The files of the conversation's messages with ids from `first` to `last`: a page of messages
    as a range, so that the SQL is the same whatever messages the page holds."""
    return (
        MessageAttachment.objects.filter(
            message__conversation_id=conversation_id, message_id__gte=first, message_id__lte=last
        )
        .only("message", "original_name", "size")
        .order_by("pk")
    )


def _attach_files(conversation_id: int, messages) -> None:
    """`message.files`: the files of each message, in one query, none when no message of the page
    has a file (a prefetch built a related manager and a QuerySet per message, which cost more
    than the query)."""
    files = {message.pk: [] for message in messages}
    with_files = [message.pk for message in messages if message.has_files]
    if with_files:
        for file in _files_between(conversation_id, min(with_files), max(with_files)):
            if file.message_id in files:  # the range may hold messages of the conversation not on the page
                files[file.message_id].append(file)
    for message in messages:
        message.files = files[message.pk]


@prepared
def _messages_after(conversation_id: int, after: int):
    return _messages_of(conversation_id).filter(pk__gt=after).order_by("created_at", "pk")[:MESSAGES_PER_PAGE]


@prepared
def _newest_messages(conversation_id: int):
    return _messages_of(conversation_id).order_by("-created_at", "-pk")[: MESSAGES_PER_PAGE + 1]


@prepared
def _newest_messages_before(conversation_id: int, before: int):
    return _messages_of(conversation_id).filter(pk__lt=before).order_by("-created_at", "-pk")[: MESSAGES_PER_PAGE + 1]


@prepared
def _muted_membership(group_id: int, user_id: int):
    return (
        Membership.objects.filter(group_id=group_id, user_id=user_id, notification_level=NotificationLevel.MUTE)
        .order_by()
        .values_list("pk")[:1]
    )


def _conversation_for(request, pk) -> tuple[Conversation, Participant]:
    """The conversation and the member's seat; 404 for anyone who is not (or no longer) in it."""
    seat = _seat_in.first(int(pk), request.user.pk)
    if seat is None:
        # A member of the group opening its chat for the first time (from a link) takes a seat.
        chat = Conversation.objects.filter(pk=pk, group__memberships__user=request.user).select_related("group").first()
        if chat is None:
            raise Http404
        services.open_group_chat(group=chat.group, user=request.user)
        return _conversation_for(request, pk)
    if seat.conversation.group_id is not None and not services.is_group_chat_member(seat.conversation, request.user):
        raise Http404  # left the group (the seat ends with the membership; this is the check)
    return seat.conversation, seat


def _messages_context(request, conversation, *, after: int | None = None):
    """Messages (the newest page, or those after a given id), participants and read receipts."""
    participants = _participants_of(conversation.pk)
    if after is not None:
        items = _messages_after(conversation.pk, after)
        has_older = False
    else:
        before = request.GET.get("before")
        if before and before.isdigit():
            newest = _newest_messages_before(conversation.pk, int(before))
        else:
            newest = _newest_messages(conversation.pk)
        has_older = len(newest) > MESSAGES_PER_PAGE
        items = list(reversed(newest[:MESSAGES_PER_PAGE]))
    _attach_senders(items, participants)
    _attach_files(conversation.pk, items)
    fragments.attach_message_fragments(request, conversation, items)
    others = [p for p in participants if p.user_id != request.user.pk]
    own_last = next((m for m in reversed(items) if m.sender_id == request.user.pk), None)
    if own_last is None and after is not None:  # a poll: the receipt is about the member's last message
        own_last = (
            Message.objects.filter(conversation=conversation, sender=request.user)
            .order_by("-created_at", "-pk")
            .first()
        )
    seen_by = []
    if own_last is not None:
        seen_by = [p.user for p in others if p.last_read_at and p.last_read_at >= own_last.created_at]
    return {
        "conversation": conversation,
        "participants": participants,
        "others": others,
        "items": items,
        "last_id": items[-1].pk if items else (after or ""),
        "has_older": has_older,
        "own_last": own_last,
        "seen_by": seen_by,
    }


def _composer(request, conversation):
    """The empty composer, alike for every participant (fragments.rendered_once)."""

    def context():
        return {"conversation": conversation, "form": ConversationMessageForm()}

    return fragments.rendered_once(request, "community/_composer.html", (conversation.pk,), context)


@login_required
@never_cache
def conversation_detail(request, pk):
    def resolve():
        conversation, seat = _conversation_for(request, pk)
        last = conversation.last_message_at
        if last and (seat.last_read_at is None or seat.last_read_at < last):
            services.mark_conversation_read(conversation=conversation, user=request.user)
        # Read the version before the messages: a message committed in between bumps it again,
        # so the next poll fetches it rather than missing it. A cached page stays valid only
        # while this version holds: then nothing was sent or read since, and the poll grant
        # (6 to 12 hours left) outlives the cache entry.
        version = services.open_for_polling(conversation_id=conversation.pk, user_id=request.user.pk)

        def render_page():
            context = _messages_context(request, conversation)
            context.update(report_form=ReportForm(), version=version, composer=_composer(request, conversation))
            if conversation.group_id is not None:
                context["group_muted"] = bool(_muted_membership(conversation.group_id, request.user.pk))
            return render(request, "community/conversation_detail.html", context)

        depends_on = [caching.conversation(conversation.pk)]
        if conversation.group_id is not None:
            depends_on.append(caching.inbox(request.user.pk))  # the mute, changed on the group page
        return depends_on, render_page

    return pagecache.serve(request, resolve)


@login_required
def conversation_mentions(request, pk):
    """Participants whose name starts as typed after "@" (JSON, for the composer)."""
    conversation, _seat = _conversation_for(request, pk)
    if conversation.group_id is not None:
        members = User.objects.filter(is_active=True, memberships__group_id=conversation.group_id)
    else:
        members = User.objects.filter(
            pk__in=Participant.objects.active().filter(conversation=conversation).values("user_id")
        )
    return JsonResponse({"results": mention_candidates(members, request.GET.get("q", "")[:80], viewer=request.user)})


@login_required
@require_POST
@rate_limited("message")
def message_send(request, pk):
    """Send from the composer: by fetch (JSON) or as a plain multipart form (redirect back).
    A refused file refuses the whole message: nothing is sent or stored."""
    conversation, _seat = _conversation_for(request, pk)
    form = ConversationMessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = services.send_message(
                conversation=conversation,
                sender=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["files"],
            )
        except PermissionDenied:
            form.add_error(None, _("You cannot send messages to this conversation."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.headers.get("x-requested-with") == "fetch":
                return JsonResponse({"id": message.pk}, status=201)
            return redirect(conversation)
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse({"errors": [str(e) for errors in form.errors.values() for e in errors]}, status=400)
    context = _messages_context(request, conversation)
    context.update(form=form, report_form=ReportForm(), version=services.conversation_version(conversation.pk))
    return render(request, "community/conversation_detail.html", context, status=400)


@login_required
def message_file_download(request, pk, file_pk):
    """A file of a message, for the conversation's current participants only (in a group chat:
    the group's members); 404 for everyone else, also after leaving, as for group files. Sent
    as a download of the type its content was checked to have (nosniff)."""
    conversation, _seat = _conversation_for(request, pk)
    attachment = get_object_or_404(
        MessageAttachment, pk=file_pk, message__conversation=conversation, message__is_hidden=False
    )
    return media.send_protected(
        attachment.file.name,
        content_type=attachment.content_type,
        inline=False,
        filename=attachment.original_name,
    )


@cache_only
@require_GET
def conversation_poll(request, pk):
    """Conditional poll of an open conversation.

    Fast path, zero SQL: the session (cached), the conversation's version and this member's
    poll grant are read from the cache in one round trip; an unchanged version answers 304.
    Anything else takes the slow path, which checks everything in the database again.
    """
    request.session.read_ahead = False  # the member's id is all the fast path reads of the session
    user_id = request.session.get(SESSION_KEY)
    if user_id is None:
        return HttpResponse(status=403)
    keys = [version_key(pk), access_key(pk, int(user_id))]
    found = cache.get_many(keys)
    etag = request.headers.get("If-None-Match", "").strip('"W/')
    if found.get(keys[1]) and keys[0] in found and str(found[keys[0]]) == etag:
        response = HttpResponseNotModified()
        response["ETag"] = f'"{etag}"'
        response["Cache-Control"] = "no-cache, private"
        return response
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    apply_user_preferences(request)
    conversation, _seat = _conversation_for(request, pk)
    services.mark_conversation_read(conversation=conversation, user=request.user)
    version = services.open_for_polling(conversation_id=conversation.pk, user_id=request.user.pk)  # as above
    after = request.GET.get("after", "")
    context = _messages_context(request, conversation, after=int(after) if after.isdigit() else 0)
    html = render_to_string("community/_messages.html", context, request=request)
    receipt = render_to_string("community/_receipt.html", context, request=request)
    response = JsonResponse(
        {
            "html": html,
            "receipt": receipt,
            "last_id": context["items"][-1].pk if context["items"] else None,
            "count": len(context["items"]),
        }
    )
    response["ETag"] = f'"{version}"'
    response["Cache-Control"] = "no-cache, private"
    return response


@login_required
def group_chat(request, slug):
    """A group's own chat, for its members only (404 for anyone else, as for secret groups)."""
    group = get_object_or_404(CommunityGroup, slug=slug)
    try:
        conversation = services.open_group_chat(group=group, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    return redirect(conversation)


@login_required
@rate_limited("message")
def conversation_start(request, user_id=None):
    """Write to a member (from their profile) or to a few (from a group's member list: ?to=…)."""
    ids = (
        [user_id]
        if user_id
        else [int(pk) for pk in request.GET.getlist("to") + request.POST.getlist("to") if pk.isdigit()]
    )
    recipients = list(
        User.objects.filter(is_active=True, pk__in=ids).exclude(pk=request.user.pk).order_by("display_name")
    )
    if not recipients:
        raise Http404
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.start_conversation(
                sender=request.user,
                recipients=recipients,
                body=form.cleaned_data["body"],
                title=request.POST.get("title", "") if len(recipients) > 1 else "",
            )
        except PermissionDenied:
            form.add_error(None, _("This member does not accept messages from you."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(conversation)
    return render(request, "community/conversation_start.html", {"recipients": recipients, "form": form})


@login_required
@require_POST
def conversation_leave(request, pk):
    conversation, _seat = _conversation_for(request, pk)
    services.leave_conversation(conversation=conversation, user=request.user)
    messages.success(request, _("You have left the conversation."))
    return redirect("community:conversation_list")


@login_required
@require_POST
def message_report(request, pk, message_pk):
    conversation, _seat = _conversation_for(request, pk)
    message = get_object_or_404(Message, pk=message_pk, conversation=conversation)
    form = ReportForm(request.POST)
    if form.is_valid():
        services.report_content(reporter=request.user, reason=form.cleaned_data["reason"], message=message)
        messages.success(request, _("Thank you: the moderators will look at it."))
    else:
        messages.error(request, _("Please say briefly what is wrong."))
    return redirect(conversation)


@login_required
@require_POST
def member_block(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    if request.POST.get("action") == "unblock":
        services.unblock_user(blocker=request.user, blocked=member)
        messages.success(request, _("%(name)s can message you again.") % {"name": member.display_name})
    else:
        try:
            services.block_user(blocker=request.user, blocked=member)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("%(name)s can no longer message you.") % {"name": member.display_name})
    return redirect(member)


@login_required
def notification_list(request):
    notifications = Notification.objects.for_recipient(request.user)
    return render(request, "community/notification_list.html", {"page": keyset_page(request, notifications)})


@login_required
@require_POST
def notification_read(request):
    pk = request.POST.get("notification")
    services.mark_notifications_read(user=request.user, notification_id=int(pk) if pk and pk.isdigit() else None)
    target = request.POST.get("next", "")
    if pk and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("community:notification_list")


@login_required
def notification_settings(request):
    instance = NotificationSettings.objects.filter(user=request.user).first() or NotificationSettings(user=request.user)
    form = NotificationSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.update_notification_settings(
            user=request.user, level=form.cleaned_data["level"], email_mode=form.cleaned_data["email_mode"]
        )
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("community:notification_settings")
    return render(request, "community/notification_settings.html", {"form": form})


@login_required
def moderation_queue(request):
    if not request.user.is_portal_staff:
        raise PermissionDenied
    status = request.GET.get("status", Report.Status.OPEN)
    reports = (
        Report.objects.filter(status=status if status in Report.Status.values else Report.Status.OPEN)
        .select_related(
            "reporter", "handled_by", "post__group", "post__author", "comment__author", "comment__post__group"
        )
        .select_related("message__sender")
        .order_by("-created_at")
    )
    log = AuditEvent.objects.filter(event__startswith="community.moderation.").select_related("actor")[:20]
    return render(
        request,
        "community/moderation_queue.html",
        {"page": paginate(request, reports), "log": log, "status": status, "statuses": Report.Status.choices},
    )


@login_required
@require_POST
def moderation_decide(request, pk):
    if not request.user.is_portal_staff:
        raise PermissionDenied
    report = get_object_or_404(Report, pk=pk)
    hide = request.POST.get("action") == "hide"
    services.moderate_report(report=report, by=request.user, hide=hide)
    messages.success(request, _("The content has been hidden.") if hide else _("The content is visible again."))
    return redirect("community:moderation_queue")
