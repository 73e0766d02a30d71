"""The notification ledger: every notification is claimed here before it is delivered.

The key is the primary key, so a second delivery is impossible across restarts and processes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rocketwatch.store.database import Database, from_text, stored_time, to_text, utc_now

CLAIMED, SENT, SUPPRESSED, FAILED = "claimed", "sent", "suppressed", "failed"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    key: str
    kind: str
    title: str
    body: str
    run_id: int | None
    launch_id: str | None
    created_at: datetime
    state: str
    backend: str | None
    fire_at: datetime | None = None
    lead_s: int | None = None
    delivered_at: datetime | None = None


class Ledger:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(
        self,
        key: str,
        *,
        kind: str,
        title: str,
        body: str,
        run_id: int | None = None,
        launch_id: str | None = None,
        fire_at: datetime | None = None,
        lead_s: int | None = None,
        now: datetime | None = None,
    ) -> bool:
        """True when this process may deliver the notification; False when the key was claimed before.

        `fire_at` and `lead_s` record when a launch alert was planned for and, for a reminder, how long
        before the NET; `now` is when it was claimed (default: the clock)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO notifications (key, run_id, launch_id, kind, title, body, created_at,"
            " state, fire_at, lead_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                run_id,
                launch_id,
                kind,
                title,
                body,
                to_text(now or utc_now()),
                CLAIMED,
                to_text(fire_at),
                lead_s,
            ),
        )
        return cursor.rowcount == 1

    def settle(self, key: str, state: str, backend: str | None, *, now: datetime | None = None) -> None:
        self.db.execute(
            "UPDATE notifications SET state = ?, backend = ?, delivered_at = ? WHERE key = ?",
            (state, backend, to_text(now or utc_now()), key),
        )

    def entries(
        self,
        *,
        run_id: int | None = None,
        launch_id: str | None = None,
        kind: str | None = None,
        states: tuple[str, ...] | None = None,
    ) -> list[LedgerEntry]:
        """Notifications, oldest first; every filter given must match."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("run_id", run_id), ("launch_id", launch_id), ("kind", kind)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if states is not None:
            clauses.append(f"state IN ({', '.join('?' for _ in states)})")
            params.extend(states)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(f"SELECT * FROM notifications{where} ORDER BY created_at, key", tuple(params))
        return [_entry(row) for row in rows]

    def alerts_for(self, launch_id: str, kind: str) -> list[LedgerEntry]:
        """The alerts of one kind ("reminder", "status", ...) sent or suppressed for a launch."""
        return self.entries(launch_id=launch_id, kind=kind, states=(SENT, SUPPRESSED))

    def has(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM notifications WHERE key = ?", (key,)).fetchone() is not None


def _entry(row: sqlite3.Row) -> LedgerEntry:
    return LedgerEntry(
        row["key"],
        row["kind"],
        row["title"],
        row["body"],
        row["run_id"],
        row["launch_id"],
        stored_time(row["created_at"]),
        row["state"],
        row["backend"],
        from_text(row["fire_at"]),
        row["lead_s"],
        from_text(row["delivered_at"]),
    )
