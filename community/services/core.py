"""Writes of the community app that span models or have side effects."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from jige_portal.celery import SWEEP_AFTER, send_after_commit

from ..backends import forget_user
from ..models import OutgoingEmail, Role, User

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5


def queue_email(message: EmailMessage, *, language: str) -> OutgoingEmail:
    """Store a rendered e-mail and queue its delivery after commit (the sweep covers outages)."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    if message.content_subtype == "html":
        html, text = message.body, ""
    else:
        text = message.body
    outgoing = OutgoingEmail.objects.create(
        to=list(message.to),
        subject=message.subject[:300],
        body_text=text,
        body_html=html,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        headers=dict(message.extra_headers),
        language=language,
    )
    from ..tasks import send_outgoing_email

    send_after_commit(send_outgoing_email, outgoing.pk)
    return outgoing


def send_templated_email(
    *, recipient: User, template_prefix: str, context: dict, to: str | None = None
) -> OutgoingEmail:
    """Render `<prefix>_subject.txt`, `_message.txt` (and `_message.html` if present) in the
    recipient's language and time zone, then queue it."""
    context = {"recipient": recipient, "site_url": settings.SITE_URL, **context}
    with translation.override(recipient.language), timezone.override(recipient.time_zone):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}_message.txt", context)
        try:
            html = render_to_string(f"{template_prefix}_message.html", context)
        except Exception:  # noqa: BLE001 - the HTML part is optional
            html = ""
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to or recipient.email])
    if html:
        message.attach_alternative(html, "text/html")
    return queue_email(message, language=recipient.language)


def deliver_outgoing_email(*, email_id: int) -> bool:
    """Send one stored e-mail. Safe to repeat: the conditional UPDATE lets one worker win."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING).update(
        status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    outgoing = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        outgoing.subject,
        outgoing.body_text,
        outgoing.from_email,
        outgoing.to,
        headers=outgoing.headers or None,
    )
    if outgoing.body_html:
        message.attach_alternative(outgoing.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any transport error: keep the mail and retry later
        logger.warning("Sending e-mail %s failed: %s", email_id, exc)
        failed = outgoing.attempts >= MAX_EMAIL_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=OutgoingEmail.Status.FAILED if failed else OutgoingEmail.Status.PENDING,
            last_error=str(exc)[:2000],
        )
        return False
    OutgoingEmail.objects.filter(pk=email_id).update(status=OutgoingEmail.Status.SENT, sent_at=timezone.now())
    return True


def requeue_stale_outgoing_email(*, limit: int = 500) -> int:
    """Queue pending e-mails older than a minute, and release ones a dead worker had claimed."""
    from ..tasks import send_outgoing_email

    now = timezone.now()
    OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - timedelta(minutes=10)
    ).update(status=OutgoingEmail.Status.PENDING)
    stale = list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, created_at__lt=now - SWEEP_AFTER)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - timedelta(minutes=2)))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in stale:
        send_after_commit(send_outgoing_email, pk)
    return len(stale)


def set_language_preference(*, user: User, language: str) -> None:
    """Remember the interface language of a signed-in member."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        forget_user(user.pk)
        user.language = language


@transaction.atomic
def assign_role(*, user: User, role: str) -> None:
    """Give a role (a Django group). Staff and faculty also get into the admin."""
    group = Group.objects.get(name=Role(role).value)
    user.groups.add(group)
    if role in (Role.STAFF, Role.FACULTY) and not user.is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        forget_user(user.pk)
        user.is_staff = True
    user.__dict__.pop("role_names", None)
