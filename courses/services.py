"""Writes of the courses app: the publishing workflow, enrolment and waiting list, results,
completion and blended-programme applications. Every function runs in one transaction and
writes an audit entry; notifications and e-mails leave after commit (community.services.notify)."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community import pagecache
from community import services as community_services
from community.models import User
from credentials.services import unreadable_csv
from jige_portal.celery import SWEEP_AFTER, send_after_commit

from . import caching
from .models import (
    AuditEntry,
    Enrolment,
    EnrolmentRefused,
    InvalidTransition,
    Module,
    ModuleApproval,
    ModuleOwner,
    Programme,
    ProgrammeApplication,
    group_archive_delay,
)


def record_event(event: str, *, actor=None, module=None, programme=None, subject=None, **data) -> AuditEntry:
    return AuditEntry.objects.create(
        event=event, actor=actor, module=module, programme=programme, subject=subject, data=data
    )


def _lock_module(module: Module) -> Module:
    return Module.objects.select_for_update().get(pk=module.pk)


# -- publishing workflow -------------------------------------------------------------------


@transaction.atomic
def submit_module_for_review(*, module: Module, by: User) -> Module:
    """Move a draft to review and ask every co-owner for approval (one approval row each)."""
    module = _lock_module(module)
    if not module.can_be_edited_by(by):
        raise PermissionDenied
    if not module.can_move_to(Module.Status.IN_REVIEW):
        raise InvalidTransition(_("Only a draft can be submitted for review."))
    if not module.partner_universities.exclude(pk=module.lead_university_id).exists():
        raise InvalidTransition(_("A module needs at least one partner university besides the lead university."))
    owners = list(module.owners.values_list("user_id", flat=True))
    if not owners:
        raise InvalidTransition(_("A module needs at least one co-owner."))
    refusal = module.achievement_refusal(module.achievement)
    if refusal:
        raise InvalidTransition(refusal)
    module.approvals.all().delete()
    ModuleApproval.objects.bulk_create([ModuleApproval(module=module, owner_id=pk) for pk in owners])
    module.status = Module.Status.IN_REVIEW
    module.save(update_fields=["status", "updated_at"])
    record_event("courses.module.submitted", actor=by, module=module)
    for owner in User.objects.filter(pk__in=owners).exclude(pk=by.pk):
        community_services.notify(
            recipient=owner,
            event="courses.module.review_requested",
            message=_("%(actor)s asks you to approve the module “%(module)s” for publishing."),
            params={"actor": by, "module": module},
            url=module.get_absolute_url(),
            actor=by,
        )
    return module


@transaction.atomic
def approve_module(*, module: Module, by: User) -> Module:
    """Record one co-owner's approval, for the credential linked now; the last approval publishes
    the module once a co-owner of the credential's issuer is among them. On a published module a
    co-owner of the issuer approves a credential linked after publication. Safe to repeat."""
    module = _lock_module(module)
    if module.status == Module.Status.PUBLISHED:
        return _approve_credential(module, by=by)
    if module.status != Module.Status.IN_REVIEW:
        raise InvalidTransition(_("Only a module in review can be approved."))
    approval = module.approvals.filter(owner=by).first()
    if approval is None or not module.is_owned_by(by):
        raise PermissionDenied
    if approval.approved_at is None or approval.achievement_id != module.achievement_id:
        approval.approved_at = timezone.now()
        approval.achievement_id = module.achievement_id
        approval.save(update_fields=["approved_at", "achievement"])
        record_event("courses.module.approved", actor=by, module=module, achievement=module.achievement_id)
    # A co-owner added after the review began has no approval row yet: publishing waits for them.
    owners = set(module.owners.values_list("user_id", flat=True))
    approved = set(module.approvals.filter(approved_at__isnull=False).values_list("owner_id", flat=True))
    if owners <= approved and not module.award_refusal():
        _publish(module, by=by)
    return module


def _approve_credential(module: Module, *, by: User) -> Module:
    if not module.is_owned_by(by):
        raise PermissionDenied
    if module.has_issuer_approval():
        raise InvalidTransition(_("This module is published already."))
    if module.achievement.issuer_id != by.organization_id:
        raise InvalidTransition(
            _("Only a co-owner from %(issuer)s, which issues the module's credential, can approve it.")
            % {"issuer": module.achievement.issuer}
        )
    refusal = module.achievement_refusal(module.achievement)
    if refusal:
        raise InvalidTransition(refusal)
    ModuleApproval.objects.update_or_create(
        module=module, owner=by, defaults={"approved_at": timezone.now(), "achievement_id": module.achievement_id}
    )
    record_event("courses.module.credential_approved", actor=by, module=module, achievement=module.achievement_id)
    return module


@transaction.atomic
def set_module_achievement(*, module: Module, achievement, by: User) -> Module:
    """Link the credential a module awards. Raises PermissionDenied, ValidationError when its issuer
    is not a co-owner's university; during review every co-owner approves again."""
    module = _lock_module(module)
    if not module.can_be_edited_by(by):
        raise PermissionDenied
    refusal = module.achievement_refusal(achievement)
    if refusal:
        raise ValidationError({"achievement": refusal}, code="foreign_credential")
    if module.achievement_id != (achievement.pk if achievement else None):
        module.achievement = achievement
        module.save(update_fields=["achievement", "updated_at"])
        record_event("courses.module.credential_linked", actor=by, module=module, achievement=module.achievement_id)
        note_module_edited(module=module, by=by)
    return module


def _publish(module: Module, *, by: User) -> None:
    module.status = Module.Status.PUBLISHED
    module.published_at = timezone.now()
    module.save(update_fields=["status", "published_at", "updated_at"])
    ensure_module_groups(module=module)
    record_event("courses.module.published", actor=by, module=module)


@transaction.atomic
def note_module_edited(*, module: Module, by: User) -> None:
    """Content or co-owners changed during review: every co-owner approves the new version again."""
    module = _lock_module(module)
    if module.status != Module.Status.IN_REVIEW:
        return
    module.approvals.update(approved_at=None)
    owners = module.owners.values_list("user_id", flat=True)
    ModuleApproval.objects.bulk_create(
        [ModuleApproval(module=module, owner_id=pk) for pk in owners], ignore_conflicts=True
    )
    module.approvals.exclude(owner_id__in=owners).delete()
    pagecache.bump(caching.module(module.pk))
    record_event("courses.module.approvals_reset", actor=by, module=module)


@transaction.atomic
def return_module_to_draft(*, module: Module, by: User) -> Module:
    """Take a module out of review (or out of the archive); approvals given so far are dropped."""
    module = _lock_module(module)
    if not module.can_be_edited_by(by):
        raise PermissionDenied
    if module.status not in (Module.Status.IN_REVIEW, Module.Status.ARCHIVED):
        raise InvalidTransition(_("Only a module in review or archived can go back to draft."))
    module.approvals.all().delete()
    module.status = Module.Status.DRAFT
    module.save(update_fields=["status", "updated_at"])
    record_event("courses.module.returned_to_draft", actor=by, module=module)
    return module


@transaction.atomic
def archive_module(*, module: Module, by: User) -> Module:
    module = _lock_module(module)
    if not module.can_be_edited_by(by):
        raise PermissionDenied
    if not module.can_move_to(Module.Status.ARCHIVED):
        raise InvalidTransition(_("This module is archived already."))
    module.status = Module.Status.ARCHIVED
    module.save(update_fields=["status", "updated_at"])
    record_event("courses.module.archived", actor=by, module=module)
    return module


def ensure_module_groups(*, module: Module) -> Module:
    """Create the module's community group and alumni group (idempotent on their slugs)."""
    from community.models import CommunityGroup

    changed = []
    if module.group_id is None:
        module.group = community_services.create_group(
            name_en=module.title_en,
            name_ja=module.title_ja or "",
            description_en=module.summary_en,
            description_ja=module.summary_ja or "",
            category=CommunityGroup.Category.PROGRAMME,
            join_policy="invite",
            visibility="public",
            slug=f"module-{module.slug}"[:80],
        )
        changed.append("group")
    if module.alumni_group_id is None:
        module.alumni_group = community_services.create_group(
            name_en=f"{module.title_en} – alumni",
            name_ja=f"{module.title_ja or module.title_en} – 修了生",
            description_en=module.summary_en,
            description_ja=module.summary_ja or "",
            category=CommunityGroup.Category.PROGRAMME,
            join_policy="invite",
            visibility="public",
            slug=f"module-{module.slug}-alumni"[:80],
        )
        changed.append("alumni_group")
    if changed:
        module.save(update_fields=changed)
    owners = User.objects.filter(owned_modules__module=module)
    for owner in owners:
        community_services.add_member(group=module.group, user=owner, role="admin")
    return module


def add_co_owner(*, module: Module, user: User) -> ModuleOwner:
    owner, _created = ModuleOwner.objects.get_or_create(module=module, user=user)
    return owner


# -- enrolment ------------------------------------------------------------------------------


def _refuse_unless_open(module: Module, existing: Enrolment | None) -> None:
    if module.status != Module.Status.PUBLISHED:
        raise EnrolmentRefused(_("This module is not open for enrolment."), code="not_published")
    if module.is_closed:
        raise EnrolmentRefused(_("This module has ended."), code="ended")
    if existing is not None and existing.status in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
        raise EnrolmentRefused(_("You are already enrolled in this module."), code="twice")
    if existing is not None and existing.status == Enrolment.Status.WAITLISTED:
        raise EnrolmentRefused(_("You are already on the waiting list of this module."), code="twice")
    now = timezone.now()
    if now < module.enrolment_opens_at:
        raise EnrolmentRefused(_("Enrolment for this module has not opened yet."), code="window")
    if now > module.enrolment_closes_at:
        raise EnrolmentRefused(_("Enrolment for this module has closed."), code="window")


def _set_status(enrolment: Enrolment | None, *, module: Module, learner: User, status: str) -> Enrolment:
    now = timezone.now()
    if enrolment is None:
        enrolment = Enrolment(module=module, learner=learner)
    enrolment.status = status
    if status == Enrolment.Status.ENROLLED:
        enrolment.enrolled_at = now
    if status == Enrolment.Status.WAITLISTED:
        enrolment.waitlisted_at = now
    enrolment.save()
    return enrolment


@transaction.atomic
def enrol_learner(*, module: Module, learner: User) -> Enrolment:
    """Take a seat and join the module's group. Raises EnrolmentRefused (code "full" when no seat is left)."""
    # Race: two learners asking for the last seat at the same moment would both count one free
    # seat. The row lock on the module serialises enrolments of one module, so the count is exact.
    module = _lock_module(module)
    existing = Enrolment.objects.filter(module=module, learner=learner).first()
    _refuse_unless_open(module, existing)
    if module.enrolments.enrolled().count() >= module.seats:
        raise EnrolmentRefused(
            _("This module is full. You can join the waiting list and get a seat when one frees up."), code="full"
        )
    enrolment = _set_status(existing, module=module, learner=learner, status=Enrolment.Status.ENROLLED)
    if module.group_id:
        community_services.add_member(group=module.group, user=learner)
    record_event("courses.enrolment.enrolled", actor=learner, module=module, subject=learner)
    return enrolment


@transaction.atomic
def join_waiting_list(*, module: Module, learner: User) -> Enrolment:
    """Queue for a seat; when a seat is free right now, enrol instead."""
    module = _lock_module(module)
    existing = Enrolment.objects.filter(module=module, learner=learner).first()
    _refuse_unless_open(module, existing)
    if module.enrolments.enrolled().count() < module.seats:
        return enrol_learner(module=module, learner=learner)
    enrolment = _set_status(existing, module=module, learner=learner, status=Enrolment.Status.WAITLISTED)
    record_event("courses.enrolment.waitlisted", actor=learner, module=module, subject=learner)
    return enrolment


@transaction.atomic
def withdraw_enrolment(*, module: Module, learner: User) -> Enrolment:
    """Give up a seat (or a place on the waiting list); the first learner waiting moves up."""
    module = _lock_module(module)
    enrolment = Enrolment.objects.filter(module=module, learner=learner).active().first()
    if enrolment is None:
        raise EnrolmentRefused(_("You are not enrolled in this module."), code="not_enrolled")
    had_seat = enrolment.status == Enrolment.Status.ENROLLED
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    if module.group_id:
        community_services.remove_member(group=module.group, user=learner)
    record_event("courses.enrolment.withdrawn", actor=learner, module=module, subject=learner)
    if had_seat:
        promote_waiting_learners(module=module)
    return enrolment


def promote_waiting_learners(*, module: Module) -> list[Enrolment]:
    """Give free seats to the waiting list in order and e-mail each promoted learner.

    The caller holds the module's row lock (seats are counted under it)."""
    free = module.seats - module.enrolments.enrolled().count()
    if free <= 0:
        return []
    promoted = list(module.enrolments.waitlisted().select_related("learner")[:free])
    now = timezone.now()
    for enrolment in promoted:
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.enrolled_at = now
        enrolment.save(update_fields=["status", "enrolled_at", "updated_at"])
        if module.group_id:
            community_services.add_member(group=module.group, user=enrolment.learner)
        record_event("courses.enrolment.promoted", module=module, subject=enrolment.learner)
        community_services.notify(
            recipient=enrolment.learner,
            event="courses.enrolment.promoted",
            message=_("A seat has freed up: you are now enrolled in “%(module)s”."),
            params={"module": module},
            url=module.get_absolute_url(),
            group=module.group,
        )
    return promoted


@transaction.atomic
def fill_free_seats(*, module: Module) -> list[Enrolment]:
    """After the seat count was raised: promote from the waiting list. Safe to repeat."""
    module = _lock_module(module)
    if module.status != Module.Status.PUBLISHED:
        return []
    return promote_waiting_learners(module=module)


# -- end of a module -------------------------------------------------------------------------

# Learners whose enrolment is still open when the module ends, and what it becomes.
_ENDS_AS = {
    Enrolment.Status.ENROLLED: Enrolment.Status.NOT_COMPLETED,
    Enrolment.Status.WAITLISTED: Enrolment.Status.WAITLIST_CLOSED,
}


def _move_to_alumni(module: Module, learner: User) -> None:
    if module.group_id:
        community_services.remove_member(group=module.group, user=learner)
    if module.alumni_group_id:
        community_services.add_member(group=module.alumni_group, user=learner)


@transaction.atomic
def close_module(*, module: Module, by: User | None = None) -> Module:
    """End a module: learners still enrolled end as "did not complete", the waiting list closes,
    everyone who took part moves to the alumni group and each learner is told in their language.
    `by` is a staff member, or None for the daily task. Raises PermissionDenied, InvalidTransition.
    Safe to repeat: a closed module is left as it is."""
    if not module.can_be_closed_by(by):
        raise PermissionDenied
    # Race: the daily task and a staff member closing at once; the row lock makes the second
    # wait, then find `closed_at` set and do nothing.
    module = _lock_module(module)
    if module.is_closed:
        return module
    refusal = module.close_refusal()
    if refusal:
        raise InvalidTransition(refusal)
    if module.alumni_group_id is None:
        ensure_module_groups(module=module)
    now = timezone.now()
    counts = {"completed": 0, "not_completed": 0, "waitlist_closed": 0}
    enrolments = module.enrolments.filter(
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED, Enrolment.Status.COMPLETED]
    ).select_related("learner")
    for enrolment in enrolments:
        learner = enrolment.learner
        if enrolment.status == Enrolment.Status.COMPLETED:
            # Moved when they completed; again here for those completed before the alumni group existed.
            _move_to_alumni(module, learner)
            counts["completed"] += 1
            message = _(
                "“%(module)s” has ended. Congratulations on completing it: you stay in touch in its alumni group."
            )
        elif enrolment.status == Enrolment.Status.ENROLLED:
            enrolment.status, enrolment.ended_at = Enrolment.Status.NOT_COMPLETED, now
            enrolment.save(update_fields=["status", "ended_at", "updated_at"])
            _move_to_alumni(module, learner)
            record_event("courses.enrolment.not_completed", actor=by, module=module, subject=learner)
            counts["not_completed"] += 1
            message = _(
                "“%(module)s” has ended. You did not meet its completion rule, so no credential is awarded; "
                "you are now a member of its alumni group."
            )
        else:
            enrolment.status, enrolment.ended_at = Enrolment.Status.WAITLIST_CLOSED, now
            enrolment.save(update_fields=["status", "ended_at", "updated_at"])
            record_event("courses.enrolment.waitlist_closed", actor=by, module=module, subject=learner)
            counts["waitlist_closed"] += 1
            message = _("“%(module)s” has ended, so its waiting list is closed. No seat freed up in time.")
        community_services.notify(
            recipient=learner,
            event=f"courses.module.closed.{enrolment.status}",
            message=message,
            params={"module": module},
            url=module.alumni_group.get_absolute_url()
            if module.alumni_group_id and enrolment.status != Enrolment.Status.WAITLIST_CLOSED
            else module.get_absolute_url(),
            actor=by,
        )
    module.closed_at = now
    module.save(update_fields=["closed_at", "updated_at"])
    record_event("courses.module.closed", actor=by, module=module, **counts)
    archive_module_group(module=module)
    return module


@transaction.atomic
def archive_module_group(*, module: Module, by: User | None = None, now=None) -> bool:
    """Make a closed module's community group read-only once COURSES_GROUP_ARCHIVE_DAYS have
    passed since it closed (community.services.archive_group). Safe to repeat. True when archived now."""
    module = Module.objects.select_related("group").get(pk=module.pk)
    due = module.group_archive_due_at()
    if module.group is None or due is None or due > (now or timezone.now()) or module.group.is_archived:
        return False
    if not community_services.archive_group(group=module.group, by=by):
        return False
    record_event("courses.module.group_archived", actor=by, module=module)
    return True


def modules_due_for_closing() -> list[int]:
    """Primary keys of the modules whose last day is over in their own time zone and that are still open."""
    # No zone is more than a day ahead of UTC's date, so this filter loses no candidate;
    # has_ended() then reads each module's own calendar.
    candidates = Module.objects.filter(
        status__in=[Module.Status.PUBLISHED, Module.Status.ARCHIVED],
        closed_at__isnull=True,
        ends_on__lte=timezone.now().astimezone(UTC).date(),
    ).only("pk", "ends_on", "time_zone")
    return [module.pk for module in candidates if module.has_ended()]


def module_groups_due_for_archiving(*, now=None) -> list[int]:
    """Primary keys of closed modules whose group should be read-only by now."""
    now = now or timezone.now()
    return list(
        Module.objects.filter(
            closed_at__lte=now - group_archive_delay(), group__isnull=False, group__archived_at__isnull=True
        ).values_list("pk", flat=True)
    )


# -- results and completion -----------------------------------------------------------------


@dataclass
class ResultRow:
    line: int
    enrolment: Enrolment
    attendance: Decimal
    grade: Decimal


@dataclass
class RowError:
    line: int
    reason: str


def _percent(raw: str):
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        return None
    if not value.is_finite() or value < 0 or value > 100:
        return None
    return value.quantize(Decimal("0.1"))


def parse_results_csv(*, module: Module, data: bytes) -> tuple[list[ResultRow], list[RowError]]:
    """Read `email,attendance,grade` rows; every bad row is reported with its line and reason.
    A module whose credential may not be awarded (see Module.award_refusal) refuses the whole file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(1, _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))]
    refusal = module.award_refusal()
    if refusal:
        return [], [RowError(1, refusal)]
    reader = csv.reader(io.StringIO(text))
    try:
        return _parse_result_rows(module, reader)
    except csv.Error:
        # A value over the csv module's field limit, a NUL byte, a stray line break in quotes.
        return [], [RowError(reader.line_num, unreadable_csv(line=reader.line_num).messages[0])]


def _parse_result_rows(module: Module, reader) -> tuple[list[ResultRow], list[RowError]]:
    errors: list[RowError] = []
    header = next(reader, None)
    if header is None:
        return [], [RowError(1, _("The file is empty."))]
    header = [h.strip().lower() for h in header]
    if header[:3] != ["email", "attendance", "grade"]:
        return [], [RowError(1, _("The first line must be the header: email,attendance,grade"))]
    enrolments = {
        e.learner.email.lower(): e
        for e in module.enrolments.filter(
            status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED]
        ).select_related("learner")
    }
    rows: list[ResultRow] = []
    seen = set()
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < 3:
            errors.append(RowError(line, _("Three values are needed: email, attendance and grade.")))
            continue
        email = cells[0].strip().lower()
        enrolment = enrolments.get(email)
        attendance, grade = _percent(cells[1]), _percent(cells[2])
        if enrolment is None:
            errors.append(RowError(line, _("%(email)s is not enrolled in this module.") % {"email": email or "—"}))
        elif email in seen:
            errors.append(RowError(line, _("%(email)s appears more than once.") % {"email": email}))
        elif attendance is None:
            errors.append(RowError(line, _("Attendance must be a number from 0 to 100.")))
        elif grade is None:
            errors.append(RowError(line, _("The grade must be a number from 0 to 100.")))
        else:
            rows.append(ResultRow(line, enrolment, attendance, grade))
        seen.add(email)
    if not rows and not errors:
        errors.append(RowError(2, _("The file has no result rows.")))
    return rows, errors


@transaction.atomic
def record_results(*, module: Module, results: list[tuple[Enrolment, Decimal, Decimal]], by: User) -> list[Enrolment]:
    """Save attendance and grades; learners who meet the completion rule are completed (see complete_enrolment)."""
    module = _lock_module(module)
    if not module.can_be_edited_by(by):
        raise PermissionDenied
    refusal = module.award_refusal()
    if refusal:
        raise PermissionDenied(refusal)
    completed = []
    for enrolment, attendance, grade in results:
        if enrolment.module_id != module.pk:
            raise PermissionDenied
        enrolment.attendance_percent = attendance
        enrolment.grade = grade
        enrolment.save(update_fields=["attendance_percent", "grade", "updated_at"])
        record_event(
            "courses.enrolment.result_recorded",
            actor=by,
            module=module,
            subject=enrolment.learner,
            attendance=str(attendance),
            grade=str(grade),
        )
        if enrolment.status == Enrolment.Status.ENROLLED and module.meets_completion_rule(
            attendance=attendance, grade=grade
        ):
            complete_enrolment(enrolment=enrolment, module=module, by=by)
            completed.append(enrolment)
    return completed


def complete_enrolment(*, enrolment: Enrolment, module: Module, by: User) -> Enrolment:
    """Mark complete, move the learner to the alumni group and ask for the module's credential
    in this same transaction (credentials completes the award in the background)."""
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at", "updated_at"])
    if module.group_id:
        community_services.remove_member(group=module.group, user=enrolment.learner)
    if module.alumni_group_id:
        community_services.add_member(group=module.alumni_group, user=enrolment.learner)
    record_event("courses.enrolment.completed", actor=by, module=module, subject=enrolment.learner)
    from .lti_services import queue_completion_scores

    queue_completion_scores(enrolment=enrolment)
    if module.achievement_id:
        request_award(enrolment=enrolment, module=module, by=by)
    return enrolment


def request_award(*, enrolment: Enrolment, module: Module, by: User):
    """The seam to the credentials app: one award per (learner, achievement), pending until its task runs."""
    from credentials.services import award_achievement

    return award_achievement(
        recipient=enrolment.learner,
        achievement=module.achievement,
        evidence=module.get_absolute_url(),
        awarded_by=by,
        acting_for=module.issuing_university_ids(),
    )


# -- blended programmes -----------------------------------------------------------------------


@transaction.atomic
def apply_to_programme(
    *, programme: Programme, applicant: User, motivation: str, needs_housing=False, needs_visa_letter=False
) -> ProgrammeApplication:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.accepts_applications():
        raise EnrolmentRefused(_("This programme does not accept applications any more."), code="closed")
    if ProgrammeApplication.objects.filter(programme=programme, applicant=applicant).exists():
        raise EnrolmentRefused(_("You have already applied to this programme."), code="twice")
    application = ProgrammeApplication.objects.create(
        programme=programme,
        applicant=applicant,
        motivation=motivation,
        needs_housing=needs_housing and programme.housing_support,
        needs_visa_letter=needs_visa_letter and programme.visa_letter,
    )
    record_event("courses.programme.applied", actor=applicant, programme=programme, subject=applicant)
    return application


# Where an accepted applicant stands in one module of the programme's online phase.
PLACED = "enrolled"
ON_WAITING_LIST = "waitlisted"
NOT_OPEN = "not_open"


@dataclass
class Acceptance:
    """An accepted application and where the applicant stands in each online-phase module."""

    application: ProgrammeApplication
    enrolled: list[Module]
    waitlisted: list[Module]  # full: the applicant waits for a seat
    not_open: list[Module]  # unpublished or ended: no enrolment


def _lock_programme(programme_id: int) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme_id)


def _lock_application(application: ProgrammeApplication) -> ProgrammeApplication:
    return ProgrammeApplication.objects.select_for_update().select_related("applicant").get(pk=application.pk)


def _check_staff(application: ProgrammeApplication, by: User) -> None:
    if not application.can_be_decided_by(by):
        raise PermissionDenied


def _refuse_unless_seat(programme: Programme) -> None:
    if programme.applications.accepted().count() >= programme.seats:
        raise InvalidTransition(_("Every seat of this programme is taken: put the application on the waiting list."))


def place_in_module(*, module: Module, learner: User, by: User | None, programme: Programme) -> str:
    """Enrol an accepted programme participant in one online-phase module, or put them on its
    waiting list when it is full. Staff placed them, so the public enrolment window does not
    apply; seats do. Returns PLACED, ON_WAITING_LIST or NOT_OPEN. Safe to repeat."""
    module = _lock_module(module)
    if module.status != Module.Status.PUBLISHED or module.is_closed or module.has_ended():
        return NOT_OPEN
    existing = Enrolment.objects.filter(module=module, learner=learner).first()
    if existing is not None and existing.status in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
        return PLACED
    if module.enrolments.enrolled().count() >= module.seats:
        if existing is None or existing.status != Enrolment.Status.WAITLISTED:
            _set_status(existing, module=module, learner=learner, status=Enrolment.Status.WAITLISTED)
            record_event("courses.enrolment.waitlisted", actor=by, module=module, subject=learner, programme=programme)
        return ON_WAITING_LIST
    _set_status(existing, module=module, learner=learner, status=Enrolment.Status.ENROLLED)
    if module.group_id:
        community_services.add_member(group=module.group, user=learner)
    record_event("courses.enrolment.enrolled", actor=by, module=module, subject=learner, programme=programme)
    return PLACED


def _place_in_online_phase(programme: Programme, application: ProgrammeApplication, by) -> Acceptance:
    acceptance = Acceptance(application, enrolled=[], waitlisted=[], not_open=[])
    # In primary-key order, so that two acceptances lock the same modules in the same order.
    for module in programme.modules.order_by("pk"):
        outcome = place_in_module(module=module, learner=application.applicant, by=by, programme=programme)
        {PLACED: acceptance.enrolled, ON_WAITING_LIST: acceptance.waitlisted, NOT_OPEN: acceptance.not_open}[
            outcome
        ].append(module)
    return acceptance


def _accept(programme: Programme, application: ProgrammeApplication, *, by: User | None, promoted: bool):
    """Accept (the caller holds the programme's lock and checked the seats), enrol in the online
    phase and tell the applicant, naming each module that is full."""
    application.status = ProgrammeApplication.Status.ACCEPTED
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    event = "courses.programme.promoted" if promoted else "courses.programme.accepted"
    record_event(event, actor=by, programme=programme, subject=application.applicant)
    acceptance = _place_in_online_phase(programme, application, by)
    if promoted and acceptance.enrolled:
        message = _(
            "A seat has freed up: your application to “%(programme)s” has been accepted, "
            "and you are enrolled in its online modules."
        )
    elif promoted:
        message = _("A seat has freed up: your application to “%(programme)s” has been accepted.")
    elif acceptance.enrolled:
        message = _(
            "Your application to “%(programme)s” has been accepted, and you are enrolled in its online modules."
        )
    else:
        message = _("Your application to “%(programme)s” has been accepted.")
    community_services.notify(
        recipient=application.applicant,
        event=event,
        message=message,
        params={"programme": programme},
        url=programme.get_absolute_url(),
        actor=by,
    )
    for module in acceptance.waitlisted:
        community_services.notify(
            recipient=application.applicant,
            event="courses.programme.module_full",
            message=_(
                "“%(module)s”, a module of “%(programme)s”, is full: you are on its waiting list "
                "and get a seat as soon as one frees up."
            ),
            params={"module": module, "programme": programme},
            url=module.get_absolute_url(),
            actor=by,
        )
    return acceptance


@transaction.atomic
def accept_application(*, application: ProgrammeApplication, by: User) -> Acceptance:
    """Staff accept a submitted or waiting application: the applicant is enrolled in the
    programme's online-phase modules (on a module's waiting list when it is full) and notified.
    Raises PermissionDenied, InvalidTransition (no seat left, withdrawn or declined). Accepting an
    accepted application again only places the applicant in modules added since: safe to repeat."""
    _check_staff(application, by)
    # Race: two staff accepting the last two applications at once; the programme row lock
    # serialises decisions so that accepted applications never exceed the seats.
    programme = _lock_programme(application.programme_id)
    application = _lock_application(application)
    if application.status == ProgrammeApplication.Status.ACCEPTED:
        return _place_in_online_phase(programme, application, by)
    if not application.can_move_to(ProgrammeApplication.Status.ACCEPTED):
        raise InvalidTransition(_refusal_of(application))
    _refuse_unless_seat(programme)
    promoted = application.status == ProgrammeApplication.Status.WAITLISTED
    return _accept(programme, application, by=by, promoted=promoted)


@transaction.atomic
def promote_application(*, application: ProgrammeApplication, by: User) -> Acceptance:
    """Staff move one application from the waiting list to a free seat, whatever its place in
    the line (see accept_application). Raises InvalidTransition when it is not on the waiting list."""
    _check_staff(application, by)
    programme = _lock_programme(application.programme_id)
    application = _lock_application(application)
    if application.status != ProgrammeApplication.Status.WAITLISTED:
        raise InvalidTransition(_("Only an application on the waiting list can be promoted."))
    _refuse_unless_seat(programme)
    return _accept(programme, application, by=by, promoted=True)


def promote_waiting_applicants(*, programme: Programme) -> list[Acceptance]:
    """Give free seats to the waiting list in order (first put on it, first served).

    The caller holds the programme's row lock (seats are counted under it)."""
    free = programme.seats - programme.applications.accepted().count()
    if free <= 0:
        return []
    waiting = list(programme.applications.waitlisted().select_related("applicant")[:free])
    return [_accept(programme, application, by=None, promoted=True) for application in waiting]


@transaction.atomic
def fill_programme_seats(*, programme: Programme) -> list[Acceptance]:
    """After the seat count was raised: promote from the waiting list. Safe to repeat."""
    programme = _lock_programme(programme.pk)
    return promote_waiting_applicants(programme=programme)


@transaction.atomic
def waitlist_application(*, application: ProgrammeApplication, by: User) -> ProgrammeApplication:
    """Staff put a submitted application on the waiting list; the applicant is notified. Safe to repeat."""
    _check_staff(application, by)
    programme = _lock_programme(application.programme_id)
    application = _lock_application(application)
    if application.status == ProgrammeApplication.Status.WAITLISTED:
        return application
    if not application.can_move_to(ProgrammeApplication.Status.WAITLISTED):
        raise InvalidTransition(_refusal_of(application))
    now = timezone.now()
    application.status = ProgrammeApplication.Status.WAITLISTED
    application.decided_by, application.decided_at, application.waitlisted_at = by, now, now
    application.save(update_fields=["status", "decided_by", "decided_at", "waitlisted_at"])
    record_event("courses.programme.waitlisted", actor=by, programme=programme, subject=application.applicant)
    community_services.notify(
        recipient=application.applicant,
        event="courses.programme.waitlisted",
        message=_("Your application to “%(programme)s” is on the waiting list."),
        params={"programme": programme},
        url=programme.get_absolute_url(),
        actor=by,
    )
    # No promotion here even when seats are free: staff may hold a seat open while they review
    # other applications. The line moves when a seat frees (withdrawal) or fill_programme_seats.
    return application


@transaction.atomic
def decline_application(*, application: ProgrammeApplication, by: User, message: str = "") -> ProgrammeApplication:
    """Staff decline a submitted or waiting application with an optional message, which the
    applicant reads in the notification, the e-mail and on the programme page. Safe to repeat."""
    _check_staff(application, by)
    programme = _lock_programme(application.programme_id)
    application = _lock_application(application)
    if application.status == ProgrammeApplication.Status.DECLINED:
        return application
    if not application.can_move_to(ProgrammeApplication.Status.DECLINED):
        raise InvalidTransition(_refusal_of(application))
    application.status = ProgrammeApplication.Status.DECLINED
    application.decision_message = message.strip()[:1000]
    application.decided_by, application.decided_at = by, timezone.now()
    application.save(update_fields=["status", "decision_message", "decided_by", "decided_at"])
    record_event("courses.programme.declined", actor=by, programme=programme, subject=application.applicant)
    if application.decision_message:
        text = _("Your application to “%(programme)s” was declined. Message from staff: “%(message)s”")
    else:
        text = _("Your application to “%(programme)s” was declined.")
    community_services.notify(
        recipient=application.applicant,
        event="courses.programme.declined",
        message=text,
        params={"programme": programme, "message": Truncator(application.decision_message).chars(300)},
        url=programme.get_absolute_url(),
        actor=by,
    )
    return application


def _refusal_of(application: ProgrammeApplication) -> str:
    if application.status == ProgrammeApplication.Status.WITHDRAWN:
        return _("The applicant has withdrawn this application.")
    if application.status == ProgrammeApplication.Status.DECLINED:
        return _("This application has been declined.")
    return _("This application has been accepted already; the applicant can withdraw it.")


@transaction.atomic
def decide_application(*, application: ProgrammeApplication, status: str, by: User) -> ProgrammeApplication:
    """Accept or waitlist (the admin's actions); see accept_application and waitlist_application."""
    if status == ProgrammeApplication.Status.ACCEPTED:
        return accept_application(application=application, by=by).application
    if status == ProgrammeApplication.Status.WAITLISTED:
        return waitlist_application(application=application, by=by)
    raise InvalidTransition(_("Staff can only accept an application or put it on the waiting list."))


@transaction.atomic
def withdraw_application(*, programme: Programme, applicant: User) -> ProgrammeApplication:
    """The applicant withdraws; a seat they held goes to the first application waiting."""
    programme = _lock_programme(programme.pk)
    application = (
        ProgrammeApplication.objects.select_for_update()
        .filter(programme=programme, applicant=applicant)
        .exclude(status__in=[ProgrammeApplication.Status.WITHDRAWN, ProgrammeApplication.Status.DECLINED])
        .first()
    )
    if application is None:
        raise EnrolmentRefused(_("You have no application to this programme."), code="not_applied")
    had_seat = application.status == ProgrammeApplication.Status.ACCEPTED
    application.status = ProgrammeApplication.Status.WITHDRAWN
    application.save(update_fields=["status"])
    record_event("courses.programme.withdrawn", actor=applicant, programme=programme, subject=applicant)
    if had_seat:
        promote_waiting_applicants(programme=programme)
    return application


# -- cohorts in bulk --------------------------------------------------------------------------


class NothingToChange(Exception):
    """Every member of the cohort is already where the bulk enrolment would put them."""


ENROLMENTS_PER_TRANSACTION = 20


@transaction.atomic
def start_cohort_enrolment(*, cohort, by: User, module: Module | None = None, programme: Programme | None = None):
    """Confirm a bulk enrolment: one row per member to place, placed by a task after commit.
    Nothing is written when any member cannot be placed. Raises PermissionDenied,
    ValidationError, NothingToChange (the same cohort again)."""
    from . import cohorts
    from .models import CohortEnrolment, CohortEnrolmentRow

    if not by.is_portal_staff:
        raise PermissionDenied
    # The target's row lock: two staff confirming the same cohort at once create one set of rows.
    if module is not None:
        module = _lock_module(module)
    else:
        programme = _lock_programme(programme.pk)
    plan = cohorts.plan(cohort, module=module, programme=programme)
    if plan.problem:
        raise ValidationError(plan.problem, code="target")
    if not plan.is_valid:
        count = plan.count(cohorts.ERROR)
        raise ValidationError(
            ngettext(
                "%(count)s member cannot be enrolled: nobody was enrolled.",
                "%(count)s members cannot be enrolled: nobody was enrolled.",
                count,
            ),
            params={"count": count},
            code="invalid",
        )
    pending = CohortEnrolmentRow.objects.filter(
        enrolment__cohort=cohort, enrolment__module=module, enrolment__programme=programme, outcome=""
    )
    if not plan.has_changes or pending.exists():
        raise NothingToChange
    learners = [row.learner for row in plan.rows if row.status in (cohorts.ENROL, cohorts.WAIT)]
    batch = CohortEnrolment.objects.create(
        cohort=cohort, module=module, programme=programme, created_by=by, total=len(learners)
    )
    CohortEnrolmentRow.objects.bulk_create(
        [CohortEnrolmentRow(enrolment=batch, learner=learner) for learner in learners], batch_size=1000
    )
    record_event(
        "courses.cohort.enrolment_started",
        actor=by,
        module=module,
        programme=programme,
        cohort=cohort.pk,
        members=len(learners),
    )
    from .tasks import enrol_cohort

    send_after_commit(enrol_cohort, batch.pk)
    return batch


def _place_in_programme(programme: Programme, learner: User, *, by: User | None, cohort) -> str:
    application, _created = ProgrammeApplication.objects.get_or_create(
        programme=programme,
        applicant=learner,
        defaults={"motivation": f"{cohort.name} ({cohort.filename})"[:3000]},
    )
    if application.status == ProgrammeApplication.Status.ACCEPTED:
        return "enrolled"
    if application.status in (ProgrammeApplication.Status.DECLINED, ProgrammeApplication.Status.WITHDRAWN):
        return "not_open"
    try:
        accept_application(application=application, by=by)
    except InvalidTransition:
        waitlist_application(application=application, by=by)
        return "waitlisted"
    return "enrolled"


def _tell_learner(module: Module, learner: User, outcome: str, *, by: User | None) -> None:
    if outcome == PLACED:
        message = _("Staff enrolled you in “%(module)s”.")
    elif outcome == ON_WAITING_LIST:
        message = _("Staff put you on the waiting list of “%(module)s”: you get a seat as soon as one frees up.")
    else:
        return
    community_services.notify(
        recipient=learner,
        event="courses.enrolment.cohort",
        message=message,
        params={"module": module},
        url=module.get_absolute_url(),
        actor=by,
        group=module.group,
    )


def enrol_cohort_members(*, enrolment_id: int) -> int:
    """Place the members of a confirmed cohort enrolment one by one with the services that
    count seats under the target's row lock (module: enrolled or waiting list; programme:
    accepted or waitlisted), twenty per transaction so that the page shows progress. Safe to
    repeat and to run in parallel: rows are claimed with SKIP LOCKED, and placing is idempotent."""
    from .models import CohortEnrolment, CohortEnrolmentRow

    batch = CohortEnrolment.objects.select_related("module__group", "programme", "cohort", "created_by").get(
        pk=enrolment_id
    )
    placed = 0
    while True:
        with transaction.atomic():
            rows = list(
                CohortEnrolmentRow.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(enrolment=batch, outcome="")
                .select_related("learner")
                .order_by("pk")[:ENROLMENTS_PER_TRANSACTION]
            )
            if not rows:
                break
            now = timezone.now()
            for row in rows:
                if batch.module_id:
                    row.outcome = place_in_module(
                        module=batch.module, learner=row.learner, by=batch.created_by, programme=None
                    )
                    _tell_learner(batch.module, row.learner, row.outcome, by=batch.created_by)
                else:
                    row.outcome = _place_in_programme(
                        batch.programme, row.learner, by=batch.created_by, cohort=batch.cohort
                    )
                row.placed_at = now
            CohortEnrolmentRow.objects.bulk_update(rows, ["outcome", "placed_at"])
            placed += len(rows)
    if not CohortEnrolmentRow.objects.filter(enrolment=batch, outcome="").exists():
        CohortEnrolment.objects.filter(pk=batch.pk, status=CohortEnrolment.Status.RUNNING).update(
            status=CohortEnrolment.Status.DONE, finished_at=timezone.now()
        )
    return placed


def requeue_cohort_enrolments() -> int:
    """Queue bulk enrolments still running a minute after they started (broker down, worker lost)."""
    from .models import CohortEnrolment
    from .tasks import enrol_cohort

    stale = list(
        CohortEnrolment.objects.filter(
            status=CohortEnrolment.Status.RUNNING, created_at__lt=timezone.now() - SWEEP_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in stale:
        send_after_commit(enrol_cohort, pk)
    return len(stale)
