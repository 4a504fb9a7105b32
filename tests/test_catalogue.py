"""The Japanese catalogue is complete: every string in the code has a Japanese translation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOGUE = BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def test_japanese_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        if entry.msgid_plural:
            # Japanese has one plural form; it must carry the placeholders of the plural English text.
            expected, translated = entry.msgid_plural, entry.msgstr_plural[0]
        else:
            expected, translated = entry.msgid, entry.msgstr
        assert sorted(placeholder.findall(expected)) == sorted(placeholder.findall(translated)), entry.msgid


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) is not installed")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh into a scratch copy and compare with the committed catalogue."""
    scratch = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", ".tmp", "node_modules", "media", "staticfiles", "*.mo", ".git")
    shutil.copytree(BASE_DIR, scratch, ignore=ignore, symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-location", "--ignore=.venv"],
        cwd=scratch,
        check=True,
        capture_output=True,
    )
    fresh = {
        entry.msgid for entry in polib.pofile(str(scratch / "locale/ja/LC_MESSAGES/django.po")) if not entry.obsolete
    }
    committed = {entry.msgid for entry in polib.pofile(str(CATALOGUE)) if entry.msgstr or entry.msgstr_plural}
    assert sorted(fresh - committed) == []
