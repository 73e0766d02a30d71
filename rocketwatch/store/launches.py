"""Launches kept on the user's computer: upserted by id, with every NET, status and webcast change recorded.

A launch row keeps the whole Launch as JSON plus the columns the app sorts and filters by.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from rocketwatch.ll2.model import InfoLink, Landing, Launch, Patch, Update, Webcast, landing_outcomes
from rocketwatch.store.database import Database, from_text, stored_time, to_text, utc_now

_NESTED: dict[str, type] = {
    "webcasts": Webcast,
    "landings": Landing,
    "patches": Patch,
    "updates": Update,
    "info_links": InfoLink,
}


def _datetime_fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls) if "datetime" in str(f.type))


_DATETIME_FIELDS: dict[type, frozenset[str]] = {
    cls: _datetime_fields(cls) for cls in (Launch, *_NESTED.values())
}


def launch_to_json(launch: Launch) -> str:
    """The whole Launch as JSON; times in UTC to the microsecond, so get() returns an equal Launch."""
    return json.dumps(_plain(launch), ensure_ascii=False, sort_keys=True)


def _plain(value: Any) -> Any:
    """A dataclass value as JSON-ready data: times as exact UTC text, tuples as lists."""
    if isinstance(value, datetime):
        return _exact_text(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def _exact_text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def launch_from_json(text: str) -> Launch:
    data: dict[str, Any] = json.loads(text)
    launch: Launch = _build(Launch, data)
    return launch


def _build(cls: type, data: dict[str, Any]) -> Any:
    """A dataclass from stored data; unknown keys (from a newer version) are left out."""
    known = {f.name for f in fields(cls)}
    values = {key: value for key, value in data.items() if key in known}
    for name in _DATETIME_FIELDS[cls] & values.keys():
        values[name] = from_text(values[name])
    if cls is Launch:
        for name, item_cls in _NESTED.items():
            if name in values:
                items = values[name]
                values[name] = tuple(_build(item_cls, item) for item in items if isinstance(item, dict))
        if "programs" in values:
            values["programs"] = tuple(values["programs"])
    return cls(**values)


@dataclass(frozen=True, slots=True)
class LaunchChange:
    launch_id: str
    run_id: int | None
    noticed_at: datetime
    # "net" (UTC text), "status" (abbrev), "webcast" ("true"/"false": went live or ended), "landing"
    # ("B1100: unknown" -> "B1100: success"; stages whose outcome became known, "; " between them) or
    # "update" (the time of LL2's newest update, UTC text: a new update arrived).
    field: str
    old: str | None
    new: str | None
    id: int = 0


@dataclass(frozen=True, slots=True)
class UpsertResult:
    seen: int
    new: int
    changed: int


class LaunchStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def upsert(
        self, launches: Iterable[Launch], run_id: int | None, *, now: datetime | None = None
    ) -> UpsertResult:
        """Insert or update every launch in one transaction, recording NET, status and webcast changes.

        `now` is when the launches were seen (default: the clock)."""
        seen_at = to_text(now or utc_now())
        seen = new = changed = 0
        with self.db.transaction() as tx:
            for launch in launches:
                seen += 1
                row = tx.execute(
                    "SELECT net, status_abbrev, data FROM launches WHERE id = ?", (launch.id,)
                ).fetchone()
                data = launch_to_json(launch)
                columns = (
                    launch.name,
                    to_text(launch.net),
                    launch.net_precision,
                    launch.status_abbrev,
                    launch.provider,
                    launch.location,
                    launch.image_url,
                    data,
                )
                if row is None:
                    new += 1
                    tx.execute(
                        "INSERT INTO launches (name, net, net_precision, status_abbrev, provider, location,"
                        " image_url, data, id, first_run_id, last_run_id, first_seen_at, last_seen_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*columns, launch.id, run_id, run_id, seen_at, seen_at),
                    )
                    continue
                before = _stored(row["data"])
                diffs = [
                    (name, old, value)
                    for name, old, value in (
                        ("net", row["net"], to_text(launch.net)),
                        ("status", row["status_abbrev"], launch.status_abbrev),
                        ("webcast", _flag(bool(before and before.webcast_live)), _flag(launch.webcast_live)),
                    )
                    if old != value
                ]
                if before is not None:
                    diffs += _detail_changes(before, launch, now or utc_now())
                for name, old, value in diffs:
                    tx.execute(
                        "INSERT INTO launch_changes (launch_id, run_id, noticed_at, field, old, new)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (launch.id, run_id, seen_at, name, old, value),
                    )
                if diffs:
                    changed += 1
                tx.execute(
                    "UPDATE launches SET name = ?, net = ?, net_precision = ?, status_abbrev = ?,"
                    " provider = ?, location = ?, image_url = ?, data = ?, last_run_id = ?,"
                    " last_seen_at = ? WHERE id = ?",
                    (*columns, run_id, seen_at, launch.id),
                )
        return UpsertResult(seen, new, changed)

    def get(self, launch_id: str) -> Launch | None:
        row = self.db.execute("SELECT data FROM launches WHERE id = ?", (launch_id,)).fetchone()
        return launch_from_json(row["data"]) if row else None

    def upcoming(
        self, *, since: datetime | None = None, until: datetime | None = None, limit: int | None = None
    ) -> list[Launch]:
        """Stored launches with NET at or after `since` and at or before `until` (either end open when
        None), soonest first. Only those rows are read and parsed."""
        sql = "SELECT data FROM launches"
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            clauses.append("net >= ?")
            params.append(to_text(since))
        if until is not None:
            clauses.append("net <= ?")
            params.append(to_text(until))
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY net, name"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [launch_from_json(row["data"]) for row in self.db.execute(sql, tuple(params))]

    def seen_by_run(self, run_id: int) -> list[Launch]:
        rows = self.db.execute("SELECT data FROM launches WHERE last_run_id = ? ORDER BY net", (run_id,))
        return [launch_from_json(row["data"]) for row in rows]

    def changes(
        self, *, launch_id: str | None = None, run_id: int | None = None, since: datetime | None = None
    ) -> list[LaunchChange]:
        """Recorded changes, oldest first; `since` keeps those noticed after that moment."""
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            clauses.append("noticed_at > ?")
            params.append(to_text(since))
        if launch_id is not None:
            clauses.append("launch_id = ?")
            params.append(launch_id)
        if run_id is not None:
            clauses.append("run_id = ?")
            params.append(run_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(f"SELECT * FROM launch_changes{where} ORDER BY id", tuple(params))
        return [
            LaunchChange(
                row["launch_id"],
                row["run_id"],
                stored_time(row["noticed_at"]),
                row["field"],
                row["old"],
                row["new"],
                row["id"],
            )
            for row in rows
        ]

    def change_counts(self) -> dict[str, int]:
        """How many changes were recorded per launch id (a calendar event's SEQUENCE)."""
        rows = self.db.execute("SELECT launch_id, COUNT(*) FROM launch_changes GROUP BY launch_id")
        return {row[0]: row[1] for row in rows}

    def first_seen_in(self, run_id: int) -> set[str]:
        """The ids of the launches that run saw for the first time (its "new" ones)."""
        rows = self.db.execute("SELECT id FROM launches WHERE first_run_id = ?", (run_id,))
        return {row[0] for row in rows}

    def last_seen(self) -> dict[str, datetime]:
        """When each launch was last in a page LL2 sent (how fresh its data is)."""
        rows = self.db.execute("SELECT id, last_seen_at FROM launches")
        return {row[0]: stored_time(row[1]) for row in rows}

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM launches").fetchone()[0])


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _stored(data: str) -> Launch | None:
    """The stored launch, or None when its JSON cannot be read (then only columns are compared)."""
    try:
        return launch_from_json(data)
    except (ValueError, TypeError, AttributeError):
        return None


# An update newer than this when first seen is news even for a launch stored without updates before
# (its earlier updates were not asked for, e.g. in LL2's normal mode).
FRESH_UPDATE = timedelta(hours=24)


def _detail_changes(before: Launch, launch: Launch, seen: datetime) -> list[tuple[str, str | None, str]]:
    """Landing outcomes that became known, and a newer LL2 update, as (field, old, new)."""
    changes: list[tuple[str, str | None, str]] = []
    old_outcomes = landing_outcomes(before.landings)
    new_outcomes = landing_outcomes(launch.landings)
    known = [
        key
        for key, outcome in new_outcomes.items()
        if outcome is not None and key in old_outcomes and old_outcomes[key] != outcome
    ]
    if known:
        changes.append(
            (
                "landing",
                "; ".join(f"{key}: {_outcome(old_outcomes[key])}" for key in known),
                "; ".join(f"{key}: {_outcome(new_outcomes[key])}" for key in known),
            )
        )
    old_newest = before.updates[0].created_at if before.updates else None
    new_newest = launch.updates[0].created_at if launch.updates else None
    newer = new_newest is not None and (old_newest is None or new_newest > old_newest)
    if newer and new_newest is not None and (old_newest is not None or seen - new_newest <= FRESH_UPDATE):
        changes.append(("update", to_text(old_newest) if old_newest else None, to_text(new_newest)))
    return changes


def _outcome(value: bool | None) -> str:
    return "unknown" if value is None else "success" if value else "failure"
