"""The bridge between the headless core and the windows: runs execute off the GUI thread and
their RunEvents arrive as Qt signals, queued to the GUI thread.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal, Slot

from rocketwatch.config import Config, Paths, save_config
from rocketwatch.notify import ChainNotifier
from rocketwatch.pipeline import RunEvent, Runner, RunRefused
from rocketwatch.session import Overrides
from rocketwatch.store import RunRecord, Store

log = logging.getLogger(__name__)


def release_freed_memory() -> None:
    """Hand the heap the picture threads freed back to the system (glibc keeps it otherwise: ~10 MB)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class RunController(QObject):
    """Owns the GUI thread's Store, the settings and the worker thread that executes runs.

    Signals are emitted from the worker thread; Qt queues them to receivers in the GUI thread.
    """

    run_event = Signal(object)          # every RunEvent
    run_started = Signal(int)           # run id
    run_finished = Signal(object)       # final RunRecord (also skipped runs)
    active_changed = Signal(bool)       # a run started (True) or ended (False)
    data_changed = Signal()             # launches, pictures or runs changed: views reload
    config_changed = Signal(object)     # new Config after the settings were applied
    retry_refused = Signal(str)         # why a Retry could not start
    alerts_delivered = Signal()         # deliver_alerts() finished: re-arm the next reminder

    def __init__(self, paths: Paths, config: Config, notifier: ChainNotifier,
                 parent: QObject | None = None, *, overrides: Overrides | None = None) -> None:
        """`config` is the settings as saved; `overrides` this session's one-time ones (never saved)."""
        super().__init__(parent)
        self.paths = paths
        self._saved = config
        self.overrides = overrides if overrides is not None else Overrides()
        self.notifier = notifier
        self.store = Store.open(paths)
        self._worker: threading.Thread | None = None
        self._runner: Runner | None = None
        self._lock = threading.Lock()
        # Runs that died with an earlier process become interrupted now, not at the first run.
        self._new_runner().recover()

    # --- settings ----------------------------------------------------------------------------
    @property
    def config(self) -> Config:
        """The settings in force: the saved ones with this session's overrides on top."""
        return self.overrides.apply(self._saved)

    @property
    def saved_config(self) -> Config:
        """The settings as the user saved them (what Settings shows and writes)."""
        return self._saved

    def apply_config(self, config: Config, *, write: bool = True) -> None:
        """Save these settings and use them, with the overrides on top, from now on (the active run keeps
        the ones it started with). `config` is the settings to save; given the ones in force instead, the
        override's server is still not written: the saved one stays."""
        override = self.overrides.api_url
        if override is not None and config.source.api_url == override:
            config = replace(config, source=replace(config.source, api_url=self._saved.source.api_url))
        if write:
            save_config(self.paths.config_file, config)
        self._saved = config
        self.config_changed.emit(self.config)

    def set_paused(self, paused: bool) -> None:
        self.apply_config(replace(self._saved, schedule=replace(self._saved.schedule, paused=paused)))

    # --- runs ---------------------------------------------------------------------------------
    def is_active(self) -> bool:
        worker = self._worker
        return worker is not None and worker.is_alive()

    @Slot()
    def run_now(self, trigger: str = "manual") -> bool:
        """Start a run in the worker thread; while one is active the request is recorded as skipped."""
        with self._lock:
            if self.is_active():
                # The active run holds the run lock, so this records a skipped run and returns at once.
                self.run_finished.emit(self._new_runner().run(trigger, lock_wait=0))
                self.data_changed.emit()
                return False
            self._start(lambda runner: runner.run(trigger))
            return True

    @Slot(int)
    def retry(self, run_id: int) -> bool:
        """Retry a failed or interrupted run from its failed task, in the worker thread."""
        def retry(runner: Runner) -> RunRecord | None:
            try:
                return runner.retry(run_id)
            except RunRefused as error:
                self.retry_refused.emit(str(error))
                return None

        with self._lock:
            if self.is_active():
                self.retry_refused.emit("Another run is in progress; retry when it has finished")
                return False
            self._start(retry)
            return True

    def _start(self, work: Callable[[Runner], RunRecord | None]) -> None:
        runner = self._new_runner()
        self._runner = runner
        self._worker = threading.Thread(target=self._work, args=(runner, work), name="rocketwatch-run",
                                        daemon=True)
        self.active_changed.emit(True)
        self._worker.start()

    def _work(self, runner: Runner, work: Callable[[Runner], RunRecord | None]) -> None:
        record = None
        try:
            record = work(runner)
        except Exception:  # never let a crash in a run kill the worker silently
            log.exception("A run crashed")
        finally:
            self.store.db.close_thread_connection()
            release_freed_memory()
            self._runner = None
            if record is not None:
                self.run_finished.emit(record)
            self.data_changed.emit()
            self.active_changed.emit(False)

    def deliver_alerts(self) -> None:
        """Send the launch alerts due now, in a short worker thread (notifiers may be slow)."""
        from rocketwatch.pipeline.alerting import deliver_due_alerts

        config, store, notifier = self.config, self.store, self.notifier

        def work() -> None:
            try:
                sent = deliver_due_alerts(store, config, notifier, datetime.now(UTC))
                if sent:
                    log.info("Delivered %s launch alert(s)", len(sent))
            except Exception:  # an alert must never kill the app
                log.exception("Delivering launch alerts failed")
            finally:
                store.db.close_thread_connection()
                self.alerts_delivered.emit()

        threading.Thread(target=work, name="rocketwatch-alerts", daemon=True).start()

    def _new_runner(self) -> Runner:
        return Runner(self.paths, self.config, self.store, self.notifier, on_event=self._on_event)

    def _on_event(self, event: RunEvent) -> None:
        self.run_event.emit(event)
        if event.kind == "run_started":
            self.run_started.emit(event.run_id)
        elif event.kind == "task_state" and event.task_id == "download_launches" and event.state == "success":
            self.data_changed.emit()

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Ask the active run to stop at a safe point and wait for it; True when nothing is left running."""
        runner, worker = self._runner, self._worker
        if runner is not None:
            runner.cancel()
        if worker is not None:
            worker.join(timeout)
        finished = worker is None or not worker.is_alive()
        if finished:
            self.store.close()
        return finished
