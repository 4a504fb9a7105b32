"""Writes of the credentials app: awarding, completing, stacking, revoking, recognising."""

import csv
import io
import logging
from collections.abc import Collection
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community import pagecache
from community.caching import member
from community.models import Organization, User
from jige_portal.celery import SWEEP_AFTER, send_after_commit

from . import caching, signing
from .images import default_badge_file
from .models import Achievement, Award, AwardEvent, BatchAward, RecognitionRequest, issuing_organizations
from .openbadges import KeyEncryptionError

logger = logging.getLogger(__name__)

TRANSLATED_FIELDS = (
    "name",
    "description",
    "criteria",
    "learning_outcomes",
    "assessment_method",
    "quality_assurance",
    "prerequisites",
)


def _notify(**kwargs):
    from community.services import notify

    return notify(**kwargs)


def record_award_event(*, award: Award, event: str, actor: User | None = None, note: str = "") -> AwardEvent:
    return AwardEvent.objects.create(award=award, event=event, actor=actor, note=note)


# --- achievements ------------------------------------------------------------------------

FOREIGN_ISSUER = _("You may issue credentials only in the name of the university you belong to.")
LOCKED_AFTER_AWARD = _(
    "This achievement has been awarded, so its issuer, credits and criteria can no longer change. "
    "Create a new achievement for the new version."
)


def check_issuer(*, achievement: Achievement, by: User) -> None:
    """Raise ValidationError (on the issuer field) unless `by` acts for the achievement's issuer."""
    if not achievement.can_be_issued_by(by):
        raise ValidationError({"issuer": ValidationError(FOREIGN_ISSUER, code="foreign_issuer")})


def check_locked_fields(*, achievement: Achievement) -> None:
    """Raise ValidationError when an awarded achievement's issuer, credits or criteria changed."""
    changed = achievement.locked_changes()
    if changed:
        raise ValidationError({name: ValidationError(LOCKED_AFTER_AWARD, code="locked") for name in changed})


@transaction.atomic
def save_achievement(*, achievement: Achievement, by: User) -> Achievement:
    """Create or change an achievement in the name of an issuer `by` acts for; a default badge is
    generated when it has no image. Raises ValidationError (foreign issuer, locked fields)."""
    check_issuer(achievement=achievement, by=by)
    if achievement.pk is not None:
        # Race: an award being created now takes a KEY SHARE lock on this row (its foreign key),
        # which conflicts with FOR UPDATE: the award waits for this save, or this save sees it.
        Achievement.objects.select_for_update().filter(pk=achievement.pk).first()
        check_locked_fields(achievement=achievement)
    else:
        achievement.created_by = achievement.created_by or by
    achievement.save()
    if not achievement.badge_image:
        ensure_default_image(achievement)
    return achievement


# --- awarding ---------------------------------------------------------------------------


def award_achievement(
    *,
    recipient: User,
    achievement: Achievement,
    evidence: str = "",
    awarded_by: User | None = None,
    acting_for: Collection[int] | None = None,
) -> Award:
    """Record the award once per (recipient, achievement) as pending, in the caller's transaction,
    and queue its completion after commit. Safe to repeat: returns the existing award.

    `acting_for`: the organizations the event vouches for (a module's co-owners' universities,
    a staff member's university); PermissionDenied when the issuer is not one of them, so that a
    signed credential never carries an issuer nobody there agreed to."""
    if acting_for is not None and achievement.issuer_id not in set(acting_for):
        raise PermissionDenied(FOREIGN_ISSUER)
    with transaction.atomic():
        existing = Award.objects.filter(recipient=recipient, achievement=achievement).first()
        if existing is not None:
            return existing
        # Race: two events for the same learner (a double submit, two workers finishing the
        # same module) can both find nothing above. The unique constraint lets one INSERT win;
        # PostgreSQL makes the other wait for the winner's commit and then fail, inside this
        # savepoint, so the caller's transaction stays usable and we return the winner's row.
        try:
            with transaction.atomic():
                award = Award.objects.create(
                    recipient=recipient,
                    achievement=achievement,
                    issuer_id=achievement.issuer_id,
                    evidence=evidence,
                    awarded_by=awarded_by,
                    credits_earned=achievement.credit_value,
                )
        except IntegrityError:
            return Award.objects.get(recipient=recipient, achievement=achievement)
        record_award_event(award=award, event="credentials.award.created", actor=awarded_by, note=evidence[:500])
        from .tasks import complete_award

        send_after_commit(complete_award, award.pk)
        return award


def achievement_snapshot(achievement: Achievement) -> dict:
    """The achievement's data in both languages, as an issued credential states it."""
    issuer = achievement.issuer
    data = {
        "id": achievement.pk,
        "slug": achievement.slug,
        "type": achievement.type,
        "credit_value": str(achievement.credit_value),
        "level": achievement.level,
        "workload_hours": achievement.workload_hours,
        "language": achievement.language,
        "delivery_mode": achievement.delivery_mode,
        "supervision": achievement.supervision,
        "field_of_study": achievement.field_of_study,
        "validity_months": achievement.validity_months,
        "image": achievement.badge_image.name if achievement.badge_image else "",
        "issuer": {
            "id": issuer.pk,
            "slug": issuer.slug,
            "country": issuer.country,
            "name_en": issuer.name_en,
            "name_ja": issuer.name_ja,
            "website": issuer.website,
        },
    }
    for field in TRANSLATED_FIELDS:
        for language in ("en", "ja"):
            data[f"{field}_{language}"] = getattr(achievement, f"{field}_{language}") or ""
    return data


def ensure_default_image(achievement: Achievement) -> None:
    """Generate the default badge of an achievement that has no image. Safe to repeat."""
    if achievement.image or achievement.generated_image:
        return
    file = default_badge_file(achievement)
    achievement.generated_image.save(file.name, file, save=False)
    # Two awards of the same achievement may complete at once: the first one stores its
    # file, the other's identical render is just not referenced.
    Achievement.objects.filter(pk=achievement.pk, generated_image="").update(
        generated_image=achievement.generated_image.name
    )
    pagecache.bump(caching.ACHIEVEMENTS)


def complete_award(*, award_id: int) -> bool:
    """Issue a pending award: snapshot, default image, notification, pathway check.
    Safe to repeat: a conditional UPDATE claims the award, so only one run issues it."""
    with transaction.atomic():
        now = timezone.now()
        # Race: the task can run twice (redelivery after a lost worker, the sweep). The UPDATE
        # locks the row; a second run waits for the first to commit, then matches no pending
        # row. If the worker dies before commit, PostgreSQL rolls back and the award is
        # pending again for the next run.
        claimed = Award.objects.filter(pk=award_id, status=Award.Status.PENDING).update(
            status=Award.Status.ISSUED, issued_at=now, completion_attempts=F("completion_attempts") + 1
        )
        if not claimed:
            return False
        award = Award.objects.select_related("achievement__issuer", "recipient").get(pk=award_id)
        pagecache.bump(caching.award(award.pk), member(award.recipient_id))
        achievement = award.achievement
        # Serialise the completions of one learner's awards, so that two of them finishing at
        # once both see each other when the pathways are checked (otherwise neither would
        # see the pathway complete). NO KEY UPDATE: rows that merely reference the learner
        # (a new award, a notification) are not held up by it.
        recipient = User.objects.select_for_update(no_key=True).get(pk=award.recipient_id)
        ensure_default_image(achievement)
        award.valid_until = achievement.valid_until_for(now)
        award.snapshot = achievement_snapshot(achievement)
        award.save(update_fields=["valid_until", "snapshot"])
        # Open Badges 3.0: signed here, in the same transaction, from the snapshot just saved.
        # Without the key-encryption secret the award is issued unsigned and the periodic
        # signing sweep (sign_unsigned_awards) signs it once the secret is set.
        if signing.is_configured():
            signing.sign_award(award=award)
        else:
            logger.warning("CREDENTIALS_KEY_ENCRYPTION_KEY is not set: award %s issued unsigned", award.pk)
        record_award_event(award=award, event="credentials.award.issued")
        if achievement.is_pathway:
            message = _("You have completed the pathway “%(achievement)s” from %(issuer)s.")
            event = "credentials.pathway.completed"
        else:
            message = _("You have earned “%(achievement)s” from %(issuer)s.")
            event = "credentials.award.issued"
        _notify(
            recipient=recipient,
            event=event,
            message=message,
            params={"achievement": achievement, "issuer": achievement.issuer},
            url=award.get_absolute_url(),
        )
        check_pathways(recipient=recipient, achievement_ids=[achievement.pk])
    return True


def requeue_pending_awards(*, older_than: timedelta = SWEEP_AFTER, limit: int = 500) -> int:
    """Queue the completion of awards still pending after a minute (broker down, worker lost)."""
    from .tasks import complete_award as complete_award_task

    stale = list(
        Award.objects.pending()
        .filter(created_at__lt=timezone.now() - older_than)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in stale:
        send_after_commit(complete_award_task, pk)
    return len(stale)


# --- pathways ---------------------------------------------------------------------------


def check_pathways(*, recipient: User, achievement_ids: list[int]) -> list[Award]:
    """Award every pathway that has one of `achievement_ids` as a component and whose rule the
    learner now meets. Nested pathways follow when the pathway's own award is completed.
    The caller holds the learner's row lock (see complete_award)."""
    pathways = list(
        Achievement.objects.active()
        .pathways()
        .filter(components__in=achievement_ids)
        .exclude(awards__recipient=recipient)
        .distinct()
        .prefetch_related("components")
    )
    if not pathways:
        return []
    held = Award.objects.issued().for_recipient(recipient).credit_map()
    awarded = []
    for pathway in pathways:
        if pathway.progress_for(held).complete:
            # The evidence of a pathway is the list of the component awards it stacks.
            components = Award.objects.issued().filter(recipient=recipient, achievement__in=pathway.components.all())
            evidence = "\n".join(award.get_public_url() for award in components.order_by("created_at"))
            awarded.append(award_achievement(recipient=recipient, achievement=pathway, evidence=evidence))
    return awarded


def award_pathway_to_qualified(*, pathway: Achievement, by: User | None = None) -> int:
    """Award a pathway to every learner who already meets its rule (it was created or changed after
    they earned the components). Safe to repeat: awarding is once per learner. Returns the count."""
    if not pathway.is_pathway:
        raise ValidationError(_("Only pathways have a rule."), code="not_a_pathway")
    pathway = Achievement.objects.prefetch_related("components").get(pk=pathway.pk)
    held: dict[int, dict[int, object]] = {}
    for recipient_id, achievement_id, credits in (
        Award.objects.issued()
        .filter(achievement__in=pathway.components.all())
        .values_list("recipient_id", "achievement_id", "credits_earned")
    ):
        held.setdefault(recipient_id, {})[achievement_id] = credits
    holders = set(Award.objects.filter(achievement=pathway).values_list("recipient_id", flat=True))
    qualified = [pk for pk, credits in held.items() if pk not in holders and pathway.progress_for(credits).complete]
    with transaction.atomic():
        for recipient in User.objects.filter(pk__in=qualified, is_active=True):
            award_achievement(recipient=recipient, achievement=pathway, awarded_by=by)
    return len(qualified)


# --- learners ---------------------------------------------------------------------------


@transaction.atomic
def set_award_visibility(*, award: Award, user: User, public: bool) -> Award:
    """The learner makes their award page public or private. Raises PermissionDenied."""
    if award.recipient_id != user.pk:
        raise PermissionDenied
    if award.is_public != public:
        Award.objects.filter(pk=award.pk).update(is_public=public)
        pagecache.bump(caching.award(award.pk), member(award.recipient_id))
        award.is_public = public
        record_award_event(
            award=award,
            event="credentials.award.made_public" if public else "credentials.award.made_private",
            actor=user,
        )
    return award


# --- staff ------------------------------------------------------------------------------


@transaction.atomic
def revoke_award(*, award: Award, revoked_by: User, reason: str) -> Award:
    """Revoke an award with a reason and tell the learner. Raises PermissionDenied, ValidationError
    (also when a signed award's issuer key cannot be unlocked: then nothing is written)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the revocation."), code="reason_required")
    # Race: two staff revoking at once, or the completion task issuing it now; the row lock
    # makes the second revocation see the first and do nothing.
    award = Award.objects.select_for_update().select_related("achievement__issuer", "recipient").get(pk=award.pk)
    if not award.can_be_revoked_by(revoked_by):
        if award.is_revoked:
            return award
        raise PermissionDenied
    # The signed credential's bit in its status list, flipped and re-signed in this transaction:
    # verifiers see the revocation as soon as it commits. First, because it needs the issuer's
    # private key (an unsigned award has no list and needs none); the exception rolls it back.
    try:
        signing.set_revoked_bit(award=award)
    except KeyEncryptionError as error:
        logger.error(
            "credentials.award.revoke_failed award %s: the issuer key cannot be unlocked (%s)", award.pk, error
        )
        raise ValidationError(
            _(
                "The signing key cannot be unlocked, so the award was not revoked. The administrator must "
                "set %(setting)s to the secret the issuer keys were encrypted with."
            ),
            code="signing_key_locked",
            params={"setting": "CREDENTIALS_KEY_ENCRYPTION_KEY"},
        ) from error
    award.status = Award.Status.REVOKED
    award.revoked_at = timezone.now()
    award.revoked_by = revoked_by
    award.revocation_reason = reason
    award.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    record_award_event(award=award, event="credentials.award.revoked", actor=revoked_by, note=reason)
    _notify(
        recipient=award.recipient,
        event="credentials.award.revoked",
        message=_("Your award “%(achievement)s” has been revoked. Reason: %(reason)s"),
        params={"achievement": award.achievement, "reason": reason},
        url=award.get_absolute_url(),
        actor=revoked_by,
    )
    return award


@transaction.atomic
def revoke_awards_of_departing_member(*, recipient: User, reason: str) -> int:
    """Revoke every award of a member who deletes their account and asked for it: each signed
    credential's bit is flipped and its status list re-signed, as for a revocation by staff. Safe
    to repeat (revoked awards are left alone). Raises KeyEncryptionError when a list's key cannot
    be unlocked; then nothing is revoked."""
    awards = list(
        Award.objects.select_for_update()
        .filter(recipient=recipient)
        .exclude(status=Award.Status.REVOKED)
        .order_by("pk")
    )
    now = timezone.now()
    for award in awards:
        signing.set_revoked_bit(award=award)
        award.status = Award.Status.REVOKED
        award.revoked_at = now
        award.revoked_by = None
        award.revocation_reason = reason
        award.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
        record_award_event(award=award, event="credentials.award.revoked", note=reason)
    return len(awards)


EMAIL_VALIDATOR = EmailValidator()
MAX_BATCH_ROWS = 5000


def parse_award_rows(*, emails: str = "", csv_text: str = "") -> list[dict]:
    """Rows of a batch from pasted addresses (one a line, or separated by commas/semicolons) and/or
    a CSV whose columns are `email` and optionally `evidence` (a header row is optional)."""
    rows: list[dict] = []
    for line, chunk in enumerate(emails.replace(";", "\n").replace(",", "\n").splitlines(), start=1):
        if chunk.strip():
            rows.append({"line": line, "email": chunk.strip(), "evidence": ""})
    if csv_text:
        reader = csv.reader(io.StringIO(csv_text))
        try:
            for number, record in enumerate(reader, start=1):
                if not record or not "".join(record).strip():
                    continue
                first = record[0].strip().lstrip("\ufeff")
                if number == 1 and first.lower() in ("email", "e-mail", "mail", "メールアドレス"):
                    continue
                evidence = record[1].strip() if len(record) > 1 else ""
                rows.append({"line": number, "email": first, "evidence": evidence})
        except csv.Error as error:
            # A value over the csv module's field limit, a NUL byte, a stray line break in quotes.
            raise unreadable_csv(line=reader.line_num) from error
    return rows


def unreadable_csv(*, line: int) -> ValidationError:
    """The error for a CSV file the csv module cannot read (also used by the courses results upload)."""
    return ValidationError(
        _(
            "The CSV file cannot be read at line %(line)s: a value is longer than %(limit)s characters, "
            "or the file is damaged. Nothing was saved."
        ),
        code="unreadable_csv",
        params={"line": line, "limit": csv.field_size_limit()},
    )


@transaction.atomic
def create_batch_award(
    *, achievement: Achievement, created_by: User, rows: list[dict], evidence: str = ""
) -> BatchAward:
    """Store a batch of manual awards and queue the task that runs it. Raises PermissionDenied, ValidationError."""
    if not achievement.can_be_awarded_by(created_by) or not achievement.can_be_issued_by(created_by):
        raise PermissionDenied
    if not rows:
        raise ValidationError(_("Give at least one e-mail address."), code="empty")
    if len(rows) > MAX_BATCH_ROWS:
        raise ValidationError(
            _("A batch may have at most %(limit)s rows."), code="too_many", params={"limit": MAX_BATCH_ROWS}
        )
    batch = BatchAward.objects.create(
        achievement=achievement, created_by=created_by, rows=rows, total=len(rows), evidence=evidence
    )
    from .tasks import run_batch_award

    send_after_commit(run_batch_award, batch.pk)
    return batch


BATCH_CHUNK = 50


def run_batch_award(*, batch_id: int) -> bool:
    """Award the rows of a batch in chunks, saving progress after each chunk. Safe to repeat and
    to resume: each chunk commits with its progress, and awarding is idempotent."""
    now = timezone.now()
    # Claim: one runner at a time; a runner that has shown no progress for 10 minutes is
    # presumed dead and the batch can be taken over from where it stopped.
    claimed = (
        BatchAward.objects.filter(pk=batch_id)
        .filter(
            Q(status=BatchAward.Status.QUEUED)
            | Q(status=BatchAward.Status.RUNNING, heartbeat_at__lt=now - timedelta(minutes=10))
        )
        .update(status=BatchAward.Status.RUNNING, heartbeat_at=now)
    )
    if not claimed:
        return False
    batch = BatchAward.objects.select_related("achievement", "created_by").get(pk=batch_id)
    if not batch.achievement.can_be_issued_by(batch.created_by):
        # The creator no longer acts for the issuer (moved university, role removed): nothing is awarded.
        failures = [
            {"line": row["line"], "email": row["email"][:254], "error": "not_authorised"}
            for row in batch.rows[batch.processed :]
        ]
        BatchAward.objects.filter(pk=batch_id).update(
            failures=batch.failures + failures,
            processed=batch.total,
            status=BatchAward.Status.DONE,
            finished_at=timezone.now(),
        )
        return True
    acting_for = (
        None
        if batch.created_by.is_superuser
        else set(issuing_organizations(batch.created_by).values_list("pk", flat=True))
    )
    while batch.processed < batch.total:
        with transaction.atomic():
            batch = BatchAward.objects.select_for_update().select_related("achievement", "created_by").get(pk=batch_id)
            chunk = batch.rows[batch.processed : batch.processed + BATCH_CHUNK]
            emails = {row["email"].lower() for row in chunk}
            users = {user.email: user for user in User.objects.filter(email__in=emails, is_active=True)}
            already = set(
                Award.objects.filter(achievement=batch.achievement, recipient__email__in=emails).values_list(
                    "recipient__email", flat=True
                )
            )
            for row in chunk:
                email = row["email"].strip().lower()
                error = ""
                try:
                    EMAIL_VALIDATOR(email)
                except ValidationError:
                    error = "invalid_email"
                if not error and email not in users:
                    error = "unknown_email"
                if not error and email in already:
                    error = "already_awarded"
                if error:
                    batch.failures.append({"line": row["line"], "email": row["email"][:254], "error": error})
                    continue
                award_achievement(
                    recipient=users[email],
                    achievement=batch.achievement,
                    evidence=row.get("evidence") or batch.evidence,
                    awarded_by=batch.created_by,
                    acting_for=acting_for,
                )
                already.add(email)
                batch.succeeded += 1
            batch.processed += len(chunk)
            batch.heartbeat_at = timezone.now()
            batch.save(update_fields=["failures", "succeeded", "processed", "heartbeat_at"])
    BatchAward.objects.filter(pk=batch_id).update(status=BatchAward.Status.DONE, finished_at=timezone.now())
    return True


def requeue_stalled_batches() -> int:
    """Queue batches that are queued for over a minute or whose runner stopped reporting."""
    from .tasks import run_batch_award as run_batch_award_task

    now = timezone.now()
    stalled = list(
        BatchAward.objects.filter(
            Q(status=BatchAward.Status.QUEUED, created_at__lt=now - SWEEP_AFTER)
            | Q(status=BatchAward.Status.RUNNING, heartbeat_at__lt=now - timedelta(minutes=10))
        ).values_list("pk", flat=True)[:100]
    )
    for pk in stalled:
        send_after_commit(run_batch_award_task, pk)
    return len(stalled)


# --- credit bank ------------------------------------------------------------------------


@transaction.atomic
def request_recognition(
    *, learner: User, university: Organization, awards: list[Award], message: str = ""
) -> RecognitionRequest:
    """Ask a university to recognise awards for credit; its staff are told. Raises ValidationError."""
    if university.kind != Organization.Kind.UNIVERSITY or not university.is_active:
        raise ValidationError(_("Choose a university."), code="not_a_university")
    award_ids = {award.pk for award in awards}
    valid = list(
        Award.objects.issued()
        .for_recipient(learner)
        .filter(pk__in=award_ids)
        .select_related("achievement__equivalence_class")
    )
    if not valid or len(valid) != len(award_ids):
        raise ValidationError(_("Choose one or more of your issued awards."), code="awards")
    # Lock the learner's row: two requests submitted at once must not both include an award.
    User.objects.select_for_update(no_key=True).get(pk=learner.pk)
    # The same credits must not reach one university twice: neither the same award nor an
    # award equivalent to one already requested or recognised there.
    earlier = list(
        Award.objects.filter(
            recognition_requests__learner=learner,
            recognition_requests__university=university,
            recognition_requests__status__in=[RecognitionRequest.Status.PENDING, RecognitionRequest.Status.ACCEPTED],
        ).values_list("pk", "achievement__equivalence_class_id")
    )
    earlier_awards = {pk for pk, _class in earlier}
    earlier_classes = {class_id for _pk, class_id in earlier if class_id}
    taken = sorted(
        str(award.achievement)
        for award in valid
        if award.pk in earlier_awards or award.achievement.equivalence_class_id in earlier_classes
    )
    if taken:
        raise ValidationError(
            _("Already requested or recognised at this university: %(names)s"),
            code="duplicate",
            params={"names": ", ".join(taken)},
        )
    from .ledger import countable_credits

    credits = countable_credits(valid)
    if not credits:
        raise ValidationError(_("These awards carry no credits to recognise."), code="no_credits")
    request = RecognitionRequest.objects.create(
        learner=learner, university=university, message=message, credits_requested=credits
    )
    request.awards.set(valid)
    for reviewer in User.objects.filter(is_active=True, organization=university, groups__name="staff").distinct():
        _notify(
            recipient=reviewer,
            event="credentials.recognition.requested",
            message=_("%(learner)s asks %(university)s to recognise %(credits)s credits."),
            params={"learner": learner, "university": university, "credits": request.credits_requested},
            url=reverse("credentials:recognition_decide", args=[request.pk]),
            actor=learner,
        )
    return request


@transaction.atomic
def decide_recognition(
    *, request: RecognitionRequest, decided_by: User, accept: bool, note: str = ""
) -> RecognitionRequest:
    """Accept or decline a recognition request and tell the learner. Raises PermissionDenied."""
    # Race: two staff members deciding at once; the lock makes the second see the decision.
    request = RecognitionRequest.objects.select_for_update().select_related("university", "learner").get(pk=request.pk)
    if not request.can_be_decided_by(decided_by):
        raise PermissionDenied
    request.status = RecognitionRequest.Status.ACCEPTED if accept else RecognitionRequest.Status.DECLINED
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if accept:
        message = _("%(university)s has recognised %(credits)s credits of your awards.")
    else:
        message = _("%(university)s has declined your recognition request.")
    _notify(
        recipient=request.learner,
        event=f"credentials.recognition.{request.status}",
        message=message,
        params={"university": request.university, "credits": request.credits_requested},
        url=reverse("credentials:credit_bank"),
        actor=decided_by,
    )
    return request
