"""The shared full-text search: Japanese bigrams, English prefixes, the GIN index on PostgreSQL."""

import pytest
from django.db import connection

from community.models import CommunityGroup
from community.search import apply_search, query_tokens, search_text
from community.services import create_group


def test_tokens_are_normalized_words_and_cjk_bigrams():
    assert search_text("Tokyo Ｔｏｋｙｏ  Hiking-Club 2026", None, "") == "tokyo hiking club 2026"
    assert search_text("東京都の写真部") == "東京 京都 都の の写 写真 真部 部"
    assert search_text("茶") == "茶"
    assert search_text("Kyoto京都") == "kyoto 京都 都"


def test_query_tokens_use_prefixes_for_words_and_single_characters():
    assert query_tokens("Hik 東京") == [("hik", True), ("東京", False)]
    assert query_tokens("茶") == [("茶", True)]
    assert query_tokens("  !!! ") == []


@pytest.fixture
def groups(db):
    return {
        "tokyo": create_group(name_en="Tokyo weekend trips", name_ja="東京週末旅行", category="hobby"),
        "kyoto": create_group(name_en="Kyoto temples", name_ja="京都のお寺", category="hobby"),
        "hiking": create_group(
            name_en="Hiking club", name_ja="ハイキング部", category="activity", description_en="Mountains near Sendai"
        ),
    }


def names(queryset):
    return sorted(group.slug for group in queryset)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("東京", ["tokyo-weekend-trips"]),
        ("京都", ["kyoto-temples"]),
        ("旅行", ["tokyo-weekend-trips"]),
        ("ハイキング", ["hiking-club"]),
        ("お寺", ["kyoto-temples"]),
        ("hik", ["hiking-club"]),
        ("SENDAI mountains", ["hiking-club"]),
        ("Kyoto 東京", []),
        ("", ["hiking-club", "kyoto-temples", "tokyo-weekend-trips"]),
    ],
)
def test_search_finds_japanese_two_character_words_and_english_prefixes(groups, query, expected):
    assert names(apply_search(CommunityGroup.objects.all(), query)) == expected


@pytest.mark.django_db
def test_search_text_follows_edits_in_either_language(groups):
    group = groups["kyoto"]
    group.name_ja = "奈良の鹿"
    group.save()
    assert names(apply_search(CommunityGroup.objects.all(), "奈良")) == ["kyoto-temples"]
    assert names(apply_search(CommunityGroup.objects.all(), "お寺")) == []


@pytest.mark.django_db
def test_search_is_served_by_the_gin_index_on_postgresql(groups):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    CommunityGroup.objects.bulk_create(
        CommunityGroup(
            name_en=f"Group {n}",
            slug=f"bulk-{n}",
            category="other",
            search_text=search_text(f"Group {n} word{n}", f"グループ{n}"),
        )
        for n in range(3000)
    )
    queryset = apply_search(CommunityGroup.objects.all(), "東京")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE community_communitygroup")
        # On a few thousand rows the planner may rightly prefer scanning the stored vectors;
        # without that option it can only answer through an index that matches the expression.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "community_communitygroup_search_vector_gin" in plan, plan
    assert names(queryset) == ["tokyo-weekend-trips"]


@pytest.mark.django_db
def test_module_and_posting_vectors_stay_in_their_rows_on_postgresql():
    """A long description must not push the stored vector out of the row: a search that matches
    most modules reads every vector it counts (InlineSearchVector)."""
    if connection.vendor != "postgresql":
        pytest.skip("the stored vectors exist on PostgreSQL only")
    from courses.tests.factories import published_module

    module = published_module(title_en="Tokyo energy lab", description_en="Energy. " * 600)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstorage FROM pg_attribute WHERE attname = 'search_vector' "
            "AND attrelid IN ('courses_module'::regclass, 'internships_posting'::regclass)"
        )
        assert dict(cursor.fetchall()) == {"courses_module": "m", "internships_posting": "m"}
    assert apply_search(type(module).objects.all(), "energy").filter(pk=module.pk).exists()
