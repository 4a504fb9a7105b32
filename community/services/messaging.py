"""Conversations and messages, posts and comments, blocks, reports and moderation.

Live updates of an open conversation are conditional polls: each conversation has a version
number in the cache, bumped after every commit that changes what participants see (a message,
a read receipt, someone leaving). A poll whose version is unchanged answers 304 from the cache
alone (see views.conversation_poll).
"""

import functools
import time
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, FileField, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jige_portal.celery import SWEEP_AFTER, send_after_commit

from .. import caching, pagecache
from ..attachments import stored_content
from ..markup import render_text
from ..mentions import encode_mentions, mentioned_ids
from ..models import (
    AuditEvent,
    Block,
    Comment,
    CommunityGroup,
    Conversation,
    GroupFile,
    Membership,
    Message,
    MessageAttachment,
    Notification,
    Participant,
    Post,
    Reaction,
    Report,
    User,
)
from .groups import audit
from .notifications import forget_badges, notify, notify_group_members

UNREAD_EMAIL_DELAY_SECONDS = 120  # a member who reads within this time gets no e-mail
ACCESS_TTL = 60 * 60 * 12


# --- versions and poll access in the cache ------------------------------------------------


def version_key(conversation_id: int) -> str:
    return pagecache.version_key(caching.conversation(conversation_id))


def access_key(conversation_id: int, user_id: int) -> str:
    return f"community:conv:{conversation_id}:u:{user_id}"


def conversation_version(conversation_id: int) -> str:
    """The current version (a page cache token), made when the cache lost it."""
    return pagecache.current_version(caching.conversation(conversation_id))


def bump_version(conversation_id: int) -> None:
    """After commit: make every open poll of the conversation fetch again, and its page and its
    participants' conversation lists (its last message, read state) render again."""
    user_ids = Participant.objects.filter(conversation_id=conversation_id).values_list("user_id", flat=True)
    pagecache.bump(caching.conversation(conversation_id), *[caching.inbox(pk) for pk in user_ids])


def grant_poll_access(*, conversation_id: int, user_id: int) -> None:
    """Remember (for the cache-only 304 path) that this member may poll this conversation."""
    cache.set(access_key(conversation_id, user_id), int(time.time()), ACCESS_TTL)  # when, for open_for_polling


def open_for_polling(*, conversation_id: int, user_id: int) -> str:
    """`grant_poll_access`, then `conversation_version`: in one round trip when the member was
    granted access in the last half of its time (the grant is then left as it is, with six hours
    or more to run, far longer than a cached page that relies on it)."""
    keys = [version_key(conversation_id), access_key(conversation_id, user_id)]
    found = cache.get_many(keys)
    granted = found.get(keys[1])
    if not isinstance(granted, int) or granted < time.time() - ACCESS_TTL / 2:
        grant_poll_access(conversation_id=conversation_id, user_id=user_id)
    return found.get(keys[0]) or conversation_version(conversation_id)


def revoke_poll_access(*, conversation_id: int, user_id: int) -> None:
    # At once, not after commit: a rollback only costs the member one slow poll.
    cache.delete(access_key(conversation_id, user_id))


# --- checks --------------------------------------------------------------------------------


def check_text(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write something first."), code="empty")
    if len(body) > 10_000:
        raise ValidationError(
            _("This is too long: at most %(limit)s characters (it has %(count)s)."),
            code="too_long",
            params={"limit": "10,000", "count": f"{len(body):,}"},
        )
    return body


def is_blocked_between(sender: User, recipients) -> bool:
    """True when any recipient has blocked the sender."""
    return Block.objects.filter(blocker__in=recipients, blocked=sender).exists()


def _group_members_named(group_id: int, body: str) -> list[User]:
    """The group's members who may be mentioned ("@Name" to "@[id]"); nobody when no "@"."""
    if "@" not in body:
        return []
    return list(
        User.objects.filter(memberships__group_id=group_id, is_active=True).only("pk", "display_name", "erased_at")
    )


def refresh_mentions_of(*, user_id: int) -> int:
    """Render again the posts, comments and messages that mention the member, so that they show
    the current name (after a rename or an erasure); their pages are rendered again. Safe to
    repeat: a text already showing the current name is not written. Returns how many changed."""
    token = f"@[{user_id}]"
    changed, groups, conversations = 0, set(), set()
    for model, place in ((Post, "group_id"), (Comment, "post__group_id"), (Message, "conversation_id")):
        for pk, body, html, where in model.objects.filter(body__contains=token).values_list(
            "pk", "body", "body_html", place
        ):
            fresh = render_text(body)
            if fresh != html:
                model.objects.filter(pk=pk).update(body_html=fresh)
                changed += 1
                (conversations if model is Message else groups).add(where)
    pagecache.bump(*[caching.group(pk) for pk in groups])
    for pk in conversations:
        bump_version(pk)
    return changed


# --- conversations ---------------------------------------------------------------------------


@transaction.atomic
def start_conversation(*, sender: User, recipients: list[User], body: str, title: str = "") -> Conversation:
    """Open a conversation (or reuse the one-to-one conversation with that member) and send the
    first message. Raises ValidationError for bad input, PermissionDenied when blocked."""
    body = check_text(body)
    others = {user.pk: user for user in recipients if user.pk != sender.pk and user.is_active}
    if not others:
        raise ValidationError(_("Choose at least one other member."), code="no_recipients")
    if len(others) + 1 > Conversation.MAX_PARTICIPANTS:
        raise ValidationError(
            _("A conversation can have at most %(limit)s members."),
            code="too_many",
            params={"limit": Conversation.MAX_PARTICIPANTS},
        )
    if is_blocked_between(sender, others.values()):
        raise PermissionDenied
    conversation = None
    if len(others) == 1:
        (other_id,) = others
        conversation = (
            Conversation.objects.filter(participants__user=sender, participants__left_at__isnull=True)
            .filter(participants__user_id=other_id)
            .exclude(pk__in=Participant.objects.exclude(user_id__in=[sender.pk, other_id]).values("conversation_id"))
            .first()
        )
    if conversation is None:
        conversation = Conversation.objects.create(created_by=sender, title=title[:120])
        Participant.objects.bulk_create(
            [Participant(conversation=conversation, user_id=pk) for pk in [sender.pk, *others]]
        )
        audit("community.conversation.started", actor=sender, target=conversation.pk)
    send_message(conversation=conversation, sender=sender, body=body)
    return conversation


# --- group chats ---------------------------------------------------------------------------


def is_group_chat_member(conversation: Conversation, user: User) -> bool:
    """Group chats are open to the group's members only, checked on every request."""
    return Membership.objects.filter(group_id=conversation.group_id, user=user).exists()


@transaction.atomic
def open_group_chat(*, group: CommunityGroup, user: User) -> Conversation:
    """The group's chat (made on first use) with a seat for this member (made, or taken again
    after they left and came back). Raises PermissionDenied for non-members. Safe to repeat."""
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is None:
        raise PermissionDenied
    # Race: two members opening a new group's chat at once; the one-to-one column lets only
    # one row in, and get_or_create reads the winner's row after the IntegrityError.
    conversation, _created = Conversation.objects.get_or_create(group=group)
    # What was said before they joined the group is not unread for them.
    seat, created = Participant.objects.get_or_create(
        conversation=conversation, user=user, defaults={"last_read_at": membership.joined_at}
    )
    if not created and seat.left_at is not None:
        # Back in the group: unread counts from their new membership, as on the group page.
        Participant.objects.filter(pk=seat.pk).update(left_at=None, last_read_at=membership.joined_at)
        bump_version(conversation.pk)
        forget_badges(user.pk)
    return conversation


def end_group_chat_seats(*, group_ids, user_id: int) -> None:
    """When a membership ends: the member's seat in the group chat ends with it (it leaves their
    list and their unread count) and the cached poll grant is withdrawn. Safe to repeat."""
    chats = list(Conversation.objects.filter(group_id__in=list(group_ids)).values_list("pk", flat=True))
    if not chats:
        return
    Participant.objects.filter(conversation_id__in=chats, user_id=user_id, left_at__isnull=True).update(
        left_at=timezone.now()
    )
    for pk in chats:
        revoke_poll_access(conversation_id=pk, user_id=user_id)
        bump_version(pk)
    forget_badges(user_id)


@transaction.atomic
def send_message(*, conversation: Conversation, sender: User, body: str, attachments=()) -> Message:
    """Add a message, with checked files (attachments.CheckedFile) if any; participants see it
    at their next poll, and those it mentions are told. Raises PermissionDenied for
    non-participants and when a participant has blocked the sender (in a group chat: for
    non-members of the group; blocks apply to private conversations, as for group posts)."""
    attachments = list(attachments)
    # A file alone is a message; without one, the text is required.
    body = check_text(body) if (body or "").strip() or not attachments else ""
    if len(attachments) > MessageAttachment.MAX_PER_MESSAGE:
        raise ValidationError(
            _("Attach at most %(limit)s files to one message."),
            code="too_many_files",
            params={"limit": MessageAttachment.MAX_PER_MESSAGE},
        )
    if conversation.group_id is not None:
        if conversation.group.is_archived:  # read-only, as its posts are
            raise PermissionDenied
        open_group_chat(group=conversation.group, user=sender)  # a member's seat; PermissionDenied
    seats = list(Participant.objects.active().filter(conversation=conversation).select_related("user"))
    if sender.pk not in {seat.user_id for seat in seats}:
        raise PermissionDenied
    if conversation.group_id is not None:
        named = _group_members_named(conversation.group_id, body)
    else:
        if is_blocked_between(sender, [seat.user for seat in seats if seat.user_id != sender.pk]):
            raise PermissionDenied
        named = [seat.user for seat in seats]
    body = encode_mentions(body, named)
    message = Message.objects.create(conversation=conversation, sender=sender, body=body)
    stored = []
    try:
        for checked in attachments:
            record = MessageAttachment(message=message, uploaded_by=sender)
            store_checked_file(record, checked, stored=stored)
    except Exception:
        # The transaction rolls the rows back; the copies already stored go with them.
        for name in stored:
            MessageAttachment.file.field.storage.delete(name)
        raise
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    Participant.objects.filter(conversation=conversation, user=sender).update(
        last_read_at=message.created_at, emailed_up_to=message.created_at
    )
    bump_version(conversation.pk)
    if conversation.group_id is not None:
        # The group page shows the chat's unread count, also to members without a seat yet.
        pagecache.bump(caching.group(conversation.group_id))
    forget_badges(*[seat.user_id for seat in seats])
    _notify_message_mentions(message=message, conversation=conversation, seats=seats)
    return message


def _notify_message_mentions(*, message: Message, conversation: Conversation, seats) -> int:
    """Tell each member the message mentions, once, if they may read it: a current participant
    of a conversation, a member of the group for its chat; never the sender."""
    ids = mentioned_ids(message.body) - {message.sender_id}
    if not ids:
        return 0
    if conversation.group_id is not None:
        readers = list(
            User.objects.filter(pk__in=ids, is_active=True, memberships__group_id=conversation.group_id).order_by("pk")
        )
        text = _("%(name)s mentioned you in the chat of %(group)s.")
        params = {"name": message.sender, "group": conversation.group}
    else:
        readers = sorted((seat.user for seat in seats if seat.user_id in ids), key=lambda user: user.pk)
        text = _("%(name)s mentioned you in a conversation.")
        params = {"name": message.sender}
    for user in readers:
        notify(
            recipient=user,
            event="community.message.mentioned",
            message=text,
            params=params,
            url=f"{conversation.get_absolute_url()}#message-{message.pk}",
            actor=message.sender,
            group=conversation.group,
        )
    return len(readers)


def mark_conversation_read(*, conversation: Conversation, user: User) -> bool:
    """Move the member's read marker to the last message (a read receipt for the others).
    A conditional UPDATE: nothing is written, and no version bump, when it was read already."""
    last = conversation.last_message_at
    if last is None:
        return False
    with transaction.atomic():
        updated = (
            Participant.objects.filter(conversation=conversation, user=user)
            .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=last))
            .update(last_read_at=last)
        )
        if updated:
            bump_version(conversation.pk)
            forget_badges(user.pk)
    return bool(updated)


@transaction.atomic
def leave_conversation(*, conversation: Conversation, user: User) -> None:
    Participant.objects.filter(conversation=conversation, user=user, left_at__isnull=True).update(
        left_at=timezone.now()
    )
    revoke_poll_access(conversation_id=conversation.pk, user_id=user.pk)
    bump_version(conversation.pk)
    forget_badges(user.pk)


def notify_unread_messages(*, now=None) -> int:
    """E-mail (through notify, so settings apply) members with messages unread for a while.
    Safe to repeat: `emailed_up_to` is moved with a conditional UPDATE before notifying."""
    now = now or timezone.now()
    due = (
        Participant.objects.unread()
        .filter(conversation__last_message_at__lt=now - timezone.timedelta(seconds=UNREAD_EMAIL_DELAY_SECONDS))
        .filter(Q(emailed_up_to__isnull=True) | Q(emailed_up_to__lt=F("conversation__last_message_at")))
        .select_related("user", "conversation__group")
    )
    count = 0
    for seat in due[:500]:
        with transaction.atomic():
            claimed = (
                Participant.objects.filter(pk=seat.pk)
                .filter(Q(emailed_up_to__isnull=True) | Q(emailed_up_to__lt=seat.conversation.last_message_at))
                .update(emailed_up_to=seat.conversation.last_message_at)
            )
            if not claimed:
                continue
            notify(
                recipient=seat.user,
                event="community.message.unread",
                message=_("You have unread messages in a conversation."),
                url=seat.conversation.get_absolute_url(),
                group=seat.conversation.group,  # a muted group's chat sends nothing
            )
            count += 1
    return count


# --- blocks and reports ----------------------------------------------------------------------


@transaction.atomic
def block_user(*, blocker: User, blocked: User) -> None:
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."))
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    audit("community.member.blocked", actor=blocker, target=blocked.pk)


@transaction.atomic
def unblock_user(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    audit("community.member.unblocked", actor=blocker, target=blocked.pk)


@transaction.atomic
def report_content(*, reporter: User, reason: str, post=None, comment=None, message=None) -> Report:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please say briefly what is wrong."), code="empty")
    report = Report.objects.create(reporter=reporter, reason=reason[:2000], post=post, comment=comment, message=message)
    audit("community.report.created", actor=reporter, target=f"report:{report.pk}")
    return report


@transaction.atomic
def moderate_report(*, report: Report, by: User, hide: bool) -> Report:
    """Hide (or restore) the reported item; logs who did it. Staff only."""
    if not by.is_portal_staff:
        raise PermissionDenied
    report = Report.objects.select_for_update().get(pk=report.pk)
    target = report.target
    type(target).objects.filter(pk=target.pk).update(is_hidden=hide)
    if isinstance(target, Post):
        pagecache.bump(caching.group(target.group_id))
    elif isinstance(target, Comment):
        pagecache.bump(caching.group(target.post.group_id))
    report.status = Report.Status.HIDDEN if hide else Report.Status.DISMISSED
    report.handled_by, report.handled_at = by, timezone.now()
    report.save(update_fields=["status", "handled_by", "handled_at"])
    if isinstance(target, Message):
        bump_version(target.conversation_id)
    audit(
        "community.moderation." + ("hidden" if hide else "restored"),
        actor=by,
        group=getattr(target, "group", None) or getattr(getattr(target, "post", None), "group", None),
        target=f"{type(target).__name__.lower()}:{target.pk}",
        report=report.pk,
    )
    return report


# --- posts, comments, reactions -------------------------------------------------------------


def membership_of(group: CommunityGroup, user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user=user).first()


@transaction.atomic
def create_post(*, group: CommunityGroup, author: User, body: str, image=None, attachment=None) -> Post:
    """Members post, with an optional checked file (attachments.CheckedFile); other members with
    "all activity" are told (broadcast)."""
    if group.is_archived or not Membership.objects.filter(group=group, user=author).exists():
        raise PermissionDenied
    body = check_text(body)
    post = Post(group=group, author=author, body=encode_mentions(body, _group_members_named(group.pk, body)))
    if image:
        post.image = image
    post.save()
    if attachment is not None:
        attach_file(post=post, checked=attachment)
    audit("community.post.created", actor=author, group=group, target=f"post:{post.pk}")
    from ..tasks import announce_post

    send_after_commit(announce_post, post.pk)
    return post


def store_checked_file(record, checked, *, stored: list | None = None) -> None:
    """Save a GroupFile or MessageAttachment row with its checked upload: an image is stored
    without its metadata (attachments.stored_content). The stored copy is removed again if the
    row cannot be written; its name is appended to `stored` for the caller's own clean-up."""
    content = stored_content(checked)
    record.original_name = checked.original_name
    record.content_type = checked.content_type
    record.size = content.size
    record.file.save(checked.storage_name, content, save=False)
    name = record.file.name
    try:
        record.save()
    except Exception:
        record.file.storage.delete(name)
        raise
    if stored is not None:
        stored.append(name)


def attach_file(*, post: Post, checked) -> GroupFile:
    """Store a checked upload as the post's file (audit `community.file.attached`)."""
    group_file = GroupFile(group=post.group, post=post, uploaded_by=post.author)
    store_checked_file(group_file, checked)
    audit("community.file.attached", actor=post.author, group=post.group, target=f"file:{group_file.pk}")
    return group_file


def delete_stored_files(sender, instance, **kwargs) -> None:
    """post_delete of a post, a group file or a message file: its stored file goes once the
    deletion commits (a rollback keeps it), also when the row goes by a cascade (a conversation,
    a group or an account deleted). Safe to repeat: a missing file is not an error."""
    for field in instance._meta.get_fields():
        if getattr(field, "attname", None) and isinstance(field, FileField):
            name = getattr(instance, field.attname)
            if name:
                transaction.on_commit(functools.partial(_delete_if_unused, type(instance), field, str(name)))


def _delete_if_unused(model, field, name: str) -> None:
    # Demo data may share one image between posts: only the last row's deletion removes it.
    if not model._default_manager.filter(**{field.attname: name}).exists():
        field.storage.delete(name)


ANNOUNCED = "community.post.announced"


def announce_post_to_members(*, post_id: int) -> int:
    """Tell members mentioned (addressed to them, so "only what is addressed
    to me" still gets it), then the other members with "all activity". Safe to repeat: the
    announcement is recorded (audit `community.post.announced`) with its notifications, so a
    second run sends nothing. Returns how many were told."""
    with transaction.atomic():
        # Race: the task queued on commit and the sweep (requeue_unannounced_posts) can run at
        # once. The row lock makes the second wait for the first to commit, then find the record.
        post = (
            Post.objects.select_for_update(of=("self",))
            .select_related("group", "author")
            .filter(pk=post_id, is_hidden=False)
            .first()
        )
        if post is None or AuditEvent.objects.filter(event=ANNOUNCED, target=f"post:{post.pk}").exists():
            return 0
        url = post.get_absolute_url()
        audit(ANNOUNCED, group=post.group, target=f"post:{post.pk}")
        # Posts announced before announcements were recorded have their notifications already.
        if Notification.objects.filter(
            event__in=["community.post.created", "community.post.mentioned"], url=url
        ).exists():
            return 0
        mentioned = [
            membership.user
            for membership in Membership.objects.filter(
                group=post.group, user__is_active=True, user_id__in=mentioned_ids(post.body)
            )
            .exclude(user=post.author)
            .select_related("user")
            .order_by("user_id")
        ]
        for user in mentioned:
            notify(
                recipient=user,
                event="community.post.mentioned",
                message=_("%(name)s mentioned you in %(group)s."),
                params={"name": post.author, "group": post.group},
                url=url,
                actor=post.author,
                group=post.group,
            )
        return len(mentioned) + notify_group_members(
            group=post.group,
            event="community.post.created",
            message=_("%(name)s posted in %(group)s."),
            params={"name": post.author, "group": post.group},
            url=url,
            actor=post.author,
            exclude=[user.pk for user in mentioned],
        )


def requeue_unannounced_posts(*, older_than: timedelta = SWEEP_AFTER, limit: int = 500) -> int:
    """Queue the announcement of posts of the last day that have none after a minute (broker was
    down, worker lost). Repeating is harmless: announcing is recorded once per post."""
    from ..tasks import announce_post

    now = timezone.now()
    since = now - timedelta(days=1)
    announced = set(AuditEvent.objects.filter(event=ANNOUNCED, created_at__gte=since).values_list("target", flat=True))
    candidates = Post.objects.filter(is_hidden=False, created_at__gte=since, created_at__lt=now - older_than)
    stale = [
        pk for pk in candidates.order_by("created_at").values_list("pk", flat=True) if f"post:{pk}" not in announced
    ]
    for pk in stale[:limit]:
        send_after_commit(announce_post, pk)
    return len(stale[:limit])


def can_manage(group: CommunityGroup, user: User) -> bool:
    membership = membership_of(group, user)
    return bool(membership and membership.is_manager) or user.is_portal_staff


@transaction.atomic
def edit_post(*, post: Post, by: User, body: str) -> Post:
    if post.author_id != by.pk or post.group.is_archived:
        raise PermissionDenied
    body = check_text(body)
    post.body = encode_mentions(body, _group_members_named(post.group_id, body))
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    audit("community.post.edited", actor=by, group=post.group, target=f"post:{post.pk}")
    return post


@transaction.atomic
def delete_post(*, post: Post, by: User) -> None:
    if post.author_id != by.pk and not can_manage(post.group, by):
        raise PermissionDenied
    audit("community.post.deleted", actor=by, group=post.group, target=f"post:{post.pk}", author=post.author_id)
    post.delete()


@transaction.atomic
def add_comment(*, post: Post, author: User, body: str) -> Comment:
    """Members comment; the post's author is told (it is addressed to them)."""
    if post.group.is_archived or not Membership.objects.filter(group=post.group, user=author).exists():
        raise PermissionDenied
    body = check_text(body)
    body = encode_mentions(body, _group_members_named(post.group_id, body))
    comment = Comment.objects.create(post=post, author=author, body=body)
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    audit("community.comment.created", actor=author, group=post.group, target=f"comment:{comment.pk}")
    mentioned = _notify_comment_mentions(comment=comment, post=post)
    if post.author_id != author.pk and post.author_id not in mentioned:
        notify(
            recipient=post.author,
            event="community.comment.created",
            message=_("%(name)s commented on your post in %(group)s."),
            params={"name": author, "group": post.group},
            url=post.get_absolute_url(),
            actor=author,
            group=post.group,
        )
    return comment


def _notify_comment_mentions(*, comment: Comment, post: Post) -> set[int]:
    """Tell each member of the group the comment mentions, once (never its author; nobody for a
    post a moderator hid). Returns their ids: the post's author, if among them, is told once."""
    ids = mentioned_ids(comment.body) - {comment.author_id}
    if not ids or post.is_hidden:
        return set()
    readers = User.objects.filter(pk__in=ids, is_active=True, memberships__group_id=post.group_id).order_by("pk")
    told = set()
    for user in readers:
        notify(
            recipient=user,
            event="community.comment.mentioned",
            message=_("%(name)s mentioned you in a comment in %(group)s."),
            params={"name": comment.author, "group": post.group},
            url=post.get_absolute_url(),
            actor=comment.author,
            group=post.group,
        )
        told.add(user.pk)
    return told


@transaction.atomic
def delete_comment(*, comment: Comment, by: User) -> None:
    post = comment.post
    if comment.author_id != by.pk and not can_manage(post.group, by):
        raise PermissionDenied
    audit("community.comment.deleted", actor=by, group=post.group, target=f"comment:{comment.pk}")
    comment.delete()
    Post.objects.filter(pk=post.pk, comment_count__gt=0).update(comment_count=F("comment_count") - 1)


@transaction.atomic
def toggle_reaction(*, post: Post, user: User, kind: str) -> bool:
    """Add the reaction, or take it back when it was there. Returns True when added."""
    if not Membership.objects.filter(group=post.group, user=user).exists():
        raise PermissionDenied
    kind = Reaction.Kind(kind)
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    return True
