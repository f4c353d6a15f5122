"""English is the second language: every zh-Hant string of the interface has an English translation."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "servq" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n")[1:]:
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid and not block.startswith("#~"):
            yield msgid.group(1), block


def test_every_interface_string_is_translated():
    untranslated = [
        msgid
        for msgid, block in entries()
        if re.search(r'^msgstr(\[\d\])? ""$', block, re.M)
        and not re.search(r'^"', block.split("msgstr", 1)[1], re.M)
    ]
    assert untranslated == []


def test_no_translation_is_left_fuzzy():
    """makemessages marks a guessed translation fuzzy, and compilemessages leaves it out: the English
    page then shows the Chinese text (「匯入為新版本」 had been guessed as "Save as a new version")."""
    fuzzy = [msgid for msgid, block in entries() if re.search(r"^#, .*\bfuzzy\b", block, re.M)]
    assert fuzzy == []
