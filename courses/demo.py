"""Demo data of the courses app: a dozen bilingual modules, two blended programmes, enrolments.

Idempotent: modules and programmes are found by slug and updated; enrolments by (module, learner).

A module awards only credentials of its co-owners' universities, once a co-owner of the issuer
approved it with that credential: every module is co-owned by a faculty member of its lead
university, links a credential its lead university issues, and a published module carries the
approvals its review would have left.
"""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from community import demo_images
from community.models import User

from . import services
from .models import (
    Enrolment,
    LearningOutcome,
    Module,
    ModuleApproval,
    ModuleOwner,
    Programme,
    ProgrammeApplication,
    Session,
)

MODULES = [
    # slug, title en, title ja, lead, partner, level, discipline, language, modality, term, credits, seats
    (
        "sustainable-cities",
        "Sustainable Cities: Tokyo and Sydney",
        "持続可能な都市：東京とシドニー",
        "chiba-university",
        "northbridge-university",
        "undergraduate",
        "social_sciences",
        "en",
        "online_sync",
        "autumn",
        "2.0",
        30,
    ),
    (
        "intercultural-teamwork",
        "Intercultural Teamwork",
        "異文化チームワーク",
        "kansai-university",
        "lakeside-state-university",
        "undergraduate",
        "business_law",
        "en_ja",
        "online_sync",
        "autumn",
        "1.5",
        40,
    ),
    (
        "disaster-resilience",
        "Disaster Resilience and Recovery",
        "防災と復興",
        "tohoku-university",
        "mekong-delta-university",
        "graduate",
        "engineering",
        "en",
        "online_sync",
        "spring",
        "3.0",
        25,
    ),
    (
        "japanese-for-engineers",
        "Japanese for Engineers",
        "エンジニアのための日本語",
        "tohoku-university",
        "selangor-institute-of-technology",
        "undergraduate",
        "arts_humanities",
        "ja",
        "online_async",
        "spring",
        "2.0",
        60,
    ),
    (
        "ai-and-society",
        "AI and Society",
        "AIと社会",
        "chiba-university",
        "universite-rhone-alpes",
        "graduate",
        "ict",
        "en",
        "online_sync",
        "autumn",
        "2.0",
        35,
    ),
    (
        "food-security",
        "Food Security in the Mekong and Japan",
        "メコンと日本の食料安全保障",
        "kansai-university",
        "mekong-delta-university",
        "undergraduate",
        "agriculture",
        "en",
        "blended",
        "summer",
        "3.0",
        20,
    ),
    (
        "global-health",
        "Global Health Challenges",
        "グローバルヘルスの課題",
        "chiba-university",
        "lakeside-state-university",
        "graduate",
        "health",
        "en",
        "online_sync",
        "winter",
        "1.5",
        30,
    ),
    (
        "manga-and-storytelling",
        "Manga and Visual Storytelling",
        "マンガと視覚的ストーリーテリング",
        "kansai-university",
        "universite-rhone-alpes",
        "high_school",
        "arts_humanities",
        "en_ja",
        "online_async",
        "summer",
        "0",
        80,
    ),
    (
        "renewable-energy",
        "Renewable Energy Systems",
        "再生可能エネルギーシステム",
        "tohoku-university",
        "northbridge-university",
        "undergraduate",
        "engineering",
        "en",
        "online_sync",
        "autumn",
        "2.0",
        2,
    ),
    (
        "data-journalism",
        "Data Journalism Across Borders",
        "国境を越えるデータジャーナリズム",
        "chiba-university",
        "selangor-institute-of-technology",
        "professional",
        "social_sciences",
        "en",
        "online_async",
        "winter",
        "1.0",
        50,
    ),
    (
        "tourism-design",
        "Regional Tourism Design in Kansai",
        "関西の地域観光デザイン",
        "kansai-university",
        "northbridge-university",
        "undergraduate",
        "services",
        "ja",
        "blended",
        "spring",
        "2.0",
        24,
    ),
    (
        "smart-manufacturing",
        "Smart Manufacturing and Kaizen",
        "スマート製造と改善",
        "tohoku-university",
        "lakeside-state-university",
        "professional",
        "engineering",
        "en",
        "online_sync",
        "autumn",
        "1.5",
        30,
    ),
]

OUTCOMES = [
    ("Work in an international team across time zones", "時差を越えて国際チームで協働できる"),
    ("Compare approaches in Japan and a partner country", "日本とパートナー国の取り組みを比較できる"),
    ("Present a joint project to both universities", "共同プロジェクトを両大学に向けて発表できる"),
]


def seed(context: dict) -> None:
    organizations = context["organizations"]
    users = context["users"]
    faculty = users["faculty"]
    student = users["student"]
    co_teacher = _co_teacher(organizations)
    faculty_of = _university_faculty(context)
    today = timezone.localdate()
    now = timezone.now()
    achievements = _module_achievements()
    modules = []
    for index, row in enumerate(MODULES):
        slug, title_en, title_ja, lead, partner, level, discipline, language, modality, term, credits, seats = row
        starts = today + timedelta(days=30 + 7 * index)
        module, _created = Module.objects.update_or_create(
            slug=slug,
            defaults={
                "title_en": title_en,
                "title_ja": title_ja,
                "summary_en": f"A COIL module co-taught by {organizations[lead].name_en} and "
                f"{organizations[partner].name_en}.",
                "summary_ja": f"{organizations[lead].name_ja}と{organizations[partner].name_ja}"
                "が共同で教えるCOILモジュール。",
                "description_en": "Weekly live seminars, a joint team project and reflection journals.",
                "description_ja": "毎週のオンラインセミナー、合同チームプロジェクト、振り返りジャーナル。",
                "lead_university": organizations[lead],
                "level": level,
                "discipline": discipline,
                "language": language,
                "modality": modality,
                "term": term,
                "starts_on": starts,
                "ends_on": starts + timedelta(weeks=10),
                "time_zone": "Asia/Tokyo",
                "workload_hours": 45,
                "credit_value": Decimal(credits),
                "seats": seats,
                "enrolment_opens_at": now - timedelta(days=7),
                "enrolment_closes_at": now + timedelta(days=25 + 7 * index),
                "achievement": _achievement_of(organizations[lead], index, achievements),
                "status": Module.Status.PUBLISHED if index < 11 else Module.Status.DRAFT,
                "published_at": now if index < 11 else None,
            },
        )
        module.partner_universities.set([organizations[partner]])
        owners = [faculty, co_teacher]
        if faculty_of.get(lead, faculty) != faculty:
            owners.append(faculty_of[lead])
        for owner in owners:
            ModuleOwner.objects.get_or_create(module=module, user=owner)
        if module.status == Module.Status.PUBLISHED:
            _approved_by(module, owners, now=now)
        if not module.sessions.exists() and modality != "online_async":
            Session.objects.create(
                module=module,
                weekday=index % 5,
                starts_at=time(17, 0),
                label_en="Live seminar",
                label_ja="ライブセミナー",
            )
        if not module.outcomes.exists():
            LearningOutcome.objects.bulk_create(
                LearningOutcome(module=module, position=i, text_en=en, text_ja=ja)
                for i, (en, ja) in enumerate(OUTCOMES)
            )
        if module.status == Module.Status.PUBLISHED:
            services.ensure_module_groups(module=module)
        # A few modules carry a picture drawn by the portal; the others show generated initials.
        if index < 6 and not module.cover:
            module.cover.save(f"{slug}.jpg", demo_images.scene(slug), save=True)
        modules.append(module)

    classmates = _classmates(organizations)
    for module in modules[:3] + [modules[8]]:
        for learner in [student, *classmates]:
            if not Enrolment.objects.filter(module=module, learner=learner).exists():
                if module.enrolments.enrolled().count() < module.seats:
                    services.enrol_learner(module=module, learner=learner)
                else:
                    services.join_waiting_list(module=module, learner=learner)
    _programmes(context, modules, student)


def _co_teacher(organizations) -> User:
    from allauth.account.models import EmailAddress

    from community.services import assign_role

    user, created = User.objects.get_or_create(
        email="faculty2@demo.jige.example",
        defaults={"display_name": "Dr. Emma Clarke", "organization": organizations["northbridge-university"]},
    )
    if created:
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    assign_role(user=user, role="faculty")
    return user


def _university_faculty(context) -> dict:
    """{university slug: faculty member}: a co-owner from each lead university that issues credentials."""
    try:
        from credentials.demo import issuing_faculty
    except ImportError:  # pragma: no cover - the credentials app is always installed
        return {}
    return issuing_faculty(context)


def _achievement_of(lead, index, achievements):
    """The credential a module links: the one in its place when its lead university issues it,
    else the lead university's first one (None when it issues none)."""
    if not achievements:
        return None
    preferred = achievements[index % len(achievements)]
    if preferred.issuer_id == lead.pk:
        return preferred
    return next((achievement for achievement in achievements if achievement.issuer_id == lead.pk), None)


def _approved_by(module, owners, *, now) -> None:
    """The approvals a finished review leaves: every co-owner, for the credential linked now."""
    for owner in owners:
        approval, created = ModuleApproval.objects.get_or_create(
            module=module, owner=owner, defaults={"approved_at": now, "achievement_id": module.achievement_id}
        )
        if not created and (approval.approved_at is None or approval.achievement_id != module.achievement_id):
            approval.approved_at = approval.approved_at or now
            approval.achievement_id = module.achievement_id
            approval.save(update_fields=["approved_at", "achievement"])


def _classmates(organizations) -> list[User]:
    people = []
    for number, (name, slug) in enumerate(
        [
            ("Liam Walker", "northbridge-university"),
            ("Chloé Martin", "universite-rhone-alpes"),
            ("Aisyah Rahman", "selangor-institute-of-technology"),
        ],
        start=1,
    ):
        user, created = User.objects.get_or_create(
            email=f"learner{number}@demo.jige.example",
            defaults={"display_name": name, "organization": organizations[slug]},
        )
        if created:
            user.set_unusable_password()
            user.save()
        people.append(user)
    return people


def _module_achievements():
    try:
        from credentials.models import Achievement
    except ImportError:  # pragma: no cover - the credentials app is always installed
        return []
    return list(Achievement.objects.filter(type=Achievement.Type.COURSE_MODULE, is_active=True).order_by("pk")[:6])


def _programmes(context, modules, student) -> None:
    campuses = context["campuses"]
    today = timezone.localdate()
    rows = [
        (
            "summer-chiba-urban-lab",
            "Chiba Urban Lab: online + two weeks in Chiba",
            "千葉アーバンラボ：オンライン＋千葉で2週間",
            "chiba-university",
            "Chiba",
            "千葉市",
            [modules[0], modules[4]],
            15,
            180000,
        ),
        (
            "tohoku-resilience-field-school",
            "Tohoku Resilience Field School",
            "東北レジリエンス・フィールドスクール",
            "tohoku-university",
            "Sendai",
            "仙台市",
            [modules[2]],
            12,
            150000,
        ),
    ]
    for index, (slug, title_en, title_ja, campus, city_en, city_ja, online, seats, cost) in enumerate(rows):
        stay = today + timedelta(days=120 + 30 * index)
        programme, _created = Programme.objects.update_or_create(
            slug=slug,
            defaults={
                "title_en": title_en,
                "title_ja": title_ja,
                "summary_en": "An online phase with partner universities, then a stay on campus.",
                "summary_ja": "パートナー大学とのオンライン学習のあと、キャンパスに滞在します。",
                "description_en": "Field visits, lab work with Japanese students and a final presentation.",
                "description_ja": "フィールド訪問、日本人学生との実習、最終発表。",
                "host_campus": campuses[campus],
                "city_en": city_en,
                "city_ja": city_ja,
                "stay_starts_on": stay,
                "stay_ends_on": stay + timedelta(days=14),
                "seats": seats,
                "cost_jpy": cost,
                "costs_note_en": "Covers housing, local transport and field trips.",
                "costs_note_ja": "宿舎、現地交通費、フィールドトリップを含みます。",
                "housing_support": True,
                "visa_letter": index == 0,
                "application_deadline": today + timedelta(days=45),
                "status": Programme.Status.PUBLISHED,
            },
        )
        programme.modules.set(online)
        if not programme.cover:
            programme.cover.save(f"{slug}.jpg", demo_images.scene(slug), save=True)
    first = Programme.objects.get(slug="summer-chiba-urban-lab")
    ProgrammeApplication.objects.get_or_create(
        programme=first,
        applicant=student,
        defaults={"motivation": "I want to study urban planning on site in Chiba.", "needs_housing": True},
    )
