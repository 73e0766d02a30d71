"""The notification ledger: every notification is claimed here before it is delivered.

The key is the primary key, so a second delivery is impossible across restarts and processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rocketwatch.store.database import Database, from_text, to_text, utc_now

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


class Ledger:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, key: str, *, kind: str, title: str, body: str, run_id: int | None = None,
              launch_id: str | None = None) -> bool:
        """True when this process may deliver the notification; False when the key was claimed before."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO notifications (key, run_id, launch_id, kind, title, body, created_at, state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, run_id, launch_id, kind, title, body, to_text(utc_now()), CLAIMED))
        return cursor.rowcount == 1

    def settle(self, key: str, state: str, backend: str | None) -> None:
        self.db.execute("UPDATE notifications SET state = ?, backend = ?, delivered_at = ? WHERE key = ?",
                        (state, backend, to_text(utc_now()), key))

    def entries(self, *, run_id: int | None = None) -> list[LedgerEntry]:
        sql = "SELECT * FROM notifications"
        params: tuple = ()
        if run_id is not None:
            sql += " WHERE run_id = ?"
            params = (run_id,)
        rows = self.db.execute(sql + " ORDER BY created_at, key", params)
        return [LedgerEntry(row["key"], row["kind"], row["title"], row["body"], row["run_id"],
                            row["launch_id"], from_text(row["created_at"]),  # type: ignore[arg-type]
                            row["state"], row["backend"]) for row in rows]
