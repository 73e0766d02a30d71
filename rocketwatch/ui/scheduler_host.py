"""The scheduler host: APScheduler 3.x in the GUI thread's event loop decides when runs fire.

It arms its one timer in the GUI thread whichever thread asks, and catches up once after downtime or sleep.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta, tzinfo
from math import ceil
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.base import BaseExecutor, run_job
from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.schedulers.qt import QtScheduler
from apscheduler.triggers.date import DateTrigger
from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from rocketwatch.schedule import Schedule, ScheduleError, local_tz, parse_every
from rocketwatch.store import RunRecord
from rocketwatch.ui.controller import RunController

log = logging.getLogger(__name__)

MAIN_JOB_ID = "rocketwatch:scheduled-run"
GUI_EXECUTOR = "gui"  # the alias of the one executor every job uses (never an entry-point name)
MISFIRE_GRACE = timedelta(seconds=30)  # the main job runs at most this late, else the catch-up owns it
REMINDER_GRACE = timedelta(minutes=5)  # a date job (reminder) still runs when at most this late
HEARTBEAT_MS = 60_000  # the only periodic timer: a coarse look at the wall clock
WAKE_JUMP = timedelta(seconds=90)  # wall clock ahead of (or behind) the monotonic one by more: slept
RETRY_AFTER_ERROR_S = 60.0  # when processing jobs failed unexpectedly, look again this much later
_MAX_TIMER_MS = 2_147_483_647  # QTimer takes an int of milliseconds (~24.8 days); it re-arms after


def _on_thread_of(obj: QObject) -> bool:
    return QThread.currentThread() == obj.thread()


class _GuiTimer(QObject):
    """The scheduler's single-shot timer; it lives in the GUI thread and is only touched there.

    A request from another thread is queued to the GUI thread as "look at the jobs now", which then
    re-arms with the right wait. (PySide6's QTimer.singleShot returns None, so the stock QtScheduler
    can neither stop nor replace its timer; owning a real QTimer fixes that too.)
    """

    _requested = Signal(object)  # seconds to wait, or None to stop

    def __init__(self, on_timeout: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(on_timeout)
        self._requested.connect(self._apply, Qt.ConnectionType.QueuedConnection)

    def request(self, wait_seconds: float | None) -> None:
        if _on_thread_of(self):
            self._apply(wait_seconds)
        else:
            # Any wait computed off the GUI thread is stale by the time it arrives: process now instead.
            self._requested.emit(None if wait_seconds is None else 0.0)

    @Slot(object)
    def _apply(self, wait_seconds: float | None) -> None:
        if wait_seconds is None:
            self._timer.stop()
            return
        self._timer.start(min(max(ceil(wait_seconds * 1000), 0), _MAX_TIMER_MS))


class _InlineExecutor(BaseExecutor):
    """Runs a due job's callable where jobs are processed: in the GUI thread, inside the timer's slot.

    Like APScheduler's DebugExecutor; the callables given to it only emit a queued signal.
    """

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        try:
            events = run_job(job, job._jobstore_alias, run_times, self._logger.name)
        except BaseException:
            self._run_job_error(job.id, *sys.exc_info()[1:])
        else:
            self._run_job_success(job.id, events)


class _GuiThreadScheduler(QtScheduler):
    """A QtScheduler whose wakeup() and timer always happen in the GUI thread, whoever calls them."""

    def __init__(self, timer_parent: QObject, on_processed: Callable[[], None], **options: Any) -> None:
        self._gui_timer = _GuiTimer(self._process_jobs, timer_parent)
        self._on_processed = on_processed
        super().__init__(**options)

    def wakeup(self) -> None:
        self._gui_timer.request(0.0)

    def _start_timer(self, wait_seconds: float | None) -> None:
        self._gui_timer.request(wait_seconds)

    def _stop_timer(self) -> None:
        self._gui_timer.request(None)

    def _process_jobs(self) -> None:  # only ever called by the GUI thread's timer
        if self.state == STATE_STOPPED:
            return
        try:
            wait_seconds = BaseScheduler._process_jobs(self)
        except Exception:  # a dead timer would silently stop every schedule: keep looking
            log.exception("Processing scheduled jobs failed; looking again in %.0f s", RETRY_AFTER_ERROR_S)
            wait_seconds = RETRY_AFTER_ERROR_S
        self._start_timer(wait_seconds)
        self._on_processed()

    def _create_default_executor(self) -> BaseExecutor:
        return _InlineExecutor()

    def _create_default_jobstore(self) -> MemoryJobStore:
        return MemoryJobStore()


class SchedulerHost(QObject):
    """Decides when runs start: on the user's schedule, once on first start, once to catch up.

    Emits ``fire(trigger)`` with "scheduled", "catch_up" or "first_start"; the application connects it
    to ``RunController.run_now``. Everything it arms, it arms in the GUI thread.
    """

    fire = Signal(str)
    next_fire_changed = Signal(object)  # aware datetime of the next scheduled run, or None

    _fire_queued = Signal(str)
    _job_due_queued = Signal(str, object)
    _reschedule_queued = Signal()
    _missed_queued = Signal(str)

    def __init__(
        self,
        controller: RunController,
        *,
        clock: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._tz = tz or local_tz()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._monotonic: Callable[[], float] = time.monotonic
        self._running = False
        self._stopped = False
        self._reminders: dict[str, Callable[[], None]] = {}
        self._last_fired: datetime | None = None  # when this host last asked for a run
        self._published: object = object()  # what next_fire_changed last said (nothing yet)
        self._last_wall = self._now()
        self._last_mono = self._monotonic()

        self._scheduler = _GuiThreadScheduler(
            self,
            self._publish_next,
            timezone=self._tz,
            executors={GUI_EXECUTOR: _InlineExecutor()},
            jobstores={"default": MemoryJobStore()},
            job_defaults={
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
                "coalesce": True,
                "max_instances": 1,
            },
        )
        self._scheduler.add_listener(self._on_job_missed, EVENT_JOB_MISSED)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._heartbeat.timeout.connect(self.check_wake)

        queued = Qt.ConnectionType.QueuedConnection
        self._fire_queued.connect(self._emit_fire, queued)
        self._job_due_queued.connect(self._on_job_due, queued)
        self._reschedule_queued.connect(self.reschedule, queued)
        self._missed_queued.connect(self._after_job_missed, queued)
        controller.config_changed.connect(self._on_config_changed)
        controller.run_finished.connect(self._on_run_finished)

    # --- life cycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start scheduling: one first_start or catch_up run if one is due, then the schedule itself."""
        if not _on_thread_of(self):
            raise RuntimeError("SchedulerHost.start() must be called in the GUI thread")
        if self._running or self._stopped:
            return
        self._running = True
        self._scheduler.start()
        self._last_wall, self._last_mono = self._now(), self._monotonic()
        self._heartbeat.start()
        if self._schedule() is not None:
            if self._controller.store.runs.count() == 0:
                self._queue_fire("first_start")
            else:
                self._catch_up_if_missed()
        self._arm_main_job()

    def shutdown(self) -> None:
        """Stop every timer (GUI thread only); nothing fires afterwards. Does not wait for anything."""
        if not _on_thread_of(self):
            raise RuntimeError("SchedulerHost.shutdown() must be called in the GUI thread")
        self._heartbeat.stop()
        was_running, self._running, self._stopped = self._running, False, True
        if self._scheduler.state != STATE_STOPPED:
            self._scheduler.shutdown(wait=False)
        self._reminders.clear()
        if was_running:
            self._publish(None)

    # --- the schedule --------------------------------------------------------------------------
    @Slot()
    def reschedule(self) -> None:
        """Re-read the settings (expression, paused) and re-arm; safe to call from any thread."""
        if not _on_thread_of(self):
            self._reschedule_queued.emit()
            return
        if self._running:
            self._arm_main_job()

    def next_fire_time(self) -> datetime | None:
        """When the next scheduled run starts, in the host's time zone; None when paused or stopped."""
        if not self._running:
            return None
        job = self._scheduler.get_job(MAIN_JOB_ID)
        if job is None or job.next_run_time is None:
            return None
        next_run: datetime = job.next_run_time.astimezone(self._tz)
        return next_run

    @Slot()
    def check_wake(self) -> None:
        """Called by the heartbeat (GUI thread): after a wall-clock jump (sleep, clock change) re-arm
        the schedule and catch up once, as at start."""
        wall, mono = self._now(), self._monotonic()
        drift = (wall - self._last_wall).total_seconds() - (mono - self._last_mono)
        self._last_wall, self._last_mono = wall, mono
        if not self._running or abs(drift) <= WAKE_JUMP.total_seconds():
            return
        log.info("The wall clock jumped %+.0f s (sleep or clock change): re-arming the schedule", drift)
        self._catch_up_if_missed()
        self._arm_main_job()
        self._scheduler.wakeup()  # reminders that fell due while asleep are looked at now

    # --- reminders and other one-off jobs ------------------------------------------------------
    def add_date_job(
        self,
        job_id: str,
        when: datetime,
        callback: Callable[[], None],
        *,
        grace: timedelta | None = REMINDER_GRACE,
    ) -> None:
        """Call ``callback`` in the GUI thread at ``when`` (aware); replaces a job with the same id.

        ``grace``: how late it may still run (None: no matter how late). Safe to call from any thread.
        """
        if job_id == MAIN_JOB_ID:
            raise ValueError(f"{job_id!r} is reserved for the scheduled run")
        if when.tzinfo is None or when.utcoffset() is None:
            raise ValueError(f"when must be a timezone-aware datetime, got {when!r}")
        if self._stopped:
            log.debug("Not adding job %r: the scheduler host is shut down", job_id)
            return
        self._reminders[job_id] = callback
        self._scheduler.add_job(
            self._job_due,
            DateTrigger(run_date=when, timezone=self._tz),
            args=(job_id, callback),
            id=job_id,
            name=job_id,
            executor=GUI_EXECUTOR,
            replace_existing=True,
            misfire_grace_time=None if grace is None else max(1, int(grace.total_seconds())),
        )

    def remove_job(self, job_id: str) -> None:
        """Forget a job added with add_date_job (no error if it already ran or never existed)."""
        if job_id == MAIN_JOB_ID:
            raise ValueError(f"{job_id!r} is the scheduled run; pause the schedule instead")
        self._reminders.pop(job_id, None)
        with suppress(JobLookupError):
            self._scheduler.remove_job(job_id)

    # --- internals -----------------------------------------------------------------------------
    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"the clock must return timezone-aware datetimes, got {now!r}")
        return now.astimezone(UTC)

    def _schedule(self) -> Schedule | None:
        """The schedule in force, or None when paused or unusable."""
        settings = self._controller.config.schedule
        if settings.paused:
            return None
        try:
            return parse_every(settings.every)
        except ScheduleError as error:
            log.error("Not scheduling runs: %s", error)
            return None

    def _last_reference(self) -> datetime | None:
        """The newest of: the last run that was not skipped, and the last run this host asked for."""
        moments = [self._controller.store.runs.last_started(), self._last_fired]
        return max((moment for moment in moments if moment is not None), default=None)

    def _catch_up_if_missed(self) -> None:
        """One catch_up run when a fire time passed unrun since the last run, never a burst.

        The main job is always (re-)armed for fire times after now, so APScheduler never also runs one
        of the fire times counted here; its small misfire grace covers the moments before a wake is noticed.
        """
        schedule = self._schedule()
        last = self._last_reference()
        if schedule is None or last is None or not self._controller.config.schedule.catch_up:
            return
        now = self._now()
        missed = schedule.missed_since(last, now, self._tz)
        if missed >= 1:
            log.info("%d scheduled run(s) missed since %s: catching up once", missed, last.isoformat())
            self._queue_fire("catch_up")

    def _arm_main_job(self) -> None:
        schedule = self._schedule()
        if schedule is None:
            self._remove_main_job()
            self._publish_next()
            return
        now = self._now()
        anchor = None
        if schedule.interval is not None:  # intervals count from the last run's start, else from now
            anchor = self._controller.store.runs.last_started() or now
        first = schedule.next_fire_times(1, now, self._tz, anchor)
        if not first:
            self._remove_main_job()
            self._publish_next()
            return
        # next_run_time is given, so APScheduler never computes it from its own clock or runs a past time.
        self._scheduler.add_job(
            self._job_due,
            schedule.trigger(self._tz, anchor),
            args=(MAIN_JOB_ID, None),
            id=MAIN_JOB_ID,
            name=f"scheduled run ({schedule.expr})",
            executor=GUI_EXECUTOR,
            misfire_grace_time=int(MISFIRE_GRACE.total_seconds()),
            coalesce=True,
            max_instances=1,
            next_run_time=first[0],
            replace_existing=True,
        )
        self._publish_next()

    def _remove_main_job(self) -> None:
        with suppress(JobLookupError):
            self._scheduler.remove_job(MAIN_JOB_ID)

    def _publish_next(self) -> None:
        self._publish(self.next_fire_time())

    def _publish(self, moment: datetime | None) -> None:
        if moment != self._published:
            self._published = moment
            self.next_fire_changed.emit(moment)

    def _queue_fire(self, trigger: str) -> None:
        self._last_fired = self._now()
        self._fire_queued.emit(trigger)

    @Slot(str)
    def _emit_fire(self, trigger: str) -> None:
        if self._running:
            self.fire.emit(trigger)

    def _job_due(self, job_id: str, callback: Callable[[], None] | None) -> None:
        """The callable of every job (run by the inline executor inside the scheduler's processing)."""
        # Queued: a callback may add or remove jobs, which must not happen while jobs are processed.
        self._job_due_queued.emit(job_id, callback)

    @Slot(str, object)
    def _on_job_due(self, job_id: str, callback: Callable[[], None] | None) -> None:
        if not self._running:
            return
        if job_id == MAIN_JOB_ID:
            if self._schedule() is not None:
                self._last_fired = self._now()
                self.fire.emit("scheduled")
            return
        if callback is None or self._reminders.get(job_id) is not callback:
            return  # removed or replaced in the meantime
        del self._reminders[job_id]
        try:
            callback()
        except Exception:
            log.exception("The callback of job %r failed", job_id)

    def _on_job_missed(self, event: JobExecutionEvent) -> None:
        """APScheduler's EVENT_JOB_MISSED: a job was due longer ago than its misfire grace time."""
        self._missed_queued.emit(event.job_id)  # dispatched while jobs are processed: act afterwards

    @Slot(str)
    def _after_job_missed(self, job_id: str) -> None:
        if not self._running:
            return
        if job_id == MAIN_JOB_ID:
            # The timer fired late (the computer slept, or the GUI thread was stuck): catch up now
            # rather than at the next heartbeat. APScheduler has already moved on to a future fire time.
            log.info("The scheduled run was due more than %d s ago", MISFIRE_GRACE.total_seconds())
            self._catch_up_if_missed()
        elif self._scheduler.get_job(job_id) is None:
            self._reminders.pop(job_id, None)
            log.info("Job %r was due too long ago and did not run", job_id)

    @Slot(object)
    def _on_config_changed(self, _config: object) -> None:
        self.reschedule()

    @Slot(object)
    def _on_run_finished(self, _record: RunRecord) -> None:
        schedule = self._schedule()
        if self._running and schedule is not None and schedule.interval is not None:
            self._arm_main_job()  # an interval counts from the newest run's start
