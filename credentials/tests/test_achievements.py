"""Achievements: badge images (generated or uploaded PNG), validation, the catalogue and the admin."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.tests.factories import OrganizationFactory
from credentials import services
from credentials.images import CJK_FONT, clean_badge_upload, render_badge
from credentials.models import Achievement
from credentials.tests.factories import AchievementFactory, PathwayFactory


def _png(size=(64, 64), colour=(10, 77, 140, 255), kind="PNG"):
    buffer = io.BytesIO()
    Image.new("RGBA" if kind == "PNG" else "RGB", size, colour[: 4 if kind == "PNG" else 3]).save(buffer, kind)
    return buffer.getvalue()


def _ink(png_bytes) -> int:
    """How many pixels are not white or transparent in the badge's inner disc."""
    image = Image.open(io.BytesIO(png_bytes)).convert("RGBA").crop((120, 180, 392, 330))
    return sum(1 for pixel in image.get_flattened_data() if pixel[3] and pixel[:3] != (255, 255, 255))


def test_generated_badge_is_a_512_png_with_the_name_drawn():
    data = render_badge(name="Intercultural Teamwork", issuer="Kansai University")
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("PNG", (512, 512))
    assert _ink(data) > 500


@pytest.mark.skipif(not CJK_FONT.exists(), reason="Noto Sans CJK is not installed")
def test_japanese_names_are_drawn_with_real_glyphs():
    japanese = render_badge(name="異文化チームワーク", issuer="関西大学")
    # A font without Japanese glyphs draws the same empty box for every character; the CJK
    # font draws different shapes, so two different names give different images.
    other = render_badge(name="防災と復興の実践", issuer="東北大学")
    assert japanese != other
    assert _ink(japanese) > 500


@pytest.mark.django_db
def test_default_image_is_made_once_and_kept(student):
    achievement = AchievementFactory(language="ja")
    services.ensure_default_image(achievement)
    first = achievement.generated_image.name
    assert first.startswith("achievements/generated/") and first.endswith(".png")
    services.ensure_default_image(achievement)
    achievement.refresh_from_db()
    assert achievement.generated_image.name == first


def test_badge_upload_must_be_a_real_png():
    cleaned = clean_badge_upload(SimpleUploadedFile("badge.png", _png(), "image/png"))
    assert Image.open(cleaned).format == "PNG"
    with pytest.raises(ValidationError) as error:
        clean_badge_upload(SimpleUploadedFile("badge.png", _png(kind="JPEG"), "image/png"))
    assert error.value.code == "not_png"
    with pytest.raises(ValidationError) as error:
        clean_badge_upload(SimpleUploadedFile("badge.png", b"GIF89a not really", "image/png"))
    assert error.value.code == "not_an_image"
    with pytest.raises(ValidationError) as error:
        clean_badge_upload(SimpleUploadedFile("huge.png", _png(size=(3000, 3000)), "image/png"))
    assert error.value.code == "too_many_pixels"


@pytest.mark.django_db
def test_pathway_needs_a_complete_rule():
    issuer = OrganizationFactory()
    pathway = Achievement(type=Achievement.Type.PATHWAY, slug="p", name_en="P", issuer=issuer, rule="any_n")
    with pytest.raises(ValidationError) as error:
        pathway.full_clean()
    assert "required_count" in error.value.message_dict
    module = Achievement(type=Achievement.Type.COURSE_MODULE, slug="m", name_en="M", issuer=issuer, rule="all")
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert "rule" in error.value.message_dict


@pytest.mark.django_db
def test_validity_period_gives_the_expiry_date():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    achievement = AchievementFactory(validity_months=13)
    issued = datetime(2026, 1, 31, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert achievement.valid_until_for(issued) == datetime(2027, 2, 28, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert AchievementFactory(validity_months=None).valid_until_for(issued) is None


@pytest.mark.django_db
def test_catalogue_filters_by_type_and_hides_inactive(client):
    AchievementFactory(name_en="Visible Module")
    AchievementFactory(name_en="Retired Module", is_active=False)
    PathwayFactory(name_en="Visible Pathway")
    content = client.get("/credentials/?type=pathway").content.decode()
    assert "Visible Pathway" in content
    assert "Visible Module" not in content
    content = client.get("/credentials/?type=nonsense").content.decode()
    assert "Visible Module" in content and "Retired Module" not in content
    assert client.get("/credentials/achievements/retired-module/").status_code == 404


@pytest.mark.django_db
def test_admin_uploads_a_png_badge_and_faculty_see_only_their_organizations_achievements(client, staff_member, faculty):
    staff_member.is_superuser = True
    staff_member.save()
    achievement = AchievementFactory()
    client.force_login(staff_member)
    url = f"/admin/credentials/achievement/{achievement.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["components"] = []
    data["image"] = SimpleUploadedFile("badge.jpg", _png(kind="JPEG"), "image/jpeg")
    response = client.post(url, data)
    assert response.status_code == 200  # refused: not a PNG
    data["image"] = SimpleUploadedFile("badge.png", _png(), "image/png")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    achievement.refresh_from_db()
    assert achievement.image.name.endswith(".png")

    faculty.organization = OrganizationFactory(slug="faculty-home")
    faculty.save()
    own = AchievementFactory(issuer=faculty.organization, name_ja="自分のモジュール")
    client.force_login(faculty)  # reads Japanese
    listing = client.get("/admin/credentials/achievement/")
    assert list(listing.context["cl"].result_list) == [own]
    assert "自分のモジュール" in listing.content.decode()
    assert client.get(f"/admin/credentials/achievement/{own.pk}/change/").status_code == 200
    assert client.get(url).status_code == 302  # not theirs: the admin says it does not exist
