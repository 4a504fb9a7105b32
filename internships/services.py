"""Writes of the internships app: every state change is locked, audited and notified."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from community import pagecache
from community.models import Role, User
from community.services import add_to_digests, notify, send_templated_email
from credentials.models import issuing_organizations
from credentials.services import award_achievement

from . import caching
from .models import (
    Application,
    Evaluation,
    EvaluationReminder,
    InvalidTransition,
    OutcomeSurvey,
    Posting,
    SavedSearch,
    SavedSearchMatch,
    TransitionBlocked,
    WorkEligibility,
    add_months,
)
from .registration import approve_host_company  # noqa: F401 - the admin and older callers use this path

REMINDER_DAYS_BEFORE_DUE = 7

S = Application.Status

# What each transition tells the people concerned (in each recipient's language).
MESSAGES = {
    S.SUBMITTED: _("%(student)s applied for “%(posting)s”: the application waits for staff review."),
    S.STAFF_APPROVED: _("Staff approved the application of %(student)s for “%(posting)s”."),
    S.STAFF_REJECTED: _("Your application for “%(posting)s” was not approved by staff."),
    S.COMPANY_ACCEPTED: _("%(company)s accepted the application of %(student)s for “%(posting)s”."),
    S.COMPANY_DECLINED: _("%(company)s declined the application of %(student)s for “%(posting)s”."),
    S.IN_PROGRESS: _("The internship “%(posting)s” of %(student)s has started."),
    S.COMPLETED: _("The internship “%(posting)s” of %(student)s is completed."),
    S.WITHDRAWN: _("%(student)s withdrew the application for “%(posting)s”."),
}


def staff_users():
    return User.objects.filter(is_active=True, groups__name=Role.STAFF.value).distinct()


def _recipients(application: Application, status: str, *, actor: User) -> list[User]:
    contacts = list(application.posting.company.contacts())
    staff = list(staff_users())
    student = [application.student]
    by_status = {
        S.SUBMITTED: staff,
        S.STAFF_APPROVED: student + contacts,
        S.STAFF_REJECTED: student,
        S.COMPANY_ACCEPTED: student + staff,
        S.COMPANY_DECLINED: student + staff,
        S.IN_PROGRESS: student + contacts,
        S.COMPLETED: student + contacts,
        S.WITHDRAWN: staff + (contacts if application.staff_approved_at else []),
    }
    seen, result = {actor.pk}, []
    for user in by_status.get(status, []):
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _notify(*, recipient: User, event: str, message, params: dict, url: str, actor: User | None) -> None:
    notify(recipient=recipient, event=event, message=message, params=params, url=url, actor=actor)


@transaction.atomic
def change_application_status(*, application: Application, status: str, by: User, comment: str = "") -> Application:
    """Move an application through the workflow, audit it and notify those concerned after commit.

    Raises InvalidTransition (or its subclasses TransitionForbidden / TransitionBlocked). Two staff
    members approving at once: the second waits on the row lock, then sees "approved" and is refused.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("posting__company__organization", "posting__achievement", "student")
        .get(pk=application.pk)
    )
    event = application.transition_to(status, by=by, comment=comment)
    if status == S.COMPLETED and application.posting.achievement_id:
        # Staff complete internships: the posting's credential is issued in the name of the university
        # the staff member acts for (the one running the programme), never another one's.
        try:
            award_achievement(
                recipient=application.student,
                achievement=application.posting.achievement,
                evidence=application.get_absolute_url(),
                awarded_by=by,
                acting_for=None if by.is_superuser else issuing_organizations(by).values_list("pk", flat=True),
            )
        except PermissionDenied as refusal:
            raise TransitionBlocked(refusal.args[0]) from refusal
    params = {
        "student": application.student,
        "posting": application.posting,
        "company": application.posting.company.organization,
    }
    for recipient in _recipients(application, status, actor=by):
        _notify(
            recipient=recipient,
            event=event.event,
            message=MESSAGES[status],
            params=params,
            url=application.get_absolute_url(),
            actor=by,
        )
    return application


def bulk_approve_applications(*, applications, by: User, comment: str = "") -> tuple[list, list]:
    """Approve each application in its own transaction; returns (approved, [(application, error)])."""
    approved, refused = [], []
    for application in applications:
        try:
            approved.append(
                change_application_status(application=application, status=S.STAFF_APPROVED, by=by, comment=comment)
            )
        except InvalidTransition as error:
            refused.append((application, error))
    return approved, refused


@transaction.atomic
def apply_to_posting(*, posting: Posting, student: User, motivation: str, cv, submit: bool = True) -> Application:
    """Create the student's application (and submit it). Refuses a second one to the same posting."""
    if not student.has_role(Role.STUDENT):
        raise PermissionDenied
    if not Posting.objects.open().filter(pk=posting.pk).exists():
        raise ValidationError(_("Applications to this posting are closed."), code="closed")
    try:
        with transaction.atomic():  # a savepoint: the unique constraint settles a double submit
            application = Application.objects.create(posting=posting, student=student, motivation=motivation, cv=cv)
    except IntegrityError as exc:
        raise ValidationError(_("You have already applied for this internship."), code="duplicate") from exc
    if submit:
        application = change_application_status(application=application, status=S.SUBMITTED, by=student)
    return application


@transaction.atomic
def record_work_eligibility(*, student: User, by: User, **fields) -> WorkEligibility:
    """Staff record a student's residence status and work permission from the documents they saw."""
    if not by.is_portal_staff:
        raise PermissionDenied
    eligibility, _created = WorkEligibility.objects.select_for_update().get_or_create(student=student)
    for name, value in fields.items():
        setattr(eligibility, name, value)
    eligibility.recorded_by = by
    eligibility.recorded_at = timezone.now()
    eligibility.full_clean()
    eligibility.save()
    return eligibility


@transaction.atomic
def publish_posting(*, posting: Posting, by: User) -> Posting:
    """Staff review: publish a posting of an approved company."""
    if not by.is_portal_staff:
        raise PermissionDenied
    posting = Posting.objects.select_for_update().select_related("company").get(pk=posting.pk)
    if not posting.company.is_approved:
        raise ValidationError(_("Approve the host company before publishing its postings."), code="company")
    posting.status = Posting.Status.PUBLISHED
    posting.reviewed_by = by
    posting.review_note = ""
    posting.published_at = timezone.now()
    posting.save(update_fields=["status", "reviewed_by", "review_note", "published_at", "updated_at"])
    return posting


@transaction.atomic
def return_posting(*, posting: Posting, by: User, reason: str) -> Posting:
    """Staff send a posting under review back to its company with a reason the contacts are told.
    Raises PermissionDenied for non-staff and ValidationError without a reason or out of review."""
    if not by.is_portal_staff:
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell the company why the posting is sent back."), code="reason")
    posting = Posting.objects.select_for_update().select_related("company__organization").get(pk=posting.pk)
    if posting.status != Posting.Status.IN_REVIEW:
        raise ValidationError(_("Only a posting waiting for review can be sent back."), code="status")
    posting.status = Posting.Status.DRAFT
    posting.reviewed_by = by
    posting.review_note = reason[:2000]
    posting.save(update_fields=["status", "reviewed_by", "review_note", "updated_at"])
    for contact in posting.company.contacts():
        _notify(
            recipient=contact,
            event="internships.posting.returned",
            message=_("Staff sent your posting “%(posting)s” back: %(reason)s"),
            params={"posting": posting.title, "reason": Truncator(reason).chars(300)},
            url=posting.get_absolute_url(),
            actor=by,
        )
    pagecache.bump(caching.POSTINGS)
    return posting


def _tell_staff_posting_waits(posting: Posting, *, by: User) -> None:
    for member in staff_users().exclude(pk=by.pk):
        _notify(
            recipient=member,
            event="internships.posting.submitted",
            message=_("%(company)s sent the posting “%(posting)s” for review."),
            params={"company": posting.company.organization.name, "posting": posting.title},
            url=posting.get_absolute_url(),
            actor=by,
        )


@transaction.atomic
def submit_posting(*, posting: Posting, by: User) -> Posting:
    """A company contact sends a draft posting to staff review."""
    if not posting.company.is_contact(by):
        raise PermissionDenied
    if not posting.company.is_approved:
        raise ValidationError(_("Staff must approve your company before it can post internships."), code="company")
    submitted = Posting.objects.filter(pk=posting.pk, status=Posting.Status.DRAFT).update(
        status=Posting.Status.IN_REVIEW, review_note=""
    )
    pagecache.bump(caching.POSTINGS)
    posting.refresh_from_db()
    if submitted:
        _tell_staff_posting_waits(posting, by=by)
    return posting


@transaction.atomic
def update_posting(*, posting: Posting, by: User) -> Posting:
    """Save a contact's changes; what students see changes only after staff review it again."""
    if not posting.company.is_contact(by):
        raise PermissionDenied
    needs_review = posting.status in (Posting.Status.DRAFT, Posting.Status.PUBLISHED)
    if needs_review:
        posting.status = Posting.Status.IN_REVIEW
        posting.review_note = ""
    posting.save()
    if needs_review:
        _tell_staff_posting_waits(posting, by=by)
    return posting


@transaction.atomic
def submit_evaluation(*, application: Application, author: User, stage: str, rating: int, comments: str) -> Evaluation:
    """The student or the company supervisor evaluates an internship in progress (once per stage)."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("posting__company").get(pk=application.pk)
    )
    actors = application.actors_for(author)
    if Application.Actor.STUDENT in actors:
        role = Evaluation.Author.STUDENT
    elif Application.Actor.COMPANY in actors:
        role = Evaluation.Author.COMPANY
    else:
        raise PermissionDenied
    if application.status != S.IN_PROGRESS:
        raise ValidationError(_("Only an internship in progress can be evaluated."), code="status")
    if application.evaluations.filter(stage=stage, author_role=role).exists():
        raise ValidationError(_("This evaluation has already been submitted."), code="duplicate")
    return Evaluation.objects.create(
        application=application, stage=stage, author_role=role, author=author, rating=rating, comments=comments
    )


REMINDER_MESSAGE = _("Reminder: the %(stage)s of the internship “%(posting)s” is due on %(due)s.")


def send_evaluation_reminders(*, today=None) -> int:
    """Remind the student and the company contacts of an evaluation due within a week.

    Safe to repeat: an EvaluationReminder row (unique per application, stage and recipient) is
    written in the same transaction as the notification, so each person is reminded once.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=REMINDER_DAYS_BEFORE_DUE)
    sent = 0
    for stage, due_field in ((Evaluation.Stage.MIDTERM, "midterm_due"), (Evaluation.Stage.FINAL, "ends_on")):
        applications = (
            Application.objects.filter(status=S.IN_PROGRESS, **{f"{due_field}__lte": horizon})
            .select_related("student", "posting__company__organization")
            .prefetch_related("evaluations", "reminders")
        )
        for application in applications:
            sent += _remind(application, stage, due=getattr(application, due_field))
    return sent


@transaction.atomic
def _remind(application: Application, stage: str, *, due) -> int:
    done = {e.author_role for e in application.evaluations.all() if e.stage == stage}
    reminded = {r.recipient_id for r in application.reminders.all() if r.stage == stage}
    recipients = []
    if Evaluation.Author.STUDENT not in done:
        recipients.append(application.student)
    if Evaluation.Author.COMPANY not in done:
        recipients += list(application.posting.company.contacts())
    sent = 0
    for recipient in recipients:
        if recipient.pk in reminded:
            continue
        _reminder, created = EvaluationReminder.objects.get_or_create(
            application=application, stage=stage, recipient=recipient
        )
        if not created:  # another beat run got there first
            continue
        _notify(
            recipient=recipient,
            event=f"internships.evaluation.{stage}.reminder",
            message=REMINDER_MESSAGE,
            params={"stage": Evaluation.Stage(stage).label, "posting": application.posting, "due": due},
            url=application.get_absolute_url(),
            actor=None,
        )
        sent += 1
    return sent


def send_outcome_surveys(*, today=None) -> int:
    """Ask completed interns 6 and 12 months later about job offers and work in the host prefecture.

    Safe to repeat: the survey row (unique per application and wave) is created in the same
    transaction as the stored e-mail, so each wave is sent once, in the student's language.
    """
    today = today or timezone.localdate()
    sent = 0
    for wave in OutcomeSurvey.Wave.values:
        completed_before = add_months(today, -wave)
        applications = (
            Application.objects.filter(status=S.COMPLETED, completed_at__date__lte=completed_before)
            .exclude(surveys__wave=wave)
            .select_related("student", "posting")
        )
        for application in applications:
            sent += _send_survey(application, wave)
    return sent


@transaction.atomic
def _send_survey(application: Application, wave: int) -> int:
    try:
        with transaction.atomic():
            survey = OutcomeSurvey.objects.create(application=application, wave=wave)
    except IntegrityError:  # another run sent it
        return 0
    send_templated_email(
        recipient=application.student,
        template_prefix="internships/email/outcome_survey",
        context={"survey": survey, "application": application, "posting": application.posting, "wave": wave},
    )
    return 1


@transaction.atomic
def answer_outcome_survey(
    *, survey: OutcomeSurvey, by: User, has_job_offer: bool, works_in_host_prefecture: bool, employer: str = ""
) -> OutcomeSurvey:
    """Store the intern's answer (they may correct it later)."""
    if survey.application.student_id != by.pk:
        raise PermissionDenied
    survey.has_job_offer = has_job_offer
    survey.works_in_host_prefecture = works_in_host_prefecture
    survey.employer = employer
    survey.responded_at = timezone.now()
    survey.save(update_fields=["has_job_offer", "works_in_host_prefecture", "employer", "responded_at"])
    return survey


# --- saved searches ---------------------------------------------------------------------------
SAVED_SEARCH_ALERT = _("New internship for your saved search “%(search)s”: %(posting)s")


@transaction.atomic
def save_search(*, user: User, name: str, filters: dict) -> SavedSearch:
    """Keep a student's filters of the internship list under a name. Raises PermissionDenied,
    ValidationError (too many saved searches)."""
    if not user.has_role(Role.STUDENT):
        raise PermissionDenied
    # The member's row serialises two saves at once, so the limit holds.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if SavedSearch.objects.filter(user=user).count() >= SavedSearch.MAX_PER_MEMBER:
        raise ValidationError(
            _("You can keep at most %(limit)s saved searches. Delete one first."),
            code="limit",
            params={"limit": SavedSearch.MAX_PER_MEMBER},
        )
    return SavedSearch.objects.create(user=user, name=name.strip(), filters=filters)


@transaction.atomic
def delete_search(*, search: SavedSearch, user: User) -> None:
    """Delete one of the member's saved searches. Raises PermissionDenied for someone else's."""
    if search.user_id != user.pk:
        raise PermissionDenied
    search.delete()


def alert_saved_searches(*, now=None) -> int:
    """Put postings published since a search was saved, and not yet sent for it, into the
    member's next daily digest in their language. Safe to repeat: the search's row is locked
    and each (search, posting) is recorded once. Returns the number of notifications."""
    from .forms import PostingFilterForm

    now = now or timezone.now()
    total = 0
    for search_id in SavedSearch.objects.filter(user__is_active=True).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            # Two runs at once: the second waits here and then finds the matches recorded.
            search = SavedSearch.objects.select_for_update(of=("self",)).select_related("user").get(pk=search_id)
            form = PostingFilterForm(search.filters)
            candidates = Posting.objects.open().filter(published_at__gte=search.created_at, published_at__lte=now)
            new = list(
                form.filter(candidates)
                .exclude(pk__in=SavedSearchMatch.objects.filter(search=search).values("posting_id"))
                .order_by("published_at", "pk")
            )
            SavedSearch.objects.filter(pk=search.pk).update(last_checked_at=now)
            if not new:
                continue
            SavedSearchMatch.objects.bulk_create([SavedSearchMatch(search=search, posting=p) for p in new])
            total += add_to_digests(
                event="internships.saved_search.matched",
                items=[
                    {
                        "recipient": search.user,
                        "message": SAVED_SEARCH_ALERT,
                        "params": {"search": search.name, "posting": posting},
                        "url": posting.get_absolute_url(),
                    }
                    for posting in new
                ],
            )
    return total
