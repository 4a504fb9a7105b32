"""Files of groups (post images, covers) reach only those who may see the group's content, by
the links on its pages; everyone else gets 404, whatever path they try. Public media stay public."""

import json
import re
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from community import services
from community.models import Post
from community.tests.factories import CommunityGroupFactory, PostFactory
from community.tests.pages import from_cache, page, signed_in, visit
from community.tests.test_profile import image_file
from credentials.tests.factories import AchievementFactory

pytestmark = pytest.mark.django_db


def img_src(html: str, css_class: str) -> str:
    return re.search(rf'<img class="{css_class}" src="([^"]+)"', html).group(1)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def post_with_image(client, group) -> Post:
    """A member posts with a picture, through the form of the group page."""
    response = client.post(
        reverse("community:post_create", args=[group.slug]), {"body": "Our photo", "image": image_file("JPEG")}
    )
    assert response.status_code == 302
    return Post.objects.filter(group=group).exclude(image="").latest("pk")


def with_cover(group):
    group.cover.save("cover.png", image_file("PNG"), save=True)
    return group


@pytest.fixture
def secret_circle(student, other_student):
    """A secret group: Lucas owns it, Mai is a member; a cover and a post with an image."""
    group = with_cover(
        CommunityGroupFactory(name_en="Quiet Readers", slug="quiet-readers", join_policy="invite", visibility="secret")
    )
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    post_with_image(signed_in(other_student), group)
    return group


@pytest.fixture
def closed_club(other_student):
    """A public group that members join by request: its posts are for members only."""
    group = with_cover(CommunityGroupFactory(name_en="Tea Ceremony", slug="tea-ceremony", join_policy="request"))
    services.add_member(group=group, user=other_student, role="owner")
    post_with_image(signed_in(other_student), group)
    return group


@pytest.fixture
def outsider(faculty):
    """Prof. Sato: signed in, member of another group only (with files of its own)."""
    own = with_cover(CommunityGroupFactory(name_en="Faculty Lounge", slug="faculty-lounge", visibility="secret"))
    services.add_member(group=own, user=faculty, role="owner")
    post_with_image(signed_in(faculty), own)
    return faculty


def secret_files(group):
    post = group.posts.get()
    return [("cover", group.cover.name, group.cover.url), ("post image", post.image.name, post.image.url)]


def test_member_gets_the_secret_groups_cover_and_post_image_from_the_links_on_its_page(client, student, secret_circle):
    client.force_login(student)
    html = page(client.get(reverse("community:group_detail", args=[secret_circle.slug])))
    post = secret_circle.posts.get()

    for css_class, name in (("group__cover", secret_circle.cover.name), ("post__image", post.image.name)):
        src = img_src(html, css_class)
        assert src == "/media/" + name
        response = client.get(src)
        assert response.status_code == 200
        assert body(response) == stored(name)
        assert response["Content-Type"] in ("image/png", "image/jpeg")
        assert response["Content-Disposition"].startswith("inline")
        assert response["Cache-Control"] == "private"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("viewer", ["member of another group", "signed-in non-member", "anonymous visitor"])
def test_others_get_404_for_the_secret_groups_files_and_anonymous_visitors_the_sign_in_page(
    viewer, secret_circle, outsider, company_contact
):
    if viewer == "member of another group":
        client = signed_in(outsider)
    elif viewer == "signed-in non-member":
        client = signed_in(company_contact)
    else:
        client = Client()
    missing = "/media/posts/2020/01/" + "0" * 32 + ".jpg"
    for what, name, url in secret_files(secret_circle):
        response = client.get(url)
        assert body(response) != stored(name), what
        if viewer == "anonymous visitor":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
            # The same answer for a file that does not exist: nothing is learnt from it.
            assert client.get(missing)["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == 404, what
            assert client.get(missing).status_code == 404


def test_closed_groups_post_image_is_for_members_while_its_cover_shows_in_the_finder(
    student, other_student, closed_club
):
    post = closed_club.posts.get()
    outsider = signed_in(student)

    assert outsider.get(post.image.url).status_code == 404
    finder = page(outsider.get(reverse("community:group_list")))
    assert img_src(finder, "group-card__cover") == closed_club.cover.url
    assert outsider.get(closed_club.cover.url).status_code == 200

    owner = signed_in(other_student)
    response = owner.get(post.image.url)
    assert response.status_code == 200
    assert body(response) == stored(post.image.name)


def test_an_open_groups_post_image_is_shown_to_every_signed_in_member(student, other_student):
    group = CommunityGroupFactory(name_en="Hiking", slug="hiking", join_policy="open")
    services.add_member(group=group, user=other_student, role="owner")
    post = post_with_image(signed_in(other_student), group)

    assert signed_in(student).get(post.image.url).status_code == 200


def test_an_invited_member_sees_the_cover_but_not_the_posts_until_joining(student, other_student, secret_circle):
    services.remove_member(group=secret_circle, user=student)
    services.invite_member(group=secret_circle, user=student, by=other_student)
    client = signed_in(student)
    post = secret_circle.posts.get()

    assert client.get(secret_circle.cover.url).status_code == 200
    assert client.get(post.image.url).status_code == 404

    services.join_group(group=secret_circle, user=student)
    assert client.get(post.image.url).status_code == 200


def test_a_hidden_posts_image_is_gone_for_members_and_left_to_staff(student, staff_member, secret_circle):
    post = secret_circle.posts.get()
    Post.objects.filter(pk=post.pk).update(is_hidden=True)

    assert signed_in(student).get(post.image.url).status_code == 404
    assert signed_in(staff_member).get(post.image.url).status_code == 200


def test_guessed_paths_get_404(student, faculty, secret_circle):
    post = secret_circle.posts.get()
    avatar = default_storage.save("avatars/2020/01/mine.png", ContentFile(b"\x89PNG avatar"))
    name = post.image.name
    member, outsider = signed_in(student), signed_in(faculty)
    tried = [
        f"/media/{name}/",
        f"/media/posts/../{avatar}",
        f"/media/posts/./{name.removeprefix('posts/')}",
        f"/media/posts//{name}",
        "/media/posts/%2Fetc%2Fpasswd",
        "/media/posts/..%2F..%2Fjige_portal%2Fsettings.py",
        f"/media/group-covers/../{name}",
        "/media/posts/2020/01/" + "0" * 32 + ".jpg",  # a name no post has
        f"/media/posts/{secret_circle.cover.name}",  # another file's name, under the wrong folder
    ]
    for path in tried:
        assert member.get(path).status_code == 404, path
    # The rest of /media/ is served by Django's own view, which normalizes paths: a group file
    # must not come out of it either.
    raw = [f"/media//{name}", f"/media/./{name}", f"/media/avatars/../{name}", f"/media/{name.upper()}"]
    for path in [*raw, *tried]:
        response = outsider.get(path)
        assert response.status_code == 404, path
        assert body(response) != stored(name)


def test_a_file_that_is_not_an_image_is_downloaded_not_shown(student, secret_circle):
    svg = default_storage.save("posts/2020/01/drawing.svg", ContentFile(b'<svg onload="alert(1)"></svg>'))
    PostFactory(group=secret_circle, author=student, image=svg)

    response = signed_in(student).get("/media/" + svg)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="drawing.svg"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_behind_nginx_the_answer_is_an_internal_redirect_without_the_bytes(settings, student, faculty, secret_circle):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    post = secret_circle.posts.get()

    response = signed_in(student).get(post.image.url)
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + post.image.name
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private"

    refused = signed_in(faculty).get(post.image.url)
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_leaving_the_group_ends_access_to_its_files_even_with_its_page_in_the_cache(settings, student, secret_circle):
    settings.PAGE_CACHE_SECONDS = 300
    client = signed_in(student)
    url = reverse("community:group_detail", args=[secret_circle.slug])
    visit(client, url)
    cached = visit(client, url)
    assert from_cache(cached)
    src = img_src(page(cached), "post__image")
    assert client.get(src).status_code == 200

    services.leave_group(group=secret_circle, user=student)

    assert client.get(src).status_code == 404
    assert client.get(secret_circle.cover.url).status_code == 404
    assert visit(client, url).status_code == 404


def test_badge_images_and_avatars_stay_public(client, secret_circle):
    achievement = AchievementFactory()
    achievement.image.save("coil.png", image_file("PNG"), save=True)
    avatar = default_storage.save("avatars/2020/01/face.png", image_file("PNG"))

    for name in (achievement.image.name, avatar):
        response = client.get("/media/" + name)
        assert response.status_code == 200, name
        assert body(response) == stored(name)


# --- media on S3-compatible object storage --------------------------------------------------

BUCKET = "jige-media-test"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3-compatible server, over real HTTP, with what production grants: public read on
    the media prefix and nothing else."""
    pytest.importorskip("moto.server")
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test-secret"
    )
    client.create_bucket(Bucket=BUCKET)
    public_media = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/media/*",
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_media]}))
    yield url, client
    server.stop()


@pytest.fixture
def media_in_bucket(settings, s3_server):
    url, client = s3_server
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": url,
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test-secret",
        "addressing_style": "path",
        "file_overwrite": False,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "community.media.S3MediaStorage",
            "OPTIONS": {**options, "location": "media", "querystring_auth": False},
        },
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**options, "location": "private"}},
    }
    settings.MEDIA_PROTECTED_URL_EXPIRE = 60
    return url, client


def anonymous_get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_in_the_bucket_group_files_are_private_and_members_get_a_short_signed_link(
    media_in_bucket, student, faculty, other_student
):
    s3_url, s3 = media_in_bucket
    group = CommunityGroupFactory(name_en="Quiet Readers", slug="quiet-readers", visibility="secret")
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    post = post_with_image(signed_in(other_student), group)

    key = f"private/community/{post.image.name}"
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="private/")["Contents"]] == [key]
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="media/posts/")
    assert anonymous_get(f"{s3_url}/{BUCKET}/{key}")[0] == 403
    assert post.image.url == "/media/" + post.image.name

    response = signed_in(student).get(post.image.url)
    assert response.status_code == 302
    signed = response["Location"]
    query = parse_qs(urlparse(signed).query)
    # Signature version 4 names the lifetime; version 2 (boto3's default here) the end, in Unix time.
    lifetime = int(query["X-Amz-Expires"][0]) if "X-Amz-Expires" in query else int(query["Expires"][0]) - time.time()
    assert 55 <= lifetime <= 60
    assert response["Cache-Control"] == "private, max-age=30"
    status, content = anonymous_get(signed)
    assert status == 200
    assert content == s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    assert signed_in(faculty).get(post.image.url).status_code == 404

    # Public media keep their plain, public bucket URLs.
    avatar = default_storage.save("avatars/2020/01/face.png", image_file("PNG"))
    assert default_storage.url(avatar) == f"{s3_url}/{BUCKET}/media/{avatar}"
    assert anonymous_get(default_storage.url(avatar))[0] == 200
