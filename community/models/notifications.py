"""In-app notifications and each member's notification settings."""

from collections import defaultdict
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.query import ModelIterable
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from .groups import CommunityGroup, EmailMode, NotificationLevel


def _message_of(text) -> dict | None:
    """The msgid (and context) behind a lazy translation, or None for text that is no longer
    translatable (already a plain string, or a plural form)."""
    args = getattr(text, "_args", None) if isinstance(text, Promise) else None
    if not args or getattr(text, "_kw", None) or not all(isinstance(arg, str) for arg in args):
        return None
    if len(args) == 1:
        return {"msgid": args[0]}
    if len(args) == 2:
        return {"context": args[0], "msgid": args[1]}
    return None


def _translate(message: dict) -> str:
    if "context" in message:
        return pgettext(message["context"], message["msgid"])
    return gettext(message["msgid"])


def _encode(value):
    """A JSON form of one message parameter that can be shown again in any language: rows by
    model and primary key (their translated fields are read when shown), lazy texts by msgid."""
    if isinstance(value, models.Model):
        return {"model": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, Promise):
        message = _message_of(value)
        return {"text": message} if message else str(value)
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_recipient(self, user):
        return self.filter(recipient=user).select_related("actor", "group").order_by("-created_at", "-pk")

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._iterable_class is ModelIterable:
            load_message_objects(self._result_cache)


def load_message_objects(notifications) -> None:
    """Load the rows named in these notifications' messages with one query per model (not one
    per notification), so that a list shows every message in the reader's language."""
    wanted = defaultdict(set)
    for notification in notifications:
        known = notification._known_objects()
        for key in notification._object_keys():
            if key not in known:
                wanted[key[0]].add(key[1])
    loaded = {}
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        for pk, row in model._default_manager.in_bulk(pks).items():
            loaded[label, pk] = row
    for notification in notifications:
        notification._message_objects = {**loaded, **notification._known_objects()}


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "none", _("No e-mail")
        SENT = "sent", _("E-mailed")
        DIGEST = "digest", _("Waiting for the daily digest")
        DIGESTED = "digested", _("Sent in a digest")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=80)
    text = models.CharField(_("text"), max_length=500, help_text=_("Rendered in the recipient's language."))
    # {"message": {"msgid": …[, "context": …]}, "params": {name: value}}: rendered anew in the
    # reader's language each time it is shown. Empty for rows written before it existed.
    message_data = models.JSONField(_("message"), default=dict, blank=True, editable=False)
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

    @classmethod
    def build(cls, *, message, params: dict | None = None, **fields) -> "Notification":
        """An unsaved notification of `message` % `params`: its text in the active language, and
        (for a lazy translation) the msgid and parameters that render it again in another."""
        params = params or {}
        text = str(message)
        if params:
            text = text % {key: str(value) for key, value in params.items()}
        spec = _message_of(message)
        data = {"message": spec, "params": {key: _encode(value) for key, value in params.items()}} if spec else {}
        notification = cls(text=text[:500], message_data=data, **fields)
        # The rows the sender passed: an e-mail rendered right away needs no query to find them.
        notification._sent_objects = {
            (value._meta.label_lower, value.pk): value for value in params.values() if isinstance(value, models.Model)
        }
        return notification

    @property
    def message(self) -> str:
        """The text in the current language (and time zone); the stored text when a row it names is gone."""
        spec = self.message_data.get("message") if self.message_data else None
        if not spec:
            return self.text
        objects = getattr(self, "_message_objects", None)
        if objects is None:
            load_message_objects([self])
            objects = self._message_objects
        values = {}
        for key, value in self.message_data.get("params", {}).items():
            if isinstance(value, dict):
                value = self._decode(value, objects)
                if value is None:
                    return self.text
            values[key] = str(value)
        try:
            return (_translate(spec) % values)[:500]
        except (KeyError, TypeError, ValueError):  # a translation that does not fit its parameters
            return self.text

    @staticmethod
    def _decode(value: dict, objects: dict):
        if "model" in value:
            return objects.get((value["model"], value["pk"]))
        if "text" in value:
            return _translate(value["text"])
        if "date" in value:
            return formats.date_format(date.fromisoformat(value["date"]), "DATE_FORMAT")
        if "datetime" in value:
            moment = timezone.localtime(datetime.fromisoformat(value["datetime"]))
            return formats.date_format(moment, "DATETIME_FORMAT")
        return None

    def _object_keys(self) -> list[tuple[str, object]]:
        params = self.message_data.get("params", {}) if self.message_data else {}
        return [
            (value["model"], value["pk"]) for value in params.values() if isinstance(value, dict) and "model" in value
        ]

    def _known_objects(self) -> dict:
        """Rows already in memory: the actor and group (select_related), or what the sender passed."""
        known = dict(getattr(self, "_sent_objects", {}))
        for name in ("actor", "group"):
            if self._meta.get_field(name).is_cached(self):
                row = getattr(self, name)
                if row is not None:
                    known[row._meta.label_lower, row.pk] = row
        return known


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
