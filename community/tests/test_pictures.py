"""Members, groups, modules and programmes look like someone's: uploaded pictures where they
exist, otherwise generated initials on a colour that stays the same for the same member."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from community import avatars, demo_images
from community.tests.factories import CommunityGroupFactory, PostFactory, UserFactory


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mai Tanaka", "MT"),
        ("lucas", "L"),
        ("Anne-Marie de la Cruz", "AC"),
        ("佐藤 花子", "佐"),
        ("さくら", "さ"),
        ("김 민준", "김"),
        ("", "?"),
        ("  ", "?"),
    ],
)
def test_initials_take_the_first_letters_or_the_first_character_of_a_japanese_name(name, expected):
    assert avatars.initials(name) == expected


def test_a_member_keeps_the_same_colour_and_members_get_different_ones():
    assert avatars.colour_index(42) == avatars.colour_index(42)
    assert len({avatars.colour_index(pk) for pk in range(1, 60)}) == avatars.PALETTE_SIZE


def test_every_generated_colour_has_a_css_rule_with_aa_contrast_for_white_text():
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text(encoding="utf-8")

    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for index in range(avatars.PALETTE_SIZE):
        match = re.search(rf"\.avatar--c{index} {{ background: #([0-9a-f]{{6}}); }}", css)
        assert match, f"no colour for avatar--c{index}"
        assert 1.05 / (luminance(match.group(1)) + 0.05) >= 4.5


@pytest.mark.django_db
def test_a_member_without_a_picture_shows_initials_in_their_colour(client, student):
    member = UserFactory(display_name="佐藤 花子")
    client.force_login(student)
    html = client.get(member.get_absolute_url()).content.decode()
    colour = f"avatar--c{avatars.colour_index(member.pk)}"
    assert re.search(rf'<span class="avatar avatar--large avatar--initial {colour}" aria-hidden="true">佐</span>', html)


@pytest.mark.django_db
def test_posts_show_their_authors_initials_and_groups_a_generated_cover(client, student):
    group = CommunityGroupFactory(name_en="Tokyo hiking club")
    PostFactory(group=group, author=UserFactory(display_name="Lucas Martin"), body="Takao on Saturday?")
    client.force_login(student)
    html = client.get(group.get_absolute_url()).content.decode()
    assert re.search(r'class="avatar avatar--small avatar--initial avatar--c\d" aria-hidden="true">LM</span>', html)
    assert re.search(r'class="group__cover cover--generated avatar--c\d" aria-hidden="true">TC</div>', html)
    finder = client.get("/community/").content.decode()
    assert re.search(r'class="group-card__cover cover--generated avatar--c\d" aria-hidden="true">TC</div>', finder)


@pytest.mark.django_db
def test_an_uploaded_cover_replaces_the_generated_one(client, student):
    group = CommunityGroupFactory(name_en="Photo walks")
    group.cover.save("walks.jpg", demo_images.scene("walks", size=(600, 200)), save=True)
    client.force_login(student)
    html = client.get(group.get_absolute_url()).content.decode()
    assert 'class="group__cover"' in html and "cover--generated" not in html


def test_demo_pictures_are_the_same_for_the_same_key_and_decode_as_jpeg():
    first, again, other = demo_images.scene("hiking"), demo_images.scene("hiking"), demo_images.scene("sendai")
    assert first.read() == again.read()
    first.seek(0)
    assert first.read() != other.read()
    with Image.open(io.BytesIO(demo_images.scene("hiking", size=(300, 100)).read())) as image:
        assert image.format == "JPEG" and image.size == (300, 100)


@pytest.mark.django_db
def test_demo_data_ships_covers_for_groups_modules_and_programmes_once(django_capture_on_commit_callbacks):
    from community.models import CommunityGroup
    from courses.models import Module, Programme

    def covers():
        return (
            set(CommunityGroup.objects.exclude(cover="").values_list("cover", flat=True)),
            set(Module.objects.exclude(cover="").values_list("cover", flat=True)),
            set(Programme.objects.exclude(cover="").values_list("cover", flat=True)),
        )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", password="jige-demo-2026", stdout=io.StringIO())
    groups, modules, programmes = covers()
    assert len(groups) >= 3 and len(modules) >= 3 and len(programmes) >= 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", password="jige-demo-2026", stdout=io.StringIO())
    assert covers() == (groups, modules, programmes)  # a second run draws nothing new
