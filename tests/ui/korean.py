"""The Korean words of the settings and the run history as a gettext translation, read from their
catalog fragment, for tests that show the windows in Korean.

The fragment is compiled here in memory (a .mo is a small table of strings), so the tests need neither
msgfmt nor the build's catalog.
"""

from __future__ import annotations

import ast
import gettext
import io
import struct
from pathlib import Path

FRAGMENT = (
    Path(__file__).resolve().parents[2]
    / "rocketwatch"
    / "locale"
    / "ko"
    / "LC_MESSAGES"
    / "parts"
    / "ui-b.po"
)


def read_po(path: Path) -> dict[str, str]:
    """The entries of a .po file as a .mo holds them: key "context\\x04msgid" (or "msgid", or
    "msgid\\x00plural"), value the translation (plural forms joined by NUL)."""
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    last = ""

    def flush() -> None:
        if "msgid" in fields:
            key = fields["msgid"]
            if "msgid_plural" in fields:
                key += "\0" + fields["msgid_plural"]
            if "msgctxt" in fields:
                key = fields["msgctxt"] + "\x04" + key
            forms = [fields[name] for name in sorted(fields) if name.startswith("msgstr")]
            entries[key] = "\0".join(forms)
        fields.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            fields[last] += ast.literal_eval(line)
            continue
        name, _, text = line.partition(" ")
        if name in ("msgctxt", "msgid") and any(key.startswith("msgstr") for key in fields):
            flush()  # a new entry begins
        last = name
        fields[name] = ast.literal_eval(text)
    flush()
    return entries


def compile_mo(entries: dict[str, str]) -> bytes:
    """A GNU .mo file holding `entries` (keys sorted, no hash table)."""
    keys = sorted(entries)
    ids = b"".join(key.encode("utf-8") + b"\0" for key in keys)
    strs = b"".join(entries[key].encode("utf-8") + b"\0" for key in keys)
    count = len(keys)
    start = 7 * 4 + 16 * count
    offsets_ids, offsets_strs, at_id, at_str = [], [], 0, 0
    for key in keys:
        raw_id, raw_str = key.encode("utf-8"), entries[key].encode("utf-8")
        offsets_ids += [len(raw_id), start + at_id]
        at_id += len(raw_id) + 1
        offsets_strs += [len(raw_str), start + len(ids) + at_str]
        at_str += len(raw_str) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    return (
        header
        + struct.pack(f"{2 * count}i", *offsets_ids)
        + struct.pack(f"{2 * count}i", *offsets_strs)
        + ids
        + strs
    )


def korean() -> gettext.GNUTranslations:
    """The ui-b fragment's Korean, ready for rocketwatch.i18n.use()."""
    return gettext.GNUTranslations(io.BytesIO(compile_mo(read_po(FRAGMENT))))
