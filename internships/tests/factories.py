from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from community.models import Organization
from community.tests.factories import OrganizationFactory
from internships.models import Application, HostCompany, Posting, WorkEligibility
from internships.pdf import minimal_pdf


class CompanyOrganizationFactory(OrganizationFactory):
    name_en = factory.Sequence(lambda n: f"Host Company {n}")
    name_ja = factory.Sequence(lambda n: f"ホスト株式会社{n}")
    slug = factory.Sequence(lambda n: f"host-company-{n}")
    kind = Organization.Kind.COMPANY
    country = "JP"
    prefecture = "10"


class HostCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostCompany

    organization = factory.SubFactory(CompanyOrganizationFactory)
    status = HostCompany.Status.APPROVED
    approved_at = factory.LazyFunction(timezone.now)


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    company = factory.SubFactory(HostCompanyFactory)
    title_en = factory.Sequence(lambda n: f"Software internship {n}")
    title_ja = factory.Sequence(lambda n: f"ソフトウェア開発インターン{n}")
    description_en = "Build tools with our engineering team in Maebashi."
    description_ja = "前橋のエンジニアチームとツールを開発します。"
    mode = Posting.Mode.ON_SITE
    location_en = "Maebashi"
    location_ja = "前橋市"
    prefecture = "10"
    field = "ict"
    duration_months = 3
    start_earliest = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    start_latest = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    hours_per_week = 20
    is_paid = False
    monthly_pay_yen = None
    skills = "Python, SQL"
    positions = 2
    application_deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    status = Posting.Status.PUBLISHED
    published_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == Posting.Status.PUBLISHED else None)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    posting = factory.SubFactory(PostingFactory)
    student = None  # give one: ApplicationFactory(student=student)
    motivation = "I would love to work on your tools."
    cv = factory.LazyFunction(lambda: ContentFile(minimal_pdf(), name="cv.pdf"))
    status = Application.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class WorkEligibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkEligibility

    residence_status = WorkEligibility.ResidenceStatus.STUDENT
    permission = WorkEligibility.Permission.COMPREHENSIVE
    permission_reference = "P-123456"
    permission_valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=700))
