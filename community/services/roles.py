"""Roles of members who sign up on their own: from a verified university address, or asked of staff."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..models import Notification, Organization, Role, User
from .core import assign_role
from .notifications import notify

ROLE_REQUESTED = "community.role.requested"
# One request a day is enough for staff to notice; more would be noise in their notifications.
ROLE_REQUEST_INTERVAL = timedelta(days=1)


@transaction.atomic
def grant_role_for_verified_address(*, user: User, email: str) -> bool:
    """A self-registered guest whose verified address belongs to a partner university becomes its
    student: home organization set when empty, the guest role exchanged for the student role.
    Safe to repeat; True when the member became a student."""
    # Only guests: accounts staff made, and members who hold a role already, keep what they have.
    if user.role_names != {Role.GUEST}:
        return False
    organization = Organization.objects.for_email_address(email)
    if organization is None:
        return False
    if user.organization_id is None:
        user.organization = organization
        user.save(update_fields=["organization"])
    assign_role(user=user, role=Role.STUDENT)
    user.groups.remove(*user.groups.filter(name=Role.GUEST))
    user.__dict__.pop("role_names", None)
    return True


@transaction.atomic
def ask_for_role(*, user: User, role: str, note: str = "") -> bool:
    """Tell every member of staff, in their language, that `user` asks for `role`. False (and no
    notification) when the member asked within the last day. Raises ValueError for a role that
    cannot be asked for."""
    from ..home import REQUESTABLE_ROLES

    if role not in REQUESTABLE_ROLES:
        raise ValueError(role)
    # Lock the member's row: two quick clicks then notify once.
    User.objects.select_for_update().filter(pk=user.pk).first()
    since = timezone.now() - ROLE_REQUEST_INTERVAL
    if Notification.objects.filter(event=ROLE_REQUESTED, actor=user, created_at__gte=since).exists():
        return False
    staff = User.objects.filter(Q(groups__name=Role.STAFF) | Q(is_superuser=True), is_active=True).distinct()
    url = reverse("admin:community_user_change", args=[user.pk])
    for recipient in staff:
        with translation.override(recipient.language):
            label = str(Role(role).label)
        notify(
            recipient=recipient,
            event=ROLE_REQUESTED,
            message=_("%(name)s (%(email)s) asks for the role “%(role)s”. %(note)s"),
            params={"name": user.display_name, "email": user.email, "role": label, "note": note[:300]},
            url=url,
            actor=user,
        )
    return True
