"""Counters kept on rows (a post's comment count) equal the rows they count, in the demo and scale data."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from community.models import Post


def posts_with_wrong_comment_counts():
    return list(
        Post.objects.annotate(rows=Count("comments"))
        .exclude(comment_count=F("rows"))
        .values_list("pk", "comment_count", "rows")
    )


@pytest.mark.django_db
def test_demo_posts_show_as_many_comments_as_they_have(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", password="jige-demo-2026", stdout=io.StringIO())
    assert Post.objects.filter(comments__isnull=False).exists()  # the demo has commented posts
    assert posts_with_wrong_comment_counts() == []

    # Seeding again adds nothing and keeps the counters right.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", password="jige-demo-2026", stdout=io.StringIO())
    assert posts_with_wrong_comment_counts() == []


@pytest.mark.django_db
def test_scale_posts_show_as_many_comments_as_they_have():
    call_command("seed_scale", factor=0.0005, stdout=io.StringIO(), stderr=io.StringIO())
    assert Post.objects.exists()
    assert posts_with_wrong_comment_counts() == []
