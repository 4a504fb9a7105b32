"""The national-programme data set of `manage.py seed_scale`: people, groups and conversations.

Every row it creates is marked so that `--reset` deletes only those: users have e-mails at
SCALE_DOMAIN, organizations and groups have slugs starting with SCALE_PREFIX. Other apps'
generators (`<app>/scale.py`) use the helpers here.
"""

import contextlib
import random
import sys
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models
from django.utils import timezone

from .choices import Country, FieldOfStudy, Prefecture
from .markup import render_markdown
from .models import (
    CommunityGroup,
    Conversation,
    Membership,
    Message,
    Organization,
    Participant,
    Post,
    Profile,
    Report,
    Role,
    User,
)
from .search import search_text

SCALE_DOMAIN = "scale.jige.example"
SCALE_PREFIX = "scale-"
BATCH = 5000

EN_WORDS = [
    "tokyo",
    "kyoto",
    "osaka",
    "sendai",
    "chiba",
    "exchange",
    "culture",
    "photography",
    "music",
    "cooking",
    "research",
    "language",
    "study",
    "travel",
    "tea",
    "calligraphy",
    "kendo",
    "film",
    "economics",
    "environment",
    "history",
    "design",
    "robotics",
    "data",
    "health",
    "sustainable",
    "cities",
    "anime",
    "hiking",
    "festival",
    "volunteer",
    "career",
    "startup",
    "energy",
    "ocean",
    "mountain",
    "garden",
]
JA_WORDS = [
    "東京",
    "京都",
    "大阪",
    "仙台",
    "千葉",
    "交流",
    "文化",
    "写真",
    "音楽",
    "料理",
    "研究",
    "日本語",
    "旅行",
    "茶道",
    "書道",
    "剣道",
    "映画",
    "経済",
    "環境",
    "歴史",
    "設計",
    "データ",
    "健康",
    "都市",
    "祭り",
    "留学",
    "就職",
    "起業",
    "海洋",
    "登山",
    "庭園",
    "国際",
    "地域",
    "学生",
]


def scaled(base: int, factor: float, minimum: int = 1) -> int:
    return max(minimum, round(base * factor))


def zipf_sizes(count: int, total: int, *, exponent: float = 1.0, cap: int | None = None, minimum: int = 1):
    """`count` sizes summing to about `total`, the first few huge and the long tail small."""
    weights = [1 / (rank + 1) ** exponent for rank in range(count)]
    scale = total / sum(weights)
    sizes = [max(minimum, round(weight * scale)) for weight in weights]
    if cap is not None:
        sizes = [min(size, cap) for size in sizes]
    return sizes


def sentence(rng: random.Random, language: str, words: int) -> str:
    pool = JA_WORDS if language == "ja" else EN_WORDS
    chosen = [rng.choice(pool) for _ in range(words)]
    if language == "ja":
        return "".join(chosen) + "。"
    return " ".join(chosen).capitalize() + "."


class Progress:
    """A plain-text progress bar on stderr, one line per step, redrawn in place."""

    def __init__(self, stream=None, enabled=True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.monotonic()

    @contextlib.contextmanager
    def step(self, label: str, total: int):
        state = {"done": 0, "label": label, "total": max(total, 1), "t0": time.monotonic()}

        def advance(n):
            state["done"] += n
            self._draw(state)

        self._draw(state)
        yield advance
        state["done"] = state["total"]
        self._draw(state, end="\n")

    def _draw(self, state, end=""):
        if not self.enabled:
            return
        fraction = min(1.0, state["done"] / state["total"])
        bar = "#" * int(fraction * 30)
        elapsed = time.monotonic() - state["t0"]
        self.stream.write(
            f"\r{state['label']:<24} [{bar:<30}] {min(state['done'], state['total']):>9}/{state['total']:<9} "
            f"{elapsed:6.1f}s{end}"
        )
        self.stream.flush()


@contextlib.contextmanager
def explicit_timestamps(*model_classes):
    """Let bulk_create keep the creation times we generate (auto_now_add would stamp them all now)."""
    flipped = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and field.auto_now_add:
                field.auto_now_add = False
                flipped.append(field)
    try:
        yield
    finally:
        for field in flipped:
            field.auto_now_add = True


def bulk(model, rows, advance=None, batch=BATCH):
    """bulk_create in batches; returns the rows with their primary keys (PostgreSQL RETURNING)."""
    created = []
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        created.extend(model.objects.bulk_create(chunk, batch_size=batch))
        if advance:
            advance(len(chunk))
    return created


def exists() -> bool:
    return User.objects.filter(email__endswith="@" + SCALE_DOMAIN).exists()


def reset():
    """Delete the conversations, groups, users and organizations seed_scale created (after the other apps)."""
    scale_users = User.objects.filter(email__endswith="@" + SCALE_DOMAIN)
    conversations = Conversation.objects.filter(created_by__in=scale_users)
    # Millions of messages: deleted in SQL, not collected row by row by Django's cascade.
    Report.objects.filter(message__conversation__in=conversations).delete()
    with connection.cursor() as cursor:
        sql, params = conversations.values("pk").query.sql_with_params()
        cursor.execute(f"DELETE FROM community_message WHERE conversation_id IN ({sql})", params)
        cursor.execute(f"DELETE FROM community_participant WHERE conversation_id IN ({sql})", params)
    conversations.delete()
    CommunityGroup.objects.filter(slug__startswith=SCALE_PREFIX).delete()
    scale_users.delete()
    Organization.objects.filter(slug__startswith=SCALE_PREFIX).delete()


def seed(*, factor: float, rng: random.Random, progress: Progress) -> dict:
    """Universities, users with profiles and roles, groups with memberships, conversations with messages."""
    now = timezone.now()
    context = {"factor": factor, "now": now}

    universities = bulk(
        Organization,
        [
            Organization(
                name=f"Scale University {n}",
                name_en=f"Scale University {n}",
                name_ja=f"スケール大学{n}",
                slug=f"{SCALE_PREFIX}university-{n}",
                kind=Organization.Kind.UNIVERSITY,
                is_lead=n < 3,
                country=Country.JP if n < 6 else rng.choice(Country.values),
                prefecture=rng.choice(Prefecture.values) if n < 6 else "",
            )
            for n in range(max(4, scaled(40, factor**0.5)))
        ],
    )
    context["universities"] = universities

    n_users = scaled(100_000, factor, minimum=20)
    password = make_password("jige-scale-2026")  # one hash for all: hashing 100,000 would take minutes
    users = []
    with progress.step("users", n_users) as advance:
        rows = [
            User(
                email=f"user{n}@{SCALE_DOMAIN}",
                display_name=f"Scale Member {n}" if n % 3 else f"スケール会員{n}",
                language="ja" if n % 3 == 0 else "en",
                password=password,
                organization=universities[n % len(universities)],
                date_joined=now - timedelta(days=rng.randint(0, 5 * 365)),
            )
            for n in range(n_users)
        ]
        users = bulk(User, rows, advance)
        today = now.date()
        profiles = []
        for n, user in enumerate(users):
            arrival = today + timedelta(days=rng.randint(-700, 300)) if n % 2 else None
            profile = Profile(
                user=user,
                country=rng.choice(Country.values),
                year_of_study=rng.randint(1, 4),
                field_of_study=rng.choice(FieldOfStudy.values),
                arrival_date=arrival,
                departure_date=arrival + timedelta(days=rng.randint(90, 365)) if arrival else None,
                # Two members in three share their profile; some of them hide their stay.
                share_profile=n % 3 != 0,
                show_stay=n % 5 != 0,
            )
            profile.search_text = profile.build_search_text(user)
            profiles.append(profile)
        bulk(Profile, profiles)
        # Verified addresses, as the demo users have: sign-in requires one (mandatory verification).
        bulk(EmailAddress, [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users])
    # Roles: 1 % staff, 5 % faculty, 1 % company contacts (set by internships/scale.py), the rest students.
    roles = {name: Group.objects.get_or_create(name=name)[0] for name in Role.values}
    role_of = []
    for n in range(len(users)):
        role = Role.STAFF if n % 100 == 1 else Role.FACULTY if n % 20 == 2 else Role.STUDENT
        role_of.append(role)
    through = User.groups.through
    bulk(
        through, [through(user_id=user.pk, group_id=roles[role].pk) for user, role in zip(users, role_of, strict=True)]
    )
    context["users"] = users
    context["students"] = [user for user, role in zip(users, role_of, strict=True) if role == Role.STUDENT]
    context["faculty"] = [user for user, role in zip(users, role_of, strict=True) if role == Role.FACULTY]
    context["staff"] = [user for user, role in zip(users, role_of, strict=True) if role == Role.STAFF]

    seed_groups(context, factor=factor, rng=rng, progress=progress)
    seed_conversations(context, factor=factor, rng=rng, progress=progress)
    return context


def seed_groups(context, *, factor, rng, progress):
    users, now = context["users"], context["now"]
    n_groups = scaled(5_000, factor, minimum=2)
    sizes = zipf_sizes(n_groups, scaled(300_000, factor, minimum=n_groups), cap=len(users))
    categories = [c for c in CommunityGroup.Category.values if c not in ("alumni", "programme")]
    groups = []
    for n in range(n_groups):
        en = " ".join(rng.choice(EN_WORDS) for _ in range(2)).title()
        ja = rng.choice(JA_WORDS) + rng.choice(JA_WORDS)
        # Every tenth group carries 東京 or 京都 so that two-character searches find some.
        if n % 10 == 0:
            en, ja = f"Tokyo {en}", f"東京{ja}"
        elif n % 10 == 5:
            en, ja = f"Kyoto {en}", f"京都{ja}"
        name_en, name_ja = f"{en} {n}", f"{ja}{n}"
        description_en, description_ja = sentence(rng, "en", 12), sentence(rng, "ja", 8)
        slug = f"{SCALE_PREFIX}group-{n}"
        groups.append(
            CommunityGroup(
                name=name_en,
                name_en=name_en,
                name_ja=name_ja,
                description=description_en,
                description_en=description_en,
                description_ja=description_ja,
                slug=slug,
                category=rng.choice(categories),
                join_policy=CommunityGroup.JoinPolicy.OPEN if n % 7 else CommunityGroup.JoinPolicy.REQUEST,
                visibility=CommunityGroup.Visibility.SECRET if n % 50 == 49 else CommunityGroup.Visibility.PUBLIC,
                language=rng.choice(["", "en", "ja"]),
                organization=context["universities"][n % len(context["universities"])],
                search_text=search_text(name_en, name_ja, description_en, description_ja, slug),
            )
        )
    with progress.step("groups", n_groups) as advance:
        groups = bulk(CommunityGroup, groups, advance)
    total = sum(sizes)
    with progress.step("memberships", total) as advance, explicit_timestamps(Membership):
        rows, authors_of = [], {}
        for group, size in zip(groups, sizes, strict=True):
            chosen = rng.sample(range(len(users)), size)
            authors_of[group.pk] = [users[index].pk for index in chosen[:50]]
            for position, index in enumerate(chosen):
                role = (
                    Membership.Role.OWNER
                    if position == 0
                    else Membership.Role.ADMIN
                    if position < 3
                    else Membership.Role.MEMBER
                )
                rows.append(
                    Membership(
                        group=group,
                        user=users[index],
                        role=role,
                        joined_at=now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
                    )
                )
            if len(rows) >= BATCH:
                bulk(Membership, rows, advance)
                rows = []
        bulk(Membership, rows, advance)
    n_posts = scaled(200_000, factor, minimum=n_groups)
    post_sizes = zipf_sizes(n_groups, n_posts, cap=None)
    bodies = [sentence(rng, language, rng.randint(8, 30)) for language in ("en", "ja") for _ in range(200)]
    rendered = {body: render_markdown(body) for body in bodies}
    tokens = {body: search_text(body) for body in bodies}
    with progress.step("posts", sum(post_sizes)) as advance, explicit_timestamps(Post):
        rows = []
        for group, size in zip(groups, post_sizes, strict=True):
            authors = authors_of[group.pk]
            for _ in range(size):
                body = rng.choice(bodies)
                rows.append(
                    Post(
                        group=group,
                        author_id=rng.choice(authors),
                        body=body,
                        body_html=rendered[body],
                        search_text=tokens[body],
                        created_at=now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
                    )
                )
            if len(rows) >= BATCH:
                bulk(Post, rows, advance)
                rows = []
        bulk(Post, rows, advance)
    CommunityGroup.objects.filter(pk__in=[g.pk for g in groups[:1]]).update(
        join_policy=CommunityGroup.JoinPolicy.OPEN, visibility=CommunityGroup.Visibility.PUBLIC
    )
    context["groups"] = groups
    context["largest_group"] = groups[0]


def seed_conversations(context, *, factor, rng, progress):
    users, now = context["users"], context["now"]
    n_messages = scaled(2_000_000, factor, minimum=20)
    n_conversations = scaled(60_000, factor, minimum=4)
    # Pareto lengths: most conversations a handful of messages, a few thousands.
    weights = sorted((rng.paretovariate(1.1) for _ in range(n_conversations)), reverse=True)
    # The longest is capped at 2 % of all messages (Pareto's tail would give one conversation
    # a tenth of them; tiny test sets get 20 %); what the cap removes goes to the others in proportion.
    cap = n_messages // 5 if n_messages < 50_000 else n_messages // 50
    lengths = [min(cap, w * n_messages / sum(weights)) for w in weights]
    free = sum(length for length in lengths if length < cap)
    grow = (n_messages - cap * sum(1 for length in lengths if length >= cap)) / free if free else 1
    lengths = [max(1, round(min(cap, length if length >= cap else length * grow))) for length in lengths]
    bodies = {language: [sentence(rng, language, rng.randint(3, 14)) for _ in range(400)] for language in ("en", "ja")}
    rendered = {body: render_markdown(body) for language in bodies for body in bodies[language]}

    conversations, seats = [], []
    for n, length in enumerate(lengths):
        people = rng.sample(users, 2 if n % 5 else rng.randint(3, 6))
        started = now - timedelta(minutes=rng.randint(length + 10, 2 * 365 * 24 * 60 + length + 10))
        conversations.append(
            Conversation(
                title="" if len(people) == 2 else sentence(rng, "en", 3)[:120],
                created_by=people[0],
                created_at=started,
                last_message_at=None,
            )
        )
        seats.append(people)
    with progress.step("conversations", n_conversations) as advance, explicit_timestamps(Conversation):
        conversations = bulk(Conversation, conversations, advance)

    with progress.step("messages", sum(lengths)) as advance, explicit_timestamps(Message, Participant):
        rows, participants = [], []
        for conversation, people, length in zip(conversations, seats, lengths, strict=True):
            moment = conversation.created_at
            step = max(1, int((now - moment).total_seconds() // (length + 1)))
            for position in range(length):
                moment = moment + timedelta(seconds=rng.randint(1, step))
                sender = people[position % len(people)] if rng.random() < 0.7 else rng.choice(people)
                body = rng.choice(bodies["ja" if sender.language == "ja" else "en"])
                rows.append(
                    Message(
                        conversation=conversation, sender=sender, body=body, body_html=rendered[body], created_at=moment
                    )
                )
            for person in people:
                participants.append(
                    Participant(
                        conversation=conversation,
                        user=person,
                        joined_at=conversation.created_at,
                        last_read_at=moment if rng.random() < 0.8 else None,
                    )
                )
            if len(rows) >= BATCH:
                bulk(Message, rows, advance)
                rows = []
        bulk(Message, rows, advance)
        bulk(Participant, participants)
    # last_message_at derived from the messages, set-based.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE community_conversation c SET last_message_at = m.last FROM "
            "(SELECT conversation_id, max(created_at) AS last FROM community_message "
            " WHERE conversation_id BETWEEN %s AND %s GROUP BY conversation_id) m WHERE c.id = m.conversation_id",
            [conversations[0].pk, conversations[-1].pk],
        )
    context["conversations"] = conversations
    context["longest_conversation"] = conversations[0]
