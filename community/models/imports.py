"""Cohorts imported from a partner university's list: the batch and the members it invites."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportBatch(models.Model):
    """One uploaded list of members: previewed, then confirmed (written at once) and invited in the background."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        INVITING = "inviting", _("Sending invitations")
        DONE = "done", pgettext_lazy("an import", "Done")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    name = models.CharField(_("cohort name"), max_length=120)
    filename = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(_("file checksum"), max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    # The parsed rows of the file ({"line", "name", "email", …}), kept between preview and confirmation.
    rows = models.JSONField(_("rows"), default=list, editable=False)
    created_count = models.PositiveIntegerField(_("new members"), default=0)
    updated_count = models.PositiveIntegerField(_("updated members"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged members"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ImportedMember",
        related_name="import_batches",
        verbose_name=_("imported members"),
    )

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("community:import_detail", args=[self.pk])


class ImportedMember(models.Model):
    """A member named in a confirmed batch; new accounts wait here for their invitation."""

    class Invitation(models.TextChoices):
        NONE = "none", _("Not needed (existing account)")
        PENDING = "pending", pgettext_lazy("an invitation", "Pending")
        SENT = "sent", _("Sent")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="imported_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10)
    invitation = models.CharField(_("invitation"), max_length=10, choices=Invitation.choices, default=Invitation.NONE)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)

    class Meta:
        verbose_name = _("imported member")
        verbose_name_plural = _("imported members")
        constraints = [models.UniqueConstraint(fields=["batch", "user"], name="imported_member_once")]
        indexes = [models.Index(fields=["batch", "invitation"])]

    def __str__(self):
        return f"{self.batch} – {self.user}"
