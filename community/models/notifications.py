"""In-app notifications and each member's notification settings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .groups import CommunityGroup, EmailMode, NotificationLevel


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_recipient(self, user):
        return self.filter(recipient=user).select_related("actor", "group").order_by("-created_at", "-pk")


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "none", _("No e-mail")
        SENT = "sent", _("E-mailed")
        DIGEST = "digest", _("Waiting for the daily digest")
        DIGESTED = "digested", _("Sent in a digest")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=80)
    text = models.CharField(_("text"), max_length=500, help_text=_("Rendered in the recipient's language."))
    url = models.CharField(_("link"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    email = models.CharField(_("e-mail"), max_length=10, choices=Email.choices, default=Email.NONE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email", "recipient"]),
        ]

    def __str__(self):
        return self.text


class NotificationSettings(models.Model):
    """A member's defaults; a membership may override them for one group."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_settings"
    )
    level = models.CharField(
        _("notifications"), max_length=10, choices=NotificationLevel.choices, default=NotificationLevel.ALL
    )
    email_mode = models.CharField(_("e-mail"), max_length=12, choices=EmailMode.choices, default=EmailMode.IMMEDIATELY)
    # The day (in the member's time zone) of the last digest: a rerun the same day sends nothing.
    last_digest_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)
