"""The portal can be added to a phone's home screen: a manifest in the visitor's language, its
icons (192 and 512 px, "any" and "maskable"), the theme colour and the Apple touch icon."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

STATIC = Path(__file__).resolve().parent.parent / "static"


def get_manifest(client, language):
    client.cookies["django_language"] = language
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content.decode())


@pytest.mark.django_db
def test_manifest_names_the_portal_in_the_visitors_language(client):
    english = get_manifest(client, "en")
    japanese = get_manifest(client, "ja")
    assert english["name"] == "JIGE Portal" and english["lang"] == "en"
    assert japanese["name"] == "JIGEポータル" and japanese["lang"] == "ja"
    assert japanese["description"] == "学び、働き、つながる — 日本でもオンラインでも"
    for manifest in (english, japanese):
        assert manifest["short_name"] == "JIGE"
        assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
        assert manifest["theme_color"] == "#0a4d8c"


@pytest.mark.django_db
def test_manifest_icons_are_served_by_the_portal_at_the_sizes_they_claim(client):
    icons = get_manifest(client, "en")["icons"]
    assert {(icon["sizes"], icon["purpose"]) for icon in icons} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        assert icon["src"].startswith("/static/img/icon-")
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
            if icon["purpose"] == "maskable":
                # A maskable icon fills its square: launchers crop it to their own shape.
                assert image.convert("RGBA").getpixel((0, 0))[3] == 255


@pytest.mark.django_db
def test_every_page_links_the_manifest_theme_colour_and_touch_icon(client):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0a4d8c">' in html
    assert 'rel="apple-touch-icon"' in html and "img/icon-180.png" in html
    with Image.open(STATIC / "img" / "icon-180.png") as image:
        assert image.size == (180, 180) and image.mode == "RGB"  # iOS shows transparency as black
