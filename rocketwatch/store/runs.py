"""The run history: runs, the state of each task in a run, and every try with its log text.

States (rocketwatch.states.RunState) follow Airflow: queued, running, success, failed, up_for_retry,
skipped, interrupted; plus cancelled (the user stopped the run) apart from interrupted (RocketWatch quit
or died during it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rocketwatch.states import ACTIVE_STATES as ACTIVE_STATES
from rocketwatch.states import RETRYABLE_STATES as RETRYABLE_STATES
from rocketwatch.states import RunState
from rocketwatch.store.database import Database, from_text, stored_time, to_text, utc_now

# The states under their short names, for the store's queries and older imports.
QUEUED, RUNNING, SUCCESS, FAILED = RunState.QUEUED, RunState.RUNNING, RunState.SUCCESS, RunState.FAILED
UP_FOR_RETRY, SKIPPED, INTERRUPTED = RunState.UP_FOR_RETRY, RunState.SKIPPED, RunState.INTERRUPTED
CANCELLED = RunState.CANCELLED
RUN_STATES = tuple(RunState)

IMAGE_COUNTS = ("distinct", "downloaded", "cached", "failed")


@dataclass(frozen=True, slots=True)
class TaskTry:
    id: int
    task_id: str
    try_number: int
    state: RunState
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    log: str
    external_try: int | None = None  # the outside scheduler's number for this try (Airflow's try_number)


@dataclass(frozen=True, slots=True)
class TaskRecord:
    task_id: str
    state: RunState
    tries: int
    error: str | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    trigger: str
    state: RunState
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    pid: int | None
    error: str | None
    retries: int
    launches: int | None
    new_launches: int | None
    changed_launches: int | None
    api_requests: int
    images: dict[str, int | None]
    tasks: tuple[TaskRecord, ...] = field(default=())
    external_id: str | None = None  # the outside scheduler's id for this run (Airflow's run id)
    held_until: datetime | None = None  # an outside run between its tasks: no other run starts until then

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)

    @property
    def failed_task(self) -> TaskRecord | None:
        return next((task for task in self.tasks if task.state != SUCCESS), None)

    def to_json(self) -> dict[str, Any]:
        """The object `run --json`, `retry --json` and `history --json` print."""
        return {
            "run_id": self.id,
            "state": self.state,
            "trigger": self.trigger,
            "started_at": to_text(self.started_at or self.created_at),
            "finished_at": to_text(self.finished_at),
            "duration_s": self.duration_s,
            "tasks": [
                {"task_id": t.task_id, "state": t.state, "tries": t.tries, "error": t.error}
                for t in self.tasks
            ],
            "launches": self.launches,
            "new_launches": self.new_launches,
            "changed_launches": self.changed_launches,
            "api_requests": self.api_requests,
            "images": dict(self.images),
            "error": self.error,
            "retries": self.retries,
            "external_run_id": self.external_id,
        }


class RunStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- creating and finishing runs -------------------------------------------------------
    def create(
        self,
        trigger: str,
        task_ids: tuple[str, ...],
        pid: int,
        *,
        now: datetime | None = None,
        external_id: str | None = None,
    ) -> int:
        """A new running run; `now` is its start (default: the clock). `external_id`: the outside
        scheduler's id for it (one outside run is one RocketWatch run)."""
        started = to_text(now or utc_now())
        with self.db.transaction() as tx:
            cursor = tx.execute(
                "INSERT INTO runs (trigger, state, created_at, started_at, pid, external_id)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (trigger, RUNNING, started, started, pid, external_id),
            )
            run_id = int(cursor.lastrowid or 0)
            tx.executemany(
                "INSERT INTO tasks (run_id, task_id, position, state) VALUES (?, ?, ?, ?)",
                [(run_id, task_id, index, QUEUED) for index, task_id in enumerate(task_ids)],
            )
        return run_id

    def create_skipped(
        self, trigger: str, task_ids: tuple[str, ...], reason: str, *, now: datetime | None = None
    ) -> int:
        started = to_text(now or utc_now())
        with self.db.transaction() as tx:
            cursor = tx.execute(
                "INSERT INTO runs (trigger, state, created_at, started_at, finished_at, error)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (trigger, SKIPPED, started, started, started, reason),
            )
            run_id = int(cursor.lastrowid or 0)
            tx.executemany(
                "INSERT INTO tasks (run_id, task_id, position, state) VALUES (?, ?, ?, ?)",
                [(run_id, task_id, index, SKIPPED) for index, task_id in enumerate(task_ids)],
            )
        return run_id

    def reopen(self, run_id: int, from_task: str, pid: int, task_ids: tuple[str, ...] = ()) -> None:
        """Make a failed or interrupted run runnable again from `from_task` on (a retry). `task_ids`: the
        pipeline's tasks now; a run recorded before a task existed gets its row (queued) first."""
        with self.db.transaction() as tx:
            tx.executemany(
                "INSERT OR IGNORE INTO tasks (run_id, task_id, position, state) VALUES (?, ?, ?, ?)",
                [(run_id, task_id, index, QUEUED) for index, task_id in enumerate(task_ids)],
            )
            position = tx.execute(
                "SELECT position FROM tasks WHERE run_id = ? AND task_id = ?", (run_id, from_task)
            ).fetchone()[0]
            tx.execute(
                "UPDATE tasks SET state = ?, error = NULL WHERE run_id = ? AND position >= ?",
                (QUEUED, run_id, position),
            )
            tx.execute(
                "UPDATE runs SET state = ?, finished_at = NULL, error = NULL, pid = ?,"
                " retries = retries + 1 WHERE id = ?",
                (RUNNING, pid, run_id),
            )

    def finish(self, run_id: int, state: RunState, error: str | None = None) -> None:
        self.db.execute(
            "UPDATE runs SET state = ?, error = ?, finished_at = ?, pid = NULL, held_until = NULL"
            " WHERE id = ?",
            (state, error, to_text(utc_now()), run_id),
        )

    def hold(self, run_id: int, until: datetime | None, pid: int | None = None) -> None:
        """Keep an outside scheduler's run active until `until` (None: no longer held) while no process
        of it works on the run, so that no other run starts between its tasks."""
        self.db.execute("UPDATE runs SET held_until = ?, pid = ? WHERE id = ?", (to_text(until), pid, run_id))

    def find_external(self, external_id: str) -> RunRecord | None:
        """The run an outside scheduler knows by `external_id` (None when there is none)."""
        row = self.db.execute("SELECT id FROM runs WHERE external_id = ?", (external_id,)).fetchone()
        return self.get(int(row[0])) if row else None

    def set_stats(self, run_id: int, **stats: int) -> None:
        """Record counters: launches, new_launches, changed_launches, images_* ."""
        allowed = {"launches", "new_launches", "changed_launches"} | {f"images_{k}" for k in IMAGE_COUNTS}
        unknown = stats.keys() - allowed
        if unknown:
            raise ValueError(f"unknown run counters: {sorted(unknown)}")
        if stats:
            assignments = ", ".join(f"{name} = ?" for name in stats)
            self.db.execute(f"UPDATE runs SET {assignments} WHERE id = ?", (*stats.values(), run_id))

    def add_api_requests(self, run_id: int, count: int) -> None:
        if count:
            self.db.execute("UPDATE runs SET api_requests = api_requests + ? WHERE id = ?", (count, run_id))

    # --- tasks and tries ---------------------------------------------------------------------
    def set_task_state(self, run_id: int, task_id: str, state: RunState, error: str | None = None) -> None:
        self.db.execute(
            "UPDATE tasks SET state = ?, error = ? WHERE run_id = ? AND task_id = ?",
            (state, error, run_id, task_id),
        )

    def start_try(
        self, run_id: int, task_id: str, *, now: datetime | None = None, external_try: int | None = None
    ) -> tuple[int, int]:
        """Begin the next try of a task at `now` (default: the clock); returns (try row id, try number).
        `external_try`: the outside scheduler's own number for the try."""
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE tasks SET tries = tries + 1, state = ?, error = NULL"
                " WHERE run_id = ? AND task_id = ?",
                (RUNNING, run_id, task_id),
            )
            number = tx.execute(
                "SELECT tries FROM tasks WHERE run_id = ? AND task_id = ?", (run_id, task_id)
            ).fetchone()[0]
            cursor = tx.execute(
                "INSERT INTO task_tries (run_id, task_id, try_number, state, started_at, external_try)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, task_id, number, RUNNING, to_text(now or utc_now()), external_try),
            )
        return int(cursor.lastrowid or 0), int(number)

    def append_log(self, try_id: int, line: str) -> None:
        self.db.execute("UPDATE task_tries SET log = log || ? WHERE id = ?", (line + "\n", try_id))

    def set_try_state(self, try_id: int, state: RunState) -> None:
        """Change a finished try's state only (a try up for retry whose next try was cancelled)."""
        self.db.execute("UPDATE task_tries SET state = ? WHERE id = ?", (state, try_id))

    def finish_try(self, try_id: int, state: RunState, error: str | None = None) -> None:
        self.db.execute(
            "UPDATE task_tries SET state = ?, error = ?, finished_at = ? WHERE id = ?",
            (state, error, to_text(utc_now()), try_id),
        )

    # --- recovery ------------------------------------------------------------------------------
    def interrupt_tries(self, run_id: int, reason: str) -> int:
        """Tries of a run still marked running whose process is gone (an outside scheduler's task process
        that was killed or died) become interrupted; returns how many."""
        cursor = self.db.execute(
            "UPDATE task_tries SET state = ?, error = ?, finished_at = ? WHERE run_id = ? AND state = ?",
            (INTERRUPTED, reason, to_text(utc_now()), run_id, RUNNING),
        )
        return int(cursor.rowcount or 0)

    def mark_interrupted(self, reason: str) -> list[int]:
        """Every run still marked active becomes interrupted (call only when no live process owns one),
        except an outside scheduler's run held between its tasks: it is interrupted once its hold ends."""
        now = to_text(utc_now())
        with self.db.transaction() as tx:
            placeholders = ", ".join("?" for _ in ACTIVE_STATES)
            ids = [
                row[0]
                for row in tx.execute(
                    f"SELECT id FROM runs WHERE state IN ({placeholders})"
                    " AND (held_until IS NULL OR held_until <= ?)",
                    (*ACTIVE_STATES, now),
                )
            ]
            for run_id in ids:
                tx.execute(
                    f"UPDATE tasks SET state = ?, error = ? WHERE run_id = ? AND state IN"
                    f" ({placeholders}) AND tries > 0",
                    (INTERRUPTED, reason, run_id, *ACTIVE_STATES),
                )
                tx.execute(
                    "UPDATE task_tries SET state = ?, error = ?, finished_at = ?"
                    " WHERE run_id = ? AND state = ?",
                    (INTERRUPTED, reason, now, run_id, RUNNING),
                )
                tx.execute(
                    "UPDATE runs SET state = ?, error = ?, finished_at = ?, pid = NULL, held_until = NULL"
                    " WHERE id = ?",
                    (INTERRUPTED, reason, now, run_id),
                )
        return ids

    # --- reading ---------------------------------------------------------------------------------
    def get(self, run_id: int) -> RunRecord | None:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        return self._record(row, self._tasks([run_id]).get(run_id, ()))

    def latest(self, *, limit: int = 20, offset: int = 0) -> list[RunRecord]:
        rows = self.db.execute(
            "SELECT * FROM runs ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        tasks = self._tasks([row["id"] for row in rows])
        return [self._record(row, tasks.get(row["id"], ())) for row in rows]

    def active(self) -> list[RunRecord]:
        placeholders = ", ".join("?" for _ in ACTIVE_STATES)
        rows = self.db.execute(
            f"SELECT * FROM runs WHERE state IN ({placeholders}) ORDER BY id", ACTIVE_STATES
        ).fetchall()
        tasks = self._tasks([row["id"] for row in rows])
        return [self._record(row, tasks.get(row["id"], ())) for row in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def fingerprint(self) -> tuple[Any, ...]:
        """A cheap summary that changes whenever any process starts, moves on or finishes a run:
        the newest run (id, state, retries), the newest try (id, state) and how many runs are active."""
        placeholders = ", ".join("?" for _ in ACTIVE_STATES)
        row = self.db.execute(
            "SELECT (SELECT id FROM runs ORDER BY id DESC LIMIT 1),"
            " (SELECT state || ':' || retries FROM runs ORDER BY id DESC LIMIT 1),"
            " (SELECT id || ':' || state FROM task_tries ORDER BY id DESC LIMIT 1),"
            f" (SELECT COUNT(*) FROM runs WHERE state IN ({placeholders}))",
            ACTIVE_STATES,
        ).fetchone()
        return tuple(row)

    def api_requests_since(self, since: datetime) -> int:
        """LL2 requests made by the runs active after `since` (with `now - 1 h`: the last hour's): those
        started since, and those retried since (all of a retried run's requests count: erring on the
        side of asking LL2 less)."""
        moment = to_text(since)
        row = self.db.execute(
            "SELECT COALESCE(SUM(api_requests), 0) FROM runs WHERE started_at > ?"
            " OR id IN (SELECT run_id FROM task_tries WHERE started_at > ?)",
            (moment, moment),
        ).fetchone()
        return int(row[0])

    def last_started(self, *, triggers: tuple[str, ...] | None = None) -> datetime | None:
        """When the newest run that was not skipped started."""
        sql = "SELECT started_at FROM runs WHERE state != ?"
        params: list[Any] = [SKIPPED]
        if triggers:
            sql += f" AND trigger IN ({', '.join('?' for _ in triggers)})"
            params.extend(triggers)
        row = self.db.execute(sql + " ORDER BY id DESC LIMIT 1", tuple(params)).fetchone()
        return from_text(row[0]) if row else None

    def tries(self, run_id: int) -> list[TaskTry]:
        rows = self.db.execute(
            "SELECT t.* FROM task_tries t JOIN tasks k ON k.run_id = t.run_id AND k.task_id = t.task_id"
            " WHERE t.run_id = ? ORDER BY k.position, t.try_number",
            (run_id,),
        )
        return [
            TaskTry(
                row["id"],
                row["task_id"],
                row["try_number"],
                RunState.read(row["state"]),
                stored_time(row["started_at"]),
                from_text(row["finished_at"]),
                row["error"],
                row["log"],
                row["external_try"],
            )
            for row in rows
        ]

    def _tasks(self, run_ids: list[int]) -> dict[int, tuple[TaskRecord, ...]]:
        if not run_ids:
            return {}
        placeholders = ", ".join("?" for _ in run_ids)
        result: dict[int, list[TaskRecord]] = {}
        for row in self.db.execute(
            f"SELECT * FROM tasks WHERE run_id IN ({placeholders}) ORDER BY run_id, position", tuple(run_ids)
        ):
            result.setdefault(row["run_id"], []).append(
                TaskRecord(row["task_id"], RunState.read(row["state"]), row["tries"], row["error"])
            )
        return {run_id: tuple(tasks) for run_id, tasks in result.items()}

    @staticmethod
    def _record(row: sqlite3.Row, tasks: tuple[TaskRecord, ...]) -> RunRecord:
        return RunRecord(
            id=row["id"],
            trigger=row["trigger"],
            state=RunState.read(row["state"]),
            created_at=stored_time(row["created_at"]),
            started_at=from_text(row["started_at"]),
            finished_at=from_text(row["finished_at"]),
            pid=row["pid"],
            error=row["error"],
            retries=row["retries"],
            launches=row["launches"],
            new_launches=row["new_launches"],
            changed_launches=row["changed_launches"],
            api_requests=row["api_requests"],
            images={name: row[f"images_{name}"] for name in IMAGE_COUNTS},
            tasks=tasks,
            external_id=row["external_id"],
            held_until=from_text(row["held_until"]),
        )
