"""The SQLite file: one connection per thread, WAL mode, schema version and forward migrations.

Every multi-row change goes through `Database.transaction()`, so a crash leaves it consistent.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import overload

from rocketwatch.i18n import _

# Each entry moves the schema from version N to N+1. Never edit a released step; add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE launches (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        net TEXT NOT NULL,
        net_precision TEXT,
        status_abbrev TEXT NOT NULL,
        provider TEXT NOT NULL,
        location TEXT NOT NULL,
        image_url TEXT,
        data TEXT NOT NULL,
        first_run_id INTEGER,
        last_run_id INTEGER,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
    );
    CREATE INDEX launches_by_net ON launches(net);
    CREATE TABLE launch_changes (
        id INTEGER PRIMARY KEY,
        launch_id TEXT NOT NULL,
        run_id INTEGER,
        noticed_at TEXT NOT NULL,
        field TEXT NOT NULL,
        old TEXT,
        new TEXT
    );
    CREATE INDEX launch_changes_by_launch ON launch_changes(launch_id);
    CREATE INDEX launch_changes_by_run ON launch_changes(run_id);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        trigger TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        pid INTEGER,
        error TEXT,
        retries INTEGER NOT NULL DEFAULT 0,
        launches INTEGER,
        new_launches INTEGER,
        changed_launches INTEGER,
        api_requests INTEGER NOT NULL DEFAULT 0,
        images_distinct INTEGER,
        images_downloaded INTEGER,
        images_cached INTEGER,
        images_failed INTEGER
    );
    CREATE INDEX runs_by_state ON runs(state);
    CREATE TABLE tasks (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        state TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        PRIMARY KEY (run_id, task_id)
    );
    CREATE TABLE task_tries (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        try_number INTEGER NOT NULL,
        state TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT,
        log TEXT NOT NULL DEFAULT '',
        UNIQUE (run_id, task_id, try_number)
    );
    CREATE TABLE images (
        url TEXT PRIMARY KEY,
        file TEXT,
        thumbnail TEXT,
        format TEXT,
        width INTEGER,
        height INTEGER,
        size_bytes INTEGER,
        fetched_at TEXT,
        failure TEXT,
        failed_at TEXT,
        permanent_failure INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_run_id INTEGER
    );
    CREATE TABLE notifications (
        key TEXT PRIMARY KEY,
        run_id INTEGER,
        launch_id TEXT,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL,
        backend TEXT,
        delivered_at TEXT
    );
    CREATE INDEX notifications_by_run ON notifications(run_id);
    """,
    # 2: launch alerts. Starred launches; each notification's planned fire time and reminder lead.
    """
    CREATE TABLE stars (
        launch_id TEXT PRIMARY KEY,
        starred_at TEXT NOT NULL
    );
    ALTER TABLE notifications ADD COLUMN fire_at TEXT;
    ALTER TABLE notifications ADD COLUMN lead_s INTEGER;
    CREATE INDEX notifications_by_launch ON notifications(launch_id, kind);
    CREATE INDEX runs_by_started ON runs(started_at);
    CREATE INDEX launch_changes_by_time ON launch_changes(noticed_at);
    """,
    # 3: retention. When a run last used each picture (the cache is trimmed least recently used first);
    # notices the app shows the user once (a damaged database that was replaced).
    """
    ALTER TABLE images ADD COLUMN last_used_at TEXT;
    UPDATE images SET last_used_at = COALESCE(fetched_at, failed_at);
    CREATE INDEX images_by_last_used ON images(last_used_at);
    CREATE INDEX notifications_by_created ON notifications(created_at);
    CREATE INDEX launches_by_last_run ON launches(last_run_id);
    CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        path TEXT,
        created_at TEXT NOT NULL
    );
    """,
    # 4: the calendar export. What each launch's event last said (start, end, status) and its SEQUENCE, so
    # an event whose time or status changed goes out with a higher SEQUENCE (RFC 5545 3.8.7.4).
    """
    CREATE TABLE calendar_events (
        launch_id TEXT PRIMARY KEY,
        shape TEXT NOT NULL,
        sequence INTEGER NOT NULL
    );
    """,
    # 5: alerts you can act on. Muted launches (no alert of any kind); snoozed reminders (due again later);
    # LL2's upcoming events (dockings, spacewalks, static fires...).
    """
    CREATE TABLE mutes (
        launch_id TEXT PRIMARY KEY,
        muted_at TEXT NOT NULL
    );
    CREATE TABLE snoozes (
        launch_id TEXT NOT NULL,
        due_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (launch_id, due_at)
    );
    CREATE INDEX snoozes_by_due ON snoozes(due_at);
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        date TEXT NOT NULL,
        image_url TEXT,
        data TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        last_run_id INTEGER
    );
    CREATE INDEX events_by_date ON events(date);
    """,
    # 6: runs made by an outside scheduler (Apache Airflow). Its own id for the run (one outside run is
    # one RocketWatch run), how long the run is held between its tasks (they run in separate processes,
    # and no other run may start in the gap), and the outside scheduler's number for each try.
    """
    ALTER TABLE runs ADD COLUMN external_id TEXT;
    ALTER TABLE runs ADD COLUMN held_until TEXT;
    CREATE UNIQUE INDEX runs_by_external_id ON runs(external_id) WHERE external_id IS NOT NULL;
    ALTER TABLE task_tries ADD COLUMN external_try INTEGER;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer RocketWatch."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@overload
def to_text(moment: datetime) -> str: ...
@overload
def to_text(moment: None) -> None: ...
@overload
def to_text(moment: datetime | None) -> str | None: ...
def to_text(moment: datetime | None) -> str | None:
    """A datetime as sortable UTC text (millisecond precision)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def from_text(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def stored_time(text: str) -> datetime:
    """A time from a column that is never empty (NOT NULL), such as a run's start."""
    moment = from_text(text)
    if moment is None:
        raise ValueError("a stored time that must be set is empty")
    return moment


class Database:
    """Connections to one SQLite file, one per thread, opened lazily."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._migrate(self.connection())
        except BaseException:
            self.close()  # a file that cannot be used is not held open (it may be moved aside)
            raise

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")  # a COMMIT that fails (a full disk) leaves the transaction open: roll back
        except BaseException:
            if conn.in_transaction:  # SQLite itself already rolled back after some errors (e.g. a full disk)
                conn.execute("ROLLBACK")
            raise

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        return self.connection().execute(sql, params)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(
                _(
                    "{file} was written by a newer RocketWatch (schema {version}, this version knows {known})"
                ).format(file=self.path, version=version, known=SCHEMA_VERSION)
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as tx:
                # Another process (the tray and a scheduled `rocketwatch run`) may have taken this step
                # between the read above and this transaction's write lock: read again under the lock.
                if tx.execute("PRAGMA user_version").fetchone()[0] > number:
                    continue
                for statement in _statements(MIGRATIONS[number]):
                    tx.execute(statement)
                tx.execute(f"PRAGMA user_version = {number + 1}")

    def close_thread_connection(self) -> None:
        """Close the calling thread's connection (worker threads call this before they end)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            self._all.remove(conn)
        conn.close()

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
