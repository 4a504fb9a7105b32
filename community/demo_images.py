"""Pictures for the demo data, drawn by the portal itself with Pillow (nothing downloaded, so
nothing to credit): a soft gradient with rolling hills and a sun, coloured from a key so the
same group or module always gets the same picture."""

import io
import random
from math import sin

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter

# Pairs of (sky, land) colours: dusk over Kansai, a Chiba morning, Tohoku in autumn, ...
SCENES = [
    ((255, 183, 123), (10, 77, 140)),
    ((168, 216, 234), (30, 107, 52)),
    ((250, 208, 196), (156, 36, 88)),
    ((255, 224, 153), (138, 75, 0)),
    ((196, 228, 214), (0, 98, 107)),
    ((215, 204, 240), (91, 63, 168)),
]


def scene(key: str, *, size=(1200, 600)) -> ContentFile:
    """A JPEG landscape for `key` (the same key draws the same picture)."""
    rng = random.Random(key)
    sky, land = SCENES[rng.randrange(len(SCENES))]
    width, height = size
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    top = tuple(min(255, channel + 40) for channel in sky)
    for y in range(height):
        mix = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a * (1 - mix) + b * mix) for a, b in zip(top, sky, strict=True)))
    sun_x, sun_y, radius = rng.randint(width // 6, width * 5 // 6), rng.randint(height // 6, height // 3), height // 7
    draw.ellipse((sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=(255, 250, 235))
    # Three ranges of hills, lighter far away, darker near.
    for layer in range(3):
        shade = 0.45 + 0.275 * layer
        colour = tuple(int(s * (1 - shade) + g * shade) for s, g in zip(sky, land, strict=True))
        base = int(height * (0.55 + 0.13 * layer))
        points = [(0, height)]
        phase, amplitude = rng.random() * 6.28, height * (0.08 - 0.015 * layer)
        for x in range(0, width + 40, 40):
            wave = sum(rng.uniform(0.6, 1.0) * amplitude / (n + 1) for n in range(2))
            points.append((x, base - wave * sin(phase + x / (width / (3 + layer)))))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"demo-{key}.jpg")
