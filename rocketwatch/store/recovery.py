"""A database file SQLite cannot read (random bytes, cut short) is moved aside and a fresh one is made.

The damaged file is kept as `rocketwatch.sqlite3.corrupt-<UTC time>`; the caller leaves a notice.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from filelock import FileLock

from rocketwatch.store.database import Database, utc_now

log = logging.getLogger(__name__)

_DAMAGED_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


class DatabaseDamaged(sqlite3.DatabaseError):
    """The file opened, but SQLite's own check found it damaged."""


def is_damaged(error: BaseException) -> bool:
    """True for the errors that mean the file is not a usable database (not for "locked" or "full")."""
    if isinstance(error, DatabaseDamaged):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _DAMAGED_CODES:
        return True
    text = str(error)
    return isinstance(error, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text)


def check(db: Database) -> None:
    """Raise DatabaseDamaged when SQLite's quick check finds the file damaged (a file cut short included).

    Only SQLite reads the file, under its own locks: a checkpoint of another process in progress is never
    mistaken for damage."""
    rows = [row[0] for row in db.execute("PRAGMA quick_check(5)")]
    if rows != ["ok"]:
        raise DatabaseDamaged("; ".join(str(row) for row in rows))


def open_database(path: Path, *, now: datetime | None = None) -> tuple[Database, Path | None]:
    """The database at `path`, checked; a damaged file is moved aside first. Returns (database, where the
    damaged file went, or None)."""
    try:
        return _open_checked(path), None
    except sqlite3.DatabaseError as error:
        if not is_damaged(error):
            raise
        first_error = error
    # One process replaces the file; another that found it damaged too waits, then opens the new one.
    with FileLock(path.with_name(path.name + ".recovery.lock"), is_singleton=False):
        try:
            return _open_checked(path), None
        except sqlite3.DatabaseError as error:
            if not is_damaged(error):
                raise
        moved = move_aside(path, now or utc_now())
        log.warning(
            "The database %s could not be read (%s); it was moved to %s and a new, empty one was "
            "started. The launches and pictures come back with the next run; the run history "
            "starts again.",
            path,
            first_error,
            moved,
        )
        return Database(path), moved


def _open_checked(path: Path) -> Database:
    db = Database(path)
    try:
        check(db)
    except BaseException:
        db.close()
        raise
    return db


def move_aside(path: Path, now: datetime) -> Path:
    """Rename the damaged file (and its write-ahead log) to `<name>.corrupt-<UTC time>`; drop its -shm."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    os.replace(path, target)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        os.replace(wal, target.with_name(target.name + "-wal"))
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    return target
