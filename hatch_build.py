"""Build hook: compiles the translation catalogs (rocketwatch/locale/*/LC_MESSAGES/*.po) to .mo files.

Runs in every build: the editable install `uv run` makes (the .mo is written beside its .po, ignored by
git) and the wheel (the .mo is added to it). A small msgfmt of our own, so that building needs nothing
beyond hatchling and the app needs no translation library at run time.
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path
from typing import Any

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # outside a build (the tests read its msgfmt): the hook itself is not needed
    BuildHookInterface = object

CATALOGS = "rocketwatch/locale/*/LC_MESSAGES/*.po"


class CatalogBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":  # the source archive carries the .po; its wheel compiles them
            return
        root = Path(self.root)
        for po in sorted(root.glob(CATALOGS)):
            mo = po.with_suffix(".mo")
            compile_catalog(po, mo)
            if version != "editable":
                build_data["force_include"][str(mo)] = mo.relative_to(root).as_posix()


def compile_catalog(po: Path, mo: Path) -> None:
    """Write `po` compiled to `mo` (left untouched when it already holds the same bytes)."""
    data = mo_bytes(read_po(po.read_text(encoding="utf-8"), str(po)))
    if not mo.is_file() or mo.read_bytes() != data:
        tmp = mo.with_suffix(".mo.tmp")
        tmp.write_bytes(data)
        tmp.replace(mo)


def read_po(text: str, name: str = "<po>") -> dict[str, str]:
    """The translated entries of a .po file as the .mo keys and values (fuzzy and empty ones left out)."""
    messages: dict[str, str] = {}
    entry: dict[str, str] = {}
    fuzzy = False
    section = ""

    def finish() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry and not fuzzy:
            key = entry["msgid"]
            if "msgid_plural" in entry:
                key += "\0" + entry["msgid_plural"]
                forms = sorted((k for k in entry if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))
                value = "\0".join(entry[k] for k in forms)
            else:
                value = entry.get("msgstr", "")
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            if value.replace("\0", "") or key == "":
                messages[key] = value
        entry, fuzzy = {}, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):  # comments come before their entry: the one above is complete
            if section.startswith("msgstr"):
                finish()
                section = ""
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
            continue
        if line.startswith('"'):
            keyword, rest = section, line
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and section.startswith("msgstr"):
                finish()
        if keyword not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not keyword.startswith(
            "msgstr["
        ):
            raise ValueError(f"{name}, line {number}: cannot read {raw!r}")
        try:
            value = ast.literal_eval(rest.strip())
        except (SyntaxError, ValueError):
            raise ValueError(f"{name}, line {number}: not a quoted string: {raw!r}") from None
        if not isinstance(value, str):
            raise ValueError(f"{name}, line {number}: not a quoted string: {raw!r}")
        entry[keyword] = entry.get(keyword, "") + value if line.startswith('"') else value
        section = keyword
    finish()
    return messages


def mo_bytes(messages: dict[str, str]) -> bytes:
    """A GNU .mo file (little-endian, no hash table) holding `messages`, as gettext reads it."""
    keys = sorted(messages)
    ids = strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        key_bytes, value_bytes = key.encode("utf-8"), messages[key].encode("utf-8")
        offsets.append((len(ids), len(key_bytes), len(strs), len(value_bytes)))
        ids += key_bytes + b"\0"
        strs += value_bytes + b"\0"
    start = 7 * 4 + 16 * len(keys)  # header, then the two tables of (length, offset)
    key_table: list[int] = []
    value_table: list[int] = []
    for key_offset, key_length, value_offset, value_length in offsets:
        key_table += [key_length, start + key_offset]
        value_table += [value_length, start + len(ids) + value_offset]
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return (
        header
        + struct.pack(f"<{len(key_table)}I", *key_table)
        + struct.pack(f"<{len(value_table)}I", *value_table)
        + ids
        + strs
    )
