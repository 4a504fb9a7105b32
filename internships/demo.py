"""Demo data of the internships app: host companies in Gunma and elsewhere, a dozen postings of
every mode in both languages, and applications in every state of the workflow.

Idempotent: companies, postings and students are found by natural keys; an application is
created (and walked through the workflow, with its audit trail) only when it does not exist.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone

from community.models import Organization, Role, User
from community.services import assign_role

from . import registration, services
from .models import Application, Evaluation, HostCompany, Posting, Programme, Testimonial, WorkEligibility
from .pdf import minimal_pdf

COMPANIES = [
    # slug, prefecture, name en, name ja
    ("akagi-precision", "10", "Akagi Precision Co., Ltd.", "赤城精密株式会社"),
    ("sendai-bay-logistics", "04", "Sendai Bay Logistics Inc.", "仙台湾ロジスティクス株式会社"),
    ("takasaki-green-foods", "10", "Takasaki Green Foods", "高崎グリーンフーズ株式会社"),
    ("kiryu-textile-lab", "10", "Kiryu Textile Lab", "桐生テキスタイルラボ"),
    ("makuhari-digital", "12", "Makuhari Digital K.K.", "幕張デジタル株式会社"),
    ("naniwa-robotics", "27", "Naniwa Robotics", "なにわロボティクス株式会社"),
]

POSTINGS = [
    # company, mode, prefecture, location, field, months, hours, pay, jlpt, cefr, title en, title ja, skills
    (
        "akagi-precision",
        "on_site",
        "10",
        "Maebashi",
        "engineering",
        6,
        30,
        180000,
        "N3",
        "B1",
        "Production engineering intern",
        "生産技術インターン",
        "CAD, quality control",
    ),
    (
        "akagi-precision",
        "hybrid",
        "10",
        "Maebashi",
        "ict",
        3,
        20,
        150000,
        "N4",
        "B2",
        "Factory data dashboard intern",
        "工場データ可視化インターン",
        "Python, SQL, dashboards",
    ),
    (
        "akagi-precision",
        "remote",
        "10",
        "",
        "ict",
        2,
        15,
        None,
        "",
        "B2",
        "Remote documentation translator",
        "リモート技術文書翻訳",
        "translation, technical writing",
    ),
    (
        "takasaki-green-foods",
        "on_site",
        "10",
        "Takasaki",
        "agriculture",
        4,
        25,
        140000,
        "N3",
        "",
        "Agri-tech field intern",
        "アグリテック現場インターン",
        "sensors, agriculture",
    ),
    (
        "takasaki-green-foods",
        "hybrid",
        "10",
        "Takasaki",
        "business_law",
        6,
        20,
        None,
        "N2",
        "B1",
        "Export marketing intern",
        "海外販路開拓インターン",
        "marketing, English",
    ),
    (
        "kiryu-textile-lab",
        "on_site",
        "10",
        "Kiryu",
        "arts_humanities",
        3,
        20,
        None,
        "N4",
        "",
        "Textile design intern",
        "テキスタイルデザインインターン",
        "design, weaving",
    ),
    (
        "kiryu-textile-lab",
        "remote",
        "10",
        "",
        "business_law",
        1,
        10,
        60000,
        "",
        "B2",
        "E-commerce content intern",
        "ECコンテンツ制作インターン",
        "e-commerce, photography",
    ),
    (
        "sendai-bay-logistics",
        "on_site",
        "04",
        "Sendai",
        "engineering",
        12,
        35,
        200000,
        "N2",
        "B1",
        "Logistics optimization intern",
        "物流最適化インターン",
        "operations research, Python",
    ),
    (
        "sendai-bay-logistics",
        "remote",
        "04",
        "",
        "ict",
        3,
        20,
        None,
        "",
        "B1",
        "Warehouse software tester",
        "倉庫システムテスター",
        "testing, Java",
    ),
    (
        "makuhari-digital",
        "hybrid",
        "12",
        "Chiba",
        "ict",
        6,
        28,
        170000,
        "N3",
        "B2",
        "Web application developer intern",
        "Webアプリ開発インターン",
        "Django, JavaScript",
    ),
    (
        "makuhari-digital",
        "remote",
        "12",
        "",
        "social_sciences",
        2,
        12,
        None,
        "",
        "B2",
        "UX research assistant",
        "UXリサーチアシスタント",
        "interviews, usability testing",
    ),
    (
        "naniwa-robotics",
        "on_site",
        "27",
        "Osaka",
        "engineering",
        9,
        32,
        190000,
        "N2",
        "B1",
        "Robot control software intern",
        "ロボット制御ソフトウェアインターン",
        "C++, ROS",
    ),
]

DESCRIPTION_EN = (
    "Join {company} for {months} months and work with a mentor on a real project. You will take part in "
    "team meetings, present your results at the end, and get to know life and work in {place}."
)
DESCRIPTION_JA = (
    "{company}で{months}か月間、メンターと一緒に実際のプロジェクトに取り組みます。チームの会議に参加し、"
    "最後に成果を発表します。{place}での暮らしと仕事を知る機会にもなります。"
)

STUDENTS = [
    # e-mail, display name, language
    ("linh@demo.jige.example", "Linh Tran", "en"),
    ("arjun@demo.jige.example", "Arjun Mehta", "en"),
    ("sofia@demo.jige.example", "Sofía García", "en"),
    ("wei@demo.jige.example", "Wei Zhang", "ja"),
    ("amara@demo.jige.example", "Amara Okafor", "en"),
    ("tom@demo.jige.example", "Tom Becker", "en"),
    ("nurul@demo.jige.example", "Nurul Aziz", "ja"),
    ("lucas@demo.jige.example", "Lucas Martin", "en"),
]

S = Application.Status
# posting index, student (None: the demo student), the state to reach
APPLICATIONS = [
    (1, None, S.STAFF_APPROVED),
    (5, None, S.SUBMITTED),
    (2, "linh@demo.jige.example", S.DRAFT),
    (0, "arjun@demo.jige.example", S.SUBMITTED),
    (3, "sofia@demo.jige.example", S.STAFF_REJECTED),
    (0, "wei@demo.jige.example", S.COMPANY_ACCEPTED),
    (9, "amara@demo.jige.example", S.COMPANY_DECLINED),
    (1, "tom@demo.jige.example", S.IN_PROGRESS),
    (3, "nurul@demo.jige.example", S.COMPLETED),
    (7, "lucas@demo.jige.example", S.COMPLETED),
    (10, "linh@demo.jige.example", S.WITHDRAWN),
]

PATH = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.STAFF_APPROVED: [S.SUBMITTED, S.STAFF_APPROVED],
    S.STAFF_REJECTED: [S.SUBMITTED, S.STAFF_REJECTED],
    S.COMPANY_ACCEPTED: [S.SUBMITTED, S.STAFF_APPROVED, S.COMPANY_ACCEPTED],
    S.COMPANY_DECLINED: [S.SUBMITTED, S.STAFF_APPROVED, S.COMPANY_DECLINED],
    S.IN_PROGRESS: [S.SUBMITTED, S.STAFF_APPROVED, S.COMPANY_ACCEPTED, S.IN_PROGRESS],
    S.COMPLETED: [S.SUBMITTED, S.STAFF_APPROVED, S.COMPANY_ACCEPTED, S.IN_PROGRESS, S.COMPLETED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}


CITIES_JA = {
    "Maebashi": "前橋市",
    "Takasaki": "高崎市",
    "Kiryu": "桐生市",
    "Sendai": "仙台市",
    "Chiba": "千葉市",
    "Osaka": "大阪市",
}


def seed(context: dict) -> None:
    users = context["users"]
    staff = users[Role.STAFF.value]
    today = timezone.localdate()
    companies = {}
    for slug, prefecture, name_en, name_ja in COMPANIES:
        organization, _ = Organization.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": Organization.Kind.COMPANY,
                "country": "JP",
                "prefecture": prefecture,
                "name_en": name_en,
                "name_ja": name_ja,
            },
        )
        companies[slug], _ = HostCompany.objects.update_or_create(
            organization=organization,
            defaults={"status": HostCompany.Status.APPROVED, "approved_by": staff, "approved_at": timezone.now()},
        )
    contact = users[Role.COMPANY_CONTACT.value]
    contact_by_company = {contact.organization.slug: contact}
    for slug in companies:
        if slug not in contact_by_company:
            contact_by_company[slug] = _user(
                f"hr@{slug}.demo.jige.example",
                f"HR {slug.split('-')[0].title()}",
                "ja",
                Role.COMPANY_CONTACT,
                companies[slug].organization,
            )

    glp, _ = Programme.objects.update_or_create(
        slug="gunma-glocal-leadership",
        defaults={
            "name_en": "Gunma Glocal Leadership Program",
            "name_ja": "群馬グローカル・リーダーシップ・プログラム",
            "description_en": "Project-type internships with companies of Gunma, run by the prefecture's consortium.",
            "description_ja": "群馬県のコンソーシアムが運営する、県内企業との課題解決型インターンシップです。",
            "prefecture": "10",
        },
    )

    from credentials.models import Achievement

    achievement = Achievement.objects.filter(type=Achievement.Type.INTERNSHIP).first()
    postings = []
    # The cities as a Japanese address writes them, after the prefecture: 群馬県前橋市.
    for index, row in enumerate(POSTINGS):
        slug, mode, prefecture, location, field, months, hours, pay, jlpt, cefr, title_en, title_ja, skills = row
        company = companies[slug]
        place_en = location or "Japan"
        place_ja = {
            "Maebashi": "前橋",
            "Takasaki": "高崎",
            "Kiryu": "桐生",
            "Sendai": "仙台",
            "Chiba": "千葉",
            "Osaka": "大阪",
        }.get(location, "日本")
        posting, _ = Posting.objects.update_or_create(
            company=company,
            title_en=title_en,
            defaults={
                "title_ja": title_ja,
                "description_en": DESCRIPTION_EN.format(
                    company=company.organization.name_en, months=months, place=place_en
                ),
                "description_ja": DESCRIPTION_JA.format(
                    company=company.organization.name_ja, months=months, place=place_ja
                ),
                "mode": mode,
                "location_en": location,
                "location_ja": CITIES_JA.get(location, ""),
                "prefecture": prefecture,
                "field": field,
                "duration_months": months,
                "start_earliest": today + timedelta(days=30 + index),
                "start_latest": today + timedelta(days=90 + index),
                "hours_per_week": hours,
                "is_paid": pay is not None,
                "monthly_pay_yen": pay,
                "jlpt_level": jlpt,
                "cefr_level": cefr,
                "skills": skills,
                "positions": 1 + index % 3,
                "application_deadline": today + timedelta(days=20 + index),
                "status": Posting.Status.IN_REVIEW if index == 11 else Posting.Status.PUBLISHED,
                "reviewed_by": staff,
                "achievement": achievement,
                "programme": glp if prefecture == "10" else None,
            },
        )
        postings.append(posting)

    demo_student = users[Role.STUDENT.value]
    students = {None: demo_student}
    for email, name, language in STUDENTS:
        students[email] = _user(email, name, language, Role.STUDENT, None)
    for student in students.values():
        WorkEligibility.objects.update_or_create(
            student=student,
            defaults={
                "residence_status": WorkEligibility.ResidenceStatus.STUDENT,
                "permission": WorkEligibility.Permission.INDIVIDUAL,
                "permission_reference": "DEMO-0001",
                "permission_valid_until": today + timedelta(days=700),
                "recorded_by": staff,
                "recorded_at": timezone.now(),
            },
        )

    for index, email, target in APPLICATIONS:
        posting, student = postings[index], students[email]
        if Application.objects.filter(posting=posting, student=student).exists():
            continue
        application = Application.objects.create(
            posting=posting,
            student=student,
            motivation="I want to learn how a regional company works and to stay in Japan after graduation.\n"
            "地域の企業で働き、卒業後も日本で働きたいと考えています。",
            cv=ContentFile(minimal_pdf(f"CV of {student.display_name}"), name="cv.pdf"),
        )
        company_contact = contact_by_company[posting.company.organization.slug]
        for status in PATH[target]:
            if status == S.COMPLETED:
                for role, author in (
                    (Evaluation.Author.STUDENT, student),
                    (Evaluation.Author.COMPANY, company_contact),
                ):
                    Evaluation.objects.create(
                        application=application,
                        stage=Evaluation.Stage.FINAL,
                        author_role=role,
                        author=author,
                        rating=5,
                        comments="A very good internship. とても良いインターンシップでした。",
                    )
            actor = {
                Application.Actor.STUDENT: student,
                Application.Actor.STAFF: staff,
                Application.Actor.COMPANY: company_contact,
            }[Application.TRANSITIONS[(application.status, status)][0]]
            application = services.change_application_status(
                application=application, status=status, by=actor, comment="Demo data"
            )

    _seed_company_pages(students["nurul@demo.jige.example"], glp)


def _seed_company_pages(intern, programme) -> None:
    """A testimonial the intern agreed to show, a company that registered itself and waits for staff,
    and a consortium member of Gunma who reads the prefecture's outcomes."""
    completed = Application.objects.filter(student=intern, status=S.COMPLETED).first()
    if completed and not Testimonial.objects.filter(application=completed).exists():
        registration.save_testimonial(
            application=completed,
            by=intern,
            text="My supervisors took time to explain everything, in Japanese and in English. "
            "上司が日本語と英語で丁寧に説明してくれました。",
            consent=True,
        )
    if not Organization.objects.filter(slug="haruna-craft-brewery").exists():
        owner = _user("owner@haruna-brewery.demo.jige.example", "Haruna Aoki", "ja", Role.GUEST, None)
        registration.register_company(
            contact=owner,
            name_en="Haruna Craft Brewery",
            name_ja="榛名クラフトブルワリー",
            prefecture="10",
            website="https://haruna-brewery.example",
            description_en="A small brewery at the foot of Mount Haruna that exports to Asia.",
            description_ja="榛名山のふもとにある、アジアへ輸出する小さな醸造所です。",
            industry="manufacturing",
            size="10-49",
            work_languages=["ja", "en"],
        )
    government, _ = Organization.objects.update_or_create(
        slug="gunma-prefecture",
        defaults={
            "kind": Organization.Kind.LOCAL_GOVERNMENT,
            "country": "JP",
            "prefecture": "10",
            "name_en": "Gunma Prefectural Government",
            "name_ja": "群馬県庁",
        },
    )
    if programme.organizer_id is None:
        Programme.objects.filter(pk=programme.pk).update(organizer=government)
    _user("consortium@demo.jige.example", "Gunma Consortium Office", "ja", Role.CONSORTIUM, government)


def _user(email, name, language, role, organization):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, "jige-demo-2026", display_name=name)
    user.display_name, user.language, user.organization = name, language, organization
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    assign_role(user=user, role=role)
    return user
