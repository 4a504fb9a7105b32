"""Validation and re-encoding of uploaded images (avatars, logos, covers, post images).

An upload is accepted only if Pillow decodes it completely within byte and pixel caps; what
is stored is a fresh encoding of the pixels, so EXIF (location, camera) and anything hidden
after the image data are dropped.
"""

import io
import uuid
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        _("The image has too many pixels: at most %(limit)s million are accepted."),
        code="too_many_pixels",
        params={"limit": max_pixels // 1_000_000},
    )


def decode(upload, *, formats, max_pixels: int, unsupported: ValidationError, unidentified: ValidationError):
    """The upload decoded completely (a truncated or hostile file fails here, not later), if its
    format is one of `formats` and it has at most `max_pixels`; else a translated ValidationError:
    `unsupported` for another format, `unidentified` for what Pillow does not recognise."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in formats:
                raise unsupported
            width, height = image.size
            if width * height > max_pixels:
                raise too_many_pixels(max_pixels)
            image.load()
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels(max_pixels) from exc
    except UnidentifiedImageError as exc:
        raise unidentified from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The file is not an image, or it is damaged."), code="not_an_image") from exc
    finally:
        upload.seek(0)


def clean_image(upload, *, max_bytes=5 * 1024 * 1024, max_pixels=25_000_000, max_side=1024) -> ContentFile:
    """Return the upload re-encoded as PNG or JPEG, or raise a translated ValidationError."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is too large: the limit is %(limit)s MB."),
            code="too_large",
            params={"limit": max_bytes // (1024 * 1024)},
        )
    image = decode(
        upload,
        formats=ACCEPTED_FORMATS,
        max_pixels=max_pixels,
        unsupported=ValidationError(_("Upload a PNG, JPEG, WebP or GIF image."), code="format"),
        unidentified=ValidationError(_("The file is not an image, or it is damaged."), code="not_an_image"),
    )
    image = ImageOps.exif_transpose(image)

    image.thumbnail((max_side, max_side))
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    buffer = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


class ImageUploadField(forms.FileField):
    """A file field whose new uploads go through `clean_image` (instead of Django's ImageField
    check, whose message is generic and which lets decompression bombs through to Pillow)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"})

    def __init__(self, *, max_bytes=5 * 1024 * 1024, max_pixels=25_000_000, max_side=1024, **kwargs):
        self.limits = {"max_bytes": max_bytes, "max_pixels": max_pixels, "max_side": max_side}
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return clean_image(value, **self.limits)
        return value
