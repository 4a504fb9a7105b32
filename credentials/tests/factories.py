from decimal import Decimal

import factory

from community.tests.factories import OrganizationFactory, UserFactory
from credentials.models import Achievement, Award, EquivalenceClass


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"achievement-{n}")
    type = Achievement.Type.COURSE_MODULE
    name_en = factory.Sequence(lambda n: f"Intercultural Collaboration {n}")
    name_ja = factory.Sequence(lambda n: f"異文化協働 {n}")
    issuer = factory.SubFactory(OrganizationFactory, is_lead=True, country="JP")
    description_en = "A COIL module co-taught by two universities."
    description_ja = "2大学が共同で教えるCOILモジュール。"
    criteria_en = "Complete every unit and the team project."
    criteria_ja = "すべての単元とチームプロジェクトを修了すること。"
    learning_outcomes_en = "Work in an international team\nPresent a joint project"
    learning_outcomes_ja = "国際チームで協働できる\n共同プロジェクトを発表できる"
    assessment_method_en = "Team project graded with a rubric."
    assessment_method_ja = "ルーブリックで評価するチームプロジェクト。"
    quality_assurance_en = "Approved by the consortium's curriculum committee."
    quality_assurance_ja = "コンソーシアムの教務委員会が承認。"
    prerequisites_en = "None."
    prerequisites_ja = "なし。"
    workload_hours = 30
    credit_value = Decimal("1.5")
    level = 6
    language = Achievement.Language.BILINGUAL

    @factory.post_generation
    def components(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.components.set(extracted)


class PathwayFactory(AchievementFactory):
    type = Achievement.Type.PATHWAY
    rule = Achievement.Rule.ALL
    credit_value = Decimal("0")
    name_en = factory.Sequence(lambda n: f"Global Pathway {n}")
    name_ja = factory.Sequence(lambda n: f"グローバル・パスウェイ {n}")


class EquivalenceClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquivalenceClass

    name_en = factory.Sequence(lambda n: f"Equivalent group {n}")


class AwardFactory(factory.django.DjangoModelFactory):
    """An issued award written directly (tests of awarding itself go through the service)."""

    class Meta:
        model = Award

    recipient = factory.SubFactory(UserFactory)
    achievement = factory.SubFactory(AchievementFactory)
    issuer = factory.LazyAttribute(lambda o: o.achievement.issuer)
    credits_earned = factory.LazyAttribute(lambda o: o.achievement.credit_value)
    status = Award.Status.ISSUED
    issued_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)
