import pytest

from community import demo as community_demo
from courses import demo
from courses.models import Enrolment, Module, Programme

pytestmark = pytest.mark.django_db


def test_demo_data_is_bilingual_and_idempotent():
    context = community_demo.seed(password="jige-demo-2026")
    demo.seed(context)
    demo.seed(context)
    assert Module.objects.count() == 12
    assert Module.objects.published().count() == 11
    assert not Module.objects.filter(title_ja="").exists()
    assert Programme.objects.published().count() == 2
    assert Enrolment.objects.filter(learner=context["users"]["student"]).count() == 4
    full = Module.objects.get(slug="renewable-energy")
    assert full.enrolments.enrolled().count() == 2 and full.enrolments.waitlisted().count() == 2
    assert all(m.group_id and m.alumni_group_id for m in Module.objects.published())
