"""Bad uploads are form errors that write nothing: a CSV value over the csv module's field
limit in the staff award upload, and a PNG whose header declares billions of pixels."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community.tests.factories import OrganizationFactory
from credentials.models import Achievement, Award, BatchAward
from credentials.tests.factories import AchievementFactory

pytestmark = pytest.mark.django_db


def bomb_png(width=50_000, height=50_000) -> bytes:
    """A valid PNG of a few hundred bytes whose header declares width × height pixels (2.5 gigapixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def university_staff(staff_member):
    staff_member.organization = OrganizationFactory(slug="kansai-university", is_lead=True, country="JP")
    staff_member.save()
    return staff_member


def test_a_csv_value_over_the_field_limit_is_a_form_error(client, university_staff, student):
    achievement = AchievementFactory(issuer=university_staff.organization)
    text = f"email,evidence\n{student.email},{'x' * 131_073}\n"
    assert len(text.encode()) < 1024 * 1024  # within the upload's size limit: the csv module is what refuses it
    client.force_login(university_staff)  # reads Japanese
    response = client.post(
        reverse("credentials:staff_award"),
        {"achievement": achievement.pk, "csv_file": SimpleUploadedFile("awards.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 200
    assert "csv_file" in response.context["form"].errors
    assert "CSVファイルの 2 行目を読み取れません" in response.content.decode()
    assert not BatchAward.objects.exists() and not Award.objects.exists()


def test_a_badge_declaring_two_and_a_half_gigapixels_is_a_form_error(client, staff_member):
    staff_member.is_superuser = True
    staff_member.save()
    achievement = AchievementFactory()
    url = f"/admin/credentials/achievement/{achievement.pk}/change/"
    client.force_login(staff_member)
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {key: ("on" if value is True else value) for key, value in data.items() if value is not False}
    data["components"] = []
    data["name_en"] = "Renamed while uploading"
    png = bomb_png()
    assert len(png) < 1024
    data["image"] = SimpleUploadedFile("badge.png", png, "image/png")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "image" in response.context["adminform"].form.errors
    assert "画素数が多すぎます" in response.content.decode()
    stored = Achievement.objects.get(pk=achievement.pk)
    assert not stored.image and stored.name_en == achievement.name_en
