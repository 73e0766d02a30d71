"""One try of one task for an outside scheduler (Apache Airflow), which runs each task in its own process.

An outside run is one RocketWatch run, found again by the scheduler's own run id; between its tasks the
run is held, so no other run starts in the gap.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta

from rocketwatch.fileio import is_disk_full
from rocketwatch.i18n import _
from rocketwatch.pipeline.context import NotRetryable, RunContext, RunEvent, TaskError, plain_error
from rocketwatch.pipeline.dag import OPTIONAL_TASKS, SKIPPED_TASK, TASK_IDS, TASK_TITLES
from rocketwatch.pipeline.lock import RunLock
from rocketwatch.pipeline.runner import DIED_REASON, Runner, backoff_delay
from rocketwatch.pipeline.tasks import TASKS
from rocketwatch.store import RunRecord
from rocketwatch.store.runs import FAILED, RETRYABLE_STATES, RUNNING, SKIPPED, SUCCESS, UP_FOR_RETRY

log = logging.getLogger(__name__)

# How long a run stays held past the moment its next task (or try) is due: the outside scheduler's own
# delay in starting a task. A run whose scheduler went away is interrupted after this (and can go on).
HOLD_GRACE = timedelta(minutes=10)
# How long a try waits for another RocketWatch run (the tray's) to finish before it fails and lets the
# outside scheduler try again later.
LOCK_WAIT_S = 300.0
# The pipeline an outside scheduler runs: the three tasks, and the events when [source] events is on.
CORE_TASKS = ("download_launches", "get_pictures", "notify")


def outside_task_ids(events: bool) -> tuple[str, ...]:
    """The tasks of an outside run, in order (a subsequence of the app's own)."""
    return tuple(
        task_id for task_id in TASK_IDS if task_id in CORE_TASKS or (events and task_id in OPTIONAL_TASKS)
    )


class RunBusy(RuntimeError):
    """Another run holds this home: the outside scheduler should try again later."""


class OutsideTaskFailed(RuntimeError):
    """The try failed; `retryable` says whether a later try of the outside scheduler may fix it."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class OutsideTry:
    external_id: str  # the outside scheduler's id for the run (Airflow's run_id)
    task_id: str
    try_number: int  # the outside scheduler's number for this try (1 for the first)
    max_tries: int  # the outside scheduler's last retry number: tries after `max_tries` are the last
    trigger: str = "airflow"

    @property
    def final(self) -> bool:
        return self.try_number > self.max_tries


class OutsideRunner(Runner):
    """A Runner whose retries and order are the outside scheduler's: `run_try` runs exactly one try."""

    def run_try(
        self, attempt: OutsideTry, task_ids: tuple[str, ...], *, lock_wait: float = LOCK_WAIT_S
    ) -> str:
        """Run one try of `attempt.task_id` in the run the scheduler calls `attempt.external_id`; returns
        the task's state. Raises OutsideTaskFailed when the try failed, RunBusy when another run is on."""
        if attempt.task_id not in task_ids:
            raise ValueError(f"unknown task {attempt.task_id!r}")
        lock = RunLock(self.paths.data_dir)
        if not lock.try_acquire(lock_wait):
            raise RunBusy(_("Another RocketWatch run is in progress; trying again later"))
        try:
            self._mark_dead_runs()
            record = self._open(attempt, task_ids)
            if record is None:  # RocketWatch's own retry already did this task: its outcome stands
                return SUCCESS
            return self._try(record.id, attempt, task_ids)
        finally:
            lock.release()

    def _open(self, attempt: OutsideTry, task_ids: tuple[str, ...]) -> RunRecord | None:
        """The run to work in, made or continued (None when the task is already done by RocketWatch)."""
        record = self.store.runs.find_external(attempt.external_id)
        others = [run for run in self.store.runs.active() if record is None or run.id != record.id]
        if record is not None:
            task = next((t for t in record.tasks if t.task_id == attempt.task_id), None)
            tries = [t for t in self.store.runs.tries(record.id) if t.task_id == attempt.task_id]
            if task is not None and task.state == SUCCESS and tries and tries[-1].external_try is None:
                log.info(
                    "Run %s: %s was done by a RocketWatch retry; %s takes that outcome",
                    record.id,
                    attempt.task_id,
                    attempt.trigger,
                )
                if record.state != SUCCESS and attempt.task_id == task_ids[-1]:
                    self.store.runs.finish(record.id, SUCCESS)
                return None
        if others:
            raise RunBusy(_("Run {run} is in progress; trying again later").format(run=others[-1].id))
        if record is None:
            run_id = self.store.runs.create(
                attempt.trigger, task_ids, os.getpid(), now=self.now(), external_id=attempt.external_id
            )
            self._emit(RunEvent("run_started", run_id, state=RUNNING, message=attempt.trigger))
            return self._record(run_id)
        if record.state in RETRYABLE_STATES or record.state == SUCCESS:
            # A task cleared in the outside scheduler: the same run goes on from that task.
            self.store.runs.reopen(record.id, attempt.task_id, os.getpid(), task_ids)
            self._emit(RunEvent("run_started", record.id, state=RUNNING, message="retry"))
        elif self.store.runs.interrupt_tries(record.id, DIED_REASON):  # its last task process died
            log.warning("Run %s: a try whose process ended without a word is marked interrupted", record.id)
        return self._record(record.id)

    def _try(self, run_id: int, attempt: OutsideTry, task_ids: tuple[str, ...]) -> str:
        # Held while the try runs too: if this process dies, no other run starts before the scheduler
        # notices and tries again (or the hold ends).
        self.store.runs.hold(run_id, self.now() + HOLD_GRACE, os.getpid())
        ctx = RunContext(
            run_id, self.paths, self.config, self.store, self.notifier, cancel=self.cancel_event,
            emit=self._emit, now=self.now,
        )  # fmt: skip
        function = dict(TASKS)[attempt.task_id]
        task_id = attempt.task_id
        try_id, number = self.store.runs.start_try(
            run_id, task_id, now=self.now(), external_try=attempt.try_number
        )
        ctx.task_id, ctx.try_id, ctx.try_number = task_id, try_id, number
        ctx.tries_allowed = number + max(0, attempt.max_tries + 1 - attempt.try_number)
        self._emit(RunEvent("task_state", run_id, task_id, RUNNING, number))
        ctx.log(
            _("{scheduler} try {number} of {tries} (its run {run})").format(
                scheduler=attempt.trigger.capitalize(),
                number=attempt.try_number,
                tries=attempt.max_tries + 1,
                run=attempt.external_id,
            )
        )
        try:
            result = function(ctx)
        except Exception as error:  # the try's failure is recorded, then reported to the scheduler
            message = plain_error(error)
            if not isinstance(error, TaskError) and not is_disk_full(error):
                log.exception("Task %s of run %s crashed", task_id, run_id)
            ctx.log(message, logging.ERROR)
            retryable = not isinstance(error, NotRetryable)
            if attempt.final or not retryable:
                self._finish_try(ctx, FAILED, message)
                if task_id in OPTIONAL_TASKS:  # the run's launches are kept: the run goes on
                    log.warning("Run %s: %s failed; the run's launches are kept", run_id, task_id)
                    self._after_success(run_id, task_id, task_ids)
                    return FAILED
                self._end_failed(run_id, task_id, task_ids, message)
                raise OutsideTaskFailed(message, retryable=False) from error
            pipeline = self.config.pipeline
            delay = backoff_delay(attempt.try_number, pipeline.retry_delay, pipeline.max_retry_delay)
            next_try_at = self.now() + timedelta(seconds=delay)
            ctx.log(
                _("{scheduler} tries again in about {delay} s").format(
                    scheduler=attempt.trigger.capitalize(), delay=f"{delay:g}"
                ),
                logging.WARNING,
            )
            self._finish_try(ctx, UP_FOR_RETRY, message, next_try_at=next_try_at)
            self.store.runs.hold(run_id, next_try_at + HOLD_GRACE)
            raise OutsideTaskFailed(message, retryable=True) from error
        state = SKIPPED if result == SKIPPED_TASK else SUCCESS
        self._finish_try(ctx, state, None)
        self._after_success(run_id, task_id, task_ids)
        return state

    def _after_success(self, run_id: int, task_id: str, task_ids: tuple[str, ...]) -> None:
        if task_id != task_ids[-1]:
            self.store.runs.hold(run_id, self.now() + HOLD_GRACE)
            return
        self.store.runs.finish(run_id, SUCCESS)
        self._prune(run_id)
        self._emit(RunEvent("run_finished", run_id, state=SUCCESS))

    def _end_failed(self, run_id: int, task_id: str, task_ids: tuple[str, ...], error: str) -> None:
        """The last try of a task the run needs failed: the tasks after it are skipped, the run failed."""
        for later in task_ids[task_ids.index(task_id) + 1 :]:
            self._set_task(run_id, later, SKIPPED)
        message = f"{TASK_TITLES[task_id]} failed: {error}"
        self.store.runs.finish(run_id, FAILED, message)
        record = self._record(run_id)
        self._notify_failure(record, task_id)
        self._prune(run_id)
        self._emit(RunEvent("run_finished", run_id, state=FAILED, message=message))
