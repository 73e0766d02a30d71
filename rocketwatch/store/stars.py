"""Starred launches: the ones the user asked to follow whatever the watch filters say.

A star is kept by launch id; unstarring forgets it.
"""

from __future__ import annotations

from datetime import datetime

from rocketwatch.store.database import Database, to_text, utc_now


class StarStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def star(self, launch_id: str, *, now: datetime | None = None) -> None:
        """Follow this launch (starring it again keeps the first time)."""
        self.db.execute(
            "INSERT OR IGNORE INTO stars (launch_id, starred_at) VALUES (?, ?)",
            (launch_id, to_text(now or utc_now())),
        )

    def unstar(self, launch_id: str) -> None:
        self.db.execute("DELETE FROM stars WHERE launch_id = ?", (launch_id,))

    def is_starred(self, launch_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM stars WHERE launch_id = ?", (launch_id,)).fetchone() is not None

    def starred(self) -> frozenset[str]:
        return frozenset(row[0] for row in self.db.execute("SELECT launch_id FROM stars"))
