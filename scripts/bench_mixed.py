"""The mixed run of `make bench`: many different members, each on their own pages, with writes.

wrk repeating one URL as one member measures the page cache's hit path only. Here 200 members of
the scale data set (students, faculty, staff and company contacts, in the proportions the data
has) each get a visit of their own pages: home, the feeds of their groups, their conversations,
the catalogue with varied filters and searches, module pages, postings, their wallet. One request
in 20 writes: a post in one of their groups, a message in one of their conversations, or an
enrolment in a module. All visits are shuffled together and replayed by wrk (bench_mixed.lua),
which counts the page cache's hits and misses from the X-Page-Cache header.
"""

import random
from urllib.parse import urlencode

WRITE_EVERY = 20
REQUESTS_PER_MEMBER = 40
SEARCH_TERMS = ("", "", "東京", "京都", "design", "データ", "sustainable", "文化")


def _members(count: int, rng: random.Random):
    """`count` active scale members, drawn across roles in the data's own proportions."""
    from community.models import Role, User
    from community.scale import SCALE_DOMAIN

    people = list(
        User.objects.filter(email__endswith="@" + SCALE_DOMAIN, is_active=True)
        .filter(groups__name__in=[Role.STUDENT, Role.FACULTY, Role.STAFF, Role.COMPANY_CONTACT])
        .values_list("pk", "groups__name")
        .distinct()
    )
    by_role: dict[str, list[int]] = {}
    for pk, role in people:
        by_role.setdefault(role, []).append(pk)
    total = sum(len(pks) for pks in by_role.values())
    chosen: dict[int, str] = {}
    for role, pks in sorted(by_role.items()):
        share = max(1, round(count * len(pks) / total))
        for pk in rng.sample(pks, min(share, len(pks))):
            chosen.setdefault(pk, role)
    return User.objects.in_bulk(list(chosen)[:count]), chosen


def _own_pages(users, roles, rng: random.Random):
    """Per member: the pages that are theirs (GET) and the writes they may make (POST)."""
    from django.urls import reverse

    from community.models import Membership, Participant, Role
    from courses.models import Module
    from internships.models import Posting

    groups: dict[int, list[str]] = {}
    for user_id, slug in Membership.objects.filter(user_id__in=users).values_list("user_id", "group__slug"):
        groups.setdefault(user_id, []).append(slug)
    conversations: dict[int, list[int]] = {}
    for user_id, pk in Participant.objects.active().filter(user_id__in=users).values_list("user_id", "conversation"):
        conversations.setdefault(user_id, []).append(pk)
    modules = list(Module.objects.published().values_list("slug", "level", "language")[:500])
    postings = list(Posting.objects.published().values_list("pk", flat=True)[:500])
    company_home = reverse("internships:company_home")
    plans = {}
    for pk in users:
        role = roles[pk]
        reads = [reverse("home"), reverse("home"), reverse("community:feed"), reverse("community:conversation_list")]
        own_groups = groups.get(pk, [])[:8]
        reads += [reverse("community:group_detail", args=[slug]) for slug in own_groups for _ in (0, 1)]
        own_conversations = conversations.get(pk, [])[:4]
        reads += [reverse("community:conversation", args=[c]) for c in own_conversations for _ in (0, 1)]
        for _ in range(4):
            slug, level, language = rng.choice(modules)
            filters = {"q": rng.choice(SEARCH_TERMS)}
            if rng.random() < 0.5:
                filters["level"] = level
            if rng.random() < 0.3:
                filters["language"] = language
            reads.append(reverse("courses:index") + "?" + urlencode({k: v for k, v in filters.items() if v}))
            reads.append(reverse("courses:module_detail", args=[slug]))
        reads += [reverse("internships:index")]
        reads += [reverse("internships:posting_detail", args=[p]) for p in rng.sample(postings, min(3, len(postings)))]
        if role == Role.STUDENT:
            reads += [reverse("credentials:wallet"), reverse("courses:my_learning")]
        elif role == Role.COMPANY_CONTACT:
            reads += [company_home, company_home]
        elif role == Role.STAFF:
            reads += [reverse("internships:staff_queue")]
        writes = [(reverse("community:post_create", args=[slug]), {"body": "Bench post"}) for slug in own_groups[:3]]
        writes += [(reverse("community:message_send", args=[c]), {"body": "Bench message"}) for c in own_conversations]
        if role == Role.STUDENT:
            writes += [(reverse("courses:enrol", args=[rng.choice(modules)[0]]), {})]
        plans[pk] = (reads, writes)
    return plans


def sign_in(client, user) -> None:
    """Sign `user` in on the test client as a real sign-in leaves the session: a member whose
    role needs two-factor sign-in has passed it (otherwise every page would answer with a
    redirect to setting up an authenticator)."""
    from community import privacy
    from community.middleware import TWO_FACTOR_SESSION_KEY

    client.force_login(user)
    if privacy.requires_two_factor(user):
        session = client.session
        session[TWO_FACTOR_SESSION_KEY] = user.pk
        session.save()


def write_requests(path, *, members: int = 200, seed: int = 2026) -> dict:
    """Write the shuffled requests of `members` members to `path`, one per line for wrk:
    method, path, cookie header and form body, separated by tabs. Returns what was written."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    rng = random.Random(seed)
    users, roles = _members(members, rng)
    plans = _own_pages(users, roles, rng)
    lines = []
    writes = 0
    for pk, user in users.items():
        client = Client()
        sign_in(client, user)
        # Django accepts the unmasked CSRF secret as the form's token when it equals the cookie.
        csrf = _get_new_csrf_string()
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
        cookie += f"{settings.CSRF_COOKIE_NAME}={csrf}"
        reads, own_writes = plans[pk]
        for n in range(REQUESTS_PER_MEMBER):
            if own_writes and n % WRITE_EVERY == WRITE_EVERY - 1:
                url, form = rng.choice(own_writes)
                lines.append(("POST", url, cookie, urlencode({**form, "csrfmiddlewaretoken": csrf})))
                writes += 1
            else:
                lines.append(("GET", rng.choice(reads), cookie, ""))
    rng.shuffle(lines)
    with open(path, "w", encoding="utf-8") as out:
        for line in lines:
            out.write("\t".join(line) + "\n")
    counts = {}
    for role in roles.values():
        counts[role] = counts.get(role, 0) + 1
    return {"members": len(users), "by_role": counts, "planned_requests": len(lines), "planned_writes": writes}
