"""Notifications: in-app, e-mail right away or in a daily digest, respecting each member's settings."""

import zoneinfo
from collections import defaultdict
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from .. import caching, pagecache, readahead
from ..models import (
    CommunityGroup,
    EmailMode,
    Membership,
    Notification,
    NotificationLevel,
    NotificationSettings,
    User,
)
from .core import send_templated_email

DIGEST_HOUR = 8  # local time from which the daily digest goes out


def badge_cache_key(user_id: int) -> str:
    return f"community:badges:{user_id}"


def forget_badges(*user_ids: int) -> None:
    """Drop the cached header counts of these members once the current transaction commits."""
    keys = [badge_cache_key(pk) for pk in user_ids]
    readahead.counts_forgotten(user_ids)
    transaction.on_commit(lambda: cache.delete_many(keys))


def resolve_settings(own: NotificationSettings | None, membership: Membership | None) -> tuple[str, str]:
    """(level, e-mail mode): the group's setting overrides the member's default, except that a
    member's own mute always wins."""
    level = own.level if own else NotificationLevel.ALL
    email_mode = own.email_mode if own else EmailMode.IMMEDIATELY
    if level == NotificationLevel.MUTE:
        return level, EmailMode.NEVER
    if membership is not None:
        level = membership.notification_level or level
        email_mode = membership.email_mode or email_mode
    return level, email_mode


def effective_settings(*, recipient: User, group: CommunityGroup | None) -> tuple[str, str]:
    own = NotificationSettings.objects.filter(user=recipient).first()
    membership = Membership.objects.filter(group=group, user=recipient).first() if group is not None else None
    return resolve_settings(own, membership)


def _email_state(email: bool, email_mode: str) -> str:
    if email and email_mode == EmailMode.IMMEDIATELY:
        return Notification.Email.SENT
    if email and email_mode == EmailMode.DIGEST:
        return Notification.Email.DIGEST
    return Notification.Email.NONE


def notify(
    *,
    recipient: User,
    event: str,
    message,
    params: dict | None = None,
    url: str = "",
    actor: User | None = None,
    group: CommunityGroup | None = None,
    email: bool = True,
    broadcast: bool = False,
) -> Notification | None:
    """Store an in-app notification and e-mail it (now or in the digest) as their settings say.
    A lazy `message` is stored with its parameters and shown in the reader's language of the
    moment; the text in the recipient's language is kept for rows it names that are gone.
    `broadcast` marks news not addressed to the recipient (a new post in a group): dropped for
    "only what is addressed to me". Returns None when muted.
    Call inside the caller's transaction; the e-mail is queued after commit."""
    if not recipient.is_active:
        return None
    level, email_mode = effective_settings(recipient=recipient, group=group)
    if level == NotificationLevel.MUTE or (broadcast and level == NotificationLevel.MENTIONS):
        return None
    state = _email_state(email, email_mode)
    with translation.override(recipient.language):
        notification = Notification.build(
            message=message,
            params=params,
            recipient=recipient,
            event=event,
            url=url[:300],
            actor=actor,
            group=group,
            email=state,
        )
    notification.save()
    if state == Notification.Email.SENT:
        send_templated_email(
            recipient=recipient,
            template_prefix="community/email/notification",
            context={"notification": notification},
        )
    forget_badges(recipient.pk)
    return notification


@transaction.atomic
def notify_group_members(
    *,
    group: CommunityGroup,
    event: str,
    message,
    params: dict | None = None,
    url: str = "",
    actor: User | None = None,
    exclude: list[int] | None = None,
) -> int:
    """Broadcast news to a group's members (not the actor) as their settings allow: one query
    for the members and their settings, one bulk insert; e-mails are rendered per recipient."""
    memberships = (
        Membership.objects.filter(group=group, user__is_active=True)
        .exclude(user=actor)
        .exclude(user_id__in=exclude or [])
        .select_related("user", "user__notification_settings")
    )
    notifications = []
    for membership in memberships:
        user = membership.user
        level, email_mode = resolve_settings(getattr(user, "notification_settings", None), membership)
        if level != NotificationLevel.ALL:
            continue
        with translation.override(user.language):
            notifications.append(
                Notification.build(
                    message=message,
                    params=params,
                    recipient=user,
                    event=event,
                    url=url[:300],
                    actor=actor,
                    group=group,
                    email=_email_state(True, email_mode),
                )
            )
    Notification.objects.bulk_create(notifications)
    for notification in notifications:
        if notification.email == Notification.Email.SENT:
            send_templated_email(
                recipient=notification.recipient,
                template_prefix="community/email/notification",
                context={"notification": notification},
            )
    forget_badges(*[n.recipient_id for n in notifications])
    return len(notifications)


@transaction.atomic
def mark_notifications_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or all) of the member's notifications read; safe to repeat."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    count = unread.update(read_at=timezone.now())
    if count:
        forget_badges(user.pk)
    return count


@transaction.atomic
def update_notification_settings(*, user: User, level: str, email_mode: str) -> NotificationSettings:
    row, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"level": level, "email_mode": email_mode}
    )
    return row


@transaction.atomic
def update_group_notification_settings(*, membership: Membership, level: str, email_mode: str) -> Membership:
    Membership.objects.filter(pk=membership.pk).update(notification_level=level, email_mode=email_mode)
    # The group chat's unread count (header badge, conversation list) depends on the mute.
    pagecache.bump(caching.group(membership.group_id), caching.inbox(membership.user_id))
    forget_badges(membership.user_id)
    membership.notification_level, membership.email_mode = level, email_mode
    return membership


def add_to_digests(*, items: list[dict], event: str) -> int:
    """Store notifications that go out in their recipients' next daily digest, whatever their
    e-mail setting (a member asked for them, e.g. with a saved search); muted members get none.
    `items`: dicts of recipient, message, params and url. One query for the settings, one insert."""
    if not items:
        return 0
    muted = set(
        NotificationSettings.objects.filter(
            user_id__in={item["recipient"].pk for item in items}, level=NotificationLevel.MUTE
        ).values_list("user_id", flat=True)
    )
    notifications = []
    for item in items:
        recipient = item["recipient"]
        if recipient.pk in muted or not recipient.is_active:
            continue
        with translation.override(recipient.language):
            notifications.append(
                Notification.build(
                    message=item["message"],
                    params=item.get("params"),
                    recipient=recipient,
                    event=event,
                    url=item.get("url", "")[:300],
                    email=Notification.Email.DIGEST,
                )
            )
    Notification.objects.bulk_create(notifications)
    forget_badges(*{n.recipient_id for n in notifications})
    return len(notifications)


def _local_now(user: User, now: datetime) -> datetime:
    try:
        return now.astimezone(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.localtime(now)


def send_notification_digests(*, now: datetime | None = None) -> int:
    """Send each member with waiting notifications one digest per local day, from DIGEST_HOUR.

    Safe to repeat: the day is claimed with a conditional UPDATE on the member's settings, so a
    second run (or a second beat) the same day sends nothing. Returns the number of digests.
    """
    now = now or timezone.now()
    waiting = defaultdict(list)
    for notification in Notification.objects.filter(email=Notification.Email.DIGEST).order_by("created_at", "pk"):
        waiting[notification.recipient_id].append(notification)
    if not waiting:
        return 0
    sent = 0
    for user in User.objects.filter(pk__in=waiting, is_active=True):
        local = _local_now(user, now)
        if local.hour < DIGEST_HOUR:
            continue
        with transaction.atomic():
            NotificationSettings.objects.get_or_create(user=user)
            # Two beats or a rerun: only one UPDATE finds the day unclaimed.
            claimed = (
                NotificationSettings.objects.filter(user=user)
                .exclude(last_digest_on=local.date())
                .update(last_digest_on=local.date())
            )
            if not claimed:
                continue
            items = waiting[user.pk]
            Notification.objects.filter(pk__in=[item.pk for item in items], email=Notification.Email.DIGEST).update(
                email=Notification.Email.DIGESTED
            )
            send_templated_email(
                recipient=user,
                template_prefix="community/email/digest",
                context={"notifications": items, "day": local.date()},
            )
            sent += 1
    return sent
