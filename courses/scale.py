"""COIL modules and enrolments of the `seed_scale` data set (see community/scale.py)."""

from datetime import timedelta
from decimal import Decimal

from community.choices import FieldOfStudy
from community.scale import EN_WORDS, JA_WORDS, SCALE_PREFIX, bulk, explicit_timestamps, scaled, sentence, zipf_sizes
from community.search import search_text
from credentials import scale as credentials_scale
from credentials.models import Achievement

from .models import Enrolment, InstructionLanguage, Level, Modality, Module, ModuleOwner, Term


def reset():
    Module.objects.filter(slug__startswith=SCALE_PREFIX).delete()


def seed(context, *, factor, rng, progress):
    """Modules in English and Japanese (most published), co-owners, enrolments consistent with seats."""
    now, universities = context["now"], context["universities"]
    n_modules = scaled(3_000, factor, minimum=3)
    modules, specs = [], []
    for n in range(n_modules):
        topic_en = " ".join(rng.choice(EN_WORDS) for _ in range(2)).title()
        topic_ja = rng.choice(JA_WORDS) + rng.choice(JA_WORDS)
        if n % 10 == 0:
            topic_en, topic_ja = f"Tokyo {topic_en}", f"東京{topic_ja}"
        title_en, title_ja = f"COIL: {topic_en} {n}", f"COIL：{topic_ja}{n}"
        summary_en, summary_ja = sentence(rng, "en", 10), sentence(rng, "ja", 6)
        description_en, description_ja = sentence(rng, "en", 40), sentence(rng, "ja", 25)
        past = n % 3 != 0  # two thirds ran already: their learners completed
        starts = now.date() + timedelta(days=rng.randint(-900, -120) if past else rng.randint(10, 200))
        status = (
            Module.Status.PUBLISHED
            if n % 20 != 19
            else rng.choice([Module.Status.DRAFT, Module.Status.IN_REVIEW, Module.Status.ARCHIVED])
        )
        lead = universities[n % len(universities)]
        credit = Decimal(rng.choice(["0", "1", "2", "3"]))
        specs.append(
            {
                "slug": f"module-{n}",
                "type": Achievement.Type.COURSE_MODULE,
                "name_en": title_en,
                "name_ja": title_ja,
                "issuer": lead,
                "credit_value": credit,
            }
        )
        modules.append(
            Module(
                title=title_en,
                title_en=title_en,
                title_ja=title_ja,
                summary=summary_en,
                summary_en=summary_en,
                summary_ja=summary_ja,
                description=description_en,
                description_en=description_en,
                description_ja=description_ja,
                slug=f"{SCALE_PREFIX}module-{n}",
                lead_university=lead,
                level=rng.choice(Level.values),
                discipline=rng.choice(FieldOfStudy.values),
                language=rng.choice(InstructionLanguage.values),
                modality=rng.choice(Modality.values),
                term=rng.choice(Term.values),
                starts_on=starts,
                ends_on=starts + timedelta(weeks=8),
                workload_hours=rng.choice([20, 40, 60]),
                credit_value=credit,
                seats=30,
                enrolment_opens_at=now - timedelta(days=1000),
                enrolment_closes_at=now + timedelta(days=rng.randint(5, 100))
                if not past
                else now - timedelta(days=100),
                status=status,
                published_at=now - timedelta(days=rng.randint(1, 900))
                if status in (Module.Status.PUBLISHED, Module.Status.ARCHIVED)
                else None,
                search_text=search_text(title_en, title_ja, summary_en, summary_ja, description_en, description_ja),
            )
        )
    achievements = credentials_scale.make_achievements(specs)
    for module, achievement in zip(modules, achievements, strict=True):
        module.achievement = achievement
    context.setdefault("achievements", []).extend(achievements)
    with progress.step("modules", n_modules) as advance:
        modules = bulk(Module, modules, advance)
        through = Module.partner_universities.through
        bulk(
            through,
            [
                through(module_id=m.pk, organization_id=universities[(i + 1) % len(universities)].pk)
                for i, m in enumerate(modules)
            ],
        )
        faculty = context["faculty"] or context["users"]
        owners = []
        for i, module in enumerate(modules):
            for person in {faculty[i % len(faculty)], faculty[(i * 7 + 1) % len(faculty)]}:
                owners.append(ModuleOwner(module=module, user=person))
        bulk(ModuleOwner, owners)

    students = context["students"]
    total = scaled(200_000, factor, minimum=n_modules)
    sizes = zipf_sizes(n_modules, total, exponent=0.6, cap=len(students))
    completions = context.setdefault("completions", [])
    with progress.step("enrolments", sum(sizes)) as advance, explicit_timestamps(Enrolment):
        rows, seats = [], {}
        for module, size, achievement in zip(modules, sizes, achievements, strict=True):
            past = module.ends_on < now.date()
            enrolled = waiting = 0
            if module.status not in (Module.Status.PUBLISHED, Module.Status.ARCHIVED):
                size = 0  # drafts and modules in review have no learners
            for learner in rng.sample(students, size):
                created = now - timedelta(days=rng.randint(1, 1000))
                if past:
                    done = rng.random() < 0.75
                    status = Enrolment.Status.COMPLETED if done else Enrolment.Status.WITHDRAWN
                    rows.append(
                        Enrolment(
                            module=module,
                            learner=learner,
                            status=status,
                            attendance_percent=Decimal(rng.randint(80, 100)) if done else None,
                            grade=Decimal(rng.randint(60, 100)) if done else None,
                            enrolled_at=created,
                            completed_at=created + timedelta(days=60) if done else None,
                            created_at=created,
                        )
                    )
                    if done:
                        completions.append((learner, achievement))
                elif rng.random() < 0.9:
                    enrolled += 1
                    rows.append(
                        Enrolment(
                            module=module,
                            learner=learner,
                            status=Enrolment.Status.ENROLLED,
                            enrolled_at=created,
                            created_at=created,
                        )
                    )
                else:
                    waiting += 1
                    rows.append(
                        Enrolment(
                            module=module,
                            learner=learner,
                            status=Enrolment.Status.WAITLISTED,
                            waitlisted_at=created,
                            created_at=created,
                        )
                    )
            seats[module.pk] = (enrolled, waiting)
            if len(rows) >= 5000:
                bulk(Enrolment, rows, advance)
                rows = []
        bulk(Enrolment, rows, advance)
    # Seats: the enrolled fill them exactly when someone waits (a full module), otherwise some are free.
    for module in modules:
        enrolled, waiting = seats.get(module.pk, (0, 0))
        module.seats = max(1, enrolled if waiting else enrolled + 10)
    Module.objects.bulk_update(modules, ["seats"], batch_size=5000)
    context["modules"] = modules
