"""Host companies, postings and applications of the `seed_scale` data set (see community/scale.py)."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import connection, transaction

from community.choices import Country, FieldOfStudy, Prefecture
from community.models import Organization, Profile, Role, User
from community.scale import (
    EN_WORDS,
    JA_WORDS,
    SCALE_DOMAIN,
    SCALE_PREFIX,
    bulk,
    explicit_timestamps,
    scaled,
    sentence,
    zipf_sizes,
)
from credentials import scale as credentials_scale
from credentials.models import Achievement

from .models import Application, ApplicationEvent, HostCompany, Posting

APPEND_ONLY_TRIGGER = "internships_applicationevent_append_only"

S = Application.Status
# The statuses an application passed through to reach each final status (Application.TRANSITIONS).
PATHS = {
    S.SUBMITTED: [S.SUBMITTED],
    S.STAFF_APPROVED: [S.SUBMITTED, S.STAFF_APPROVED],
    S.STAFF_REJECTED: [S.SUBMITTED, S.STAFF_REJECTED],
    S.COMPANY_ACCEPTED: [S.SUBMITTED, S.STAFF_APPROVED, S.COMPANY_ACCEPTED],
    S.COMPANY_DECLINED: [S.SUBMITTED, S.STAFF_APPROVED, S.COMPANY_DECLINED],
    S.IN_PROGRESS: [S.SUBMITTED, S.STAFF_APPROVED, S.COMPANY_ACCEPTED, S.IN_PROGRESS],
    S.COMPLETED: [S.SUBMITTED, S.STAFF_APPROVED, S.COMPANY_ACCEPTED, S.IN_PROGRESS, S.COMPLETED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}
WEIGHTS = {
    S.SUBMITTED: 25,
    S.STAFF_APPROVED: 8,
    S.STAFF_REJECTED: 10,
    S.COMPANY_ACCEPTED: 5,
    S.COMPANY_DECLINED: 10,
    S.IN_PROGRESS: 10,
    S.COMPLETED: 27,
    S.WITHDRAWN: 5,
}


CITIES = [("Tokyo", "東京都"), ("Kyoto", "京都市"), ("Osaka", "大阪市"), ("Sendai", "仙台市"), ("Chiba", "千葉市")]


def reset():
    scale_postings = Posting.objects.filter(company__organization__slug__startswith=SCALE_PREFIX)
    with transaction.atomic(), connection.cursor() as cursor:
        # The audit trail refuses deletes (internships 0004); these are the data set's own rows.
        # Disabling the trigger needs the table's owner, which the portal's role is not in production.
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending deferred checks
            cursor.execute(f"ALTER TABLE {ApplicationEvent._meta.db_table} DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
        ApplicationEvent.objects.filter(application__posting__in=scale_postings).delete()
        if postgresql:
            cursor.execute(f"ALTER TABLE {ApplicationEvent._meta.db_table} ENABLE TRIGGER {APPEND_ONLY_TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    Application.objects.filter(posting__in=scale_postings).delete()
    scale_postings.delete()
    HostCompany.objects.filter(organization__slug__startswith=SCALE_PREFIX).delete()


def seed(context, *, factor, rng, progress):
    """Approved companies with a contact each, published postings, applications along the state machine."""
    now, today = context["now"], context["now"].date()
    staff = context["staff"] or context["users"]
    n_companies = scaled(300, factor, minimum=2)
    organizations = bulk(
        Organization,
        [
            Organization(
                name=f"Scale Company {n}",
                name_en=f"Scale Company {n}",
                name_ja=f"スケール株式会社{n}",
                slug=f"{SCALE_PREFIX}company-{n}",
                kind=Organization.Kind.COMPANY,
                country=Country.JP,
                prefecture=rng.choice(Prefecture.values),
            )
            for n in range(n_companies)
        ],
    )
    companies = bulk(
        HostCompany,
        [
            HostCompany(organization=o, status=HostCompany.Status.APPROVED, approved_by=staff[0], approved_at=now)
            for o in organizations
        ],
    )
    contacts = bulk(
        User,
        [
            User(
                email=f"contact{n}@{SCALE_DOMAIN}",
                display_name=f"Scale Contact {n}",
                password=context["users"][0].password,
                organization=o,
            )
            for n, o in enumerate(organizations)
        ],
    )
    bulk(Profile, [Profile(user=u) for u in contacts])
    bulk(EmailAddress, [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in contacts])
    role = Group.objects.get(name=Role.COMPANY_CONTACT)
    through = User.groups.through
    bulk(through, [through(user_id=u.pk, group_id=role.pk) for u in contacts])
    achievements = credentials_scale.make_achievements(
        {
            "slug": f"internship-{n}",
            "type": Achievement.Type.INTERNSHIP,
            "name_en": f"Internship at Scale Company {n}",
            "name_ja": f"スケール株式会社{n}でのインターンシップ",
            "issuer": context["universities"][n % len(context["universities"])],
            "credit_value": 2,
        }
        for n in range(n_companies)
    )
    context.setdefault("achievements", []).extend(achievements)

    n_postings = scaled(1_500, factor, minimum=2)
    postings = []
    for n in range(n_postings):
        index = n % n_companies
        company = companies[index]
        company.organization = organizations[index]
        topic_en = " ".join(rng.choice(EN_WORDS) for _ in range(2)).title()
        topic_ja = rng.choice(JA_WORDS) + rng.choice(JA_WORDS)
        if n % 10 == 0:
            topic_en, topic_ja = f"Tokyo {topic_en}", f"東京{topic_ja}"
        title_en, title_ja = f"{topic_en} intern {n}", f"{topic_ja}インターン{n}"
        description_en, description_ja = sentence(rng, "en", 30), sentence(rng, "ja", 20)
        paid = n % 2 == 0
        city_en, city_ja = rng.choice(CITIES)
        start = today + timedelta(days=rng.randint(-400, 200))
        posting = Posting(
            company=company,
            title=title_en,
            title_en=title_en,
            title_ja=title_ja,
            description=description_en,
            description_en=description_en,
            description_ja=description_ja,
            mode=rng.choice(Posting.Mode.values),
            location=city_en,
            location_en=city_en,
            location_ja=city_ja,
            prefecture=rng.choice(Prefecture.values),
            field=rng.choice(FieldOfStudy.values),
            duration_months=rng.randint(1, 12),
            start_earliest=start,
            start_latest=start + timedelta(days=60),
            hours_per_week=rng.choice([10, 20, 28, 40]),
            is_paid=paid,
            monthly_pay_yen=rng.choice([80_000, 120_000, 200_000]) if paid else None,
            skills="python, excel, japanese",
            positions=rng.randint(1, 5),
            application_deadline=start - timedelta(days=14),
            achievement=achievements[index],
            status=Posting.Status.PUBLISHED,
            reviewed_by=staff[0],
        )
        posting.search_text = posting.build_search_text()
        postings.append(posting)
    with progress.step("postings", n_postings) as advance:
        postings = bulk(Posting, postings, advance)

    students = context["students"]
    total = scaled(30_000, factor, minimum=n_postings)
    sizes = zipf_sizes(n_postings, total, exponent=0.7, cap=len(students))
    statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
    completions = context.setdefault("completions", [])
    with progress.step("applications", sum(sizes)) as advance, explicit_timestamps(Application):
        rows, paths = [], []
        for posting, size in zip(postings, sizes, strict=True):
            for student in rng.sample(students, size):
                final = rng.choices(statuses, weights)[0]
                submitted = now - timedelta(days=rng.randint(30, 700))
                application = Application(
                    posting=posting,
                    student=student,
                    motivation=sentence(rng, student.language, 40),
                    cv="",
                    status=final,
                    submitted_at=submitted,
                    created_at=submitted - timedelta(days=1),
                )
                path = PATHS[final]
                if S.STAFF_APPROVED in path:
                    application.staff_approved_at = submitted + timedelta(days=3)
                if S.IN_PROGRESS in path:
                    application.starts_on = (submitted + timedelta(days=30)).date()
                    application.midterm_due = application.starts_on + timedelta(days=15 * posting.duration_months)
                    application.ends_on = application.starts_on + timedelta(days=30 * posting.duration_months)
                if final == S.COMPLETED:
                    application.completed_at = submitted + timedelta(days=30 + 30 * posting.duration_months)
                    completions.append((student, posting.achievement))
                rows.append(application)
                paths.append(path)
        applications = bulk(Application, rows, advance)
    contact_of = {company.pk: contact for company, contact in zip(companies, contacts, strict=True)}
    events = []
    for application, path in zip(applications, paths, strict=True):
        previous, moment = S.DRAFT, application.submitted_at
        for status in path:
            actor, event = Application.TRANSITIONS[(previous, status)]
            who = {
                Application.Actor.STUDENT: application.student,
                Application.Actor.STAFF: staff[application.pk % len(staff)],
                Application.Actor.COMPANY: contact_of[application.posting.company_id],
            }[actor]
            events.append(
                ApplicationEvent(
                    application=application,
                    actor=who,
                    event=event,
                    from_status=previous,
                    to_status=status,
                    created_at=moment,
                )
            )
            previous, moment = status, moment + timedelta(days=3)
    bulk(ApplicationEvent, events)
    context["applications"] = applications
