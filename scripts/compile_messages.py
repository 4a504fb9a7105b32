"""Compile locale/*/LC_MESSAGES/django.po to .mo files (what `compilemessages` does, without
needing GNU gettext on the machine)."""

from pathlib import Path

import polib

root = Path(__file__).resolve().parent.parent / "locale"
for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
    catalogue = polib.pofile(str(po_path))
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {po_path.relative_to(root.parent)} ({catalogue.percent_translated()}% translated)")
