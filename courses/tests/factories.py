from datetime import date, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from community.tests.factories import CampusFactory, OrganizationFactory, UserFactory
from courses.models import Enrolment, LearningOutcome, Module, ModuleApproval, ModuleOwner, Programme, Session


class ModuleFactory(factory.django.DjangoModelFactory):
    """A published-ready draft: lead university, one partner, one co-owner, enrolment open now."""

    class Meta:
        model = Module
        skip_postgeneration_save = True

    title_en = factory.Sequence(lambda n: f"Sustainable Cities {n}")
    title_ja = factory.Sequence(lambda n: f"持続可能な都市 {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    summary_en = "Compare urban planning in two countries."
    summary_ja = "二つの国の都市計画を比べる。"
    lead_university = factory.SubFactory(OrganizationFactory, is_lead=True, country="JP")
    level = "undergraduate"
    discipline = "social_sciences"
    language = "en"
    modality = "online_sync"
    term = "autumn"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=100))
    time_zone = "Asia/Tokyo"
    workload_hours = 40
    credit_value = Decimal("2.0")
    seats = 20
    enrolment_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    enrolment_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    status = Module.Status.DRAFT

    @factory.post_generation
    def partners(obj, create, extracted, **kwargs):
        if create:
            obj.partner_universities.set(extracted if extracted is not None else [OrganizationFactory()])

    @factory.post_generation
    def owners(obj, create, extracted, **kwargs):
        if create and extracted:
            for user in extracted:
                ModuleOwner.objects.create(module=obj, user=user)


def published_module(**kwargs) -> Module:
    """A published module with its community groups, as the approval workflow leaves it: every
    co-owner has approved it, and when it awards a credential, a co-owner of the issuing
    university is among them (a co-owner without a home organization is given the issuer)."""
    from courses.services import ensure_module_groups

    module = ModuleFactory(status=Module.Status.PUBLISHED, published_at=timezone.now(), **kwargs)
    ensure_module_groups(module=module)
    owners = [owner.user for owner in module.owners.select_related("user")]
    if module.achievement_id and module.achievement.issuer_id not in module.issuing_university_ids():
        homeless = next((user for user in owners if user.organization_id is None), None)
        if homeless is not None:
            homeless.organization = module.achievement.issuer
            homeless.save(update_fields=["organization"])
    ModuleApproval.objects.bulk_create(
        ModuleApproval(module=module, owner=user, approved_at=timezone.now(), achievement=module.achievement)
        for user in owners
    )
    return module


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    module = factory.SubFactory(ModuleFactory)
    weekday = 2
    starts_at = time(18, 0)
    duration_minutes = 90


class LearningOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningOutcome

    module = factory.SubFactory(ModuleFactory)
    text_en = factory.Sequence(lambda n: f"Outcome {n}")
    text_ja = factory.Sequence(lambda n: f"到達目標 {n}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    module = factory.SubFactory(ModuleFactory)
    learner = factory.SubFactory(UserFactory)
    status = Enrolment.Status.ENROLLED
    enrolled_at = factory.LazyFunction(timezone.now)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title_en = factory.Sequence(lambda n: f"Summer in Chiba {n}")
    title_ja = factory.Sequence(lambda n: f"千葉の夏 {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary_en = "Four weeks online, two weeks on campus."
    summary_ja = "オンライン4週間、キャンパス2週間。"
    host_campus = factory.SubFactory(CampusFactory)
    city_en = "Chiba"
    city_ja = "千葉市"
    stay_starts_on = factory.LazyFunction(lambda: date.today() + timedelta(days=90))
    stay_ends_on = factory.LazyFunction(lambda: date.today() + timedelta(days=104))
    seats = 2
    cost_jpy = 120000
    housing_support = True
    visa_letter = True
    application_deadline = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    status = Programme.Status.PUBLISHED


def restore_role_permissions() -> None:
    """A transactional test ends with a flush that empties the role groups' permissions (the
    migrations' data is gone); browser journeys that need them put them back first. After a
    test with `serialized_rollback`, the flush skips post_migrate, so the content types and
    permissions themselves are gone too: they are made again first."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)  # creates missing content types as well
    for app_label, migration in (("community", "0002_roles"), ("courses", "0002_roles")):
        roles = import_module(f"{app_label}.migrations.{migration}").ROLE_PERMISSIONS
        for role, codenames in roles.items():
            group, _created = Group.objects.get_or_create(name=role)
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
