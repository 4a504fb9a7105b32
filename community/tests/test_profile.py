"""Member profiles and avatar uploads."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from community.models import Phase
from community.tests.factories import CampusFactory, UserFactory


def image_file(fmt="PNG", size=(64, 64), mode="RGB", name=None, **save_kwargs):
    buffer = io.BytesIO()
    Image.new(mode, size, "teal" if mode != "1" else 1).save(buffer, format=fmt, **save_kwargs)
    return SimpleUploadedFile(name or f"a.{fmt.lower()}", buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def post_account(client, user, avatar, language="en"):
    return client.post(
        reverse("community:profile_edit"),
        {
            "account-display_name": user.display_name,
            "account-language": language,
            "account-time_zone": "Asia/Tokyo",
            "account-avatar": avatar,
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_avatar_accepts_png_and_jpeg(client, student, fmt):
    client.force_login(student)
    response = post_account(client, student, image_file(fmt))
    assert response.status_code == 302
    student.refresh_from_db()
    with Image.open(student.avatar.path) as stored:
        assert stored.size == (64, 64)


@pytest.mark.django_db
def test_avatar_is_re_encoded_without_exif(client, student):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 0.0)}  # GPS
    client.force_login(student)
    post_account(client, student, image_file("JPEG", exif=exif.tobytes()))
    student.refresh_from_db()
    with Image.open(student.avatar.path) as stored:
        assert not stored.getexif()
    assert b"SecretCam" not in student.avatar.read()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "english", "japanese"),
    [
        (
            SimpleUploadedFile("cv.png", b"%PDF-1.7 not an image", content_type="image/png"),
            "The file is not an image",
            "ファイルが画像ではない",
        ),
        ("oversize", "The image is too large", "画像が大きすぎます"),
        ("bomb", "The image has too many pixels", "画像の画素数が多すぎます"),
    ],
)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_avatar_rejects_bad_files_with_a_translated_error(client, student, upload, english, japanese, language):
    if upload == "oversize":
        noise = Image.frombytes("RGB", (1400, 1400), __import__("os").urandom(1400 * 1400 * 3))
        buffer = io.BytesIO()
        noise.save(buffer, format="PNG")
        assert buffer.tell() > 5 * 1024 * 1024
        upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    elif upload == "bomb":
        upload = image_file("PNG", size=(15000, 15000), mode="1")
        assert upload.size < 200_000  # tiny on disk, 225 megapixels when decoded
    else:
        upload.seek(0)
    student.language = language
    student.save()
    client.force_login(student)
    response = post_account(client, student, upload, language=language)
    assert response.status_code == 200
    assert (english if language == "en" else japanese) in response.content.decode()
    student.refresh_from_db()
    assert not student.avatar


@pytest.mark.django_db
def test_profile_is_visible_to_signed_in_members_only(client, student, other_student):
    url = reverse("community:profile", args=[student.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(other_student)
    response = client.get(url)
    assert response.status_code == 200
    assert student.display_name in response.content.decode()
    assert "Edit profile</a>" not in response.content.decode().split("</header>", 2)[-1]


@pytest.mark.django_db
def test_owner_edits_their_profile(client, student):
    campus = CampusFactory()
    client.force_login(student)
    response = client.post(
        reverse("community:profile_edit"),
        {
            "account-display_name": "Mai N.",
            "account-language": "en",
            "account-time_zone": "Asia/Ho_Chi_Minh",
            "profile-country": "VN",
            "profile-year_of_study": "3",
            "profile-field_of_study": "ict",
            "profile-bio": "<script>alert(1)</script> Hello",
            "profile-arrival_date": "2027-04-01",
            "profile-departure_date": "2027-09-30",
            "profile-host_campus": campus.pk,
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.display_name == "Mai N."
    assert student.profile.host_campus == campus
    html = client.get(reverse("community:profile", args=[student.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hello" in html
    assert "<script>alert(1)" not in html


@pytest.mark.django_db
def test_departure_before_arrival_is_refused_and_nothing_is_saved(client, student):
    client.force_login(student)
    response = client.post(
        reverse("community:profile_edit"),
        {
            "account-display_name": "Changed name",
            "account-language": "en",
            "account-time_zone": "Asia/Tokyo",
            "profile-arrival_date": "2027-04-01",
            "profile-departure_date": "2027-03-01",
        },
    )
    assert response.status_code == 200
    assert "The departure date must not be before the arrival date." in response.content.decode()
    student.refresh_from_db()
    assert student.display_name == "Mai Student"


@pytest.mark.django_db
def test_phase_is_derived_from_the_stay():
    profile = UserFactory().profile
    today = timezone.localdate()
    assert profile.phase == ""
    profile.arrival_date, profile.departure_date = today + timedelta(days=10), today + timedelta(days=100)
    assert profile.phase == Phase.BEFORE
    assert profile.phase_on(today + timedelta(days=10)) == Phase.DURING
    assert profile.phase_on(today + timedelta(days=101)) == Phase.AFTER
    assert profile.phase_on(date(2000, 1, 1)) == Phase.BEFORE
