"""Lists of members sent by partner universities: reading a CSV or XLSX file and planning the
import row by row (new / unchanged / updated / error), without writing anything.

The plan reads the database in a fixed number of queries whatever the number of rows: the
universities, the accounts named in the file (with their profiles) and which of them are
already students.
"""

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Organization, Role, User

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000

# Column headers as partner universities write them (lower-cased, spaces and hyphens as "_").
COLUMNS = {
    "name": ("name", "full_name", "display_name", "氏名", "名前"),
    "email": ("email", "e_mail", "email_address", "メール", "メールアドレス"),
    "university": ("home_university", "university", "organization", "所属大学", "大学"),
    "programme": ("programme", "program", "プログラム"),
    "arrival": ("arrival", "arrival_date", "stay_start", "来日日", "到着日"),
    "departure": ("departure", "departure_date", "stay_end", "離日日", "出発日"),
    "language": ("language", "preferred_language", "言語"),
}
REQUIRED = ("name", "email", "university")
LANGUAGES = {
    "en": "en",
    "english": "en",
    "英語": "en",
    "ja": "ja",
    "jp": "ja",
    "japanese": "ja",
    "日本語": "ja",
}

NEW, UNCHANGED, UPDATED, ERROR = "new", "unchanged", "updated", "error"
STATUS_LABELS = {
    NEW: pgettext_lazy("import row", "New member"),
    UNCHANGED: pgettext_lazy("import row", "Unchanged"),
    UPDATED: pgettext_lazy("import row", "Updated"),
    ERROR: pgettext_lazy("import row", "Error"),
}


class FileError(Exception):
    """The file as a whole cannot be read; `message` is translated."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class PlannedRow:
    line: int
    data: dict
    status: str = NEW
    reasons: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    user: User | None = None

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class Plan:
    rows: list

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def errors(self) -> list:
        return [row for row in self.rows if row.status == ERROR]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return any(row.status in (NEW, UPDATED) for row in self.rows)


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _header_key(text) -> str:
    return re.sub(r"[\s\-]+", "_", str(text or "").strip().lower().lstrip("\ufeff"))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).replace("\0", "").split())


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp932"):  # Excel in Japan saves CSV as Shift_JIS (cp932)
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("The file is neither UTF-8 nor Shift_JIS text. Save it as “CSV UTF-8” and upload it again."))
    if "\0" in text:  # PostgreSQL text cannot hold NUL; the csv module of Python 3.13 reads it
        line = text.count("\n", 0, text.index("\0")) + 1
        raise FileError(
            _("Line %(line)s of the file cannot be read as CSV (a NUL byte or a field that is far too long).")
            % {"line": line}
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error:
        raise FileError(
            _("Line %(line)s of the file cannot be read as CSV (a NUL byte or a field that is far too long).")
            % {"line": reader.line_num}
        ) from None
    return rows


def _read_xlsx(content: bytes) -> list[list]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, IndexError)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except unreadable as error:
        raise FileError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except unreadable as error:
        raise FileError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    finally:
        workbook.close()


def read_file(name: str, content: bytes) -> list[dict]:
    """The rows of an uploaded list as dicts of the known columns, with their line numbers.
    Raises FileError for a file that cannot be read, has no needed column or too many rows."""
    if len(content) > MAX_FILE_BYTES:
        raise FileError(_("The file is larger than %(limit)s MB.") % {"limit": MAX_FILE_BYTES // (1024 * 1024)})
    if name.lower().endswith(".xlsx"):
        table = _read_xlsx(content)
    elif name.lower().endswith((".csv", ".txt")):
        table = _read_csv(content)
    else:
        raise FileError(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
    if not table:
        raise FileError(_("The file is empty."))
    headers = [_header_key(cell) for cell in table[0]]
    positions = {}
    for key, names in COLUMNS.items():
        for index, header in enumerate(headers):
            if header in names:
                positions[key] = index
                break
    missing = [key for key in REQUIRED if key not in positions]
    if missing:
        raise FileError(
            _("The first line must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(COLUMNS[key][0] for key in missing)}
        )
    if len(table) - 1 > MAX_ROWS:
        raise FileError(_("The file has more than %(limit)s rows; split it.") % {"limit": f"{MAX_ROWS:,}"})
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {key: _cell(cells[index]) if index < len(cells) else "" for key, index in positions.items()}
        if not any(values.values()):
            continue  # blank lines at the end of a sheet
        rows.append({"line": number, **{key: values.get(key, "") for key in COLUMNS}})
    if not rows:
        raise FileError(_("The file names its columns but has no members."))
    return rows


def _parse_date(text: str):
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _university_index() -> dict:
    index = {}
    for organization in Organization.objects.universities().filter(is_active=True):
        for key in (organization.name_en, organization.name_ja, organization.short_name, organization.slug):
            if key:
                index.setdefault(key.strip().lower(), organization)
    return index


def _check(row: PlannedRow, universities: dict) -> dict:
    """The row's values converted, or reasons added to the row."""
    data, reasons = row.data, row.reasons
    clean = {"line": data["line"]}
    name = data.get("name", "")
    if not name:
        reasons.append(_("The name is missing."))
    elif len(name) > 80:
        reasons.append(_("The name is longer than 80 characters."))
    clean["name"] = name
    email = data.get("email", "").lower()
    try:
        validate_email(email)
    except ValidationError:
        reasons.append(_("“%(email)s” is not an e-mail address.") % {"email": email[:100]})
    clean["email"] = email
    university = universities.get(data.get("university", "").lower())
    if university is None:
        reasons.append(
            _("“%(university)s” is not a partner university of the portal.")
            % {"university": data.get("university")[:100]}
        )
    clean["university"] = university.pk if university else None
    clean["university_name"] = university.name if university else data.get("university", "")
    programme = data.get("programme", "")
    if len(programme) > 120:
        reasons.append(_("The programme is longer than 120 characters."))
    clean["programme"] = programme
    for key, label in (("arrival", _("arrival")), ("departure", _("departure"))):
        try:
            clean[key] = _parse_date(data.get(key, ""))
        except ValueError:
            clean[key] = None
            reasons.append(
                _("The %(which)s date “%(value)s” is not a date like 2027-04-01.")
                % {"which": label, "value": data.get(key)[:40]}
            )
    if clean["arrival"] and clean["departure"] and clean["departure"] < clean["arrival"]:
        reasons.append(_("The departure date is before the arrival date."))
    language = data.get("language", "").lower()
    clean["language"] = LANGUAGES.get(language, "") if language else "en"
    if not clean["language"]:
        reasons.append(
            _("The language “%(value)s” is neither English (en) nor Japanese (ja).") % {"value": language[:40]}
        )
    return clean


# What an import changes on an account that exists: a member who has signed in keeps the name
# and language they chose themselves.
def _differences(user: User, clean: dict, is_student: bool) -> list:
    profile = user.profile
    changes = []
    if user.last_login is None:
        if user.display_name != clean["name"]:
            changes.append(pgettext_lazy("import change", "name"))
        if user.language != clean["language"]:
            changes.append(pgettext_lazy("import change", "language"))
    if user.organization_id != clean["university"]:
        changes.append(pgettext_lazy("import change", "home university"))
    if profile.programme != clean["programme"]:
        changes.append(pgettext_lazy("import change", "programme"))
    if profile.arrival_date != clean["arrival"] or profile.departure_date != clean["departure"]:
        changes.append(pgettext_lazy("import change", "stay dates"))
    if not is_student:
        changes.append(pgettext_lazy("import change", "student role"))
    return changes


def plan_import(rows: list[dict]) -> Plan:
    """Each row's status against the database now; reads in four queries whatever the size."""
    universities = _university_index()
    planned = [PlannedRow(line=row["line"], data=row) for row in rows]
    cleaned = [_check(row, universities) for row in planned]
    emails = {clean["email"] for clean in cleaned if clean["email"]}
    existing = {user.email: user for user in User.objects.filter(email__in=emails).select_related("profile")}
    students = set(User.objects.filter(email__in=emails, groups__name=Role.STUDENT.value).values_list("pk", flat=True))
    seen = {}
    for row, clean in zip(planned, cleaned, strict=True):
        row.data = clean
        if clean["email"] in seen:
            row.reasons.append(
                _("The address %(email)s is also on line %(line)s.")
                % {"email": clean["email"], "line": seen[clean["email"]]}
            )
        seen.setdefault(clean["email"], row.line)
        user = existing.get(clean["email"])
        if user is not None and (user.is_superuser or user.is_staff):
            row.reasons.append(
                _("This address belongs to a staff or faculty account, which an import does not change.")
            )
        if row.reasons:
            row.status = ERROR
            continue
        row.user = user
        if user is None:
            row.status = NEW
            continue
        row.changes = _differences(user, clean, user.pk in students)
        row.status = UPDATED if row.changes else UNCHANGED
    return Plan(rows=planned)
