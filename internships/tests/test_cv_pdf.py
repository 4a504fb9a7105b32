"""The CV check parses the PDF: active content is refused however it is spelled or wherever it is
stored (escaped names, compressed object streams, pages, annotations, forms), within a budget."""

import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger

from internships.models import Application
from internships.pdf import MAX_PDF_OBJECTS, MAX_PDF_PAGES, minimal_pdf, validate_pdf

CATALOG = b"<< /Type /Catalog /Pages 2 0 R%s >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]%s >>"


def classic_pdf(objects: list[bytes]) -> bytes:
    """Objects 1, 2, … with a classic cross-reference table whose offsets are right."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def object_stream_pdf(plain: dict[int, bytes], compressed: dict[int, bytes]) -> bytes:
    """A PDF 1.5 file: `compressed` objects inside one FlateDecode object stream, listed by a
    cross-reference stream (type 2 entries), as Word, LibreOffice and pdfTeX write them."""
    stream_number = max(plain | compressed) + 1
    xref_number = stream_number + 1
    bodies, index = b"", []
    for number, body in compressed.items():
        index.append((number, len(bodies)))
        bodies += body + b"\n"
    header = b"".join(b"%d %d " % pair for pair in index)
    packed = zlib.compress(header + bodies)
    objects = dict(plain)
    objects[stream_number] = (
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(compressed), len(header), len(packed), packed)
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    offsets[xref_number] = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for number in range(1, xref_number + 1):
        if number in compressed:
            rows.append(b"\x02" + stream_number.to_bytes(4, "big") + list(compressed).index(number).to_bytes(2, "big"))
        elif number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x00\x00\x00\x00\x00\x00\x00")
    table = b"".join(rows)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (xref_number, xref_number + 1, len(table), table)
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def written_by_pypdf(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build:
        build(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def check(content: bytes, **limits) -> str | None:
    """The error code validate_pdf gives, or None when it accepts the file."""
    try:
        validate_pdf(SimpleUploadedFile("cv.pdf", content, content_type="application/pdf"), **limits)
    except ValidationError as error:
        return error.code
    return None


JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"


def test_plain_pdfs_pass():
    assert check(minimal_pdf()) is None
    assert check(written_by_pypdf()) is None
    # Opening at the first page and a link to a web page are no active content.
    link = b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://example.org) >> >>]"
    assert check(classic_pdf([CATALOG % b" /OpenAction [3 0 R /Fit]", PAGES, PAGE % link])) is None
    # Object streams are read: a plain file that uses them passes.
    assert check(object_stream_pdf({1: CATALOG % b"", 2: PAGES}, {3: PAGE % b""})) is None


def test_a_hex_escaped_javascript_open_action_is_refused():
    escaped = b" /OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"
    content = classic_pdf([CATALOG % escaped, PAGES, PAGE % b""])
    assert b"/JavaScript" not in content and b"/JS" not in content
    assert check(content) == "active_pdf"


def test_javascript_inside_a_compressed_object_stream_is_refused():
    content = object_stream_pdf({1: CATALOG % b" /OpenAction 4 0 R", 2: PAGES, 3: PAGE % b""}, {4: JS_ACTION})
    assert b"JavaScript" not in content  # invisible to a byte search
    assert check(content) == "active_pdf"
    # Even an object in the stream that nothing refers to, its names escaped.
    hidden = object_stream_pdf({1: CATALOG % b"", 2: PAGES}, {3: PAGE % b"", 4: b"<< /S /J#61vaScript >>"})
    assert check(hidden) == "active_pdf"


@pytest.mark.parametrize(
    "catalog, page",
    [
        (b" /OpenAction << /S /Launch /F (calc.exe) >>", b""),
        (b"", b" /Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /Win << /F (cmd.exe) >> >> >>]"),
        (b"", b" /AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"),  # any additional action on a page
        (b" /AcroForm << /Fields [] /XFA 5 0 R >>", b""),
        (
            b"",
            b" /Annots [<< /Subtype /Widget /FT /Btn /A << /S /SubmitForm /F (https://x.jp) >> >>]",
        ),
        (
            b"",
            b" /Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /GoToR /F (\\\\\\\\host\\\\share\\\\a.pdf) >> >>]",
        ),
        (b" /Names << /JavaScript << /Names [(a) 5 0 R] >> >>", b""),
    ],
    ids=[
        "launch-on-open",
        "launch-link",
        "page-additional-action",
        "xfa-form",
        "submit-form",
        "remote-goto",
        "js-names",
    ],
)
def test_actions_anywhere_are_refused(catalog, page):
    content = classic_pdf([CATALOG % catalog, PAGES, PAGE % page, b"<< >>", b"<< /S /GoTo /D [3 0 R /Fit] >>"])
    assert check(content) == "active_pdf"


def test_an_embedded_file_is_refused():
    attached = written_by_pypdf(lambda writer: writer.add_attachment("notes.txt", b"hello"))
    assert check(attached) == "active_pdf"
    filespec = b"<< /Type /Filespec /F (a.exe) /E#46 << /F 6 0 R >> >>"
    annotation = b" /Annots [<< /Subtype /FileAttachm#65nt /Rect [0 0 9 9] /FS 5 0 R >>]"
    content = object_stream_pdf({1: CATALOG % b"", 2: PAGES}, {3: PAGE % annotation, 5: filespec, 6: b"<< >>"})
    assert check(content) == "active_pdf"


def test_javascript_added_by_pypdf_is_refused():
    on_open = written_by_pypdf(lambda writer: writer.add_open_action(JavaScript("app.alert('hello');")))
    assert check(on_open) == "active_pdf"
    on_page = written_by_pypdf(lambda writer: writer.pages[0].add_action(PageTrigger("open"), JavaScript("1")))
    assert check(on_page) == "active_pdf"


@pytest.mark.parametrize(
    "content",
    [
        written_by_pypdf()[:-300],
        classic_pdf([b"<< /Type /Catalog /Pages 9 0 R >>", PAGES, PAGE % b""]),  # no page tree
        classic_pdf([CATALOG % b"", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >> garbage >>", b"(((("]),
        object_stream_pdf({2: PAGES, 3: PAGE % b""}, {1: CATALOG % b""}).replace(b"/FlateDecode", b"/LZWDecode "),
        b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\nstartxref\n9\n%%EOF\n",
    ],
    ids=["truncated", "no-page-tree", "garbage-objects", "undecodable-object-stream", "noise"],
)
def test_malformed_pdfs_are_refused_as_damaged(content):
    assert check(content) == "damaged_pdf"


def test_a_password_protected_pdf_is_refused():
    protected = written_by_pypdf(
        lambda writer: writer.encrypt(user_password="", owner_password="x", algorithm="RC4-128")
    )
    assert check(protected) == "encrypted_pdf"


def test_the_check_stops_at_its_object_and_time_budget():
    assert MAX_PDF_OBJECTS >= 10_000
    assert check(minimal_pdf(), max_objects=3) == "complex_pdf"
    assert check(minimal_pdf(), max_seconds=-1) == "complex_pdf"
    many_pages = written_by_pypdf(lambda writer: [writer.add_blank_page(595, 842) for _ in range(MAX_PDF_PAGES)])
    assert check(many_pages) == "complex_pdf"


@pytest.mark.django_db
def test_the_applicant_sees_the_error_and_nothing_is_stored(client, student, posting, settings, tmp_path):
    settings.INTERNSHIPS_PRIVATE_ROOT = str(tmp_path / "private")
    content = object_stream_pdf({1: CATALOG % b" /OpenAction 4 0 R", 2: PAGES, 3: PAGE % b""}, {4: JS_ACTION})
    client.force_login(student)
    url = reverse("internships:apply", args=[posting.pk])
    upload = SimpleUploadedFile("cv.pdf", content, content_type="application/pdf")
    response = client.post(url, {"motivation": "Motivated.", "cv": upload})
    assert response.status_code == 200
    assert "The PDF contains scripts or attachments" in response.content.decode()
    assert not Application.objects.exists()
    assert not any((tmp_path / "private").rglob("*"))  # no CV file left behind

    student.language = "ja"
    student.save(update_fields=["language"])
    upload = SimpleUploadedFile("cv.pdf", written_by_pypdf()[:-300], content_type="application/pdf")
    response = client.post(url, {"motivation": "Motivated.", "cv": upload})
    assert response.context["form"].errors["cv"] == ["PDFファイルが壊れているか、不完全です。"]
    assert not Application.objects.exists()
