"""The bridge between the headless core and the windows: runs execute in a child process (pipeline/child.py)
driven from a thread of this one, and their RunEvents arrive as Qt signals, queued to the GUI thread.
Runs of other processes (the CLI) are noticed by watching the database, so no window or tray text goes
stale.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal, Slot

from rocketwatch.config import Config, ConfigError, load_config, save_config
from rocketwatch.i18n import _
from rocketwatch.notify import ChainNotifier
from rocketwatch.paths import Paths
from rocketwatch.pipeline import RunActivity, RunEvent, Runner, RunRefused, run_activity
from rocketwatch.pipeline.child import ChildDied, ChildRun
from rocketwatch.session import Overrides
from rocketwatch.states import RunState
from rocketwatch.store import RunRecord, Store

log = logging.getLogger(__name__)

# How often the database is checked for runs of other processes (a file watcher wakes it sooner).
WATCH_INTERVAL_MS = 2_000
WATCH_SETTLE_MS = 150  # writes come in bursts: check once they settle


class RunController(QObject):
    """Owns the GUI thread's Store, the settings and the worker thread that drives a run's child process.

    Signals are emitted from the worker thread; Qt queues them to receivers in the GUI thread. The child
    runs the pipeline with the settings in force when it started; its notifications come back here and
    go out through `notifier`, so clicks on them reach this app.
    """

    run_event = Signal(object)  # every RunEvent
    run_started = Signal(int)  # run id
    run_finished = Signal(object)  # final RunRecord (also skipped runs)
    active_changed = Signal(bool)  # a run started (True) or ended (False)
    data_changed = Signal()  # launches, pictures or runs changed: views reload
    config_changed = Signal(object)  # new Config after the settings were applied
    retry_refused = Signal(str)  # why a Retry could not start
    alerts_delivered = Signal()  # deliver_alerts() finished: re-arm the next reminder
    activity_changed = Signal(object)  # RunActivity or None: what the active run (of any process) does now
    runs_changed = Signal(object)  # newest RunRecord (or None) after a run of another process moved on
    _worker_done = Signal(object)  # the worker thread that ended; taken in the GUI thread, after its news

    def __init__(
        self,
        paths: Paths,
        config: Config,
        notifier: ChainNotifier,
        parent: QObject | None = None,
        *,
        overrides: Overrides | None = None,
    ) -> None:
        """`config` is the settings as saved; `overrides` this session's one-time ones (never saved)."""
        super().__init__(parent)
        self.paths = paths
        self._saved = config
        self.overrides = overrides if overrides is not None else Overrides()
        self.notifier = notifier
        self.store = Store.open(paths)
        self._worker: threading.Thread | None = None
        self._child: ChildRun | None = None
        self._lock = threading.Lock()
        # Runs that died with an earlier process become interrupted now, not at the first run.
        self._new_runner().recover()
        self._activity: RunActivity | None = None
        self._data_version: int | None = None
        self._fingerprint: tuple | None = None
        self.run_event.connect(self._after_event)  # queued: runs in the GUI thread
        self._worker_done.connect(self._on_worker_done, Qt.ConnectionType.QueuedConnection)
        self.active_changed.connect(self._after_active_changed)
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_INTERVAL_MS)
        self._watch_timer.timeout.connect(self.check_store)
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(WATCH_SETTLE_MS)
        self._settle_timer.timeout.connect(self.check_store)
        self._file_watcher = QFileSystemWatcher(self)
        self._file_watcher.fileChanged.connect(lambda _path: self._settle_timer.start())
        self._file_watcher.directoryChanged.connect(lambda _path: self._settle_timer.start())
        self._remember_store_state()
        self._update_activity()

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
            # Only what changed here is written, then the file is read back: a key the user edited by
            # hand while the app ran keeps their edit, and is in force from now on.
            save_config(self.paths.config_file, config, base=self._saved)
            try:
                config = load_config(self.paths.config_file)
            except ConfigError:
                log.warning("The settings file cannot be read back after saving; using what was saved")
        self._saved = config
        self.config_changed.emit(self.config)

    def set_paused(self, paused: bool) -> None:
        self.apply_config(replace(self._saved, schedule=replace(self._saved.schedule, paused=paused)))

    # --- runs ---------------------------------------------------------------------------------
    def is_active(self) -> bool:
        """A run of this app is in progress: from its start until the GUI thread has taken its end, the
        moment active_changed(False) is sent (a Retry pressed at once after it is never "in progress")."""
        return self._worker is not None

    @Slot()
    def run_now(self, trigger: str = "manual") -> bool:
        """Start a run in the worker thread; while one is active the request is recorded as skipped."""
        with self._lock:
            if self.is_active():
                # Recorded as skipped directly: asking run() would take the run lock if the worker had just
                # released it, and run a whole pipeline in the GUI thread.
                self.run_finished.emit(self._new_runner().skip(trigger))
                self.data_changed.emit()
                return False
            self._start(lambda child: child.run(trigger))
            return True

    @Slot(int)
    def retry(self, run_id: int) -> bool:
        """Retry a failed or interrupted run from its failed task, in the worker thread."""

        def retry(child: ChildRun) -> int | None:
            try:
                return child.retry(run_id)
            except RunRefused as error:
                self.retry_refused.emit(str(error))
                return None

        with self._lock:
            if self.is_active():
                self.retry_refused.emit(_("Another run is in progress; retry when it has finished"))
                return False
            self._start(retry)
            return True

    @Slot()
    def cancel(self) -> bool:
        """Cancel the active run at its next safe point (at once while it waits to try again);
        it ends as cancelled and can be retried. False when no run of this app is active."""
        child = self._child
        if child is None or not self.is_active():
            return False
        log.info("Cancelling the active run at the user's request")
        child.cancel()
        return True

    # --- what the active run does, whichever process runs it -------------------------------------
    @property
    def activity(self) -> RunActivity | None:
        return self._activity

    def _update_activity(self) -> None:
        try:
            activity = run_activity(self.store, self.config.pipeline)
        except sqlite3.Error:
            log.debug("Could not read the active run", exc_info=True)
            return
        if activity != self._activity:
            self._activity = activity
            self.activity_changed.emit(activity)

    @Slot(object)
    def _after_event(self, event: RunEvent) -> None:
        if event.kind in ("run_started", "task_state", "run_finished"):
            self._update_activity()

    @Slot(bool)
    def _after_active_changed(self, active: bool) -> None:
        if not active:  # this app's own run is over and reported: only later changes are news
            self._remember_store_state()
            self._update_activity()

    def start_watching(self) -> None:
        """Follow runs of other processes (`rocketwatch run`, `retry`): a file watcher on the database
        wakes a cheap check (SQLite's data_version, then a small fingerprint of the runs); a timer every
        few seconds checks too, as file events can be missed (a WAL file made anew)."""
        self._watch_files()
        self._watch_timer.start()

    def stop_watching(self) -> None:
        self._watch_timer.stop()
        self._settle_timer.stop()
        watched = self._file_watcher.files() + self._file_watcher.directories()
        if watched:
            self._file_watcher.removePaths(watched)

    def _watch_files(self) -> None:
        database = self.store.db.path
        wanted = [
            str(path) for path in (database, database.with_name(database.name + "-wal")) if path.exists()
        ]
        missing = [path for path in wanted if path not in self._file_watcher.files()]
        if missing:
            self._file_watcher.addPaths(missing)
        if str(database.parent) not in self._file_watcher.directories():
            self._file_watcher.addPath(str(database.parent))  # a WAL file made anew

    def _remember_store_state(self) -> None:
        try:
            self._data_version = self.store.db.execute("PRAGMA data_version").fetchone()[0]
            self._fingerprint = self.store.runs.fingerprint()
        except sqlite3.Error:
            log.debug("Could not read the state of the runs", exc_info=True)

    @Slot()
    def check_store(self) -> bool:
        """Look for runs another process started, moved on or finished; True when there was news."""
        try:
            version = self.store.db.execute("PRAGMA data_version").fetchone()[0]
            if version == self._data_version:
                return False
            self._data_version = version
            fingerprint = self.store.runs.fingerprint()
        except sqlite3.Error:
            log.debug("Could not check the database for other runs", exc_info=True)
            return False
        if self._file_watcher.files() or self._watch_timer.isActive():
            self._watch_files()
        if fingerprint == self._fingerprint:
            return False
        self._fingerprint = fingerprint
        self._update_activity()
        if self.is_active():
            return False  # this app's own run: its events keep the windows up to date
        latest = self.store.runs.latest(limit=1)
        log.info("Runs changed in another process; refreshing")
        self.runs_changed.emit(latest[0] if latest else None)
        self.data_changed.emit()
        return True

    def _start(self, work: Callable[[ChildRun], int | None]) -> None:
        child = ChildRun(self.paths, self.config, self.notifier, self._on_event)
        self._child = child
        self._worker = threading.Thread(
            target=self._work, args=(child, work), name="rocketwatch-run", daemon=True
        )
        self.active_changed.emit(True)
        self._worker.start()

    def _work(self, child: ChildRun, work: Callable[[ChildRun], int | None]) -> None:
        run_id = None
        try:
            run_id = work(child)
        except ChildDied as died:  # a crash in the run's process: this app goes on, the run is interrupted
            log.error("The run crashed: %s", died)
        except Exception:  # never let a crash in a run kill the worker silently
            log.exception("A run could not be started")
        finally:
            record = self._finished_record(run_id if run_id is not None else child.run_id)
            self.store.db.close_thread_connection()
            self._child = None
            if record is not None:
                self.run_finished.emit(record)
            self.data_changed.emit()
            self._worker_done.emit(threading.current_thread())

    def _finished_record(self, run_id: int | None) -> RunRecord | None:
        """The run's final record; a run its process left active (it crashed) becomes interrupted now."""
        if run_id is None:
            return None
        try:
            record = self.store.runs.get(run_id)
            if record is not None and record.state.active:
                self._new_runner().recover()
                record = self.store.runs.get(run_id)
        except sqlite3.Error:
            log.exception("The finished run cannot be read")
            return None
        return record

    @Slot(object)
    def _on_worker_done(self, worker: threading.Thread) -> None:
        """The run's end, in the GUI thread: is_active() and active_changed(False) change together, in order
        with the next run's start (the worker thread itself may still be finishing its last lines)."""
        if worker is not self._worker:
            return
        self._worker = None
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
        elif (
            event.kind == "task_state"
            and event.task_id == "download_launches"
            and event.state == RunState.SUCCESS
        ):
            self.data_changed.emit()

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Ask the active run to stop at a safe point and wait for it; True when nothing is left running."""
        self.stop_watching()
        child, worker = self._child, self._worker
        if child is not None:
            child.cancel(quitting=True)
        if worker is not None:
            worker.join(timeout)
        finished = worker is None or not worker.is_alive()
        if finished:
            self._worker = None  # the app is quitting: its end is not waited for in the event loop
            self.store.close()
        return finished
