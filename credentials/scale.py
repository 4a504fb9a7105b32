"""Achievements and awards of the `seed_scale` data set (see community/scale.py)."""

from datetime import timedelta

from community.scale import SCALE_DOMAIN, SCALE_PREFIX, bulk, scaled

from .models import Achievement, Award


def make_achievements(specs) -> list[Achievement]:
    """specs: dicts of slug (without prefix), type, name_en, name_ja, issuer, credit_value."""
    rows = []
    for spec in specs:
        rows.append(
            Achievement(
                slug=SCALE_PREFIX + spec["slug"],
                type=spec["type"],
                name=spec["name_en"],
                name_en=spec["name_en"],
                name_ja=spec["name_ja"],
                issuer=spec["issuer"],
                description=f"Awarded for {spec['name_en']}.",
                description_en=f"Awarded for {spec['name_en']}.",
                description_ja=f"{spec['name_ja']}の修了証。",
                criteria="Complete the work.",
                criteria_en="Complete the work.",
                criteria_ja="課題を修了すること。",
                credit_value=spec.get("credit_value", 0),
            )
        )
    return bulk(Achievement, rows)


def reset():
    Award.objects.filter(recipient__email__endswith="@" + SCALE_DOMAIN).delete()


def reset_achievements():
    """After the modules and postings that point at them are gone."""
    Achievement.objects.filter(slug__startswith=SCALE_PREFIX).delete()


def seed(context, *, factor, rng, progress):
    """Issued awards (unsigned): one per completion gathered by the other apps, then random holders."""
    now = context["now"]
    target = scaled(300_000, factor, minimum=10)
    achievements = context["achievements"]
    taken = set()
    pairs = []
    for user, achievement in context.get("completions", []):
        if (user.pk, achievement.pk) not in taken:
            taken.add((user.pk, achievement.pk))
            pairs.append((user, achievement))
    users = context["students"]
    attempts = 0
    while len(pairs) < target and attempts < target * 5:
        attempts += 1
        user, achievement = rng.choice(users), rng.choice(achievements)
        if (user.pk, achievement.pk) not in taken:
            taken.add((user.pk, achievement.pk))
            pairs.append((user, achievement))
    with progress.step("awards", len(pairs)) as advance:
        rows = []
        for n, (user, achievement) in enumerate(pairs):
            issued = now - timedelta(days=rng.randint(1, 4 * 365))
            rows.append(
                Award(
                    recipient=user,
                    achievement=achievement,
                    issuer_id=achievement.issuer_id,
                    status=Award.Status.ISSUED,
                    credits_earned=achievement.credit_value,
                    is_public=n % 4 == 0,
                    created_at=issued,
                    issued_at=issued,
                )
            )
        awards = bulk(Award, rows, advance)
    context["awards"] = awards
