"""Muted launches and snoozed reminders: what a user asked from a notification's buttons or the CLI.

A mute silences every alert of one launch until it is undone; a snooze brings a reminder back later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rocketwatch.store.database import Database, stored_time, to_text, utc_now


@dataclass(frozen=True, slots=True)
class Snooze:
    """A reminder asked to come again at `due_at` (UTC)."""

    launch_id: str
    due_at: datetime
    created_at: datetime


class MuteStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- mutes -------------------------------------------------------------------------------------
    def mute(self, launch_id: str, *, now: datetime | None = None) -> bool:
        """No more alerts for this launch; its snoozes are dropped. False when it was muted already."""
        with self.db.transaction() as tx:
            cursor = tx.execute(
                "INSERT OR IGNORE INTO mutes (launch_id, muted_at) VALUES (?, ?)",
                (launch_id, to_text(now or utc_now())),
            )
            tx.execute("DELETE FROM snoozes WHERE launch_id = ?", (launch_id,))
        return cursor.rowcount == 1

    def unmute(self, launch_id: str) -> bool:
        """Alerts for this launch again. False when it was not muted."""
        return self.db.execute("DELETE FROM mutes WHERE launch_id = ?", (launch_id,)).rowcount == 1

    def is_muted(self, launch_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM mutes WHERE launch_id = ?", (launch_id,)).fetchone() is not None

    def muted(self) -> frozenset[str]:
        return frozenset(row[0] for row in self.db.execute("SELECT launch_id FROM mutes"))

    # --- snoozes -----------------------------------------------------------------------------------
    def snooze(self, launch_id: str, due_at: datetime, *, now: datetime | None = None) -> bool:
        """Remind again at `due_at`. False when that reminder was asked for already (a second press)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO snoozes (launch_id, due_at, created_at) VALUES (?, ?, ?)",
            (launch_id, to_text(due_at), to_text(now or utc_now())),
        )
        return cursor.rowcount == 1

    def snoozes(self) -> list[Snooze]:
        """Every snoozed reminder, soonest first (delivered ones stay: the ledger says they were sent)."""
        rows = self.db.execute("SELECT * FROM snoozes ORDER BY due_at, launch_id")
        return [
            Snooze(row["launch_id"], stored_time(row["due_at"]), stored_time(row["created_at"]))
            for row in rows
        ]

    def forget_snoozes_before(self, moment: datetime) -> int:
        """Drop snoozes due before `moment` (retention: old ones are long settled in the ledger)."""
        return self.db.execute("DELETE FROM snoozes WHERE due_at < ?", (to_text(moment),)).rowcount
