"""Private groups: non-members see no posts, members or comments, on any URL."""

import pytest
from django.urls import reverse

from community import services
from community.models import Comment
from community.tests.factories import CommunityGroupFactory, PostFactory, UserFactory


def content_urls(group, post, comment):
    slug = group.slug
    return {
        "members": (reverse("community:group_members", args=[slug]), "get"),
        "members page 2": (reverse("community:group_members", args=[slug]) + "?page=2", "get"),
        "post detail": (post.get_absolute_url(), "get"),
        "post comments page 2": (post.get_absolute_url() + "?page=2", "get"),
        "post edit": (reverse("community:post_edit", args=[slug, post.pk]), "get"),
        "comment create": (reverse("community:comment_create", args=[slug, post.pk]), "post"),
        "comment delete": (reverse("community:comment_delete", args=[slug, post.pk, comment.pk]), "post"),
        "post react": (reverse("community:post_react", args=[slug, post.pk]), "post"),
        "post report": (reverse("community:post_report", args=[slug, post.pk]), "post"),
        "post delete": (reverse("community:post_delete", args=[slug, post.pk]), "post"),
        "post create": (reverse("community:post_create", args=[slug]), "post"),
        "requests": (reverse("community:group_requests", args=[slug]), "get"),
        "edit": (reverse("community:group_edit", args=[slug]), "get"),
    }


@pytest.fixture
def private_setup(db):
    def build(join_policy, visibility):
        owner = UserFactory()
        group = CommunityGroupFactory(join_policy=join_policy, visibility=visibility, name_en="Hidden circle")
        services.add_member(group=group, user=owner, role="owner")
        posts = [PostFactory(group=group, author=owner, body=f"Secret plan {n}") for n in range(25)]
        post = posts[0]
        comment = Comment.objects.create(post=post, author=owner, body="Secret comment")
        return owner, group, post, comment

    return build


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("join_policy", "visibility"), [("request", "public"), ("invite", "public"), ("open", "secret")]
)
def test_private_group_hides_content_from_non_members_on_every_url(
    client, student, private_setup, join_policy, visibility
):
    owner, group, post, comment = private_setup(join_policy, visibility)
    client.force_login(student)
    detail = client.get(group.get_absolute_url())
    if visibility == "secret":
        assert detail.status_code == 404
    else:
        assert detail.status_code == 200
        html = detail.content.decode()
        assert "Hidden circle" in html
        assert "Secret plan" not in html and owner.display_name not in html.split("</header>", 1)[-1]
        older = client.get(group.get_absolute_url() + "?after=99999999999999999-999999").content.decode()
        assert "Secret plan" not in older
    for name, (url, method) in content_urls(group, post, comment).items():
        response = (
            client.post(url, {"body": "hi", "reason": "x", "kind": "like"}) if method == "post" else client.get(url)
        )
        assert response.status_code in (403, 404), name
        body = response.content.decode()
        assert "Secret plan" not in body and "Secret comment" not in body, name
    assert Comment.objects.count() == 1
    assert post.reactions.count() == 0
    # the feed and the finder show nothing of it either
    assert "Secret plan" not in client.get(reverse("community:feed")).content.decode()
    finder = client.get(reverse("community:group_list"), {"q": "Hidden"}).content.decode()
    assert ("Hidden circle" in finder) is (visibility != "secret")


@pytest.mark.django_db
def test_removed_member_loses_access_at_once(client, student, private_setup):
    owner, group, post, comment = private_setup("request", "public")
    services.add_member(group=group, user=student)
    client.force_login(student)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert "Secret plan" in client.get(group.get_absolute_url()).content.decode()
    services.remove_member(group=group, user=student, by=owner)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Secret plan" not in client.get(group.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_open_group_content_is_readable_but_only_members_write(client, student):
    owner = UserFactory()
    group = CommunityGroupFactory(join_policy="open")
    services.add_member(group=group, user=owner, role="owner")
    post = PostFactory(group=group, author=owner, body="Hello everyone")
    client.force_login(student)
    assert "Hello everyone" in client.get(group.get_absolute_url()).content.decode()
    response = client.post(reverse("community:comment_create", args=[group.slug, post.pk]), {"body": "hi"})
    assert response.status_code == 403
    response = client.post(reverse("community:post_create", args=[group.slug]), {"body": "hi"})
    assert response.status_code == 403
