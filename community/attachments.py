"""Files that members attach to group posts: the type is decided by the content, never the name.

Accepted: a passive PDF (community/pdf.py), a PNG, JPEG, GIF or WebP image that Pillow decodes
completely, and Word, Excel and PowerPoint documents (.docx, .xlsx, .pptx). Office documents are
ZIP archives whose `[Content_Types].xml` names the main part; macro-enabled ones (.docm, .xlsm,
.pptm, or any archive with a `vbaProject.bin` or ActiveX controls) are refused, whatever their
name. Everything else, a renamed program first of all, is refused.

The same checks serve files attached to messages (MultipleAttachmentField). Images are stored
encoded again from their pixels (`stored_content`), so EXIF (a phone's GPS position, the
camera), XMP and comments never reach the other members.
"""

import io
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, ImageSequence

from .images import decode
from .pdf import validate_pdf

IMAGE_TYPES = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
}
MAX_PIXELS = 50_000_000
# A real document's archive stays far below these; a ZIP bomb does not.
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 256 * 1024
_PROGRAM_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    content_type: str
    extension: str
    original_name: str

    @property
    def storage_name(self) -> str:
        return f"{uuid.uuid4().hex}.{self.extension}"


def max_bytes() -> int:
    return settings.GROUP_FILE_MAX_MB * 1024 * 1024


def check_attachment(upload, *, limit: int | None = None) -> CheckedFile:
    """What the upload is (type, extension, display name), or a translated ValidationError."""
    limit = max_bytes() if limit is None else limit
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large: the limit is %(limit)s MB."),
            code="too_large",
            params={"limit": limit // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        validate_pdf(upload, max_bytes=limit)
        content_type, extension = "application/pdf", "pdf"
    elif head.startswith(b"PK\x03\x04"):
        content_type, extension = _check_office(upload)
    elif head.startswith(_PROGRAM_MAGIC):
        raise ValidationError(_("Programs cannot be attached, whatever their name."), code="program")
    else:
        content_type, extension = _check_image(upload)
    return CheckedFile(upload, content_type, extension, display_name(upload.name, extension))


def _unsupported() -> ValidationError:
    return ValidationError(
        _(
            "This type of file cannot be attached: attach a PDF, an image (PNG, JPEG, GIF, WebP) "
            "or a Word, Excel or PowerPoint document."
        ),
        code="type",
    )


def _check_image(upload) -> tuple[str, str]:
    image = decode(
        upload, formats=IMAGE_TYPES, max_pixels=MAX_PIXELS, unsupported=_unsupported(), unidentified=_unsupported()
    )
    return IMAGE_TYPES[image.format]


def _check_office(upload) -> tuple[str, str]:
    damaged = ValidationError(_("The document is damaged or incomplete."), code="damaged_document")
    macros = ValidationError(
        _("Documents with macros cannot be attached: save it again as .docx, .xlsx or .pptx."), code="macros"
    )
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED:
                raise damaged
            if any(entry.flag_bits & 0x1 for entry in entries):  # encrypted entries: nothing to check
                raise damaged
            names = {entry.filename.lower() for entry in entries}
            # Macros (vbaProject.bin) and ActiveX controls run code in the reader's Office,
            # whatever the main part claims.
            if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" or "/activex/" in f"/{name}" for name in names):
                raise macros
            try:
                types_entry = archive.getinfo("[Content_Types].xml")
            except KeyError:
                raise _unsupported() from None
            if types_entry.file_size > MAX_CONTENT_TYPES_BYTES:
                raise damaged
            root = ET.fromstring(archive.read(types_entry))
    except ValidationError:
        raise
    except (zipfile.BadZipFile, ET.ParseError, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise damaged from exc
    finally:
        upload.seek(0)
    declared = {
        element.get("ContentType", "") for element in root.iter() if element.tag.endswith(("}Override", "}Default"))
    }
    if any("macroenabled" in value.lower() or "vbaproject" in value.lower() for value in declared):
        raise macros
    main = [OFFICE_TYPES[value] for value in declared if value in OFFICE_TYPES]
    if len(main) != 1:
        raise _unsupported()
    return main[0]


# What an encoder needs of a frame's info to draw it as before; anything else (exif, xmp,
# comment, icc_profile's neighbours, text chunks) is left behind.
_FRAME_KEYS = ("duration", "disposal", "transparency", "background", "loop", "blend")


def stored_content(checked: CheckedFile):
    """What to store for a checked upload: an image encoded again without its metadata (turned
    upright first, since its EXIF orientation goes too); any other file as it came."""
    upload = checked.upload
    upload.seek(0)
    if not checked.content_type.startswith("image/"):
        return upload
    try:
        with Image.open(upload) as image:
            image_format = image.format
            frames = []
            single = getattr(image, "n_frames", 1) == 1
            for frame in ImageSequence.Iterator(image):
                # Upright first: the EXIF orientation goes with the rest of the EXIF.
                clean = ImageOps.exif_transpose(frame) if single else frame.copy()
                clean.info = {key: frame.info[key] for key in _FRAME_KEYS if key in frame.info}
                frames.append(clean)
            icc_profile = image.info.get("icc_profile")  # colours, not a person's data
    finally:
        upload.seek(0)
    options = {"format": image_format}
    if icc_profile and image_format in ("JPEG", "PNG", "WEBP"):
        options["icc_profile"] = icc_profile
    if image_format == "JPEG":
        first = frames[0] if frames[0].mode in ("RGB", "L", "CMYK") else frames[0].convert("RGB")
        options.update(quality=90, optimize=True)
        frames = [first]
    elif len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:])
        if "loop" in frames[0].info:
            options["loop"] = frames[0].info["loop"]
    buffer = io.BytesIO()
    frames[0].save(buffer, **options)
    return ContentFile(buffer.getvalue(), name=checked.storage_name)


def display_name(name: str, extension: str) -> str:
    """The uploader's file name, safe to show and to send back: no folders, control characters or
    quotes, at most 120 characters, ending in the extension its content has."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem = _UNSAFE_NAME.sub("_", name).strip(" ._")
    if "." in stem:
        stem, given = stem.rsplit(".", 1)
        if given.lower() not in (extension, "jpeg" if extension == "jpg" else extension):
            stem = f"{stem}_{given}"
    stem = stem.strip(" ._")[:100] or "file"
    return f"{stem}.{extension}"


class AttachmentField(forms.FileField):
    """A file field whose uploads go through `check_attachment`; cleans to a CheckedFile."""

    widget = forms.ClearableFileInput(
        attrs={
            "accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx",
        }
    )

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return check_attachment(value)
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleAttachmentField(forms.FileField):
    """Several files at once (at most `max_files`), each through `check_attachment`; cleans to
    a list of CheckedFile, empty when none was chosen."""

    widget = MultipleFileInput(attrs={"accept": AttachmentField.widget.attrs["accept"]})

    def __init__(self, *, max_files: int, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("Attach at most %(limit)s files to one message."),
                code="too_many_files",
                params={"limit": self.max_files},
            )
        checked, errors = [], []
        for upload in uploads:
            upload = super().clean(upload, initial)
            try:
                checked.append(check_attachment(upload))
            except ValidationError as error:
                # Name the file: with several, the member must know which one was refused.
                shown = _UNSAFE_NAME.sub("_", (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1])[:100]
                errors.extend(f"{shown}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return checked
