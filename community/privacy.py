"""What each app holds about a member: the parts of their data archive, and how it is erased.

The community uses none of the other apps, so it cannot reach their rows. Every app of the portal
may have a `privacy` module with
- `EXPORTERS`: functions `exporter(user) -> dict[str, object]` giving archive paths
  ("courses/enrolments.json") and their contents (bytes, str, or anything JSON can write);
- `TWO_FACTOR_REQUIRED_FOR`: functions `predicate(user) -> bool` naming members who must sign in
  with a second factor (credentials: those who issue in a university's name);
- `ERASERS`: functions `eraser(user, *, deletion) -> None` that erase or anonymise the app's rows
  of the member inside the erasure's transaction (`deletion` is the AccountDeletion, which says
  whether the member keeps their credentials). An eraser must be safe to run twice.
They are found on first use, the way community/home.py finds the home panels. The community's
own parts come first and its eraser last, after the other apps have read what they need.
"""

import functools
import importlib
import importlib.util
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.utils import timezone

from .mentions import decode_mentions
from .models import (
    Block,
    Comment,
    DataExport,
    JoinRequest,
    Membership,
    Message,
    Notification,
    NotificationSettings,
    Participant,
    Post,
    Profile,
    Reaction,
    User,
)


def _modules():
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or config.name == "community":
            continue
        name = f"{config.name}.privacy"
        if importlib.util.find_spec(name) is not None:
            yield importlib.import_module(name)


@functools.cache
def exporters() -> tuple[Callable[[User], dict], ...]:
    """The community's exporters, then every other app's, in the order of INSTALLED_APPS."""
    found = list(EXPORTERS)
    for module in _modules():
        found.extend(getattr(module, "EXPORTERS", ()))
    return tuple(found)


@functools.cache
def erasers() -> tuple[Callable, ...]:
    """Every other app's erasers, then the community's (which clears the account itself)."""
    found = []
    for module in _modules():
        found.extend(getattr(module, "ERASERS", ()))
    return (*found, *ERASERS)


@functools.cache
def two_factor_predicates() -> tuple[Callable[[User], bool], ...]:
    found = []
    for module in _modules():
        found.extend(getattr(module, "TWO_FACTOR_REQUIRED_FOR", ()))
    return tuple(found)


def requires_two_factor(user: User) -> bool:
    """Staff (who reach the admin) and whoever another app names must use two-factor sign-in."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or any(predicate(user) for predicate in two_factor_predicates())


def has_totp(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _when(value):
    return value.isoformat() if value else None


# -- the community's own parts ------------------------------------------------------------------
def export_profile(user: User) -> dict:
    from allauth.account.models import EmailAddress

    profile = user.profile
    return {
        "profile.json": {
            "account": {
                "email": user.email,
                "display_name": user.display_name,
                "language": user.language,
                "time_zone": user.time_zone,
                "organization": str(user.organization) if user.organization_id else None,
                "roles": sorted(user.role_names),
                "date_joined": _when(user.date_joined),
                "last_login": _when(user.last_login),
                "avatar": user.avatar.name or None,
            },
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "profile": {
                "country": profile.country,
                "home_campus": str(profile.home_campus) if profile.home_campus_id else None,
                "host_campus": str(profile.host_campus) if profile.host_campus_id else None,
                "year_of_study": profile.year_of_study,
                "field_of_study": profile.field_of_study,
                "specialization": profile.specialization,
                "activities_and_hobbies": [str(interest) for interest in profile.interests.all()],
                "bio": profile.bio,
                "arrival_date": _when(profile.arrival_date),
                "departure_date": _when(profile.departure_date),
            },
            "groups": [
                {"group": membership.group.name, "role": membership.role, "joined": _when(membership.joined_at)}
                for membership in user.memberships.select_related("group").order_by("pk")
            ],
        }
    }


def _stored(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def export_writing(user: User) -> dict:
    posts = Post.objects.filter(author=user).select_related("group", "attachment").order_by("created_at", "pk")
    comments = Comment.objects.filter(author=user).select_related("post__group").order_by("created_at", "pk")
    sent = Message.objects.filter(sender=user).prefetch_related("attachments").order_by("created_at", "pk")
    stored = {}
    for post in posts:
        if post.image:
            stored[f"posts/images/{post.pk}-{post.image.name.rsplit('/', 1)[-1]}"] = post.image.name
        attachment = getattr(post, "attachment", None)
        if attachment is not None:
            stored[f"posts/files/{post.pk}-{attachment.file.name.rsplit('/', 1)[-1]}"] = attachment.file.name
    for message in sent:
        for attachment in message.attachments.all():
            stored[f"messages/files/{message.pk}-{attachment.file.name.rsplit('/', 1)[-1]}"] = attachment.file.name
    if user.avatar:
        stored[f"avatar/{user.avatar.name.rsplit('/', 1)[-1]}"] = user.avatar.name
    files = {path: content for path, name in stored.items() if (content := _stored(name)) is not None}
    return {
        **files,
        "posts.json": [
            {
                "id": post.pk,
                "group": post.group.name,
                "body": decode_mentions(post.body),
                "image": post.image.name or None,
                "file": post.attachment.original_name if getattr(post, "attachment", None) else None,
                "created": _when(post.created_at),
            }
            for post in posts
        ],
        "comments.json": [
            {
                "id": comment.pk,
                "post": comment.post_id,
                "group": comment.post.group.name,
                "body": decode_mentions(comment.body),
                "created": _when(comment.created_at),
            }
            for comment in comments
        ],
        "messages-sent.json": [
            {
                "id": message.pk,
                "conversation": message.conversation_id,
                "body": decode_mentions(message.body),
                "files": [attachment.original_name for attachment in message.attachments.all()],
                "created": _when(message.created_at),
            }
            for message in sent
        ],
    }


def erased_email(user: User) -> str:
    # .invalid is reserved (RFC 2606): no mail can reach it, and the address stays unique.
    return f"erased-{user.pk}@erased.invalid"


def erase_account(user: User, *, deletion) -> None:
    """Clear the account: profile, addresses, password, roles, sign-in methods, memberships and
    notifications. What the member wrote stays where it was, shown as a former member's."""
    from allauth.account.models import EmailAddress

    from . import caching, pagecache

    # Pages that show the member's name by what they wrote: the groups and conversations, and the
    # inboxes of everyone they talked with. Read before the memberships and seats change.
    group_ids = set(Post.objects.filter(author=user).values_list("group_id", flat=True))
    group_ids |= set(Comment.objects.filter(author=user).values_list("post__group_id", flat=True))
    group_ids |= set(Membership.objects.filter(user=user).values_list("group_id", flat=True))
    conversation_ids = set(Participant.objects.filter(user=user).values_list("conversation_id", flat=True))
    partner_ids = set(
        Participant.objects.filter(conversation_id__in=conversation_ids).values_list("user_id", flat=True)
    )
    pagecache.bump(
        *(caching.group(pk) for pk in group_ids),
        *(caching.conversation(pk) for pk in conversation_ids),
        *(caching.inbox(pk) for pk in partner_ids),
    )
    if user.avatar:
        default_storage.delete(user.avatar.name)
    for export in DataExport.objects.filter(user=user).exclude(file=""):
        export.file.delete(save=False)
    DataExport.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).update(
        country="",
        home_campus=None,
        year_of_study=None,
        field_of_study="",
        specialization="",
        bio="",
        arrival_date=None,
        departure_date=None,
        host_campus=None,
        updated_at=timezone.now(),
    )
    Profile.interests.through.objects.filter(profile_id=user.pk).delete()
    EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):
        apps.get_model("socialaccount", "SocialAccount").objects.filter(user=user).delete()
    if apps.is_installed("allauth.mfa"):
        apps.get_model("mfa", "Authenticator").objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationSettings.objects.filter(user=user).delete()
    Block.objects.filter(blocker=user).delete()
    Reaction.objects.filter(user=user).delete()
    Participant.objects.filter(user=user, left_at__isnull=True).update(left_at=timezone.now())
    user.groups.set(Group.objects.none())
    user.erased_at = user.erased_at or timezone.now()
    user.email = erased_email(user)
    user.avatar = ""
    user.organization = None
    user.time_zone = "Asia/Tokyo"
    user.is_active = user.is_staff = user.is_superuser = False
    user.user_permissions.clear()
    # A new hash also ends every session: Django checks it on each request.
    user.set_unusable_password()
    user.save()


EXPORTERS = [export_profile, export_writing]
ERASERS = [erase_account]
