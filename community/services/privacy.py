"""A member's data archive and the deletion of their account (APPI, GDPR)."""

import json
import logging
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jige_portal.celery import SWEEP_AFTER, send_after_commit

from .. import privacy
from ..models import AccountDeletion, DataExport, User
from .core import send_templated_email
from .groups import audit

logger = logging.getLogger("community.privacy")

# A running export whose task has not finished by then died with its worker: it is started again.
EXPORT_STALE_AFTER = timedelta(minutes=15)


def _export_days() -> int:
    return getattr(settings, "DATA_EXPORT_DAYS", 7)


def _grace_days() -> int:
    return getattr(settings, "ACCOUNT_DELETION_GRACE_DAYS", 14)


# -- export -------------------------------------------------------------------------------------
@transaction.atomic
def request_data_export(*, user: User) -> DataExport:
    """Ask for an archive of the member's data; the task is queued after commit. An archive still
    being made is returned instead of a second one."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # two clicks at once: one archive
    current = DataExport.objects.filter(
        user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING]
    ).first()
    if current is not None:
        return current
    export = DataExport.objects.create(user=user)
    audit("community.data_export.requested", actor=user, target=f"user:{user.pk}")
    from ..tasks import build_data_export

    send_after_commit(build_data_export, export.pk)
    return export


def _claim_export(export_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=DataExport.Status.PENDING) | Q(
        status=DataExport.Status.RUNNING, started_at__lt=now - EXPORT_STALE_AFTER
    )
    return bool(
        DataExport.objects.filter(claimable, pk=export_id).update(
            status=DataExport.Status.RUNNING, started_at=now, progress=0
        )
    )


def _entry_bytes(content) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode("utf-8")
    return json.dumps(content, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def build_data_export(*, export_id: int) -> bool:
    """Write the member's archive (a ZIP in protected media), reporting progress on the row.
    Safe to repeat: only a pending export (or one whose worker died) is claimed."""
    if not _claim_export(export_id):
        return False
    export = DataExport.objects.select_related("user").get(pk=export_id)
    user = export.user
    exporters = privacy.exporters()
    try:
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
            contents = []
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for number, exporter in enumerate(exporters, start=1):
                    for path, content in exporter(user).items():
                        archive.writestr(path, _entry_bytes(content))
                        contents.append(path)
                    progress = min(99, number * 100 // (len(exporters) + 1))
                    DataExport.objects.filter(pk=export.pk).update(progress=progress)
                archive.writestr(
                    "manifest.json",
                    _entry_bytes(
                        {
                            "portal": settings.SITE_URL,
                            "member": user.email,
                            "made": timezone.now().isoformat(),
                            "files": sorted(contents),
                        }
                    ),
                )
            size = spool.tell()
            spool.seek(0)
            with transaction.atomic():
                export = DataExport.objects.select_for_update().get(pk=export.pk)
                if export.status != DataExport.Status.RUNNING:  # expired or deleted meanwhile
                    return False
                export.file.save("archive.zip", File(spool), save=False)
                now = timezone.now()
                export.status = DataExport.Status.DONE
                export.progress = 100
                export.size = size
                export.finished_at = now
                export.expires_at = now + timedelta(days=_export_days())
                export.save(update_fields=["file", "status", "progress", "size", "finished_at", "expires_at"])
    except Exception as error:
        logger.exception("community.data_export.failed export %s", export_id)
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING).update(
            status=DataExport.Status.FAILED, error=type(error).__name__, finished_at=timezone.now()
        )
        return False
    return True


def sweep_data_exports() -> int:
    """Queue exports no worker has made (broker down, worker died) and delete expired archives."""
    from ..tasks import build_data_export

    now = timezone.now()
    stale = DataExport.objects.filter(
        Q(status=DataExport.Status.PENDING, created_at__lt=now - SWEEP_AFTER)
        | Q(status=DataExport.Status.RUNNING, started_at__lt=now - EXPORT_STALE_AFTER)
    ).values_list("pk", flat=True)[:200]
    queued = 0
    for pk in stale:
        with transaction.atomic():
            send_after_commit(build_data_export, pk)
        queued += 1
    for export in DataExport.objects.filter(status=DataExport.Status.DONE, expires_at__lt=now)[:500]:
        with transaction.atomic():
            if DataExport.objects.filter(pk=export.pk, status=DataExport.Status.DONE).update(
                status=DataExport.Status.EXPIRED
            ):
                name = export.file.name
                DataExport.objects.filter(pk=export.pk).update(file="")
                if name:
                    storage = export.file.storage
                    transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return queued


# -- deletion -----------------------------------------------------------------------------------
def scheduled_deletion(user: User) -> AccountDeletion | None:
    return AccountDeletion.objects.filter(user=user, status=AccountDeletion.Status.SCHEDULED).first()


def check_deletion_confirmation(*, user: User, confirmation: str) -> None:
    """The member typed their e-mail address or password. Raises ValidationError."""
    typed = confirmation.strip()
    if typed and (typed.lower() == user.email.lower() or user.check_password(confirmation)):
        return
    raise ValidationError(_("Type your e-mail address or your password to confirm."), code="confirmation_mismatch")


@transaction.atomic
def request_account_deletion(*, user: User, confirmation: str, keep_credentials: bool) -> AccountDeletion:
    """Schedule the erasure of the account after the grace period and tell the member by e-mail.
    Raises ValidationError for a wrong confirmation. A second request returns the first."""
    check_deletion_confirmation(user=user, confirmation=confirmation)
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = scheduled_deletion(user)
    if existing is not None:
        return existing
    now = timezone.now()
    deletion = AccountDeletion.objects.create(
        user=user,
        keep_credentials=keep_credentials,
        requested_at=now,
        erase_after=now + timedelta(days=_grace_days()),
    )
    audit("community.account.deletion_requested", actor=user, target=f"user:{user.pk}")
    send_templated_email(
        recipient=user,
        template_prefix="community/email/account_deletion",
        context={"deletion": deletion, "grace_days": _grace_days()},
    )
    return deletion


@transaction.atomic
def cancel_account_deletion(*, user: User) -> AccountDeletion | None:
    """Cancel the member's scheduled deletion (signing in does it too); None when there was none."""
    deletion = (
        AccountDeletion.objects.select_for_update().filter(user=user, status=AccountDeletion.Status.SCHEDULED).first()
    )
    if deletion is None:
        return None
    deletion.status = AccountDeletion.Status.CANCELLED
    deletion.cancelled_at = timezone.now()
    deletion.save(update_fields=["status", "cancelled_at"])
    audit("community.account.deletion_cancelled", actor=user, target=f"user:{user.pk}")
    return deletion


def erase_account(*, deletion_id: int) -> bool:
    """Erase or anonymise the member's data in every app, as their request says, once its grace
    period is over. Safe to repeat: the request is locked and erased once."""
    with transaction.atomic():
        deletion = (
            AccountDeletion.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=deletion_id)
            .first()
        )
        if deletion is None or deletion.status != AccountDeletion.Status.SCHEDULED:
            return False
        if deletion.erase_after > timezone.now():
            return False
        user = User.objects.select_for_update().get(pk=deletion.user_id)
        for eraser in privacy.erasers():
            eraser(user, deletion=deletion)
        deletion.status = AccountDeletion.Status.ERASED
        deletion.erased_at = timezone.now()
        deletion.save(update_fields=["status", "erased_at"])
        # No actor: the person is gone, and the audit row must not lead back to them.
        audit(
            "community.account.erased",
            target=f"user:{user.pk}",
            credentials="kept" if deletion.keep_credentials else "revoked",
        )
    return True


def erase_due_accounts(*, limit: int = 100) -> int:
    """Erase every account whose grace period is over, each in its own transaction."""
    due = AccountDeletion.objects.filter(
        status=AccountDeletion.Status.SCHEDULED, erase_after__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    erased = 0
    for pk in list(due):
        try:
            erased += erase_account(deletion_id=pk)
        except Exception:
            # One member's failure (an issuer key that cannot be unlocked to revoke) must not
            # stop the others; the request stays scheduled and is tried again next time.
            logger.exception("community.account.erase_failed deletion %s", pk)
    return erased
