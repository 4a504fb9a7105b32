#!/usr/bin/env python3
"""Draw the home-screen icons of the web app manifest (static/img/icon-*.png) with Pillow.

The PNGs are committed; run this again only when the mark changes. "any" icons are the round
mark of the favicon on transparency; "maskable" icons fill the square with the brand colour
and keep the letter inside the central 80 % safe zone that launchers may crop to.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = (10, 77, 140)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "img"
FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]


def font(size):
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def draw_letter(draw, box_size, letter_size, colour):
    letter_font = font(letter_size)
    draw.text((box_size / 2, box_size / 2), "J", font=letter_font, fill=colour, anchor="mm")


def icon(size, *, maskable):
    # Drawn at 4x and scaled down for smooth edges.
    big = size * 4
    image = Image.new("RGBA", (big, big), BRAND + (255,) if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw_letter(draw, big, int(big * 0.5), WHITE)
    else:
        draw.ellipse((0, 0, big - 1, big - 1), fill=BRAND + (255,))
        draw_letter(draw, big, int(big * 0.6), WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, maskable=True).save(OUT / f"icon-maskable-{size}.png", optimize=True)
    # iOS ignores the manifest's icons and rounds the corners itself: an opaque square.
    icon(180, maskable=True).convert("RGB").save(OUT / "icon-180.png", optimize=True)


if __name__ == "__main__":
    main()
