"""The demo data: achievements for the demo modules and internships, two pathways, awards for the demo student."""

import pytest
from django.core.management import call_command

from credentials.models import Achievement, Award


@pytest.mark.django_db
def test_demo_data_is_complete_and_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", password="jige-demo-2026")
    counts = (Achievement.objects.count(), Award.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", password="jige-demo-2026")
    assert (Achievement.objects.count(), Award.objects.count()) == counts

    assert Achievement.objects.filter(type=Achievement.Type.COURSE_MODULE).count() >= 6
    assert Achievement.objects.filter(type=Achievement.Type.INTERNSHIP).exists()
    pathways = {p.slug: p for p in Achievement.objects.pathways().prefetch_related("components")}
    assert set(pathways) == {"pathway-global-collaboration", "pathway-japan-global-certificate"}
    assert pathways["pathway-global-collaboration"] in pathways["pathway-japan-global-certificate"].components.all()
    for achievement in Achievement.objects.all():
        achievement.full_clean()  # every guidance field the model requires is filled in

    student_awards = Award.objects.filter(recipient__email="student@demo.jige.example")
    assert student_awards.issued().count() >= 2
    assert student_awards.filter(is_public=True).exists()
