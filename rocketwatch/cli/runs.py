"""The commands about runs: `run`, `retry` (Ctrl+C cancels), `history`, and how a run is printed."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rocketwatch.cli.common import (
    TASK_MARKS,
    clip,
    duration_words_s,
    ljust,
    make_runner,
    open_store,
    print_table,
)
from rocketwatch.i18n import N_, _, ngettext
from rocketwatch.session import Session
from rocketwatch.states import RunState, state_word, trigger_words
from rocketwatch.timefmt import net_words

if TYPE_CHECKING:
    from rocketwatch.pipeline import RunEvent, Runner
    from rocketwatch.store import RunRecord, Store

log = logging.getLogger(__name__)


def cmd_run(session: Session, args: argparse.Namespace) -> int:
    with open_store(session) as store:
        record, cancelled = run_cancellable(session, store, args.json, lambda runner: runner.run("manual"))
        _print_run(store, record, args.json)
    if cancelled and record.state == RunState.CANCELLED:
        return 130
    return 0 if record.state == RunState.SUCCESS else 1


def run_cancellable(
    session: Session, store: Store, as_json: bool, work: Callable[[Runner], RunRecord]
) -> tuple[RunRecord, bool]:
    """Do `work(runner)` (a run or a retry) in a worker thread, so that Ctrl+C here cancels the run (it
    ends cancelled, retryable); without --json each try is printed on stderr as it ends. Returns the
    final record and whether Ctrl+C was pressed; the work's exceptions are raised here again."""
    import threading

    progress = None if as_json else TryPrinter(session.config.pipeline.retries + 1)
    if progress is not None:  # the tries are printed once, in plain words, not also as log records
        for handler in logging.getLogger().handlers:
            if type(handler) is logging.StreamHandler:
                handler.addFilter(lambda record: not record.name.startswith("rocketwatch.pipeline"))
    runner = make_runner(session, store, on_event=progress)
    result: list[RunRecord] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        try:
            result.append(work(runner))
        except BaseException as error:  # raised again below, in the main thread
            failure.append(error)
        finally:
            store.db.close_thread_connection()
            done.set()

    worker = threading.Thread(target=target, name="rocketwatch-run", daemon=True)
    worker.start()
    cancelled = False
    try:
        done.wait()  # an Event, not join(): an interrupted join() can forget the thread is alive
    except KeyboardInterrupt:
        cancelled = True
        print(_("Cancelling the run (Ctrl+C again to stop at once)…"), file=sys.stderr, flush=True)
        runner.cancel()
        done.wait()  # a second Ctrl+C raises here: the run is marked interrupted at the next start
    worker.join()
    if failure:
        raise failure[0]
    return result[0], cancelled


class TryPrinter:
    """Prints each try of a run on stderr as it ends: task, try, outcome, reason, and the next try."""

    # How a try ended, as a whole line (marked only: shown with _()).
    OUTCOMES: ClassVar[dict[str, str]] = {
        RunState.SUCCESS: N_("{mark} {task}: try {number} of {allowed} succeeded"),
        RunState.FAILED: N_("{mark} {task}: try {number} of {allowed} failed"),
        RunState.UP_FOR_RETRY: N_("{mark} {task}: try {number} of {allowed} failed"),
        RunState.CANCELLED: N_("{mark} {task}: try {number} of {allowed} cancelled"),
        RunState.INTERRUPTED: N_("{mark} {task}: try {number} of {allowed} interrupted"),
    }

    def __init__(self, tries_allowed: int) -> None:
        self.tries_allowed = tries_allowed
        self.reader_gone = False

    def __call__(self, event: RunEvent) -> None:
        if event.kind != "task_state" or event.try_number is None or event.state not in self.OUTCOMES:
            return
        if self.reader_gone:
            return
        from rocketwatch.pipeline.runner import next_try_words

        allowed = event.tries_allowed or self.tries_allowed
        line = _(self.OUTCOMES[event.state]).format(
            mark=TASK_MARKS.get(event.state, "?"),
            task=event.task_id,
            number=event.try_number,
            allowed=allowed,
        )
        if event.message and event.state != RunState.SUCCESS:
            line = _("{line}: {reason}").format(line=line, reason=event.message)
        if event.next_try_at is not None:
            line = _("{line}; next try at {when}").format(line=line, when=next_try_words(event.next_try_at))
        elif event.state == RunState.FAILED:
            line = _("{line}; no tries left").format(line=line)
        try:
            print(line, file=sys.stderr, flush=True)
        except BrokenPipeError:  # `run 2>&1 | head -1`: no one reads on; the run itself goes on
            self.reader_gone = True


def cmd_retry(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.pipeline import RunRefused

    with open_store(session) as store:
        try:
            record, cancelled = run_cancellable(
                session, store, args.json, lambda runner: runner.retry(args.run_id)
            )
        except RunRefused as error:
            print(f"rocketwatch: {error}", file=sys.stderr)
            return 1
        _print_run(store, record, args.json)
    if cancelled and record.state == RunState.CANCELLED:
        return 130
    return 0 if record.state == RunState.SUCCESS else 1


def cmd_history(session: Session, args: argparse.Namespace) -> int:
    with open_store(session) as store:
        make_runner(session, store).recover()
        records = store.runs.latest(limit=args.limit)
    if args.json:
        print(json.dumps([record.to_json() for record in records], indent=2))
        return 0
    if not records:
        print(_("No runs yet. Start one with: rocketwatch run"))
        return 0
    rows = [
        (_("RUN"), _("STATE"), _("TRIGGER"), _("STARTED"), _("TOOK"), _("TASKS"), _("LAUNCHES"), _("ERROR"))
    ]
    for record in records:
        # A moment as the launch times are written (in the reader's language once timefmt speaks it).
        started = net_words(record.started_at or record.created_at, "MIN")
        took = duration_words_s(record.duration_s)
        tasks = " ".join(TASK_MARKS.get(task.state, "?") for task in record.tasks)
        launches = (
            ""
            if record.launches is None
            else _("{count} ({new} new)").format(count=record.launches, new=record.new_launches)
        )
        rows.append(
            (
                str(record.id),
                state_word(record.state),
                trigger_words(record.trigger),
                started,
                took,
                tasks,
                launches,
                clip(record.error.splitlines()[0], 80) if record.error else "",
            )
        )
    print_table(rows)
    print()
    print(
        _(
            "Tasks: download_launches get_pictures notify  (✓ success  ✗ failed  ↻ up for retry  "
            "… running  – skipped  ! interrupted  ⊘ cancelled  · queued)"
        )
    )
    return 0


def _print_run(store: Store, record: RunRecord, as_json: bool) -> None:
    if as_json:
        print(json.dumps(record.to_json(), indent=2))
        return
    print(run_headline(record))
    for task in record.tasks:
        tries = (
            ngettext("{count} try", "{count} tries", task.tries).format(count=task.tries)
            if task.tries
            else ""
        )
        error = f"  {task.error}" if task.error and task.state != RunState.SUCCESS else ""
        state = ljust(state_word(task.state), 12)
        print(f"  {TASK_MARKS.get(task.state, '?')} {task.task_id:<18} {state} {tries}{error}")
    if record.state == RunState.SKIPPED:
        print(f"  {record.error}")
        return
    if record.launches is not None:
        print(
            _("Launches: {count} ({new} new, {changed} changed) · LL2 requests: {requests}").format(
                count=record.launches,
                new=record.new_launches,
                changed=record.changed_launches,
                requests=record.api_requests,
            )
        )
    images = record.images
    if images.get("distinct") is not None:
        print(
            _(
                "Pictures: {distinct} distinct · {downloaded} downloaded · {cached} already kept · "
                "{failed} failed"
            ).format(
                distinct=images["distinct"],
                downloaded=images["downloaded"],
                cached=images["cached"],
                failed=images["failed"],
            )
        )
    for entry in store.ledger.entries(run_id=record.id):
        what = "" if entry.kind == "summary" or not entry.body else f" — {entry.body.splitlines()[0]}"
        print(f"{notification_words(entry.state, entry.backend)}: {entry.title}{what}")
    if record.error and record.state != RunState.SUCCESS:
        print(_("Error: {error}").format(error=record.error))
        if record.state in (RunState.FAILED, RunState.INTERRUPTED, RunState.CANCELLED):
            print(_("Retry it with: rocketwatch retry {number}").format(number=record.id))


# The first line of a finished run, per state: with how long it took, and without (marked only).
RUN_HEADLINES = {
    RunState.SUCCESS: (
        N_("Run {number} succeeded in {duration} ({trigger})"),
        N_("Run {number} succeeded ({trigger})"),
    ),
    RunState.FAILED: (
        N_("Run {number} failed in {duration} ({trigger})"),
        N_("Run {number} failed ({trigger})"),
    ),
    RunState.SKIPPED: (
        N_("Run {number} was skipped in {duration} ({trigger})"),
        N_("Run {number} was skipped ({trigger})"),
    ),
    RunState.INTERRUPTED: (
        N_("Run {number} was interrupted in {duration} ({trigger})"),
        N_("Run {number} was interrupted ({trigger})"),
    ),
    RunState.CANCELLED: (
        N_("Run {number} was cancelled in {duration} ({trigger})"),
        N_("Run {number} was cancelled ({trigger})"),
    ),
}


def run_headline(record: RunRecord) -> str:
    """'Run 3 succeeded in 2.1 s (manual)', in the current language."""
    timed, untimed = RUN_HEADLINES.get(
        record.state,
        (N_("Run {number} {state} in {duration} ({trigger})"), N_("Run {number} {state} ({trigger})")),
    )
    words = _(timed) if record.duration_s is not None else _(untimed)
    return words.format(
        number=record.id,
        state=state_word(record.state),
        duration=duration_words_s(record.duration_s),
        trigger=trigger_words(record.trigger),
    )


def notification_words(state: str, backend: str | None) -> str:
    """How a notification went, plainly: "Notification sent (notify-send)"."""
    if state == "sent" and backend == "log":
        return _("Notification written to the log (no desktop notification service)")
    if state == "sent":
        return (
            _("Notification sent ({backend})").format(backend=backend) if backend else _("Notification sent")
        )
    words = {
        "suppressed": N_("Notification not shown (turned off, or in quiet hours)"),
        "failed": N_("Notification not sent (it failed)"),
        "claimed": N_("Notification being sent"),
    }
    return _(words[state]) if state in words else _("Notification {state}").format(state=state)
