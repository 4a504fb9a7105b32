"""The application state machine: every legal step by its role only, every other step refused, all audited."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.models import Notification
from internships import services
from internships.models import (
    Application,
    ApplicationEvent,
    Evaluation,
    InvalidTransition,
    TransitionBlocked,
    TransitionForbidden,
)

S = Application.Status
LEGAL = list(Application.TRANSITIONS.items())
ILLEGAL_PAIRS = [
    (source, target)
    for source, target in itertools.product(S.values, S.values)
    if (source, target) not in Application.TRANSITIONS
]


def actor_user(actor, personas_by_actor):
    return personas_by_actor[actor]


@pytest.fixture
def by_actor(student, staff_member, company_contact, company):
    return {
        Application.Actor.STUDENT: student,
        Application.Actor.STAFF: staff_member,
        Application.Actor.COMPANY: company_contact,
    }


def put_in(application, status, by_actor):
    """Set an application straight into a state, with what that state implies."""
    application.status = status
    if status not in (S.DRAFT, S.SUBMITTED, S.STAFF_REJECTED):
        application.staff_approved_at = timezone.now()
    if status == S.IN_PROGRESS:
        for role, actor in ((Evaluation.Author.STUDENT, "student"), (Evaluation.Author.COMPANY, "company")):
            Evaluation.objects.create(
                application=application,
                stage=Evaluation.Stage.FINAL,
                author_role=role,
                author=by_actor[actor],
                rating=4,
                comments="Good.",
            )
    application.save()
    return application


@pytest.mark.django_db
@pytest.mark.parametrize(("step", "rule"), LEGAL, ids=[f"{a}->{b}" for (a, b), _r in LEGAL])
def test_each_legal_transition_is_done_by_its_role_and_audited(application, by_actor, step, rule):
    source, target = step
    actor, event = rule
    put_in(application, source, by_actor)
    services.change_application_status(
        application=application, status=target, by=by_actor[actor], comment="looks right"
    )
    application.refresh_from_db()
    assert application.status == target
    audit = ApplicationEvent.objects.get(application=application)
    assert (audit.event, audit.from_status, audit.to_status) == (event, source, target)
    assert audit.actor == by_actor[actor]
    assert audit.comment == "looks right"
    assert event.startswith("internships.application.")


@pytest.mark.django_db
@pytest.mark.parametrize(("step", "rule"), LEGAL, ids=[f"{a}->{b}" for (a, b), _r in LEGAL])
def test_each_legal_transition_is_refused_to_every_other_role(
    application, by_actor, other_student, other_company_contact, step, rule
):
    source, target = step
    actor, _event = rule
    put_in(application, source, by_actor)
    wrong = [user for role, user in by_actor.items() if role != actor] + [other_student, other_company_contact]
    for user in wrong:
        with pytest.raises(TransitionForbidden) as refused:
            services.change_application_status(application=application, status=target, by=user)
        assert "Only the" in str(refused.value)
    application.refresh_from_db()
    assert application.status == source
    assert not ApplicationEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ILLEGAL_PAIRS)
def test_every_other_transition_is_refused_with_a_message_for_everyone(application, by_actor, source, target):
    put_in(application, source, by_actor)
    for user in by_actor.values():
        with pytest.raises(InvalidTransition) as refused:
            services.change_application_status(application=application, status=target, by=user)
        assert not isinstance(refused.value, TransitionForbidden | TransitionBlocked)
        assert "cannot become" in str(refused.value)
    application.refresh_from_db()
    assert application.status == source
    assert not ApplicationEvent.objects.exists()


@pytest.mark.django_db
def test_refusal_message_is_translated(application, by_actor):
    from django.utils import translation

    with translation.override("ja"), pytest.raises(InvalidTransition) as refused:
        services.change_application_status(application=application, status=S.COMPLETED, by=by_actor["staff"])
    assert "「応募済み」の応募を「修了」にすることはできません" in str(refused.value)


@pytest.mark.django_db
def test_completion_needs_both_final_evaluations(application, by_actor, staff_member):
    application.status, application.staff_approved_at = S.IN_PROGRESS, timezone.now()
    application.save()
    with pytest.raises(TransitionBlocked) as blocked:
        services.change_application_status(application=application, status=S.COMPLETED, by=staff_member)
    assert "final evaluation is missing" in str(blocked.value)
    application.refresh_from_db()
    assert application.status == S.IN_PROGRESS


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_or_deleted(application, student):
    application.status = S.DRAFT
    application.save()
    event = services.change_application_status(application=application, status=S.SUBMITTED, by=student).events.get()
    event.comment = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert ApplicationEvent.objects.get().comment == ""


@pytest.mark.django_db
def test_starting_sets_the_evaluation_dates_from_the_postings_start(application, by_actor, staff_member):
    put_in(application, S.COMPANY_ACCEPTED, by_actor)
    services.change_application_status(application=application, status=S.IN_PROGRESS, by=staff_member)
    application.refresh_from_db()
    # The posting starts in 30 days; clicking "started" today does not move the internship's dates.
    assert application.starts_on == application.posting.start_earliest != timezone.localdate()
    assert application.starts_on < application.midterm_due < application.ends_on
    assert (application.ends_on - application.starts_on).days in range(89, 93)  # three months


@pytest.mark.django_db
def test_approval_notifies_student_and_company_in_their_languages(
    application, staff_member, company_contact, student, django_capture_on_commit_callbacks, mailoutbox
):
    company_contact.language = "ja"
    company_contact.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.change_application_status(application=application, status=S.STAFF_APPROVED, by=staff_member)
    to_student = Notification.objects.get(recipient=student)
    to_company = Notification.objects.get(recipient=company_contact)
    assert to_student.event == to_company.event == "internships.application.approved"
    assert "Staff approved the application of Mai Student" in to_student.text
    assert "スタッフが" in to_company.text
    assert to_company.text.count(application.posting.title_ja) == 1
    assert not Notification.objects.filter(recipient=staff_member).exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([student.email, company_contact.email])


@pytest.mark.django_db
@pytest.mark.parametrize(("step", "rule"), LEGAL, ids=[f"{a}->{b}" for (a, b), _r in LEGAL])
def test_every_transition_notifies_someone_but_not_the_actor(application, by_actor, step, rule):
    source, target = step
    put_in(application, source, by_actor)
    services.change_application_status(application=application, status=target, by=by_actor[rule[0]])
    notified = set(Notification.objects.filter(event=rule[1]).values_list("recipient", flat=True))
    assert notified
    assert by_actor[rule[0]].pk not in notified


@pytest.mark.django_db
def test_completion_awards_the_postings_credential_once(application, by_actor, staff_member):
    from credentials.models import Award
    from credentials.tests.factories import AchievementFactory

    posting = application.posting
    posting.achievement = AchievementFactory(type="internship")
    posting.save()
    staff_member.organization = posting.achievement.issuer  # staff of the issuing university
    staff_member.save()
    put_in(application, S.IN_PROGRESS, by_actor)
    services.change_application_status(application=application, status=S.COMPLETED, by=staff_member)
    award = Award.objects.get(recipient=application.student)
    assert award.achievement == posting.achievement


@pytest.mark.django_db
def test_bulk_approval_approves_the_eligible_and_explains_the_rest(company, staff_member, student, other_student):
    from .factories import ApplicationFactory, PostingFactory

    free = ApplicationFactory(posting=PostingFactory(company=company), student=student)
    paid = ApplicationFactory(
        posting=PostingFactory(company=company, is_paid=True, monthly_pay_yen=150000), student=other_student
    )
    approved, refused = services.bulk_approve_applications(applications=[free, paid], by=staff_member)
    assert [a.pk for a in approved] == [free.pk]
    assert [(a.pk, "residence status is not recorded" in str(e)) for a, e in refused] == [(paid.pk, True)]
    paid.refresh_from_db()
    assert paid.status == S.SUBMITTED
