"""The world of the internship tests: an approved company whose contact is the company persona."""

import pytest

from community.models import Role
from community.tests.factories import UserFactory

from .factories import ApplicationFactory, HostCompanyFactory, PostingFactory


@pytest.fixture
def company(company_contact):
    company = HostCompanyFactory()
    company_contact.organization = company.organization
    company_contact.save(update_fields=["organization"])
    return company


@pytest.fixture
def other_company_contact(db):
    other = HostCompanyFactory()
    return UserFactory(
        roles=[Role.COMPANY_CONTACT],
        organization=other.organization,
        display_name="Suzuki Other Company",
        email="suzuki@other.example.co.jp",
    )


@pytest.fixture
def posting(company):
    return PostingFactory(company=company)


@pytest.fixture
def application(posting, student):
    return ApplicationFactory(posting=posting, student=student)
