"""What a task gets to work with: the run, the config, the store, a log, cancellation and events.

Tasks are plain functions over a RunContext; they raise TaskError with words a user can read.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rocketwatch.config import Config
from rocketwatch.fileio import disk_full_words, is_disk_full
from rocketwatch.i18n import _
from rocketwatch.ll2.model import ParsedPage
from rocketwatch.notify import ChainNotifier
from rocketwatch.paths import Paths
from rocketwatch.states import RunState
from rocketwatch.store import Store

log = logging.getLogger("rocketwatch.pipeline")


class TaskError(RuntimeError):
    """A task failed; the message is shown in the run history and the failure notification."""


class NotRetryable(TaskError):
    """A failure that no retry can fix (LL2 answered in full, but not with launches): the task fails
    at once instead of spending more requests and minutes on tries."""


class Cancelled(RuntimeError):
    """The run was asked to stop: the user cancelled it, or the app is quitting."""


def plain_error(error: BaseException) -> str:
    """What went wrong, in words for the run history: a TaskError's own message, a full disk, a file or
    database problem; never an exception's class name or a traceback (those go to the application log)."""
    if isinstance(error, TaskError):
        return str(error)
    if is_disk_full(error):
        return disk_full_words()
    if isinstance(error, PermissionError):
        if error.filename:
            return _("RocketWatch is not allowed to write {file}; check the folder's permissions").format(
                file=error.filename
            )
        return _("RocketWatch is not allowed to write one of its files; check the folder's permissions")
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        return _("The database was busy for too long (another RocketWatch may be using it); retry this run")
    if isinstance(error, sqlite3.DatabaseError):
        return _("The database could not be used ({error}); retry this run, or restart RocketWatch").format(
            error=error
        )
    if isinstance(error, OSError):
        reason = (error.strerror or str(error)).lower()
        if error.filename:
            return _("A file could not be read or written ({file}): {reason}").format(
                file=error.filename, reason=reason
            )
        return _("A file could not be read or written: {reason}").format(reason=reason)
    return _("Something unexpected went wrong ({error}); the application log has the details").format(
        error=error
    )


@dataclass(frozen=True, slots=True)
class RunEvent:
    """Progress of a run, for observers such as the tray app (delivered on the runner's thread)."""

    kind: str  # run_started, task_state, log, progress, run_finished, run_skipped
    run_id: int
    task_id: str | None = None
    state: RunState | None = None
    try_number: int | None = None
    message: str = ""
    done: int | None = None
    total: int | None = None
    # A try that failed and will be tried again (state up_for_retry): when the next try starts (UTC),
    # and how many tries the task gets in all.
    next_try_at: datetime | None = None
    tries_allowed: int | None = None


def _no_event(_event: RunEvent) -> None:
    return None


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RunContext:
    run_id: int
    paths: Paths
    config: Config
    store: Store
    notifier: ChainNotifier
    cancel: threading.Event = field(default_factory=threading.Event)
    emit: Callable[[RunEvent], None] = _no_event
    now: Callable[[], datetime] = _utc_now
    task_id: str = ""
    try_id: int = 0
    try_number: int = 0
    tries_allowed: int = 0  # the task's last try number in this run or retry (earlier rounds' tries count)
    # The page this run saved, parsed once (a retry in a new process reads it from the file again).
    page: ParsedPage | None = None

    @property
    def run_dir(self) -> Path:
        return self.paths.run_dir(self.run_id)

    def log(self, message: str, level: int = logging.INFO) -> None:
        """A line in this try's log (shown in the run history), the app log and the event stream."""
        stamp = datetime.now().astimezone().strftime("%H:%M:%S")
        line = f"{stamp} {logging.getLevelName(level)[:4]} {message}"
        if self.try_id:
            self.store.runs.append_log(self.try_id, line)
        log.log(level, "run %s %s: %s", self.run_id, self.task_id or "-", message)
        self.emit(RunEvent("log", self.run_id, self.task_id, message=message, try_number=self.try_number))

    def progress(self, done: int, total: int) -> None:
        self.emit(RunEvent("progress", self.run_id, self.task_id, done=done, total=total))

    def sleep(self, seconds: float) -> bool:
        """Wait, unless the run is cancelled; True when the full time passed."""
        return not self.cancel.wait(max(0.0, seconds))

    def check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("the run was stopped")
