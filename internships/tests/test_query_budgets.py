"""List pages stay within a fixed number of queries whether they show 3 rows or 30.

Measured: 6, 6, 9 and 4 queries at both sizes (session, user, roles included); the budgets leave
room for two more from the shared page header."""

import pytest
from django.urls import reverse
from django.utils import timezone

from community.tests.factories import UserFactory
from internships.models import Application

from .factories import ApplicationFactory, PostingFactory

S = Application.Status


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_postings_list(client, company, student, rows, django_assert_max_num_queries):
    PostingFactory.create_batch(rows, company=company)
    client.force_login(student)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("internships:index"), {"page": 1})
    assert len(response.context["page"]) == min(rows, 12)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_staff_queue(client, company, staff_member, rows, django_assert_max_num_queries):
    posting = PostingFactory(company=company, is_paid=True, monthly_pay_yen=100000)
    for _ in range(rows):
        ApplicationFactory(posting=posting, student=UserFactory(roles=["student"]))
    client.force_login(staff_member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("internships:staff_queue"))
    assert len(response.context["page"]) == min(rows, 20)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_company_applications(client, company, company_contact, rows, django_assert_max_num_queries):
    posting = PostingFactory(company=company)
    for _ in range(rows):
        ApplicationFactory(
            posting=posting, student=UserFactory(), status=S.STAFF_APPROVED, staff_approved_at=timezone.now()
        )
    client.force_login(company_contact)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("internships:company_home"))
    assert len(response.context["page"]) == min(rows, 20)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_students_applications(client, company, student, rows, django_assert_max_num_queries):
    for _ in range(rows):
        ApplicationFactory(posting=PostingFactory(company=company), student=student)
    client.force_login(student)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("internships:my_applications"))
    assert len(response.context["page"]) == min(rows, 20)
