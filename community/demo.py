"""Demo data of the community app: organizations, campuses, interests and one user per role.

Idempotent: every row is found by a natural key and updated, never duplicated.
"""

from allauth.account.models import EmailAddress

from .models import Campus, Interest, Organization, Role, User
from .services import assign_role

ORGANIZATIONS = [
    # slug, kind, lead, country, prefecture, name en, name ja, short en, short ja, website
    (
        "kansai-university",
        "university",
        True,
        "JP",
        "27",
        "Kansai University",
        "関西大学",
        "Kansai",
        "関大",
        "https://www.kansai-u.ac.jp/",
    ),
    (
        "chiba-university",
        "university",
        True,
        "JP",
        "12",
        "Chiba University",
        "千葉大学",
        "Chiba",
        "千葉大",
        "https://www.chiba-u.ac.jp/",
    ),
    (
        "tohoku-university",
        "university",
        True,
        "JP",
        "04",
        "Tohoku University",
        "東北大学",
        "Tohoku",
        "東北大",
        "https://www.tohoku.ac.jp/",
    ),
    (
        "northbridge-university",
        "university",
        False,
        "AU",
        "",
        "Northbridge University",
        "ノースブリッジ大学",
        "Northbridge",
        "ノースブリッジ",
        "",
    ),
    (
        "lakeside-state-university",
        "university",
        False,
        "US",
        "",
        "Lakeside State University",
        "レイクサイド州立大学",
        "Lakeside State",
        "レイクサイド",
        "",
    ),
    (
        "universite-rhone-alpes",
        "university",
        False,
        "FR",
        "",
        "Université Rhône-Alpes",
        "ローヌ＝アルプ大学",
        "Rhône-Alpes",
        "ローヌ＝アルプ",
        "",
    ),
    (
        "mekong-delta-university",
        "university",
        False,
        "VN",
        "",
        "Mekong Delta University",
        "メコンデルタ大学",
        "Mekong Delta",
        "メコンデルタ",
        "",
    ),
    (
        "selangor-institute-of-technology",
        "university",
        False,
        "MY",
        "",
        "Selangor Institute of Technology",
        "セランゴール工科大学",
        "SIT",
        "SIT",
        "",
    ),
    (
        "akagi-precision",
        "company",
        False,
        "JP",
        "10",
        "Akagi Precision Co., Ltd.",
        "赤城精密株式会社",
        "Akagi Precision",
        "赤城精密",
        "",
    ),
    (
        "sendai-bay-logistics",
        "company",
        False,
        "JP",
        "04",
        "Sendai Bay Logistics Inc.",
        "仙台湾ロジスティクス株式会社",
        "Sendai Bay Logistics",
        "仙台湾ロジ",
        "",
    ),
    (
        "gunma-international-talent-office",
        "local_government",
        False,
        "JP",
        "10",
        "Gunma Prefecture International Talent Office",
        "群馬県国際人材室",
        "Gunma Talent Office",
        "群馬県国際人材室",
        "",
    ),
]

CAMPUSES = [
    ("kansai-university", "Senriyama Campus", "千里山キャンパス", "Suita", "吹田市", "27"),
    ("chiba-university", "Nishi-Chiba Campus", "西千葉キャンパス", "Chiba", "千葉市", "12"),
    ("tohoku-university", "Kawauchi Campus", "川内キャンパス", "Sendai", "仙台市", "04"),
    ("northbridge-university", "Harbour Campus", "ハーバー・キャンパス", "Sydney", "シドニー", ""),
    ("lakeside-state-university", "Main Campus", "メイン・キャンパス", "Madison", "マディソン", ""),
]

INTERESTS = [
    ("volunteering", "activity", "Volunteering", "ボランティア"),
    ("language-exchange", "activity", "Language exchange", "言語交換"),
    ("research", "activity", "Research", "研究"),
    ("hiking", "hobby", "Hiking", "ハイキング"),
    ("anime", "hobby", "Anime and manga", "アニメ・マンガ"),
    ("cooking", "hobby", "Cooking", "料理"),
    ("music", "hobby", "Music", "音楽"),
    ("football", "hobby", "Football", "サッカー"),
    ("photography", "hobby", "Photography", "写真"),
]

USERS = [
    # e-mail, display name, role, organization, language
    ("student@demo.jige.example", "Mai Nguyen", Role.STUDENT, "mekong-delta-university", "en"),
    ("faculty@demo.jige.example", "Prof. Kenji Sato", Role.FACULTY, "chiba-university", "ja"),
    ("staff@demo.jige.example", "Yuko Tanaka", Role.STAFF, "kansai-university", "ja"),
    ("company@demo.jige.example", "Hiroshi Kobayashi", Role.COMPANY_CONTACT, "akagi-precision", "ja"),
]


def seed(*, password: str) -> dict:
    organizations = {}
    for slug, kind, lead, country, prefecture, name_en, name_ja, short_en, short_ja, website in ORGANIZATIONS:
        organizations[slug], _ = Organization.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind,
                "is_lead": lead,
                "country": country,
                "prefecture": prefecture,
                "name_en": name_en,
                "name_ja": name_ja,
                "short_name_en": short_en,
                "short_name_ja": short_ja,
                "website": website,
            },
        )
    campuses = {}
    for slug, name_en, name_ja, city_en, city_ja, prefecture in CAMPUSES:
        campuses[slug], _ = Campus.objects.update_or_create(
            organization=organizations[slug],
            name_en=name_en,
            defaults={"name_ja": name_ja, "city_en": city_en, "city_ja": city_ja, "prefecture": prefecture},
        )
    interests = {}
    for slug, kind, name_en, name_ja in INTERESTS:
        interests[slug], _ = Interest.objects.update_or_create(
            slug=slug, defaults={"kind": kind, "name_en": name_en, "name_ja": name_ja}
        )
    users = {}
    for email, name, role, organization, language in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, display_name=name)
        else:
            user.set_password(password)
        user.display_name = name
        user.organization = organizations[organization]
        user.language = language
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        assign_role(user=user, role=role)
        users[role.value] = user
    student = users[Role.STUDENT.value].profile
    student.country = "VN"
    student.year_of_study = 3
    student.field_of_study = "ict"
    student.specialization = "Human–computer interaction"
    student.host_campus = campuses["chiba-university"]
    student.bio = "Third-year computer science student from Can Tho. 日本語を勉強しています。"
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    student.arrival_date = today + timedelta(days=60)
    student.departure_date = today + timedelta(days=240)
    student.share_profile = True  # listed in the member directory, with everything shown
    student.save()
    faculty = users[Role.FACULTY.value].profile
    faculty.share_profile = True
    faculty.other_script_name = "佐藤 健二"
    faculty.show_stay = False
    faculty.save()
    student.interests.set([interests["hiking"], interests["anime"], interests["language-exchange"]])
    context = {"organizations": organizations, "campuses": campuses, "interests": interests, "users": users}
    from . import demo_groups

    demo_groups.seed(context, password=password)
    return context
