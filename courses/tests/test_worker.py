"""Through a real Celery worker: the learner moved up from the waiting list gets an e-mail, and
completion's award request is completed in the background."""

import quopri

import pytest

from community.models import OutgoingEmail
from community.tests.factories import UserFactory
from conftest import wait_for
from courses import services
from courses.models import Enrolment
from courses.tests.factories import published_module
from credentials.models import Award
from credentials.tests.factories import AchievementFactory


@pytest.mark.worker
def test_promoted_learner_is_emailed_by_a_real_worker(celery_worker_process):
    module = published_module(seats=1, title_en="Renewable Energy Systems")
    first, waiting = UserFactory(), UserFactory(email="waiting@example.org")
    services.enrol_learner(module=module, learner=first)
    services.join_waiting_list(module=module, learner=waiting)

    services.withdraw_enrolment(module=module, learner=first)

    assert Enrolment.objects.get(module=module, learner=waiting).status == Enrolment.Status.ENROLLED
    outgoing = OutgoingEmail.objects.get(to=["waiting@example.org"])
    wait_for(lambda: OutgoingEmail.objects.get(pk=outgoing.pk).status == OutgoingEmail.Status.SENT, timeout=30)
    written = "".join(p.read_text() for p in celery_worker_process.mail_dir.glob("*.log"))
    assert "Renewable Energy Systems" in quopri.decodestring(written.encode()).decode()


@pytest.mark.worker
def test_completion_award_is_completed_by_a_real_worker(celery_worker_process):
    teacher = UserFactory(roles=["faculty"])
    module = published_module(owners=[teacher], achievement=AchievementFactory())
    learner = UserFactory()
    services.enrol_learner(module=module, learner=learner)
    enrolment = Enrolment.objects.get(module=module, learner=learner)

    services.record_results(module=module, results=[(enrolment, 95, 88)], by=teacher)

    award = Award.objects.get(recipient=learner, achievement=module.achievement)
    wait_for(lambda: Award.objects.get(pk=award.pk).status == Award.Status.ISSUED, timeout=60)
