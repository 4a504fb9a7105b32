"""Demo data of the credentials app: achievements for the demo modules and internships, two
pathways (one inside the other), and awards for the demo student.

Idempotent: achievements are found by slug and updated; awarding twice returns the same award.
The first six course-module achievements are in the order of the courses app's first six demo
modules, which take them by that order. Each demo award is made by a faculty member of the
issuing university (see issuing_faculty), as the issuing rules require.
"""

from decimal import Decimal

from django.utils.text import slugify

from .models import Achievement, Award, EquivalenceClass, issuing_organizations
from .services import award_achievement

QA_EN = (
    "Designed and reviewed under the JIGE consortium's joint quality framework; "
    "assessed by faculty of both universities."
)
QA_JA = "JIGEコンソーシアムの共同質保証枠組みに基づき設計・審査。両大学の教員が評価。"

# A faculty member of each issuing university who is not a demo sign-in (Chiba's is the demo faculty):
# e-mail, display name, language.
UNIVERSITY_FACULTY = {
    "kansai-university": ("faculty.kansai@demo.jige.example", "Prof. Aiko Yamada", "ja"),
    "tohoku-university": ("faculty.tohoku@demo.jige.example", "Prof. Daichi Suzuki", "ja"),
}

# slug, issuer, name en, name ja, credits, hours, level, language, delivery, field
MODULE_ACHIEVEMENTS = [
    (
        "sustainable-cities",
        "chiba-university",
        "Sustainable Cities: Tokyo and Sydney",
        "持続可能な都市：東京とシドニー",
        "2",
        45,
        6,
        "en",
        "online",
        "",
    ),
    (
        "intercultural-teamwork",
        "kansai-university",
        "Intercultural Teamwork",
        "異文化チームワーク",
        "1.5",
        40,
        5,
        "en+ja",
        "online",
        "",
    ),
    (
        "disaster-resilience",
        "tohoku-university",
        "Disaster Resilience and Recovery",
        "防災と復興",
        "2",
        45,
        7,
        "en",
        "online",
        "engineering",
    ),
    (
        "japanese-for-engineers",
        "tohoku-university",
        "Japanese for Engineers",
        "エンジニアのための日本語",
        "1.5",
        40,
        4,
        "ja",
        "online",
        "",
    ),
    ("ai-and-society", "chiba-university", "AI and Society", "AIと社会", "2", 45, 7, "en", "online", "ict"),
    (
        "food-security",
        "kansai-university",
        "Food Security in Asia",
        "アジアの食料安全保障",
        "2.5",
        60,
        6,
        "en",
        "blended",
        "agriculture",
    ),
]


def _texts(name_en, name_ja, issuer):
    return {
        "description_en": f"Micro-credential for completing the COIL module “{name_en}”, offered by {issuer.name_en} "
        "with a partner university.",
        "description_ja": f"{issuer.name_ja}がパートナー大学と共同で提供するCOILモジュール「{name_ja}」の修了証。",
        "criteria_en": "Attend at least 80% of the live sessions, submit the reflection journal and pass the "
        "joint team project (grade C or better).",
        "criteria_ja": "ライブセッションの80%以上に出席し、振り返りジャーナルを提出し、合同チームプロジェクトで"
        "C以上の評価を得ること。",
        "learning_outcomes_en": "Work effectively in an international online team\n"
        "Compare approaches in Japan and a partner country\nPresent a joint project to both universities",
        "learning_outcomes_ja": "国際的なオンラインチームで効果的に協働できる\n"
        "日本とパートナー国の取り組みを比較できる\n"
        "共同プロジェクトを両大学に向けて発表できる",
        "assessment_method_en": "Team project graded with a shared rubric (60%), reflection journal (20%), "
        "participation (20%).",
        "assessment_method_ja": "共通ルーブリックによるチームプロジェクト評価（60%）、"
        "振り返りジャーナル（20%）、参加（20%）。",
        "quality_assurance_en": QA_EN,
        "quality_assurance_ja": QA_JA,
        "prerequisites_en": "English at CEFR B2 or Japanese at JLPT N2, depending on the language of the module.",
        "prerequisites_ja": "モジュールの言語に応じて、英語CEFR B2または日本語JLPT N2程度。",
    }


def issuing_faculty(context: dict) -> dict:
    """{university slug: a faculty member of it} for the consortium's issuing universities, created
    once (no password: they sign in only by a reset). Also used by the courses demo for co-owners."""
    from allauth.account.models import EmailAddress

    from community.models import User
    from community.services import assign_role

    organizations = context["organizations"]
    faculty = context["users"]["faculty"]
    people = {faculty.organization.slug: faculty}
    for slug, (email, name, language) in UNIVERSITY_FACULTY.items():
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, "organization": organizations[slug], "language": language}
        )
        if created:
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        assign_role(user=user, role="faculty")
        people[slug] = user
    return people


def seed(context: dict) -> None:
    organizations = context["organizations"]
    student = context["users"]["student"]
    faculty_of = issuing_faculty(context)

    modules = []
    for slug, issuer_slug, name_en, name_ja, credits, hours, level, language, delivery, field in MODULE_ACHIEVEMENTS:
        issuer = organizations[issuer_slug]
        achievement, _created = Achievement.objects.update_or_create(
            slug=f"module-{slug}",
            defaults={
                "type": Achievement.Type.COURSE_MODULE,
                "name_en": name_en,
                "name_ja": name_ja,
                "issuer": issuer,
                "credit_value": Decimal(credits),
                "workload_hours": hours,
                "level": level,
                "language": language,
                "delivery_mode": delivery,
                "supervision": Achievement.Supervision.ONLINE,
                "field_of_study": field,
                "validity_months": None,
                **_texts(name_en, name_ja, issuer),
            },
        )
        modules.append(achievement)

    internship, _created = Achievement.objects.update_or_create(
        slug="internship-japan-placement",
        defaults={
            "type": Achievement.Type.INTERNSHIP,
            "name_en": "Internship in Japan",
            "name_ja": "日本でのインターンシップ",
            "issuer": organizations["kansai-university"],
            "credit_value": Decimal("4"),
            "workload_hours": 320,
            "level": 6,
            "language": Achievement.Language.BILINGUAL,
            "delivery_mode": Achievement.DeliveryMode.ON_SITE,
            "supervision": Achievement.Supervision.ON_SITE,
            "description_en": "A supervised placement of at least two months with a host company in Japan.",
            "description_ja": "日本の受入企業での2か月以上の指導付きインターンシップ。",
            "criteria_en": "Complete the placement with a satisfactory host report and a final reflection.",
            "criteria_ja": "受入企業から良好な評価を受け、最終振り返りを提出して修了すること。",
            "learning_outcomes_en": "Apply academic knowledge in a Japanese workplace\n"
            "Communicate professionally across cultures",
            "learning_outcomes_ja": "学んだ知識を日本の職場で活用できる\n"
            "文化の違いを越えて職業的にコミュニケーションできる",
            "assessment_method_en": "Host supervisor's evaluation and the university's review of the final report.",
            "assessment_method_ja": "受入先指導者の評価と、最終報告書の大学による審査。",
            "quality_assurance_en": QA_EN,
            "quality_assurance_ja": QA_JA,
            "prerequisites_en": "Approved application; Japanese at JLPT N3 recommended.",
            "prerequisites_ja": "応募が承認されていること。日本語JLPT N3程度を推奨。",
            "validity_months": None,
        },
    )

    competency, _created = Achievement.objects.update_or_create(
        slug="competency-intercultural-communication",
        defaults={
            "type": Achievement.Type.COMPETENCY,
            "name_en": "Intercultural Communication",
            "name_ja": "異文化コミュニケーション",
            "issuer": organizations["chiba-university"],
            "credit_value": Decimal("1"),
            "workload_hours": 20,
            "level": 5,
            "language": Achievement.Language.BILINGUAL,
            "delivery_mode": Achievement.DeliveryMode.ONLINE,
            "supervision": Achievement.Supervision.ONLINE,
            "description_en": "Demonstrated competency in communicating across languages and cultures.",
            "description_ja": "言語や文化の違いを越えてコミュニケーションする力を実証。",
            "criteria_en": "Pass the competency assessment (portfolio and interview).",
            "criteria_ja": "コンピテンシー評価（ポートフォリオと面接）に合格すること。",
            "learning_outcomes_en": "Adapt communication to the cultural context",
            "learning_outcomes_ja": "文化的文脈に合わせてコミュニケーションを調整できる",
            "assessment_method_en": "Portfolio and a 20-minute interview.",
            "assessment_method_ja": "ポートフォリオと20分間の面接。",
            "quality_assurance_en": QA_EN,
            "quality_assurance_ja": QA_JA,
            "prerequisites_en": "None.",
            "prerequisites_ja": "なし。",
            "validity_months": 36,
        },
    )
    # The competency and the teamwork module certify the same thing: the credit bank counts them once.
    same, _created = EquivalenceClass.objects.get_or_create(
        name_en="Intercultural communication", defaults={"name_ja": "異文化コミュニケーション"}
    )
    Achievement.objects.filter(pk__in=[competency.pk, modules[1].pk]).update(equivalence_class=same)

    collaboration = _pathway(
        slug="pathway-global-collaboration",
        issuer=organizations["kansai-university"],
        name_en="Global Collaboration Pathway",
        name_ja="グローバル協働パスウェイ",
        rule=Achievement.Rule.ANY_N,
        required_count=2,
        components=[modules[0], modules[1], modules[3]],
        criteria_en="Earn any two of: Sustainable Cities, Intercultural Teamwork, Japanese for Engineers.",
        criteria_ja="「持続可能な都市」「異文化チームワーク」「エンジニアのための日本語」のうち2つを取得すること。",
    )
    _pathway(
        slug="pathway-japan-global-certificate",
        issuer=organizations["tohoku-university"],
        name_en="JIGE Global Certificate",
        name_ja="JIGEグローバル修了証",
        rule=Achievement.Rule.ALL,
        components=[collaboration, internship],
        criteria_en="Complete the Global Collaboration Pathway and an internship in Japan.",
        criteria_ja="グローバル協働パスウェイを修了し、日本でのインターンシップを修了すること。",
        credit_value=Decimal("0"),
    )

    for achievement, public in ((modules[3], True), (competency, False)):
        awarder = faculty_of[achievement.issuer.slug]
        award = award_achievement(
            recipient=student,
            achievement=achievement,
            evidence="https://jige.example.org/demo",
            awarded_by=awarder,
            acting_for=set(issuing_organizations(awarder).values_list("pk", flat=True)),
        )
        if public and not award.is_public:
            Award.objects.filter(pk=award.pk).update(is_public=True)


def _pathway(*, slug, issuer, name_en, name_ja, rule, components, criteria_en, criteria_ja, **extra):
    total_hours = sum(c.workload_hours for c in components)
    pathway, _created = Achievement.objects.update_or_create(
        slug=slug or slugify(name_en),
        defaults={
            "type": Achievement.Type.PATHWAY,
            "name_en": name_en,
            "name_ja": name_ja,
            "issuer": issuer,
            "rule": rule,
            "credit_value": extra.pop("credit_value", Decimal("0")),
            "workload_hours": total_hours,
            "level": 6,
            "language": Achievement.Language.BILINGUAL,
            "delivery_mode": Achievement.DeliveryMode.BLENDED,
            "description_en": f"A stack of JIGE micro-credentials: {name_en}.",
            "description_ja": f"JIGEマイクロクレデンシャルの積み上げ：{name_ja}。",
            "criteria_en": criteria_en,
            "criteria_ja": criteria_ja,
            "learning_outcomes_en": "The learning outcomes of its components, applied together",
            "learning_outcomes_ja": "構成要素の学修成果を総合的に活用できる",
            "assessment_method_en": "Awarded automatically when the components are held (each assessed on its own).",
            "assessment_method_ja": "構成要素をすべて満たした時点で自動的に授与（各構成要素はそれぞれ評価済み）。",
            "quality_assurance_en": QA_EN,
            "quality_assurance_ja": QA_JA,
            "prerequisites_en": "None beyond those of the components.",
            "prerequisites_ja": "構成要素の前提条件以外はなし。",
            **extra,
        },
    )
    pathway.components.set(components)
    return pathway
