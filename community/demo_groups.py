"""Demo data of the J-CC community: groups of every category, members, posts, a conversation.

Idempotent: groups by slug, members by e-mail, posts by (group, author, text).
"""

import zoneinfo
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from . import demo_images, services
from .models import RSVP, Event, Participant, Post, Role, User

MEMBERS = [
    # e-mail, display name, organization slug, language, hobbies
    ("aiko@demo.jige.example", "Aiko Yamamoto", "kansai-university", "ja", ["photography", "music"]),
    ("lucas@demo.jige.example", "Lucas Martin", "lakeside-state-university", "en", ["hiking", "football"]),
    ("camille@demo.jige.example", "Camille Dubois", "universite-rhone-alpes", "en", ["cooking", "anime"]),
    ("siti@demo.jige.example", "Siti Rahman", "selangor-institute-of-technology", "en", ["hiking", "cooking"]),
    ("haruto@demo.jige.example", "Haruto Suzuki", "tohoku-university", "ja", ["football", "anime"]),
]

GROUPS = [
    # slug, category, policy, visibility, name en, name ja, description en, description ja, extra
    (
        "chiba-nishi-chiba",
        "campus",
        "open",
        "public",
        "Nishi-Chiba Campus",
        "西千葉キャンパス",
        "Everyone studying or staying at Chiba University's Nishi-Chiba campus.",
        "千葉大学西千葉キャンパスで学ぶ・滞在するみなさんのグループです。",
        {"campus": "chiba-university"},
    ),
    (
        "kansai-senriyama",
        "campus",
        "open",
        "public",
        "Senriyama Campus",
        "千里山キャンパス",
        "Kansai University, Senriyama: tips, events and meet-ups.",
        "関西大学千里山キャンパスの情報交換とイベント。",
        {"campus": "kansai-university"},
    ),
    (
        "tohoku-kawauchi",
        "campus",
        "request",
        "public",
        "Kawauchi Campus",
        "川内キャンパス",
        "Tohoku University exchange students in Sendai.",
        "仙台の東北大学留学生のグループ。",
        {"campus": "tohoku-university"},
    ),
    (
        "cohort-2027",
        "year",
        "open",
        "public",
        "Cohort 2027",
        "2027年度生",
        "Students arriving in Japan in 2027.",
        "2027年に来日する学生のグループ。",
        {},
    ),
    (
        "ict-and-hci",
        "specialization",
        "open",
        "public",
        "ICT and human–computer interaction",
        "情報通信・HCI",
        "Study groups, papers and lab visits.",
        "勉強会、論文紹介、研究室見学。",
        {"field_of_study": "ict"},
    ),
    (
        "volunteers-sendai",
        "activity",
        "open",
        "public",
        "Volunteering in Sendai",
        "仙台ボランティア",
        "Beach clean-ups and community help around Sendai.",
        "仙台周辺の海岸清掃や地域のお手伝い。",
        {"interest": "volunteering"},
    ),
    (
        "hiking-club",
        "hobby",
        "open",
        "public",
        "Hiking club",
        "ハイキング部",
        "Weekend hikes near Tokyo, Osaka and Sendai. Beginners welcome!",
        "東京・大阪・仙台近郊の週末ハイキング。初心者歓迎！",
        {"interest": "hiking"},
    ),
    (
        "tokyo-photo-walks",
        "hobby",
        "open",
        "public",
        "Tokyo photo walks",
        "東京写真散歩",
        "Photo walks through Tokyo neighbourhoods.",
        "東京の街を撮り歩く写真散歩の会。",
        {"interest": "photography"},
    ),
    (
        "anime-manga",
        "hobby",
        "request",
        "public",
        "Anime and manga circle",
        "アニメ・マンガ同好会",
        "Watch parties and manga swaps.",
        "上映会と漫画の交換会。",
        {"interest": "anime"},
    ),
    (
        "coil-sustainable-cities",
        "programme",
        "invite",
        "public",
        "COIL: Sustainable cities",
        "COIL：持続可能な都市",
        "Members of the COIL module on sustainable cities.",
        "COILモジュール「持続可能な都市」の受講者。",
        {},
    ),
    (
        "jige-alumni",
        "alumni",
        "request",
        "public",
        "JIGE alumni",
        "JIGE同窓会",
        "Keep in touch after your stay in Japan.",
        "留学後もつながり続けるための同窓会。",
        {"phase": "after"},
    ),
    (
        "staff-lounge",
        "other",
        "invite",
        "secret",
        "Staff lounge",
        "スタッフラウンジ",
        "Coordination among consortium staff.",
        "コンソーシアム職員の連絡用。",
        {},
    ),
]

POSTS = [
    (
        "hiking-club",
        "lucas@demo.jige.example",
        "Who is up for **Mount Takao** this Saturday? Meet at Takaosanguchi station at 9:00.",
    ),
    ("hiking-club", "aiko@demo.jige.example", "土曜日の高尾山、参加します！お弁当を持っていきます🍙"),
    (
        "tokyo-photo-walks",
        "aiko@demo.jige.example",
        "Next walk: Yanaka at golden hour. [Map](https://www.openstreetmap.org/)",
    ),
    (
        "chiba-nishi-chiba",
        "staff@demo.jige.example",
        "新入生オリエンテーションは4月3日（月）10時から、けやき会館で行います。",
    ),
    (
        "cohort-2027",
        "student@demo.jige.example",
        "Hi all, I'm Mai from Can Tho 🇻🇳 — arriving in Chiba in spring. Anyone else in ICT?",
    ),
]


def seed(context: dict, *, password: str) -> None:
    organizations, campuses, interests = context["organizations"], context["campuses"], context["interests"]
    users = {user.email: user for user in context["users"].values()}
    for email, name, organization, language, hobbies in MEMBERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, display_name=name)
        user.display_name, user.organization, user.language = name, organizations[organization], language
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        services.assign_role(user=user, role=Role.STUDENT)
        user.profile.interests.set([interests[slug] for slug in hobbies])
        users[email] = user
    staff = context["users"][Role.STAFF.value]
    groups = {}
    for slug, category, policy, visibility, name_en, name_ja, text_en, text_ja, extra in GROUPS:
        fields = {}
        if "campus" in extra:
            fields["campus"] = campuses[extra["campus"]]
            fields["organization"] = campuses[extra["campus"]].organization
        if "interest" in extra:
            fields["interest"] = interests[extra["interest"]]
        for key in ("field_of_study", "phase"):
            if key in extra:
                fields[key] = extra[key]
        group = services.create_group(
            name_en=name_en,
            name_ja=name_ja,
            category=category,
            join_policy=policy,
            visibility=visibility,
            description_en=text_en,
            description_ja=text_ja,
            owner=staff,
            slug=slug,
            **fields,
        )
        groups[slug] = group
    for slug in ("hiking-club", "tokyo-photo-walks", "volunteers-sendai", "cohort-2027"):
        if not groups[slug].cover:
            groups[slug].cover.save(f"{slug}.jpg", demo_images.scene(slug, size=(1200, 400)), save=True)
    groups["chiba-nishi-chiba"].is_automatic = True
    groups["chiba-nishi-chiba"].rule_host_campus = campuses["chiba-university"]
    groups["chiba-nishi-chiba"].save()
    members = list(users.values())
    for n, user in enumerate(members):
        for slug in ("hiking-club", "cohort-2027", "tokyo-photo-walks", "volunteers-sendai")[: 2 + n % 3]:
            services.add_member(group=groups[slug], user=user)
    services.add_member(group=groups["anime-manga"], user=users["camille@demo.jige.example"], role="owner")
    services.sync_automatic_group(group=groups["chiba-nishi-chiba"])
    for slug, email, body in POSTS:
        author = users[email]
        services.add_member(group=groups[slug], user=author)
        post, created = Post.objects.get_or_create(group=groups[slug], author=author, body=body)
        if created and slug == "hiking-club":
            # Through the service, which keeps the post's comment counter equal to its rows.
            services.add_comment(post=post, author=users["siti@demo.jige.example"], body="Count me in! 🙋‍♀️")
    student = context["users"][Role.STUDENT.value]
    lucas = users["lucas@demo.jige.example"]
    already = Participant.objects.filter(user=student, conversation__participants__user=lucas).exists()
    if not already:
        conversation = services.start_conversation(
            sender=lucas, recipients=[student], body="Hi Mai! Are you joining the Takao hike on Saturday?"
        )
        services.send_message(conversation=conversation, sender=student, body="はい、行きます！ See you at 9:00.")
    seed_events(groups, campuses, users, staff, student)


def seed_events(groups, campuses, users, staff, student) -> None:
    """Two upcoming events of the hiking club (idempotent on their titles): one on campus with a
    few places and a waiting list, one online without a limit."""
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    today = timezone.localdate(timezone=tokyo)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    club = groups["hiking-club"]
    planned = [
        (
            "Takao hike: meet at the campus gate",
            Event.Format.ON_SITE,
            datetime.combine(saturday, time(9, 0), tzinfo=tokyo),
            timedelta(hours=7),
            {"campus": campuses["chiba-university"], "room": "Main gate", "capacity": 3},
        ),
        (
            "Trail planning call",
            Event.Format.ONLINE,
            datetime.combine(saturday - timedelta(days=2), time(19, 0), tzinfo=tokyo),
            timedelta(hours=1),
            {"online_url": "https://meet.example.org/hiking-club"},
        ),
    ]
    for title, kind, start, length, extra in planned:
        event = Event.objects.filter(group=club, title=title).first()
        if event is None:
            event = services.create_event(
                group=club,
                by=staff,
                title=title,
                format=kind,
                starts_at=start,
                ends_at=start + length,
                time_zone="Asia/Tokyo",
                **extra,
            )
    hike = Event.objects.get(group=club, title=planned[0][0])
    others = [user for user in users.values() if user.pk != student.pk and user.is_active]
    for member in [student, *others[:4]]:
        if not RSVP.objects.filter(event=hike, user=member).exists():
            services.answer_event(event=hike, user=member, answer=RSVP.Answer.GOING)
