"""The providers and launch locations RocketWatch has seen, with their LL2 ids: what the Alerts settings
offer to watch. Read from the kept launches (json_extract over their JSON), nothing stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from rocketwatch.store.database import Database

UNKNOWN_NAMES = frozenset({"", "unknown"})


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One provider or location: its full name as LL2 last gave it, its LL2 id (None when the kept launches
    predate ids) and how many kept launches name it."""

    name: str
    ll2_id: int | None
    launches: int


class Catalog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def providers(self) -> list[CatalogEntry]:
        """Every launch provider of the kept launches, sorted by name (case-insensitively)."""
        return self._entries("provider", "provider_id")

    def locations(self) -> list[CatalogEntry]:
        """Every launch location (site) of the kept launches, sorted by name (case-insensitively)."""
        return self._entries("location", "location_id")

    def _entries(self, name_key: str, id_key: str) -> list[CatalogEntry]:
        rows = self.db.execute(
            f"SELECT json_extract(data, '$.{name_key}') AS name, json_extract(data, '$.{id_key}') AS ll2_id,"
            " COUNT(*) AS launches, MAX(last_seen_at) AS seen"
            " FROM launches WHERE json_valid(data) GROUP BY name, ll2_id"
        ).fetchall()
        by_id: dict[int, tuple[str, int, str]] = {}  # id -> (newest name, launches, when that name was seen)
        by_name: dict[str, tuple[str, int]] = {}  # casefolded name -> (name, launches) for rows without id
        for row in rows:
            name = row["name"].strip() if isinstance(row["name"], str) else ""
            if name.casefold() in UNKNOWN_NAMES:
                continue
            ll2_id = (
                row["ll2_id"]
                if isinstance(row["ll2_id"], int) and not isinstance(row["ll2_id"], bool)
                else None
            )
            seen = row["seen"] or ""
            if ll2_id is None:
                kept_name, count = by_name.get(name.casefold(), (name, 0))
                by_name[name.casefold()] = (kept_name, count + row["launches"])
                continue
            kept = by_id.get(ll2_id)
            if kept is None:
                by_id[ll2_id] = (name, row["launches"], seen)
            else:  # LL2 renamed it: keep the name of the launch seen last
                newest = (name, seen) if seen > kept[2] else (kept[0], kept[2])
                by_id[ll2_id] = (newest[0], kept[1] + row["launches"], newest[1])
        entries = [CatalogEntry(name, ll2_id, count) for ll2_id, (name, count, _seen) in by_id.items()]
        named = {entry.name.casefold(): index for index, entry in enumerate(entries)}
        for folded, (name, count) in by_name.items():  # launches kept before ids were: join by name
            if folded in named:
                entry = entries[named[folded]]
                entries[named[folded]] = CatalogEntry(entry.name, entry.ll2_id, entry.launches + count)
            else:
                entries.append(CatalogEntry(name, None, count))
        return sorted(entries, key=lambda entry: (entry.name.casefold(), entry.ll2_id or 0))
