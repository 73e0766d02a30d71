"""SQLite storage for launches, runs, pictures and notifications, behind one Store object.

Open it with `Store.open(paths)`; each part is a small repository over the same Database.
"""

from __future__ import annotations

from pathlib import Path

from rocketwatch.i18n import _
from rocketwatch.paths import Paths
from rocketwatch.store.catalog import Catalog
from rocketwatch.store.database import Database, SchemaTooNew
from rocketwatch.store.events import EventStore
from rocketwatch.store.images import ImageRecord, ImageStore
from rocketwatch.store.launches import LaunchChange, LaunchStore, UpsertResult
from rocketwatch.store.ledger import Ledger, LedgerEntry
from rocketwatch.store.mutes import MuteStore, Snooze
from rocketwatch.store.notices import DATABASE_REPLACED, Notice, NoticeStore
from rocketwatch.store.recovery import open_database
from rocketwatch.store.runs import RunRecord, RunStore, TaskRecord, TaskTry
from rocketwatch.store.stars import StarStore

__all__ = [
    "Database",
    "ImageRecord",
    "ImageStore",
    "LaunchChange",
    "LaunchStore",
    "Ledger",
    "LedgerEntry",
    "MuteStore",
    "Notice",
    "NoticeStore",
    "RunRecord",
    "RunStore",
    "SchemaTooNew",
    "Snooze",
    "StarStore",
    "Store",
    "TaskRecord",
    "TaskTry",
    "UpsertResult",
]


class Store:
    """All repositories over one database file."""

    def __init__(self, db: Database, paths: Paths) -> None:
        self.db = db
        self.paths = paths
        self.launches = LaunchStore(db)
        self.runs = RunStore(db)
        self.images = ImageStore(db, paths.data_dir)
        self.ledger = Ledger(db)
        self.stars = StarStore(db)
        self.mutes = MuteStore(db)  # muted launches and snoozed reminders
        self.events = EventStore(db)  # LL2's upcoming events ([source] events)
        self.notices = NoticeStore(db)
        self.catalog = Catalog(db)  # the providers and locations seen, for the Alerts settings
        # Where a damaged database file was moved when this Store replaced it with a fresh one.
        self.recovered_from: Path | None = None

    @classmethod
    def open(cls, paths: Paths) -> Store:
        """Open (or create) the database; a damaged file is moved aside, a fresh one started, and a
        notice left for the tray app (`store.notices.take()`)."""
        paths.ensure()
        db, recovered_from = open_database(paths.database)
        store = cls(db, paths)
        if recovered_from is not None:
            store.recovered_from = recovered_from
            store.notices.add(
                DATABASE_REPLACED,
                _(
                    "RocketWatch's database was damaged and could not be read, so a new one was started. "
                    "The launches and pictures come back with the next run; the run history starts again. "
                    "The damaged file was kept as {file}."
                ).format(file=recovered_from),
                path=str(recovered_from),
            )
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
