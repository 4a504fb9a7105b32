"""The default badge image of an achievement: its name and issuer on a round badge (PNG).

Japanese names need a CJK font; Debian's Noto Sans CJK is used when installed, otherwise
Pillow's built-in font (which has no Japanese glyphs: the badge then shows the English name).
"""

import hashlib
import io
import textwrap
import warnings
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_BOLD_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
SIZE = 512
BADGE_MAX_PIXELS = 4_000_000
TYPE_COLOURS = {
    "course_module": (10, 77, 140),
    "internship": (30, 107, 52),
    "blended_programme": (110, 60, 140),
    "competency": (160, 82, 20),
    "pathway": (179, 38, 30),
}


def _font(size: int, *, bold: bool = False):
    path = CJK_BOLD_FONT if bold and CJK_BOLD_FONT.exists() else CJK_FONT
    if path.exists():
        # Index 0 of the collection is the Japanese face (JP), which also covers Latin script.
        return ImageFont.truetype(str(path), size, index=0)
    return ImageFont.load_default(size=size)


def has_cjk_font() -> bool:
    return CJK_FONT.exists()


def _wrapped(draw, text: str, font, max_width: int, max_lines: int) -> list[str]:
    """Wrap by words for Latin text and by characters for Japanese, within max_width pixels."""
    lines: list[str] = []
    if " " in text:
        candidates = textwrap.wrap(text, width=60)
        words = " ".join(candidates).split(" ")
        line = ""
        for word in words:
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) <= max_width:
                line = trial
            else:
                if line:
                    lines.append(line)
                line = word
        if line:
            lines.append(line)
    else:
        line = ""
        for char in text:
            if draw.textlength(line + char, font=font) <= max_width:
                line += char
            else:
                lines.append(line)
                line = char
        if line:
            lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip()[:-1] + "…"
    return lines


def render_badge(*, name: str, issuer: str, kind: str = "course_module", subtitle: str = "") -> bytes:
    """A 512×512 PNG badge with the name and issuer; deterministic for the same inputs."""
    colour = TYPE_COLOURS.get(kind, TYPE_COLOURS["course_module"])
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=colour + (255,))
    draw.ellipse((30, 30, SIZE - 30, SIZE - 30), outline=(255, 255, 255, 255), width=6)
    draw.ellipse((52, 52, SIZE - 52, SIZE - 52), fill=(255, 255, 255, 255))

    title_font = _font(40, bold=True)
    small_font = _font(24)
    lines = _wrapped(draw, name, title_font, 330, 4)
    line_height = 50
    top = SIZE // 2 - (len(lines) * line_height) // 2 - 20
    for index, line in enumerate(lines):
        draw.text((SIZE // 2, top + index * line_height), line, font=title_font, fill=colour + (255,), anchor="mt")
    issuer_lines = _wrapped(draw, issuer, small_font, 300, 2)
    y = top + len(lines) * line_height + 16
    for line in issuer_lines:
        draw.text((SIZE // 2, y), line, font=small_font, fill=(27, 31, 36, 255), anchor="mt")
        y += 32
    if subtitle:
        draw.text((SIZE // 2, 96), subtitle, font=small_font, fill=colour + (255,), anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def default_badge_file(achievement) -> ContentFile:
    """The generated badge of an achievement, named after its content (regenerated when the name changes)."""
    japanese = achievement.language == "ja" and has_cjk_font()
    name = (achievement.name_ja if japanese and achievement.name_ja else achievement.name_en) or str(achievement)
    issuer = achievement.issuer.name_en or str(achievement.issuer)
    if japanese and achievement.issuer.name_ja:
        issuer = achievement.issuer.name_ja
    data = render_badge(name=name, issuer=issuer, kind=achievement.type)
    digest = hashlib.sha256(data).hexdigest()[:12]
    return ContentFile(data, name=f"{achievement.slug}-{digest}.png")


def clean_badge_upload(upload) -> ContentFile:
    """An uploaded badge: a PNG that Pillow decodes completely within the portal's caps, stored as a
    fresh PNG (Open Badges bakes credentials into PNG files, so the badge must stay PNG)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy as _
    from PIL import UnidentifiedImageError

    from community.images import clean_image

    upload.seek(0)
    try:
        # Opening reads only the header, but Pillow already refuses a header that declares a
        # decompression bomb (a few kilobytes can claim billions of pixels): a form error, not a 500.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                kind = probe.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image has too many pixels: at most %(limit)s million are accepted."),
            code="too_many_pixels",
            params={"limit": BADGE_MAX_PIXELS // 1_000_000},
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The file is not an image, or it is damaged."), code="not_an_image") from exc
    finally:
        upload.seek(0)
    if kind != "PNG":
        raise ValidationError(_("Upload the badge as a PNG image."), code="not_png")
    cleaned = clean_image(upload, max_bytes=2 * 1024 * 1024, max_pixels=BADGE_MAX_PIXELS, max_side=1024)
    with Image.open(cleaned) as image:
        buffer = io.BytesIO()
        image.convert("RGBA").save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{hashlib.sha256(buffer.getvalue()).hexdigest()[:16]}.png")
