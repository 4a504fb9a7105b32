"""Groups: creation, membership, join requests, invitations and automatic groups."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _

from jige_portal.celery import send_after_commit

from .. import caching, pagecache
from ..models import AuditEvent, CommunityGroup, JoinRequest, Membership, Phase, Profile, User
from .notifications import notify


def audit(event: str, *, actor: User | None = None, group: CommunityGroup | None = None, target="", **data):
    return AuditEvent.objects.create(event=event, actor=actor, group=group, target=str(target)[:200], data=data)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "group"
    slug, n = base, 1
    while CommunityGroup.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_group(
    *,
    name_en: str,
    name_ja: str = "",
    category: str,
    join_policy: str = "open",
    visibility: str = "public",
    description_en: str = "",
    description_ja: str = "",
    owner: User | None = None,
    slug: str | None = None,
    **extra,
) -> CommunityGroup:
    """Create a group (the owner becomes its first member). Idempotent on `slug` when given:
    an existing group with that slug is returned unchanged."""
    if slug:
        existing = CommunityGroup.objects.filter(slug=slug).first()
        if existing:
            return existing
    group = CommunityGroup(
        name_en=name_en,
        name_ja=name_ja or None,
        category=CommunityGroup.Category(category),
        join_policy=CommunityGroup.JoinPolicy(join_policy),
        visibility=CommunityGroup.Visibility(visibility),
        description_en=description_en,
        description_ja=description_ja or None,
        slug=slug or _unique_slug(name_en),
        created_by=owner,
        **extra,
    )
    try:
        # Two callers creating the same slug at once: the loser returns the winner's group.
        with transaction.atomic():
            group.save()
    except IntegrityError:
        if slug:
            return CommunityGroup.objects.get(slug=slug)
        raise
    if owner is not None:
        Membership.objects.create(group=group, user=owner, role=Membership.Role.OWNER)
    audit("community.group.created", actor=owner, group=group, target=group.slug)
    return group


@transaction.atomic
def update_group(*, group: CommunityGroup, by: User, **fields) -> CommunityGroup:
    for name, value in fields.items():
        setattr(group, name, value)
    group.save()
    audit("community.group.updated", actor=by, group=group, target=group.slug, fields=sorted(fields))
    return group


@transaction.atomic
def archive_group(*, group: CommunityGroup, by: User | None = None) -> bool:
    """Make a group read-only: members still read it, nobody posts or comments. Safe to repeat
    (a conditional UPDATE: one caller archives, the others find it done). True when archived now."""
    archived = CommunityGroup.objects.filter(pk=group.pk, archived_at__isnull=True).update(archived_at=timezone.now())
    if archived:
        audit("community.group.archived", actor=by, group=group, target=group.slug)
        pagecache.bump(caching.GROUPS, caching.group(group.pk))  # update() sends no signals
    return bool(archived)


@transaction.atomic
def add_member(*, group: CommunityGroup, user: User, role: str = "member", is_automatic: bool = False) -> Membership:
    """Make `user` a member (idempotent; bypasses the join policy: for system use such as
    course enrolment). A pending request or invitation is closed as approved."""
    membership, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"role": Membership.Role(role), "is_automatic": is_automatic}
    )
    if created:
        JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).update(
            status=JoinRequest.Status.APPROVED, decided_at=timezone.now()
        )
        audit("community.membership.added", group=group, target=user.pk, role=role, automatic=is_automatic)
    return membership


@transaction.atomic
def remove_member(*, group: CommunityGroup, user: User, by: User | None = None) -> None:
    """Remove a membership (idempotent). Access ends at once: every view checks the row."""
    deleted, _rows = Membership.objects.filter(group=group, user=user).delete()
    if deleted:
        from .messaging import end_group_chat_seats

        end_group_chat_seats(group_ids=[group.pk], user_id=user.pk)
        audit("community.membership.removed", actor=by, group=group, target=user.pk)


def _check_manager(group: CommunityGroup, user: User) -> Membership | None:
    membership = Membership.objects.filter(group=group, user=user).first()
    if (membership and membership.is_manager) or user.is_portal_staff:
        return membership
    raise PermissionDenied


@transaction.atomic
def join_group(*, group: CommunityGroup, user: User, message: str = "") -> Membership | JoinRequest:
    """Join an open group at once, or file a request for a by-request group.
    Raises PermissionDenied for invitation-only groups (unless invited)."""
    existing = Membership.objects.filter(group=group, user=user).first()
    if existing:
        return existing
    invitation = JoinRequest.objects.filter(
        group=group, user=user, status=JoinRequest.Status.PENDING, kind=JoinRequest.Kind.INVITATION
    ).first()
    if group.join_policy == CommunityGroup.JoinPolicy.OPEN or invitation:
        membership = add_member(group=group, user=user)
        audit("community.group.joined", actor=user, group=group, target=user.pk)
        return membership
    if group.join_policy == CommunityGroup.JoinPolicy.INVITE:
        raise PermissionDenied
    pending = JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).first()
    if pending:
        return pending
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(group=group, user=user, message=message[:1000])
    except IntegrityError:  # a double click: the partial unique index keeps one pending request
        return JoinRequest.objects.get(group=group, user=user, status=JoinRequest.Status.PENDING)
    audit("community.join_request.created", actor=user, group=group, target=user.pk)
    managers = User.objects.filter(
        memberships__group=group, memberships__role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
    )
    for manager in managers:
        notify(
            recipient=manager,
            event="community.join_request.created",
            message=_("%(name)s asks to join %(group)s."),
            params={"name": user, "group": group},
            url=group.get_absolute_url() + "requests/",
            actor=user,
            group=group,
        )
    return request


@transaction.atomic
def decide_join_request(*, join_request: JoinRequest, by: User, approve: bool, response: str = "") -> JoinRequest:
    """Approve or reject a pending request; the requester sees the answer. Raises
    PermissionDenied for non-managers and ValidationError when it was decided already."""
    _check_manager(join_request.group, by)
    # Two admins deciding at once: the row lock makes the second see the first's decision.
    join_request = JoinRequest.objects.select_for_update().select_related("group", "user").get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING or join_request.kind != JoinRequest.Kind.REQUEST:
        raise ValidationError(_("This request has already been decided."))
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REJECTED
    join_request.response = response[:1000]
    join_request.decided_by = by
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "response", "decided_by", "decided_at"])
    group, user = join_request.group, join_request.user
    if approve:
        Membership.objects.get_or_create(group=group, user=user)
    audit(
        "community.join_request." + ("approved" if approve else "rejected"),
        actor=by,
        group=group,
        target=user.pk,
        response=response[:200],
    )
    if join_request.response and approve:
        message = _("Your request to join %(group)s was approved. Message from the group: “%(response)s”")
    elif join_request.response:
        message = _("Your request to join %(group)s was declined. Message from the group: “%(response)s”")
    elif approve:
        message = _("Your request to join %(group)s was approved.")
    else:
        message = _("Your request to join %(group)s was declined.")
    notify(
        recipient=user,
        event="community.join_request." + ("approved" if approve else "rejected"),
        message=message,
        params={"group": group, "response": Truncator(join_request.response).chars(300)},
        url=group.get_absolute_url(),
        actor=by,
        group=group,
    )
    return join_request


@transaction.atomic
def invite_member(*, group: CommunityGroup, user: User, by: User, message: str = "") -> JoinRequest | None:
    """Invite a member (managers only); returns None when they are a member already."""
    _check_manager(group, by)
    if Membership.objects.filter(group=group, user=user).exists():
        return None
    pending = JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).first()
    if pending:
        return pending
    invitation = JoinRequest.objects.create(
        group=group, user=user, kind=JoinRequest.Kind.INVITATION, invited_by=by, message=message[:1000]
    )
    audit("community.invitation.created", actor=by, group=group, target=user.pk)
    notify(
        recipient=user,
        event="community.invitation.created",
        message=_("%(name)s invites you to join %(group)s."),
        params={"name": by, "group": group},
        url=group.get_absolute_url(),
        actor=by,
        group=None,  # not a member yet: their group settings do not apply
    )
    return invitation


@transaction.atomic
def answer_invitation(*, invitation: JoinRequest, user: User, accept: bool) -> None:
    invitation = JoinRequest.objects.select_for_update().get(pk=invitation.pk)
    if invitation.user_id != user.pk or invitation.kind != JoinRequest.Kind.INVITATION:
        raise PermissionDenied
    if invitation.status != JoinRequest.Status.PENDING:
        return
    if accept:
        add_member(group=invitation.group, user=user)
    else:
        JoinRequest.objects.filter(pk=invitation.pk).update(
            status=JoinRequest.Status.REJECTED, decided_by=user, decided_at=timezone.now()
        )
        pagecache.bump(caching.group(invitation.group_id), caching.member(user.pk))
    audit("community.invitation." + ("accepted" if accept else "declined"), actor=user, group=invitation.group)


@transaction.atomic
def leave_group(*, group: CommunityGroup, user: User) -> None:
    """Leave a group. Raises ValidationError for the last owner (hand over first)."""
    # Two owners leaving at once must not leave the group ownerless: lock the owner rows.
    owners = list(
        Membership.objects.select_for_update()
        .filter(group=group, role=Membership.Role.OWNER)
        .values_list("user_id", flat=True)
    )
    if owners == [user.pk]:
        raise ValidationError(_("You are the last owner: make another member owner before you leave."))
    remove_member(group=group, user=user, by=user)


@transaction.atomic
def change_member_role(*, group: CommunityGroup, user: User, role: str, by: User) -> Membership:
    """Owners change roles; the last owner cannot demote themselves."""
    manager = _check_manager(group, by)
    if not by.is_portal_staff and (manager is None or manager.role != Membership.Role.OWNER):
        raise PermissionDenied
    membership = Membership.objects.select_for_update().get(group=group, user=user)
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER:
        others = Membership.objects.filter(group=group, role=Membership.Role.OWNER).exclude(user=user)
        if not others.exists():
            raise ValidationError(_("A group needs at least one owner."))
    membership.role = Membership.Role(role)
    membership.save(update_fields=["role"])
    audit("community.membership.role_changed", actor=by, group=group, target=user.pk, role=role)
    return membership


@transaction.atomic
def remove_member_by_manager(*, group: CommunityGroup, user: User, by: User) -> None:
    manager = _check_manager(group, by)
    target = Membership.objects.filter(group=group, user=user).first()
    if target is None:
        return
    if target.role == Membership.Role.OWNER and not by.is_portal_staff:
        raise PermissionDenied
    if target.role == Membership.Role.ADMIN and manager and manager.role != Membership.Role.OWNER:
        raise PermissionDenied
    remove_member(group=group, user=user, by=by)


# --- Automatic groups ------------------------------------------------------------------


def _matching_profiles(group: CommunityGroup, today):
    """Profiles that satisfy the group's rule, as one QuerySet (no per-user queries)."""
    profiles = Profile.objects.filter(user__is_active=True)
    if group.rule_home_organization_id:
        profiles = profiles.filter(user__organization_id=group.rule_home_organization_id)
    if group.rule_host_campus_id:
        profiles = profiles.filter(host_campus_id=group.rule_host_campus_id)
    if group.rule_year_of_study:
        profiles = profiles.filter(year_of_study=group.rule_year_of_study)
    if group.rule_phase == Phase.BEFORE:
        profiles = profiles.filter(arrival_date__gt=today)
    elif group.rule_phase == Phase.DURING:
        profiles = profiles.filter(arrival_date__lte=today).filter(
            Q(departure_date__isnull=True) | Q(departure_date__gte=today)
        )
    elif group.rule_phase == Phase.AFTER:
        profiles = profiles.filter(departure_date__lt=today)
    return profiles


def _profile_matches(group: CommunityGroup, user: User, today) -> bool:
    profile = user.profile
    if group.rule_home_organization_id and user.organization_id != group.rule_home_organization_id:
        return False
    if group.rule_host_campus_id and profile.host_campus_id != group.rule_host_campus_id:
        return False
    if group.rule_year_of_study and profile.year_of_study != group.rule_year_of_study:
        return False
    return not (group.rule_phase and profile.phase_on(today) != group.rule_phase)


@transaction.atomic
def sync_automatic_groups_for_user(*, user_id: int) -> tuple[int, int]:
    """Add the member to the automatic groups whose rule their profile matches and remove them
    from those it no longer matches (only memberships the rule made). Safe to repeat.
    Returns (added, removed)."""
    user = User.objects.select_related("profile").filter(pk=user_id).first()
    if user is None:
        return 0, 0
    today = timezone.localdate()
    groups = [g for g in CommunityGroup.objects.filter(is_automatic=True) if g.has_rule()]
    matching = {g.pk for g in groups if user.is_active and _profile_matches(g, user, today)}
    current = dict(
        Membership.objects.filter(user=user, group__is_automatic=True).values_list("group_id", "is_automatic")
    )
    to_add = [g for g in groups if g.pk in matching and g.pk not in current]
    to_remove = [pk for pk, automatic in current.items() if automatic and pk not in matching]
    Membership.objects.bulk_create(
        [Membership(group=g, user=user, is_automatic=True) for g in to_add], ignore_conflicts=True
    )
    if to_remove:
        Membership.objects.filter(user=user, group_id__in=to_remove, is_automatic=True).delete()
        from .messaging import end_group_chat_seats

        end_group_chat_seats(group_ids=to_remove, user_id=user.pk)
    if to_add:  # bulk_create sends no signals for the page cache
        pagecache.bump(caching.GROUPS, caching.member(user.pk), *[caching.group(g.pk) for g in to_add])
    if to_add or to_remove:
        audit(
            "community.automatic_groups.synced_user",
            target=user.pk,
            added=[g.pk for g in to_add],
            removed=to_remove,
        )
    return len(to_add), len(to_remove)


def queue_automatic_group_sync(*, user: User) -> None:
    """After a profile change: sync the member's automatic groups in a task, after commit."""
    from ..tasks import sync_user_automatic_groups

    send_after_commit(sync_user_automatic_groups, user.pk)


@transaction.atomic
def sync_automatic_group(*, group: CommunityGroup) -> tuple[int, int]:
    """Bring one automatic group in line with its rule: two set-based statements (add the
    matching profiles that are missing, delete rule-made memberships that no longer match)."""
    if not group.is_automatic or not group.has_rule():
        return 0, 0
    today = timezone.localdate()
    matching = _matching_profiles(group, today)
    missing = matching.exclude(Exists(Membership.objects.filter(group=group, user_id=OuterRef("user_id"))))
    new_ids = list(missing.values_list("user_id", flat=True))
    Membership.objects.bulk_create(
        [Membership(group=group, user_id=pk, is_automatic=True) for pk in new_ids],
        ignore_conflicts=True,
        batch_size=1000,
    )
    removed, _rows = (
        Membership.objects.filter(group=group, is_automatic=True)
        .exclude(user_id__in=matching.values("user_id"))
        .delete()
    )
    if new_ids:  # bulk_create sends no signals for the page cache
        pagecache.bump(caching.GROUPS, caching.group(group.pk), *[caching.member(pk) for pk in new_ids])
    if new_ids or removed:
        audit("community.automatic_group.synced", group=group, added=len(new_ids), removed=removed)
    return len(new_ids), removed


def sync_all_automatic_groups() -> dict[int, tuple[int, int]]:
    """Nightly: sync every automatic group (a few queries per group, none per member)."""
    return {group.pk: sync_automatic_group(group=group) for group in CommunityGroup.objects.filter(is_automatic=True)}
