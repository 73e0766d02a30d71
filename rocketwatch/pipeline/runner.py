"""The runner: executes a run's tasks in order with states, tries, backoff and retry-from-failed.

It reports progress through a plain callback (no Qt); the tray app turns that into signals.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rocketwatch.config import Config, PipelineConfig
from rocketwatch.fileio import is_disk_full
from rocketwatch.i18n import N_, _, ngettext
from rocketwatch.notify import ChainNotifier, Notification, NotifyError, Subject
from rocketwatch.paths import Paths
from rocketwatch.pipeline.context import (
    Cancelled,
    NotRetryable,
    RunContext,
    RunEvent,
    TaskError,
    plain_error,
)
from rocketwatch.pipeline.dag import OPTIONAL_TASKS, SKIPPED_TASK, TASK_IDS, task_title
from rocketwatch.pipeline.lock import RunLock
from rocketwatch.resources import app_icon_path
from rocketwatch.states import RunState, state_word
from rocketwatch.store import RunRecord, Store
from rocketwatch.store.ledger import SENT, SUPPRESSED
from rocketwatch.store.runs import (
    CANCELLED,
    FAILED,
    INTERRUPTED,
    RETRYABLE_STATES,
    RUNNING,
    SKIPPED,
    SUCCESS,
    UP_FOR_RETRY,
    TaskTry,
)
from rocketwatch.timefmt import CLOCK_SECONDS, format_moment

log = logging.getLogger(__name__)

# Longest a run waits for the run lock before it counts as overlapping another run (seconds).
LOCK_WAIT_S = 3.0
# Why a try or run ended early: stored in the language of the moment they happen (shown with _()).
DIED_REASON = N_("RocketWatch stopped during this run (closed, crashed or the computer shut down)")
CANCELLED_REASON = N_("cancelled before the end")
QUIT_REASON = N_("stopped before the end")


class RunRefused(RuntimeError):
    """A retry that cannot start: unknown run, not failed, or another run is active."""


def backoff_delay(failed_tries: int, retry_delay: float, max_retry_delay: float) -> float:
    """Seconds to wait after the n-th failed try: retry_delay doubling each time, capped."""
    return min(retry_delay * 2.0 ** max(0, failed_tries - 1), max_retry_delay)


@dataclass(frozen=True, slots=True)
class RunActivity:
    """What an active run (of any process) is doing now, read from the store: for the tray, the
    gallery and the run history, so a run waiting to try again says why and until when."""

    run_id: int
    task_id: str
    state: RunState  # running or up_for_retry
    try_number: int  # the try running now, or the one that just failed
    tries_allowed: int
    reason: str | None  # why the last try failed (None when no try of this task failed)
    next_try_at: datetime | None  # when the next try starts (only while waiting)

    @property
    def waiting(self) -> bool:
        return self.state == UP_FOR_RETRY

    def words(self, now: datetime | None = None) -> str:
        """One or two sentences: the task, the try, why the last one failed and when the next comes."""
        return " ".join(self.lines(now))

    def lines(self, now: datetime | None = None) -> list[str]:
        """The same words in short lines (for a tooltip)."""
        title = task_title(self.task_id)
        if not self.waiting:
            text = _("{task}… (try {number} of {allowed}).").format(
                task=title, number=self.try_number, allowed=self.tries_allowed
            )
            if not self.reason:
                return [text]
            return [text, _("The last try failed: {reason}").format(reason=self.reason)]
        lines = [
            _("{task} failed (try {number} of {allowed}):").format(
                task=title, number=self.try_number, allowed=self.tries_allowed
            ),
            _("{reason}.").format(reason=self.reason or _("unknown error")),
        ]
        if self.next_try_at is not None:
            lines.append(_("Trying again at {when}.").format(when=next_try_words(self.next_try_at, now)))
        return lines


def next_try_words(moment: datetime, now: datetime | None = None) -> str:
    """'19:45:12 (in 30 s)': local clock time and how long until then."""
    now = now or datetime.now(UTC)
    seconds = max(0, round((moment - now).total_seconds()))
    if seconds < 120:
        wait = _("{count} s").format(count=seconds)
    else:
        wait = _("{count} min").format(count=round(seconds / 60))
    return _("{clock} (in {wait})").format(clock=format_moment(moment.astimezone(), CLOCK_SECONDS), wait=wait)


def run_activity(store: Store, pipeline: PipelineConfig) -> RunActivity | None:
    """What the newest active run is doing, whichever process runs it (None when no run is active).

    `pipeline` is the [pipeline] settings: the wait before a next try is computed from them and the end
    of the failed try, the same way the runner waits."""
    active = store.runs.active()
    if not active:
        return None
    record = active[-1]
    task = next((t for t in record.tasks if t.state in (RUNNING, UP_FOR_RETRY)), None)
    if task is None:
        return None
    tries = [t for t in store.runs.tries(record.id) if t.task_id == task.task_id]
    failed: TaskTry | None = next((t for t in reversed(tries) if t.error and t.state != RUNNING), None)
    # Tries of earlier rounds (the run before a retry) ended failed, interrupted or cancelled.
    earlier = max((t.try_number for t in tries if t.state in (FAILED, INTERRUPTED, CANCELLED)), default=0)
    allowed = earlier + pipeline.retries + 1
    if task.state == UP_FOR_RETRY:
        number = tries[-1].try_number if tries else task.tries
        next_at = None
        if failed is not None and failed.finished_at is not None:
            delay = backoff_delay(failed.try_number - earlier, pipeline.retry_delay, pipeline.max_retry_delay)
            next_at = failed.finished_at + timedelta(seconds=delay)
        return RunActivity(
            record.id,
            task.task_id,
            UP_FOR_RETRY,
            number,
            allowed,
            task.error or (failed.error if failed else None),
            next_at,
        )
    return RunActivity(
        record.id, task.task_id, RUNNING, task.tries, allowed, failed.error if failed else None, None
    )


class Runner:
    """Runs the pipeline for one home. Thread-safe: one run at a time, others are recorded as skipped."""

    def __init__(
        self,
        paths: Paths,
        config: Config,
        store: Store,
        notifier: ChainNotifier,
        *,
        on_event: Callable[[RunEvent], None] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.paths = paths
        self.config = config
        self.store = store
        self.notifier = notifier
        self.on_event = on_event or (lambda _event: None)
        self.now = now or (lambda: datetime.now(UTC))
        self.cancel_event = threading.Event()
        self._stop_state = CANCELLED  # what a stopped run becomes: cancelled, or interrupted when quitting

    # --- entry points ---------------------------------------------------------------------------
    def run(self, trigger: str = "manual", *, lock_wait: float = LOCK_WAIT_S) -> RunRecord:
        """One full run now; returns its final record (state skipped when another run is active).

        `lock_wait`: how long to wait for the run lock; commands such as `history` hold it for a moment
        to recover dead runs, and that must not turn a real run into a skipped one."""
        lock = RunLock(self.paths.data_dir)
        if not lock.try_acquire(lock_wait):
            return self._skip(trigger)
        try:
            self._mark_dead_runs()
            if self.store.runs.active():  # an outside scheduler's run between two of its tasks
                return self._skip(trigger)
            self.cancel_event.clear()
            self._stop_state = CANCELLED
            run_id = self.store.runs.create(trigger, TASK_IDS, os.getpid(), now=self.now())
            self._emit(RunEvent("run_started", run_id, state=RUNNING, message=trigger))
            return self._execute(run_id, 0)
        finally:
            lock.release()

    def retry(self, run_id: int) -> RunRecord:
        """Re-run the failed task of a failed or interrupted run and every task after it."""
        lock = RunLock(self.paths.data_dir)
        if not lock.try_acquire(LOCK_WAIT_S):
            raise RunRefused(_("Another run is in progress; retry when it has finished"))
        try:
            self._mark_dead_runs()
            record = self.store.runs.get(run_id)
            if record is None:
                raise RunRefused(_("There is no run {number}").format(number=run_id))
            if record.state not in RETRYABLE_STATES:
                raise RunRefused(
                    _(
                        "Run {number} is {state}; only failed, interrupted or cancelled runs can be retried"
                    ).format(number=run_id, state=state_word(record.state))
                )
            held = self.store.runs.active()  # an outside scheduler's run between two of its tasks
            if held:
                raise RunRefused(
                    _("Run {number} is in progress; retry when it has finished").format(number=held[-1].id)
                )
            failed = record.failed_task
            start = TASK_IDS.index(failed.task_id) if failed else 0
            self.cancel_event.clear()
            self._stop_state = CANCELLED
            self.store.runs.reopen(run_id, TASK_IDS[start], os.getpid(), TASK_IDS)
            self._emit(RunEvent("run_started", run_id, state=RUNNING, message="retry"))
            return self._execute(run_id, start)
        finally:
            lock.release()

    def cancel(self, *, quitting: bool = False) -> None:
        """Ask the active run to stop at its next safe point, at once when it waits to try again.

        The run becomes cancelled (the user's choice; it can be retried), or interrupted when
        RocketWatch is quitting."""
        self._stop_state = INTERRUPTED if quitting else CANCELLED
        self.cancel_event.set()

    def recover(self) -> list[int]:
        """Mark runs whose process died as interrupted; a run a live process owns is left alone."""
        lock = RunLock(self.paths.data_dir)
        if not lock.try_acquire():
            return []
        try:
            return self._mark_dead_runs()
        finally:
            lock.release()

    def _mark_dead_runs(self) -> list[int]:
        from rocketwatch.images import sweep_partials

        removed = sweep_partials(self.paths.images_dir, self.paths.thumbnails_dir)
        if removed:
            log.info("Removed %s partial picture files left by an interrupted run", removed)
        ids = self.store.runs.mark_interrupted(_(DIED_REASON))
        for run_id in ids:
            log.warning("Run %s was interrupted: %s", run_id, DIED_REASON)
        return ids

    # --- execution ----------------------------------------------------------------------------------
    def skip(self, trigger: str) -> RunRecord:
        """Record a run that was asked for while another is active, without touching the run lock (the
        tray records it from the GUI thread: taking the lock there could run a whole pipeline in it)."""
        return self._skip(trigger)

    def _skip(self, trigger: str) -> RunRecord:
        active = self.store.runs.active()
        reason = (
            _("Run {number} was still in progress").format(number=active[-1].id)
            if active
            else _("Another run was still in progress")
        )
        run_id = self.store.runs.create_skipped(trigger, TASK_IDS, reason, now=self.now())
        log.info("Skipped a %s run: %s", trigger, reason)
        self._emit(RunEvent("run_skipped", run_id, state=SKIPPED, message=reason))
        return self._record(run_id)

    def _execute(self, run_id: int, start: int) -> RunRecord:
        ctx = RunContext(
            run_id,
            self.paths,
            self.config,
            self.store,
            self.notifier,
            cancel=self.cancel_event,
            emit=self._emit,
            now=self.now,
        )
        from rocketwatch.pipeline.tasks import TASKS  # the work: loaded only where runs execute

        for index in range(start, len(TASKS)):
            task_id, function = TASKS[index]
            outcome = self._run_task(ctx, task_id, function)
            if outcome == SUCCESS:
                continue
            if outcome == FAILED and task_id in OPTIONAL_TASKS:
                log.warning("Run %s: %s failed; the run's launches are kept", run_id, task_id)
                continue
            for later_id, _function in TASKS[index + 1 :]:
                self._set_task(run_id, later_id, SKIPPED if outcome == FAILED else outcome)
            failed = self._record(run_id).failed_task
            if outcome == FAILED:
                message = _("{task} failed: {reason}").format(
                    task=task_title(task_id), reason=failed.error if failed else _("unknown error")
                )
            elif outcome == CANCELLED:
                title = task_title(task_id)
                message = _("Cancelled while {task}").format(task=f"{title[:1].lower()}{title[1:]}")
            else:
                message = _("Stopped before the end")
            self.store.runs.finish(run_id, outcome, message)
            record = self._record(run_id)
            if outcome == FAILED:
                self._notify_failure(record, task_id)
                self._prune(run_id)
            self._emit(RunEvent("run_finished", run_id, state=outcome, message=message))
            return record
        self.store.runs.finish(run_id, SUCCESS)
        self._prune(run_id)
        self._emit(RunEvent("run_finished", run_id, state=SUCCESS))
        return self._record(run_id)

    def _prune(self, run_id: int) -> None:
        """Retention after a finished run (still under the run lock); its failure never fails the run."""
        from rocketwatch.pipeline.retention import prune

        try:
            result = prune(self.store, self.paths, self.config.retention, self.now(), current_run=run_id)
        except Exception:
            log.exception("Could not remove old runs and pictures after run %s", run_id)
            return
        if result.anything:
            log.info(
                "Retention after run %s: removed %s runs, %s launches, %s notifications, %s pictures "
                "(%s files, %.1f MB)",
                run_id,
                result.runs,
                result.launches,
                result.notifications,
                result.pictures,
                result.files,
                result.bytes_freed / 1e6,
            )

    def _run_task(
        self, ctx: RunContext, task_id: str, function: Callable[[RunContext], str | None]
    ) -> RunState:
        retries = self.config.pipeline.retries
        for attempt in range(retries + 1):
            try_id, number = self.store.runs.start_try(ctx.run_id, task_id, now=self.now())
            ctx.task_id, ctx.try_id, ctx.try_number = task_id, try_id, number
            if attempt == 0:  # a retry's tries are numbered on from the earlier ones
                ctx.tries_allowed = number + retries
            self._emit(RunEvent("task_state", ctx.run_id, task_id, RUNNING, number))
            try:
                ctx.check_cancelled()
                result = function(ctx)
            except Cancelled:
                return self._stopped(ctx)
            except Exception as error:  # a task's failure must never escape the runner
                message = plain_error(error)
                if not isinstance(error, TaskError) and not is_disk_full(error):
                    log.exception("Task %s of run %s crashed", task_id, ctx.run_id)
                ctx.log(message, logging.ERROR)
                if ctx.cancel.is_set():  # cancelled while the try was failing: no next try
                    return self._stopped(ctx, message)
                if attempt < retries and not isinstance(error, NotRetryable):
                    delay = backoff_delay(
                        attempt + 1, self.config.pipeline.retry_delay, self.config.pipeline.max_retry_delay
                    )
                    next_try_at = datetime.now(UTC) + timedelta(seconds=delay)
                    ctx.log(f"Trying again in {delay:g} s (try {number + 1})", logging.WARNING)
                    try_id = ctx.try_id
                    self._finish_try(ctx, UP_FOR_RETRY, message, next_try_at=next_try_at)
                    if not ctx.sleep(delay):
                        return self._stopped_waiting(ctx, try_id, number + 1, message)
                    continue
                self._finish_try(ctx, FAILED, message)
                return FAILED
            self._finish_try(ctx, SKIPPED if result == SKIPPED_TASK else SUCCESS, None)
            return SUCCESS
        return FAILED  # not reached: the last attempt returns above

    def _stopped(self, ctx: RunContext, error: str | None = None) -> RunState:
        """The try ends because the run was cancelled (or RocketWatch is quitting)."""
        state = self._stop_state
        if state == CANCELLED:
            ctx.log("Stopped: the run was cancelled", logging.WARNING)
            reason = _(CANCELLED_REASON)
        else:
            ctx.log("Stopped: RocketWatch is quitting", logging.WARNING)
            reason = _(QUIT_REASON)
        self._finish_try(
            ctx, state, _("{reason} ({error})").format(reason=reason, error=error) if error else reason
        )
        return state

    def _stopped_waiting(self, ctx: RunContext, try_id: int, next_number: int, error: str) -> RunState:
        """The run was cancelled (or RocketWatch quit) while waiting for the next try: the failed try
        says so in its state and log, and the next try never starts."""
        state = self._stop_state
        reason = _(CANCELLED_REASON) if state == CANCELLED else _(QUIT_REASON)
        words = "the run was cancelled" if state == CANCELLED else "RocketWatch is quitting"
        stamp = datetime.now().astimezone().strftime("%H:%M:%S")
        self.store.runs.append_log(try_id, f"{stamp} WARN Stopped before try {next_number}: {words}")
        self.store.runs.set_try_state(try_id, state)
        self._set_task(
            ctx.run_id, ctx.task_id, state, _("{reason} ({error})").format(reason=reason, error=error)
        )
        return state

    def _finish_try(
        self, ctx: RunContext, state: RunState, error: str | None, *, next_try_at: datetime | None = None
    ) -> None:
        self.store.runs.finish_try(ctx.try_id, state, error)
        self._set_task(
            ctx.run_id,
            ctx.task_id,
            state,
            error,
            ctx.try_number,
            next_try_at=next_try_at,
            tries_allowed=ctx.tries_allowed or None,
        )
        ctx.try_id = 0

    def _set_task(
        self,
        run_id: int,
        task_id: str,
        state: RunState,
        error: str | None = None,
        try_number: int | None = None,
        *,
        next_try_at: datetime | None = None,
        tries_allowed: int | None = None,
    ) -> None:
        self.store.runs.set_task_state(run_id, task_id, state, error)
        self._emit(
            RunEvent(
                "task_state",
                run_id,
                task_id,
                state,
                try_number,
                message=error or "",
                next_try_at=next_try_at,
                tries_allowed=tries_allowed,
            )
        )

    def _notify_failure(self, record: RunRecord, task_id: str) -> None:
        task = next(t for t in record.tasks if t.task_id == task_id)
        title = _("RocketWatch run {number} failed").format(number=record.id)
        body = ngettext(
            "{task} did not work after {count} try: {reason}",
            "{task} did not work after {count} tries: {reason}",
            task.tries,
        ).format(task=task_title(task_id), count=task.tries, reason=task.error)
        body += "\n" + _("Open Run history to see the log and retry.")
        key = f"run-{record.id}-failed-{record.retries}"
        if not self.store.ledger.claim(
            key, kind="run_failed", title=title, body=body, run_id=record.id, now=self.now()
        ):
            return
        if not self.config.notifications.failure_alerts:
            self.store.ledger.settle(key, SUPPRESSED, None, now=self.now())
            return
        try:
            backend = self.notifier.send(
                Notification(title, body, icon=app_icon_path(), urgent=True, subject=Subject.run(record.id))
            )
        except NotifyError:
            log.exception("Could not show the failure notification for run %s", record.id)
            return
        self.store.ledger.settle(key, SENT, backend, now=self.now())

    def _record(self, run_id: int) -> RunRecord:
        record = self.store.runs.get(run_id)
        assert record is not None
        return record

    def _emit(self, event: RunEvent) -> None:
        try:
            self.on_event(event)
        except Exception:  # an observer's bug must not break the run
            log.exception("A run observer failed on %s", event)
