"""Checks that an uploaded CV really is a PDF, without a PDF library.

A PDF starts with `%PDF-1.x` / `%PDF-2.0`, ends (after the last incremental update) with
`startxref`, the byte offset of the last cross-reference section, and `%%EOF`; that offset must
point at a classic `xref` table or at an `N G obj` cross-reference stream. A file renamed to
.pdf, or a truncated download, fails one of these. Files with scripts or launch actions are
refused: staff and companies open these CVs.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_CV_BYTES = 5 * 1024 * 1024
_HEADER = re.compile(rb"^%PDF-[12]\.\d")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_AT = re.compile(rb"\s*(xref\b|\d+\s+\d+\s+obj\b)")
_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile)\b")


def validate_pdf(upload, *, max_bytes: int = MAX_CV_BYTES) -> None:
    """Raise a translated ValidationError unless `upload` is a plausible, passive PDF within the size cap."""
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
    if _ACTIVE_CONTENT.search(data):
        raise ValidationError(
            _("The PDF contains scripts or attachments; export it again as a plain PDF."), code="active_pdf"
        )
    tail = data[-2048:]
    matches = list(_STARTXREF.finditer(tail))
    match = matches[-1] if matches else None  # the last one: incremental updates append sections
    if match is None:
        raise ValidationError(_("The PDF file is damaged or incomplete."), code="damaged_pdf")
    offset = int(match.group(1))
    if offset <= 0 or offset >= len(data) or not _XREF_AT.match(data, offset):
        raise ValidationError(_("The PDF file is damaged or incomplete."), code="damaged_pdf")


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
