"""A member's rights over their data: an archive of everything, and the deletion of the account."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def export_upload_to(instance, filename: str) -> str:
    # A random folder: the name is never a way in (the file is served only to its owner), but a
    # guessable one would still tell who asked for an archive when.
    return f"{EXPORT_FOLDER}/{uuid.uuid4().hex}/jige-data-{timezone.now():%Y%m%d}.zip"


EXPORT_FOLDER = "data-exports"


class DataExport(models.Model):
    """One archive of a member's data, made by a task that reports its progress here."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("a data export", "Waiting to start")
        RUNNING = "running", pgettext_lazy("a data export", "Being made")
        DONE = "done", pgettext_lazy("a data export", "Ready")
        FAILED = "failed", pgettext_lazy("a data export", "Failed")
        EXPIRED = "expired", pgettext_lazy("a data export", "Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("member")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("archive"), upload_to=export_upload_to, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("community:data_export", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == self.Status.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )


class AccountDeletion(models.Model):
    """A member's request to delete their account: erased after a grace period unless cancelled."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("an account deletion", "Scheduled")
        CANCELLED = "cancelled", pgettext_lazy("an account deletion", "Cancelled")
        ERASED = "erased", pgettext_lazy("an account deletion", "Erased")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_deletions",
        verbose_name=_("member"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    keep_credentials = models.BooleanField(
        _("keep issued credentials valid"),
        default=True,
        help_text=_("Otherwise the member's credentials are revoked when the account is erased."),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    erase_after = models.DateTimeField(_("erase after"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("account deletion")
        verbose_name_plural = _("account deletions")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="scheduled"), name="account_deletion_one_scheduled"
            )
        ]
        indexes = [models.Index(fields=["status", "erase_after"])]

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"
