"""SQLite storage for launches, runs, pictures and notifications, behind one Store object.

Open it with `Store.open(paths)`; each part is a small repository over the same Database.
"""

from __future__ import annotations

from rocketwatch.config import Paths
from rocketwatch.store.database import Database, SchemaTooNew
from rocketwatch.store.images import ImageRecord, ImageStore
from rocketwatch.store.launches import LaunchChange, LaunchStore, UpsertResult
from rocketwatch.store.ledger import Ledger, LedgerEntry
from rocketwatch.store.runs import RunRecord, RunStore, TaskRecord, TaskTry
from rocketwatch.store.stars import StarStore

__all__ = [
    "Database", "ImageRecord", "ImageStore", "LaunchChange", "LaunchStore", "Ledger", "LedgerEntry",
    "RunRecord", "RunStore", "SchemaTooNew", "StarStore", "Store", "TaskRecord", "TaskTry", "UpsertResult",
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

    @classmethod
    def open(cls, paths: Paths) -> Store:
        paths.ensure()
        return cls(Database(paths.database), paths)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
