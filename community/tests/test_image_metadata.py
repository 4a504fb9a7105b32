"""Images attached to posts and messages are stored without their metadata: a phone photo's GPS
position, camera and comments never reach the other members; the picture stays upright."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from community import services
from community.models import GroupFile, MessageAttachment
from community.tests.factories import CommunityGroupFactory
from community.tests.pages import signed_in
from community.tests.test_group_files import content

pytestmark = pytest.mark.django_db


def photo_with_gps(name="写真.jpg", size=(40, 20), orientation=None) -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 39.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (139.0, 44.0, 28.0)
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="JPEG", exif=exif, comment=b"home address")
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as sent:  # the test's own photo does carry the position
        assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (35.0, 39.0, 29.0)
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def png_with_text() -> SimpleUploadedFile:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at home")
    buffer = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 128, 128, 128)).save(buffer, format="PNG", pnginfo=info)
    return SimpleUploadedFile("map.png", buffer.getvalue(), content_type="image/png")


def assert_clean(data: bytes, *, size=None, image_format="JPEG"):
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == image_format
        assert not image.getexif()
        assert not set(image.info) & {"exif", "comment", "xmp", "Comment"}
        if size:
            assert image.size == size
    assert b"PhoneMaker" not in data and b"home" not in data


@pytest.fixture
def club(student, other_student):
    group = CommunityGroupFactory(name_en="Photo club", slug="photo-club")
    services.add_member(group=group, user=student, role="owner")
    services.add_member(group=group, user=other_student)
    return group


def test_photo_attached_to_a_post_reaches_members_without_its_gps_position(club, student, other_student):
    url = reverse("community:post_create", args=[club.slug])
    response = signed_in(student).post(url, {"body": "Our trip", "attachment": photo_with_gps()})
    assert response.status_code == 302
    group_file = GroupFile.objects.get()
    download = signed_in(other_student).get(group_file.get_absolute_url())
    data = content(download)
    assert_clean(data, size=(40, 20))
    assert group_file.size == len(data)
    assert group_file.original_name == "写真.jpg"


def test_photo_attached_to_a_message_is_stored_without_metadata_and_upright(student, other_student):
    conversation = services.start_conversation(sender=student, recipients=[other_student], body="Hi")
    url = reverse("community:message_send", args=[conversation.pk])
    # Orientation 6: the camera was turned; the stored picture is turned back, as viewers showed it.
    response = signed_in(student).post(url, {"body": "", "files": [photo_with_gps(orientation=6), png_with_text()]})
    assert response.status_code == 302
    photo, png = MessageAttachment.objects.order_by("pk")
    reader = signed_in(other_student)
    assert_clean(content(reader.get(photo.get_absolute_url())), size=(20, 40))
    png_data = content(reader.get(png.get_absolute_url()))
    assert_clean(png_data, image_format="PNG")
    with Image.open(io.BytesIO(png_data)) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0)) == (0, 128, 128, 128)


def test_documents_are_stored_as_they_came(student, other_student):
    from community.tests.test_group_files import pdf_file

    conversation = services.start_conversation(sender=student, recipients=[other_student], body="Hi")
    sent = pdf_file()
    signed_in(student).post(reverse("community:message_send", args=[conversation.pk]), {"body": "", "files": [sent]})
    sent.seek(0)
    stored = MessageAttachment.objects.get()
    assert content(signed_in(other_student).get(stored.get_absolute_url())) == sent.read()


def test_an_animated_gif_keeps_its_frames_but_not_its_comment(student, other_student):
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0, comment=b"home")
    conversation = services.start_conversation(sender=student, recipients=[other_student], body="Hi")
    upload = SimpleUploadedFile("wave.gif", buffer.getvalue(), content_type="image/gif")
    signed_in(student).post(reverse("community:message_send", args=[conversation.pk]), {"body": "", "files": [upload]})
    data = content(signed_in(other_student).get(MessageAttachment.objects.get().get_absolute_url()))
    assert_clean(data, image_format="GIF")
    with Image.open(io.BytesIO(data)) as image:
        assert image.n_frames == 3
