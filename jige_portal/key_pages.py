"""The portal's key pages in the data set of `manage.py seed_scale`, as `make bench` and the
query-count tests (tests/test_scale_queries.py) measure them.

Each page is resolved in whatever scale data the database holds: the largest group, the longest
conversation, the learner with most credentials, and so on.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from community.models import CommunityGroup, Conversation, Role, User
from community.scale import SCALE_DOMAIN, SCALE_PREFIX
from courses.models import Module
from credentials.models import Award
from internships.models import Application


@dataclass(frozen=True)
class KeyPage:
    name: str
    url: str
    user: User | None = None  # signed in as this member; None: signed out
    texts: tuple[str, ...] = ()  # the page shows one of these when it rendered the scale data
    method: str = "GET"
    body: bytes = field(default=b"", repr=False)
    content_type: str = ""


class NoScaleData(LookupError):
    pass


def _scale_users():
    return User.objects.filter(email__endswith="@" + SCALE_DOMAIN, is_active=True)


def key_pages() -> list[KeyPage]:
    """Every key page, resolved in the scale data set; raises NoScaleData when there is none."""
    group = CommunityGroup.objects.filter(slug=f"{SCALE_PREFIX}group-0").first()  # sizes are Zipf-ranked
    if group is None:
        raise NoScaleData("No scale data: run `manage.py seed_scale --factor 1` first.")
    student = (
        _scale_users()
        .filter(groups__name=Role.STUDENT)
        .annotate(n=Count("awards"))
        .order_by("-n", "pk")
        .only("pk", "email")
        .first()
    )
    staff = _scale_users().filter(groups__name=Role.STAFF).order_by("pk").first()
    owner = group.memberships.get(role="owner").user
    conversation = (
        Conversation.objects.filter(created_by__email__endswith="@" + SCALE_DOMAIN)
        .annotate(n=Count("messages"))
        .order_by("-n", "pk")
        .select_related("created_by")
        .first()
    )
    module = Module.objects.get(slug=f"{SCALE_PREFIX}module-0")
    application = (
        Application.objects.filter(posting__company__organization__slug__startswith=SCALE_PREFIX, status="completed")
        .select_related("student")
        .order_by("pk")
        .first()
    )
    award = (
        Award.objects.filter(recipient__email__endswith="@" + SCALE_DOMAIN, is_public=True)
        .select_related("achievement")
        .order_by("pk")
        .first()
    )
    wallet_award = student.awards.select_related("achievement").order_by("pk").first()
    finder = reverse("community:group_list") + "?" + urlencode({"q": "東京", "category": group.category})
    catalogue = (
        reverse("courses:index") + "?" + urlencode({"q": "東京", "level": module.level, "language": module.language})
    )
    pages = [
        KeyPage("home", reverse("home")),
        KeyPage("home (signed in)", reverse("home"), student),
        KeyPage("group finder (filter, 東京)", finder, student, (group.name_en, group.name_ja)),
        KeyPage("large group feed", group.get_absolute_url(), owner, (group.name_en, group.name_ja)),
        KeyPage(
            "long conversation",
            conversation.get_absolute_url(),
            conversation.created_by,
            (conversation.messages.latest("pk").body_html,),
        ),
        KeyPage("conversation list", reverse("community:conversation_list"), conversation.created_by),
        KeyPage("course catalogue (filters, 東京)", catalogue, student, (module.title_en, module.title_ja)),
        KeyPage("module page", module.get_absolute_url(), student, (module.title_en, module.title_ja)),
        KeyPage("internship list", reverse("internships:index"), student),
        KeyPage(
            "application page as staff",
            reverse("internships:application_detail", args=[application.pk]),
            staff,
            (application.student.display_name,),
        ),
        KeyPage(
            "learner wallet",
            reverse("credentials:wallet"),
            student,
            (wallet_award.achievement.name_en, wallet_award.achievement.name_ja),
        ),
        KeyPage(
            "public award page", award.get_absolute_url(), None, (award.achievement.name_en, award.achievement.name_ja)
        ),
        KeyPage("verify page", reverse("credentials:verify")),
    ]
    signed = Award.objects.filter(signed_credential__isnull=False, revoked_at__isnull=True).order_by("pk").first()
    if signed is not None:
        import json

        pages.append(
            KeyPage(
                "verify endpoint (API)",
                reverse("credentials:verify_api"),
                body=json.dumps(signed.signed_credential).encode(),
                content_type="application/json",
                method="POST",
            )
        )
    return pages
