"""What a task gets to work with: the run, the config, the store, a log, cancellation and events.

Tasks are plain functions over a RunContext; they raise TaskError with words a user can read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rocketwatch.config import Config, Paths
from rocketwatch.notify import ChainNotifier
from rocketwatch.store import Store

log = logging.getLogger("rocketwatch.pipeline")


class TaskError(RuntimeError):
    """A task failed; the message is shown in the run history and the failure notification."""


class Cancelled(RuntimeError):
    """The run was asked to stop (the app is quitting)."""


@dataclass(frozen=True, slots=True)
class RunEvent:
    """Progress of a run, for observers such as the tray app (delivered on the runner's thread)."""

    kind: str  # run_started, task_state, log, progress, run_finished, run_skipped
    run_id: int
    task_id: str | None = None
    state: str | None = None
    try_number: int | None = None
    message: str = ""
    done: int | None = None
    total: int | None = None


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
