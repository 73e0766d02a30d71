"""Things to tell the user once, whichever RocketWatch process noticed them (e.g. a replaced database).

The tray app takes them at start and shows each; taking removes them, so none is shown twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rocketwatch.store.database import Database, stored_time, to_text, utc_now

DATABASE_REPLACED = "database_replaced"


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str
    message: str  # plain text, ready to show
    path: str | None
    created_at: datetime


class NoticeStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, kind: str, message: str, *, path: str | None = None, now: datetime | None = None) -> None:
        self.db.execute(
            "INSERT INTO notices (kind, message, path, created_at) VALUES (?, ?, ?, ?)",
            (kind, message, path, to_text(now or utc_now())),
        )

    def pending(self) -> list[Notice]:
        """The notices not taken yet, oldest first (nothing is removed)."""
        rows = self.db.execute("SELECT * FROM notices ORDER BY id").fetchall()
        return [
            Notice(row["kind"], row["message"], row["path"], stored_time(row["created_at"])) for row in rows
        ]

    def take(self) -> list[Notice]:
        """The notices not shown yet, oldest first; they are removed in the same transaction."""
        with self.db.transaction() as tx:
            rows = tx.execute("SELECT * FROM notices ORDER BY id").fetchall()
            tx.execute("DELETE FROM notices")
        return [
            Notice(row["kind"], row["message"], row["path"], stored_time(row["created_at"])) for row in rows
        ]
