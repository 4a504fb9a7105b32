"""Checks that an uploaded PDF (a CV, a group file) really is a plain PDF: no scripts, actions, attachments or forms.

A PDF starts with `%PDF-1.x` / `%PDF-2.0`, ends (after the last incremental update) with
`startxref`, the byte offset of the last cross-reference section, and `%%EOF`; that offset must
point at a classic `xref` table or at an `N G obj` cross-reference stream. A file renamed to
.pdf, or a truncated download, fails one of these.

Staff, companies and members open these files, so active content is refused. Looking for literal bytes is
not enough: a name may be written with `#xx` escapes (`/J#61vaScript`) and objects may sit
compressed inside object streams (PDF 1.5). So the file is parsed with pypdf, which unescapes
names and opens object streams, and every object the cross-reference sections know is visited,
plus the trailer; the decompressed object streams and the raw file are also scanned for
forbidden names, for objects no cross-reference lists that a viewer's repair could still find.
Parsing is bounded: the byte cap, pypdf's per-stream limits, at most MAX_PDF_OBJECTS objects
and MAX_PDF_PAGES pages, MAX_OBJSTM_BYTES of decompressed object streams and MAX_CHECK_SECONDS. Content streams and
images are never decoded: they cannot hold actions.
"""

import re
import time
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_CV_BYTES = 5 * 1024 * 1024
MAX_PDF_OBJECTS = 50_000
MAX_OBJSTM_BYTES = 16 * 1024 * 1024
MAX_CHECK_SECONDS = 5.0
MAX_PDF_PAGES = 500
_HEADER = re.compile(rb"^%PDF-[12]\.\d")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_AT = re.compile(rb"\s*(xref\b|\d+\s+\d+\s+obj\b)")
_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile)\b")
_NAME = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

# Keys that only active content has: scripts (/JS, the /JavaScript name tree, 3D scripts),
# additional actions triggered by opening, closing, printing, hovering or focusing (/AA),
# attachments (/EmbeddedFiles, a file specification's /EF), Flash and video (/RichMedia*), XFA forms.
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/OnInstantiate", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
# Action types (/S), object types and subtypes refused wherever they appear, also in /OpenAction
# and in links: running programs, sending or importing form data, opening other or embedded
# documents (GoToR with a UNC path leaks the reader's Windows credentials), attachments, rich media.
ACTIVE_TYPES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/EmbeddedFile",
        "/FileAttachment",
        "/RichMedia",
    }
)
_TYPE_KEYS = ("/S", "/Type", "/Subtype")
_ACTIVE_NAMES = frozenset(name[1:].encode() for name in ACTIVE_KEYS | ACTIVE_TYPES)


class _ActiveContent(Exception):
    pass


class _TooComplex(Exception):
    pass


def validate_pdf(
    upload,
    *,
    max_bytes: int = MAX_CV_BYTES,
    max_objects: int = MAX_PDF_OBJECTS,
    max_seconds: float = MAX_CHECK_SECONDS,
) -> None:
    """Raise a translated ValidationError unless `upload` is a well-formed, passive PDF within the size cap."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large: the limit is %(limit)s MB."),
            code="too_large",
            params={"limit": max_bytes // (1024 * 1024)},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not _HEADER.match(data):
        raise ValidationError(_("Upload your CV as a PDF file."), code="not_pdf")
    if _ACTIVE_CONTENT.search(data) or _has_escaped_active_name(data):
        raise _active_error()
    tail = data[-2048:]
    matches = list(_STARTXREF.finditer(tail))
    match = matches[-1] if matches else None  # the last one: incremental updates append sections
    if match is None:
        raise _damaged_error()
    offset = int(match.group(1))
    if offset <= 0 or offset >= len(data) or not _XREF_AT.match(data, offset):
        raise _damaged_error()
    try:
        _check_objects(data, max_objects=max_objects, deadline=time.monotonic() + max_seconds)
    except _ActiveContent:
        raise _active_error() from None
    except (_TooComplex, LimitReachedError):
        raise ValidationError(
            _("The PDF is too complex to check; export it again as a plain PDF."), code="complex_pdf"
        ) from None
    except ValidationError:
        raise
    # A hostile file can make any part of pypdf fail in any way (and so can a merely broken one);
    # whatever pypdf could not read, a viewer should not be trusted to read harmlessly either.
    except Exception:  # noqa: BLE001
        raise _damaged_error() from None


def _check_objects(data: bytes, *, max_objects: int, deadline: float) -> None:
    # Tighter than pypdf's defaults: a CV's object and cross-reference streams are small, and
    # decompressed object streams stay cached in the reader while it lives.
    with apply_configuration(
        zlib_maximum_output_length=4 * 1024 * 1024,
        stream_decoding_work_maximum_length=32 * 1024 * 1024,
        array_maximum_element_count=20_000,
        dictionary_maximum_element_count=20_000,
        page_tree_maximum_entries=MAX_PDF_PAGES,
    ):
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is protected by a password; export it again without one."), code="encrypted_pdf"
            )
        references = [
            IndirectObject(number, generation, reader)
            for generation, numbers in reader.xref.items()
            for number in numbers
        ]
        references += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
        if len(references) > max_objects:
            raise _TooComplex
        _scan_object_streams(reader, deadline=deadline)
        if not len(reader.pages):  # no readable document catalog or page tree: nothing a viewer could show
            raise ValueError("no pages")
        _walk(reader.trailer, references, max_objects=max_objects, deadline=deadline)


def _scan_object_streams(reader: PdfReader, *, deadline: float) -> None:
    """Decompress each object stream once, within a total budget, and look for forbidden names in
    all of it: also in objects that no cross-reference entry points to."""
    decoded = 0
    for number in sorted({stream for stream, _index in reader.xref_objStm.values()}):
        stream = IndirectObject(number, 0, reader).get_object()
        content = stream.get_data()
        decoded += len(content)
        if decoded > MAX_OBJSTM_BYTES or time.monotonic() > deadline:
            raise _TooComplex
        if any(_unescape(name) in _ACTIVE_NAMES for name in _NAME.findall(content)):
            raise _ActiveContent


def _walk(trailer, references, *, max_objects: int, deadline: float) -> None:
    """Visit the trailer and every referenced object, depth first, each indirect object once."""
    stack = [trailer, *references]
    seen = set()
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > max_objects or (visited % 256 == 1 and time.monotonic() > deadline):
            raise _TooComplex
        if isinstance(item, DictionaryObject):  # streams too: a stream is its dictionary plus bytes
            for key, value in dict.items(item):  # unresolved: references go on the stack
                if key in ACTIVE_KEYS:
                    raise _ActiveContent
                if key in _TYPE_KEYS and isinstance(value, NameObject) and value in ACTIVE_TYPES:
                    raise _ActiveContent
                if isinstance(value, DictionaryObject | ArrayObject | IndirectObject):
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(
                value
                for value in list.__iter__(item)
                if isinstance(value, DictionaryObject | ArrayObject | IndirectObject)
            )


def _has_escaped_active_name(data: bytes) -> bool:
    # No PDF writer escapes a plain letter in a name; `/J#61vaScript` is written to slip past byte searches.
    return any(b"#" in name and _unescape(name) in _ACTIVE_NAMES for name in _NAME.findall(data))


def _unescape(name: bytes) -> bytes:
    return _ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), name)


def _active_error() -> ValidationError:
    return ValidationError(
        _("The PDF contains scripts or attachments; export it again as a plain PDF."), code="active_pdf"
    )


def _damaged_error() -> ValidationError:
    return ValidationError(_("The PDF file is damaged or incomplete."), code="damaged_pdf")


def minimal_pdf(text: str = "CV") -> bytes:
    """A small valid one-page PDF with a correct cross-reference table (for tests and demo data)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
