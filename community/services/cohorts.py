"""Importing a partner university's list of members: preview, confirm, invite."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from jige_portal.celery import SWEEP_AFTER, send_after_commit

from .. import cohorts, pagecache
from ..backends import forget_user
from ..models import ImportBatch, ImportedMember, Profile, Role, User
from ..models.people import role_cache_key
from .core import send_templated_email
from .groups import audit

BATCH_SIZE = 1000
INVITATIONS_PER_TRANSACTION = 100


class NothingToChange(Exception):
    """Every row of the file matches the portal already (the same file uploaded again)."""


def upload_member_list(*, by: User, name: str, filename: str, content: bytes) -> ImportBatch:
    """Read an uploaded list and keep it, unconfirmed, for the preview. Writes no member.
    Raises PermissionDenied, cohorts.FileError; NothingToChange when every row is unchanged."""
    if not by.is_portal_staff:
        raise PermissionDenied
    rows = cohorts.read_file(filename, content)
    plan = cohorts.plan_import(rows)
    if plan.is_valid and not plan.has_changes:
        raise NothingToChange
    return ImportBatch.objects.create(
        created_by=by, name=name, filename=filename[:200], file_sha256=cohorts.checksum(content), rows=rows
    )


@transaction.atomic
def confirm_member_import(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Write the whole list at once (new accounts, changed profiles, the student role), then
    queue the invitations after commit. Nothing is written when any row is invalid now.
    Raises PermissionDenied, ValidationError, NothingToChange. Safe to repeat: a confirmed batch is left alone."""
    if not by.is_portal_staff:
        raise PermissionDenied
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        return batch
    plan = cohorts.plan_import(batch.rows)
    if not plan.is_valid:
        count = len(plan.errors)
        raise ValidationError(
            ngettext(
                "%(count)s row is not valid: nothing was imported. Correct the file and upload it again.",
                "%(count)s rows are not valid: nothing was imported. Correct the file and upload it again.",
                count,
            ),
            params={"count": count},
            code="invalid",
        )
    if not plan.has_changes:
        raise NothingToChange
    created = _create_accounts([row for row in plan.rows if row.status == cohorts.NEW])
    updated = [row for row in plan.rows if row.status == cohorts.UPDATED]
    _update_accounts(updated)
    student_role = Group.objects.get(name=Role.STUDENT.value)
    new_students = [row.user.pk for row in plan.rows if row.status != cohorts.UNCHANGED]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=pk, group_id=student_role.pk) for pk in new_students],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    ImportedMember.objects.bulk_create(
        [
            ImportedMember(
                batch=batch,
                user_id=row.user.pk,
                outcome=row.status,
                invitation=ImportedMember.Invitation.PENDING
                if row.status == cohorts.NEW
                else ImportedMember.Invitation.NONE,
            )
            for row in plan.rows
        ],
        batch_size=BATCH_SIZE,
    )
    batch.status = ImportBatch.Status.INVITING if created else ImportBatch.Status.DONE
    batch.created_count = len(created)
    batch.updated_count = len(updated)
    batch.unchanged_count = plan.count(cohorts.UNCHANGED)
    batch.confirmed_at = timezone.now()
    batch.finished_at = None if created else batch.confirmed_at
    batch.rows = []  # the members are in the portal now; the file's copy is not kept
    batch.save()
    audit(
        "community.members.imported",
        actor=by,
        target=f"import:{batch.pk}",
        created=batch.created_count,
        updated=batch.updated_count,
        unchanged=batch.unchanged_count,
    )
    changed = [row.user.pk for row in updated]
    cache.delete_many([role_cache_key(pk) for pk in new_students])
    for pk in changed:
        forget_user(pk)
    pagecache.bump(*[pagecache.member(pk) for pk in changed])
    if created:
        from ..tasks import send_import_invitations

        send_after_commit(send_import_invitations, batch.pk)
    return batch


def _create_accounts(rows) -> list[User]:
    """New accounts without a password (they set one from the invitation), their profiles and
    their addresses, which the partner university vouches for, in a few set-based statements."""
    users = [
        User(
            email=row.data["email"],
            display_name=row.data["name"],
            language=row.data["language"],
            organization_id=row.data["university"],
            # An unusable password: hashing nothing costs no time, so 5,000 accounts are quick.
            password=make_password(None),
        )
        for row in rows
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    for row, user in zip(rows, users, strict=True):
        row.user = user
    Profile.objects.bulk_create(
        [
            Profile(
                user=row.user,
                programme=row.data["programme"],
                arrival_date=row.data["arrival"],
                departure_date=row.data["departure"],
            )
            for row in rows
        ],
        batch_size=BATCH_SIZE,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users],
        batch_size=BATCH_SIZE,
    )
    return users


def _update_accounts(rows) -> None:
    users, profiles = [], []
    for row in rows:
        user, clean = row.user, row.data
        if user.last_login is None:
            user.display_name, user.language = clean["name"], clean["language"]
        user.organization_id = clean["university"]
        profile = user.profile
        profile.programme = clean["programme"]
        profile.arrival_date, profile.departure_date = clean["arrival"], clean["departure"]
        profile.updated_at = timezone.now()
        users.append(user)
        profiles.append(profile)
    User.objects.bulk_update(users, ["display_name", "language", "organization"], batch_size=BATCH_SIZE)
    Profile.objects.bulk_update(
        profiles, ["programme", "arrival_date", "departure_date", "updated_at"], batch_size=BATCH_SIZE
    )


def invitation_url(user: User) -> str:
    """allauth's set-password page for this account (a password-reset key, valid PASSWORD_RESET_TIMEOUT)."""
    key = default_token_generator.make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


def send_import_invitations(*, batch_id: int) -> int:
    """E-mail each new member of a batch their invitation in their language, a hundred per
    transaction so that the page shows progress. Safe to repeat and to run in parallel: rows are
    claimed with SKIP LOCKED and marked sent in the transaction that stores their e-mail."""
    sent = 0
    while True:
        with transaction.atomic():
            claimed = list(
                ImportedMember.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(batch_id=batch_id, invitation=ImportedMember.Invitation.PENDING)
                .select_related("user", "batch")
                .order_by("pk")[:INVITATIONS_PER_TRANSACTION]
            )
            if not claimed:
                break
            for member in claimed:
                send_templated_email(
                    recipient=member.user,
                    template_prefix="community/email/import_invitation",
                    context={"set_password_url": invitation_url(member.user), "batch": member.batch},
                )
            ImportedMember.objects.filter(pk__in=[m.pk for m in claimed]).update(
                invitation=ImportedMember.Invitation.SENT, invited_at=timezone.now()
            )
            sent += len(claimed)
    if not ImportedMember.objects.filter(batch_id=batch_id, invitation=ImportedMember.Invitation.PENDING).exists():
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.INVITING).update(
            status=ImportBatch.Status.DONE, finished_at=timezone.now()
        )
    return sent


def requeue_import_invitations() -> int:
    """Queue batches whose invitations no worker has sent (broker down, worker lost)."""
    from ..tasks import send_import_invitations as task

    stale = list(
        ImportBatch.objects.filter(
            status=ImportBatch.Status.INVITING, confirmed_at__lt=timezone.now() - SWEEP_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in stale:
        send_after_commit(task, pk)
    return len(stale)


def invitation_progress(batch: ImportBatch) -> dict:
    """How many invitations of a batch are sent: what the page polls."""
    total = batch.created_count
    sent = ImportedMember.objects.filter(batch=batch, invitation=ImportedMember.Invitation.SENT).count()
    return {"status": batch.status, "total": total, "sent": sent, "done": batch.status == ImportBatch.Status.DONE}
