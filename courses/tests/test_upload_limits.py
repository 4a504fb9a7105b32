"""A results CSV with a value over the csv module's field limit is a form error that saves nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community.tests.factories import UserFactory
from courses.models import Enrolment
from courses.tests.factories import EnrolmentFactory, published_module
from credentials.models import Award
from credentials.tests.factories import AchievementFactory

pytestmark = pytest.mark.django_db


def test_a_results_csv_value_over_the_field_limit_is_a_form_error(client):
    teacher = UserFactory(roles=["faculty"], language="en")
    module = published_module(owners=[teacher], achievement=AchievementFactory())
    learners = [UserFactory(email=f"learner{i}@example.org") for i in range(2)]
    for learner in learners:
        EnrolmentFactory(module=module, learner=learner)
    text = "email,attendance,grade\nlearner0@example.org,100,100\n" + f"learner1@example.org,100,{'9' * 131_073}\n"
    client.force_login(teacher)
    response = client.post(
        reverse("courses:results", args=[module.slug]),
        {"upload": "1", "file": SimpleUploadedFile("results.csv", text.encode(), content_type="text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "The CSV file cannot be read at line 3" in html
    assert not Enrolment.objects.filter(module=module, grade__isnull=False).exists()
    assert not Enrolment.objects.filter(module=module, status=Enrolment.Status.COMPLETED).exists()
    assert not Award.objects.exists()
