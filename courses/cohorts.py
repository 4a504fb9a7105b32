"""Planning the bulk enrolment of an imported cohort (community.ImportBatch) into a module or a
blended programme: what happens to each member, read in a fixed number of queries."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import ImportedMember, User

from .models import Enrolment, Module, Programme, ProgrammeApplication

ENROL, WAIT, UNCHANGED, SKIPPED, ERROR = "enrol", "wait", "unchanged", "skipped", "error"
LABELS = {
    ENROL: pgettext_lazy("bulk enrolment row", "Will be enrolled"),
    WAIT: pgettext_lazy("bulk enrolment row", "Waiting list (full)"),
    UNCHANGED: pgettext_lazy("bulk enrolment row", "Unchanged"),
    SKIPPED: pgettext_lazy("bulk enrolment row", "Skipped"),
    ERROR: pgettext_lazy("bulk enrolment row", "Error"),
}


@dataclass
class Row:
    learner: User
    status: str
    reason: str = ""

    @property
    def status_label(self):
        return LABELS[self.status]


@dataclass
class EnrolmentPlan:
    rows: list
    problem: str = ""  # the target as a whole cannot take anyone

    def count(self, status) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def is_valid(self) -> bool:
        return not self.problem and not any(row.status == ERROR for row in self.rows)

    @property
    def has_changes(self) -> bool:
        return any(row.status in (ENROL, WAIT) for row in self.rows)


def cohort_members(cohort) -> list[User]:
    members = ImportedMember.objects.filter(batch=cohort).select_related("user").order_by("pk")
    return [member.user for member in members]


def module_problem(module: Module) -> str:
    if module.status != Module.Status.PUBLISHED:
        return _("This module is not published, so nobody can be enrolled.")
    if module.is_closed or module.has_ended():
        return _("This module has ended.")
    return ""


def plan_module(cohort, module: Module) -> EnrolmentPlan:
    """Members enrolled while seats last, then on the waiting list, as the task will place them."""
    learners = cohort_members(cohort)
    existing = dict(Enrolment.objects.filter(module=module, learner__in=learners).values_list("learner_id", "status"))
    free = module.seats - module.enrolments.enrolled().count()
    rows = []
    for learner in learners:
        status = existing.get(learner.pk)
        if not learner.is_active:
            rows.append(Row(learner, ERROR, _("This account is deactivated.")))
        elif status in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED):
            rows.append(Row(learner, UNCHANGED, _("Already enrolled.")))
        elif status == Enrolment.Status.WAITLISTED:
            rows.append(Row(learner, UNCHANGED, _("Already on the waiting list.")))
        elif free > 0:
            free -= 1
            rows.append(Row(learner, ENROL))
        else:
            rows.append(Row(learner, WAIT, _("Every seat is taken.")))
    return EnrolmentPlan(rows=rows, problem=module_problem(module))


def programme_problem(programme: Programme) -> str:
    if programme.status != Programme.Status.PUBLISHED:
        return _("This programme is not published, so nobody can be enrolled.")
    return ""


def plan_programme(cohort, programme: Programme) -> EnrolmentPlan:
    """Members accepted (and enrolled in the online phase) while seats last, then waitlisted."""
    learners = cohort_members(cohort)
    S = ProgrammeApplication.Status
    existing = dict(
        ProgrammeApplication.objects.filter(programme=programme, applicant__in=learners).values_list(
            "applicant_id", "status"
        )
    )
    free = programme.seats - programme.applications.accepted().count()
    rows = []
    for learner in learners:
        status = existing.get(learner.pk)
        if not learner.is_active:
            rows.append(Row(learner, ERROR, _("This account is deactivated.")))
        elif status == S.ACCEPTED:
            rows.append(Row(learner, UNCHANGED, _("Already accepted.")))
        elif status in (S.DECLINED, S.WITHDRAWN):
            rows.append(Row(learner, SKIPPED, _("Declined or withdrawn: decide on the programme's applications page.")))
        elif free > 0:
            free -= 1
            rows.append(Row(learner, ENROL))
        elif status == S.WAITLISTED:
            rows.append(Row(learner, UNCHANGED, _("Already on the waiting list.")))
        else:
            rows.append(Row(learner, WAIT, _("Every seat is taken.")))
    return EnrolmentPlan(rows=rows, problem=programme_problem(programme))


def plan(cohort, *, module=None, programme=None) -> EnrolmentPlan:
    return plan_module(cohort, module) if module is not None else plan_programme(cohort, programme)
