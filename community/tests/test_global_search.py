"""One search across the portal: every kind a member may see, in English and Japanese."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Profile
from community.sitesearch import providers
from community.tests.factories import CommunityGroupFactory, PostFactory, UserFactory
from courses.models import Module
from courses.tests.factories import ModuleFactory, ProgrammeFactory, published_module
from internships.tests.factories import PostingFactory

URL = reverse("community:search")


def search(client, query, **params):
    return client.get(URL, {"q": query, **params})


def share(user, **fields):
    profile = Profile.objects.get(user=user)
    for name, value in {"share_profile": True, **fields}.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def kinds_found(response) -> dict[str, int]:
    return {section.provider.kind: section.count for section in response.context["sections"] if section.count}


@pytest.fixture
def tokyo(db):
    """One row of every kind that mentions Tokyo in one language or the other."""
    owner = UserFactory(display_name="Tanaka Kenji")
    group = CommunityGroupFactory(name_en="Tokyo hikers", name_ja="東京ハイキング部", slug="tokyo-hikers")
    services.add_member(group=group, user=owner, role="owner")
    post = PostFactory(group=group, author=owner, body="Meet at 東京駅 on Saturday")
    member = UserFactory(display_name="Hanako Sato")
    share(member, other_script_name="佐藤 花子", specialization="Urban planning in Tokyo")
    module = published_module(title_en="Tokyo as a smart city", title_ja="スマートシティ東京")
    programme = ProgrammeFactory(title_en="Summer in Tokyo", title_ja="東京の夏")
    posting = PostingFactory(title_en="Robotics internship in Tokyo", title_ja="東京でロボット開発")
    return {
        "group": group,
        "post": post,
        "member": member,
        "module": module,
        "programme": programme,
        "posting": posting,
    }


def test_every_app_contributes_its_kinds_in_order():
    assert [provider.kind for provider in providers()] == [
        "groups",
        "members",
        "modules",
        "programmes",
        "postings",
        "posts",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Tokyo", "tokyo", "東京", "Ｔｏｋｙｏ"])
def test_one_search_finds_every_kind(client, student, tokyo, query):
    client.force_login(student)
    response = search(client, query)
    assert response.status_code == 200
    found = kinds_found(response)
    # Groups: the hikers, and the module's community and alumni groups.
    if query == "東京":
        # The member's Japanese text is their name; "Tokyo" is in their specialization only.
        assert found == {"groups": 3, "modules": 1, "programmes": 1, "postings": 1, "posts": 1}
    else:
        assert found == {"groups": 3, "members": 1, "modules": 1, "programmes": 1, "postings": 1}
    html = response.content.decode()
    assert "Tokyo hikers" in html and "Tokyo as a smart city" in html and "Robotics internship in Tokyo" in html


@pytest.mark.django_db
def test_japanese_two_character_words_and_names_in_both_scripts(client, student, tokyo):
    client.force_login(student)
    assert kinds_found(search(client, "佐藤")) == {"members": 1}
    assert kinds_found(search(client, "sato")) == {"members": 1}
    assert kinds_found(search(client, "京都")) == {}
    PostFactory(group=tokyo["group"], body="週末は京都へ行きます")
    assert kinds_found(search(client, "京都")) == {"posts": 1}


@pytest.mark.django_db
def test_results_are_grouped_with_counts_and_links_to_each_list_page(client, student, db):
    for n in range(7):
        CommunityGroupFactory(name_en=f"Kyoto circle {n}", name_ja=f"京都サークル{n}")
    client.force_login(student)
    response = search(client, "京都")
    html = response.content.decode()
    section = next(section for section in response.context["sections"] if section.provider.kind == "groups")
    assert section.count == 7 and len(section.items) == 5
    assert "See all 7: Groups" in html
    assert reverse("community:group_list") + "?q=%E4%BA%AC%E9%83%BD" in html
    finder = client.get(section.see_all_url)
    assert finder.context["page"].paginator.count == 7


@pytest.mark.django_db
def test_posts_have_a_full_list_on_the_search_page(client, student):
    group = CommunityGroupFactory()
    for n in range(25):
        PostFactory(group=group, body=f"Hanami picnic plan {n}")
    client.force_login(student)
    overview = search(client, "hanami")
    posts = next(section for section in overview.context["sections"] if section.provider.kind == "posts")
    assert posts.count == 25
    page = client.get(posts.see_all_url)
    assert page.context["page"].paginator.count == 25 and len(page.context["page"].object_list) == 20
    second = client.get(posts.see_all_url + "&page=2")
    assert len(second.context["page"].object_list) == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("join_policy", "visibility"), [("open", "secret"), ("request", "public"), ("invite", "public")]
)
def test_posts_of_private_groups_are_found_only_by_members(client, student, join_policy, visibility):
    owner = UserFactory()
    group = CommunityGroupFactory(name_en="Quiet room", join_policy=join_policy, visibility=visibility)
    services.add_member(group=group, user=owner, role="owner")
    PostFactory(group=group, author=owner, body="Secret matsuri plan")
    client.force_login(student)
    found = kinds_found(search(client, "matsuri"))
    assert "posts" not in found
    if visibility == "secret":
        assert kinds_found(search(client, "quiet")) == {}
    client.force_login(owner)
    assert kinds_found(search(client, "matsuri")) == {"posts": 1}


@pytest.mark.django_db
def test_hidden_posts_are_not_found(client, student):
    post = PostFactory(body="Sushi night")
    client.force_login(student)
    assert kinds_found(search(client, "sushi")) == {"posts": 1}
    post.is_hidden = True
    post.save(update_fields=["is_hidden"])
    assert kinds_found(search(client, "sushi")) == {}


@pytest.mark.django_db
def test_unpublished_modules_and_private_profiles_are_not_found(client, student):
    ModuleFactory(title_en="Draft robotics", status=Module.Status.DRAFT)
    ModuleFactory(title_en="Robotics in review", status=Module.Status.IN_REVIEW)
    ProgrammeFactory(title_en="Robotics camp", status="draft")
    UserFactory(display_name="Robotics Roboto")  # does not share the profile
    hidden_field = UserFactory(display_name="Aiko")
    share(hidden_field, specialization="Robotics", show_field=False)
    client.force_login(student)
    assert kinds_found(search(client, "robotics")) == {}
    assert kinds_found(search(client, "aiko")) == {"members": 1}


@pytest.mark.django_db
def test_short_empty_and_missing_queries(client, student):
    client.force_login(student)
    short = search(client, "a")
    assert short.status_code == 200
    assert "Type at least 2 letters or characters" in short.content.decode()
    assert short.context["sections"] == []
    assert "Type at least" in search(client, "東").content.decode()
    assert "Type at least" in search(client, " - ! ").content.decode()
    nothing = search(client, "zzyzx")
    assert "Nothing matches “zzyzx”." in nothing.content.decode()
    start = client.get(URL)
    assert start.status_code == 200 and "in English or Japanese" in start.content.decode()
    unknown_kind = search(client, "zzyzx", kind="secrets")
    assert unknown_kind.status_code == 200 and len(unknown_kind.context["sections"]) == len(providers())
    too_long = search(client, "x" * 101)
    assert too_long.status_code == 200 and too_long.context["sections"] == []


@pytest.mark.django_db
def test_page_in_japanese(client, student, tokyo):
    student.language = "ja"
    student.save()
    client.force_login(student)
    response = client.get(URL, {"q": "東京"}, HTTP_ACCEPT_LANGUAGE="ja")
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "ポータルを検索" in html and "グループ" in html
    assert "Groups" not in html
    short = client.get(URL, {"q": "x"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "2文字以上" in short


@pytest.mark.django_db
def test_visitors_are_asked_to_sign_in(client):
    response = search(client, "tokyo")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_header_has_a_labelled_search_field(client, student):
    client.force_login(student)
    html = client.get(reverse("community:group_list")).content.decode()
    assert 'role="search" action="/community/search/"' in html
    assert '<label class="visually-hidden" for="header-search-q">Search the portal</label>' in html


def fill(count):
    """`count` rows of every kind, each matching 東京."""
    owner = UserFactory()
    group = CommunityGroupFactory(name_en="Tokyo base", name_ja="東京の拠点")
    services.add_member(group=group, user=owner, role="owner")
    for n in range(count):
        CommunityGroupFactory(name_en=f"Tokyo club {n}", name_ja=f"東京クラブ{n}")
        PostFactory(group=group, author=owner, body=f"東京 meeting {n}")
        share(UserFactory(display_name=f"東京 Member {n}"))
        published_module(title_en=f"Tokyo module {n}", title_ja=f"東京モジュール{n}")
        ProgrammeFactory(title_en=f"Tokyo stay {n}", title_ja=f"東京滞在{n}")
        PostingFactory(title_en=f"Tokyo internship {n}", title_ja=f"東京のインターン{n}")


@pytest.mark.django_db
def test_query_count_is_the_same_for_3_and_30_rows_of_every_kind(client, student, django_assert_max_num_queries):
    client.force_login(student)
    counts = []
    for count in (3, 27):  # 3, then 30 of each kind
        fill(count)
        client.get(URL, {"q": "東京"})  # warm the session and badge caches
        with django_assert_max_num_queries(18), CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"q": "東京"})
        assert response.status_code == 200
        counts.append(len(queries))
    found = kinds_found(response)
    # Groups: the base, the clubs, and each module's community and alumni groups, as in the finder.
    finder = client.get(reverse("community:group_list"), {"q": "東京"})
    assert found.pop("groups") == finder.context["page"].paginator.count > 30
    assert found == {"members": 30, "modules": 30, "programmes": 30, "postings": 30, "posts": 30}
    assert counts[0] == counts[1]
