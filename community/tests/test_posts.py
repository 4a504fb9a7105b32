"""Posts and comments: safe Markdown, images, edit/delete rights, limits and bad input."""

import pytest
from django.urls import reverse

from community import services
from community.models import Comment, Post, Reaction, Report
from community.tests.factories import CommunityGroupFactory, UserFactory
from community.tests.test_profile import image_file


@pytest.fixture
def group(db, student, other_student):
    group = CommunityGroupFactory(name_en="Photo walks")
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    return group


@pytest.mark.django_db
def test_post_markdown_is_rendered_and_html_is_shown_as_text(client, student, group):
    client.force_login(student)
    body = (
        "**Meet** at [the station](https://example.org/map) <script>alert('x')</script>\n\n"
        "<img src=x onerror=alert(1)> [bad](javascript:alert(1))"
    )
    response = client.post(reverse("community:post_create", args=[group.slug]), {"body": body})
    assert response.status_code == 302
    html = client.get(group.get_absolute_url()).content.decode()
    assert "<strong>Meet</strong>" in html
    assert '<a href="https://example.org/map" rel="nofollow noopener noreferrer ugc">the station</a>' in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html and "javascript:alert" not in html


@pytest.mark.django_db
def test_post_with_an_image_and_a_refused_file(client, student, group):
    client.force_login(student)
    response = client.post(
        reverse("community:post_create", args=[group.slug]), {"body": "Look", "image": image_file("JPEG")}
    )
    assert response.status_code == 302
    assert Post.objects.get().image.name.endswith(".jpg")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(reverse("community:post_create", args=[group.slug]), {"body": "Again", "image": bad})
    assert response.status_code == 400
    assert "The file is not an image" in response.content.decode()
    assert Post.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "language", "error"),
    [
        ("", "en", "Write something first."),
        ("y" * 10_001, "en", "This is too long"),
        ("", "ja", "何か書いてください。"),
    ],
)
def test_empty_or_oversize_post_gets_a_clear_error_and_nothing_is_saved(client, student, group, body, language, error):
    student.language = language
    student.save()
    client.force_login(student)
    response = client.post(reverse("community:post_create", args=[group.slug]), {"body": body})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_posting_too_fast_answers_429_with_a_translated_page(client, student, group, settings):
    settings.COMMUNITY_RATE_LIMITS = {"post": (2, 60)}
    student.language = "ja"
    student.save()
    client.force_login(student)
    url = reverse("community:post_create", args=[group.slug])
    assert [client.post(url, {"body": f"p{n}"}).status_code for n in range(3)] == [302, 302, 429]
    assert "しばらくお待ちください" in client.post(url, {"body": "p"}).content.decode()
    assert Post.objects.count() == 2


@pytest.mark.django_db
def test_only_the_author_edits_and_author_or_admin_deletes(client, student, other_student, group):
    post = services.create_post(group=group, author=student, body="Original")
    third = UserFactory()
    services.add_member(group=group, user=third)
    client.force_login(third)
    assert (
        client.post(reverse("community:post_edit", args=[group.slug, post.pk]), {"body": "Hacked"}).status_code == 403
    )
    assert client.post(reverse("community:post_delete", args=[group.slug, post.pk])).status_code == 403
    client.force_login(student)
    client.post(reverse("community:post_edit", args=[group.slug, post.pk]), {"body": "Edited *text*"})
    post.refresh_from_db()
    assert post.body == "Edited *text*" and "<em>text</em>" in post.body_html and post.edited_at
    client.force_login(other_student)  # the group owner
    client.post(reverse("community:post_delete", args=[group.slug, post.pk]))
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_comments_reactions_and_reports(client, student, other_student, group):
    post = services.create_post(group=group, author=other_student, body="Sunset at Kobe")
    client.force_login(student)
    client.post(reverse("community:comment_create", args=[group.slug, post.pk]), {"body": "Beautiful <b>shot</b>"})
    comment = Comment.objects.get()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Beautiful &lt;b&gt;shot&lt;/b&gt;" in page
    post.refresh_from_db()
    assert post.comment_count == 1
    client.post(reverse("community:post_react", args=[group.slug, post.pk]), {"kind": "like"})
    assert Reaction.objects.filter(post=post, user=student).count() == 1
    client.post(reverse("community:post_react", args=[group.slug, post.pk]), {"kind": "like"})
    assert not Reaction.objects.exists()
    client.post(reverse("community:post_report", args=[group.slug, post.pk]), {"reason": "Off topic"})
    client.force_login(other_student)
    client.post(reverse("community:post_report", args=[group.slug, post.pk]), {"reason": "Rude", "comment": comment.pk})
    assert Report.objects.filter(post=post).count() == 1 and Report.objects.filter(comment=comment).count() == 1
    client.post(reverse("community:comment_delete", args=[group.slug, post.pk, comment.pk]))
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_hidden_post_disappears_for_members(client, student, other_student, staff_member, group):
    post = services.create_post(group=group, author=other_student, body="Buy cheap watches")
    report = services.report_content(reporter=student, reason="spam", post=post)
    services.moderate_report(report=report, by=staff_member, hide=True)
    client.force_login(student)
    assert "cheap watches" not in client.get(group.get_absolute_url()).content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404
    services.moderate_report(report=report, by=staff_member, hide=False)
    assert "cheap watches" in client.get(group.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_each_reaction_kind_is_counted_and_shown(client, student, other_student, group):
    post = services.create_post(group=group, author=other_student, body="Hanami on Sunday")
    client.force_login(student)
    url = reverse("community:post_react", args=[group.slug, post.pk])
    response = client.post(url, {"kind": "thanks", "next": post.get_absolute_url()})
    assert response.url == f"{post.get_absolute_url()}#post-{post.pk}"
    client.post(url, {"kind": "celebrate", "next": "https://evil.example/"})
    client.force_login(other_student)
    client.post(url, {"kind": "thanks"})
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'aria-pressed="true">Thanks <span>2</span>' in html
    assert 'aria-pressed="false">Celebrate <span>1</span>' in html
    assert Reaction.objects.count() == 3
