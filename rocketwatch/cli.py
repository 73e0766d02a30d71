"""The command line: `rocketwatch` (the tray app), `run`, `retry`, `history`, `launches`, `schedule`,
`reminders`, `export-ics`.

Every command takes --home, --api-url and --demo; `--json` output is the contract for scripts and tests.
The options become one Session (session.py), which the headless commands below and the tray app
(ui/app.py, which never imports this module) share. Exit status 2: settings, options or a desktop that
cannot be used; 1: the command ran and failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rocketwatch import APP_NAME
from rocketwatch.applog import NOT_ON_CONSOLE, setup_logging
from rocketwatch.config import ConfigError
from rocketwatch.session import Session, storage_words
from rocketwatch.states import RunState
from rocketwatch.timefmt import duration_words, local, net_words

if TYPE_CHECKING:
    from rocketwatch.ll2.events import Event
    from rocketwatch.ll2.model import Launch
    from rocketwatch.pipeline import RunEvent, Runner
    from rocketwatch.store import RunRecord, Store
    from rocketwatch.store.launches import LaunchChange

log = logging.getLogger(__name__)

TRAY_COMMANDS = ("show", "run-now", "cancel", "quit")
HEADLESS_COMMANDS = (
    "run",
    "retry",
    "history",
    "launches",
    "reminders",
    "schedule",
    "export-ics",
    "mute",
    "unmute",
    "events",
)


MAX_COUNT = 100_000  # --count and --limit: more than anyone reads, and always a number SQLite can hold
MAX_RUN_ID = 2**63 - 1  # SQLite's largest row id


def _count(text: str) -> int:
    """An argparse type: a whole number from 1 to MAX_COUNT."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_COUNT}, not {value}")
    return value


def _run_id(text: str) -> int:
    """An argparse type: a run's number as `rocketwatch history` lists it."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a run's number, not {text!r}") from None
    if not 1 <= value <= MAX_RUN_ID:
        raise argparse.ArgumentTypeError(f"no run has the number {value}")
    return value


class _VersionAction(argparse.Action):
    """--version: asks git for the commit only when asked (not on every start)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from rocketwatch.version import describe

        print(describe(APP_NAME))  # rocketwatch.launch answers a lone --version before this module loads
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rocketwatch",
        description=f"{APP_NAME}: upcoming rocket launches from Launch Library 2, in your tray.",
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        nargs=0,
        help="show the version and where this copy came from (a release, or a source "
        "checkout and its commit), and exit",
    )
    parser.add_argument(
        "--home", metavar="DIR", help="keep config, data, cache and logs under DIR (also ROCKETWATCH_HOME)"
    )
    parser.add_argument(
        "--api-url", metavar="URL", help="use this LL2 base URL for this invocation only (never saved)"
    )
    parser.add_argument(
        "--demo", action="store_true", help="work offline on bundled sample launches (a local LL2 stand-in)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    json_help = "print the result as JSON (the format scripts can rely on) instead of a table"

    run = commands.add_parser(
        "run",
        help="one full run now; exit 0 if it succeeded, 1 if not",
        description="Run the pipeline once now: download the launches, get the "
        "pictures, notify. Exit 0 if the run succeeded, 1 if not. "
        "Ctrl+C cancels the run (exit 130); it can be retried.",
    )
    run.add_argument("--json", action="store_true", help="print the finished run as one JSON object")

    retry = commands.add_parser(
        "retry",
        help="retry a failed, interrupted or cancelled run",
        description="Retry a failed, interrupted or cancelled run: its failed task "
        "and everything after it, reusing what the earlier tasks saved.",
    )
    retry.add_argument(
        "run_id", type=_run_id, metavar="RUN_ID", help="the run to retry, as `rocketwatch history` lists it"
    )
    retry.add_argument("--json", action="store_true", help="print the retried run as one JSON object")

    history = commands.add_parser(
        "history",
        help="the runs, newest first",
        description="The runs, newest first, with their tasks and errors.",
    )
    history.add_argument("--json", action="store_true", help=json_help)
    history.add_argument(
        "--limit", type=_count, default=20, metavar="N", help="show at most N runs (default: 20)"
    )

    launches = commands.add_parser(
        "launches",
        help="stored upcoming launches, soonest first",
        description="The upcoming launches kept by the last runs, soonest first.",
    )
    launches.add_argument("--json", action="store_true", help=json_help)

    launch = commands.add_parser(
        "launch",
        help="one stored launch in detail, with its recorded changes",
        description="One stored launch in detail: webcasts, boosters and "
        "landings, patches, LL2's updates, and every change "
        "RocketWatch recorded (its slip timeline), oldest first.",
    )
    launch.add_argument("launch_id", metavar="ID", help="the launch's LL2 id (see: rocketwatch launches)")
    launch.add_argument("--json", action="store_true", help=json_help)

    reminders = commands.add_parser(
        "reminders",
        help="the launch reminders still to come, soonest first",
        description="The launch reminders still to come, soonest first (see [alerts] in the config file).",
    )
    reminders.add_argument("--json", action="store_true", help=json_help)

    events = commands.add_parser(
        "events",
        help="stored upcoming events (dockings, spacewalks…)",
        description="LL2's upcoming events kept by the last runs, soonest first "
        "(turn them on with [source] events = true).",
    )
    events.add_argument("--json", action="store_true", help=json_help)

    for verb, words in (
        ("mute", "no more alerts of any kind for one launch (undo: rocketwatch unmute ID)"),
        ("unmute", "alerts for a muted launch again"),
    ):
        muting = commands.add_parser(verb, help=words, description=words[:1].upper() + words[1:] + ".")
        muting.add_argument("launch_id", metavar="ID", help="the launch's LL2 id (see: rocketwatch launches)")

    export = commands.add_parser(
        "export-ics",
        help="write the watched launches to an iCalendar file",
        description="Write the watched launches to an iCalendar file that calendar apps can import.",
    )
    export.add_argument(
        "file", type=Path, metavar="FILE", help="the .ics file to write; its folder must exist"
    )

    schedule = commands.add_parser(
        "schedule",
        help="check a schedule: its words and next fire times",
        description="Check a schedule: what it means and when it fires next.",
    )
    schedule.add_argument(
        "--every",
        metavar="EXPR",
        help="a preset (@hourly, @daily…), a cron line or an interval such as 30m "
        "(default: the one in the config file)",
    )
    schedule.add_argument(
        "--count", type=_count, default=5, metavar="N", help="show the next N fire times (default: 5)"
    )
    schedule.add_argument("--json", action="store_true", help=json_help)

    show = commands.add_parser(
        "show",
        help="open a window of the running tray app",
        description="Open a window of the running tray app (starting it if needed).",
    )
    show.add_argument(
        "window",
        choices=("gallery", "history", "settings"),
        nargs="?",
        default="gallery",
        help="which window: gallery (default), history or settings",
    )
    commands.add_parser(
        "run-now",
        help="ask the running tray app to run now",
        description="Ask the running tray app to start a run now.",
    )
    commands.add_parser(
        "cancel",
        help="ask the running tray app to cancel its active run",
        description="Ask the running tray app to cancel the run it is doing now.",
    )
    commands.add_parser(
        "quit", help="ask the running tray app to quit", description="Ask the running tray app to quit."
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command
    headless = command not in (None, *TRAY_COMMANDS)
    try:
        session = Session.from_options(args.home, args.api_url, args.demo)
    except ConfigError as error:
        print(f"rocketwatch: {error}", file=sys.stderr)
        return 2
    problem = _home_problem(session)
    if problem:
        print(f"rocketwatch: {problem}", file=sys.stderr)
        return 2
    try:
        session.paths.ensure()
    except OSError as error:
        print(f"rocketwatch: {_folder_words(error, command)}", file=sys.stderr)
        return 2
    log_problem = setup_logging(
        session.paths.log_file, console_level=logging.WARNING if headless else logging.INFO
    )
    if log_problem:
        print(f"rocketwatch: {log_problem}; going on without a log file", file=sys.stderr)
    if not headless:
        from rocketwatch.ui.app import main as tray_main

        return tray_main(session, args)  # it reads the settings itself: a problem is a dialog there
    try:
        session.load()
    except ConfigError as error:
        print(
            f"rocketwatch: {error} (fix it, or move the file aside to start with defaults)", file=sys.stderr
        )
        return 2
    for warning in session.config_warnings:
        print(f"rocketwatch: warning: {warning}", file=sys.stderr)
        log.warning("%s", warning, extra=NOT_ON_CONSOLE)
    handler: Callable[[Session, argparse.Namespace], int] = COMMANDS[command]
    try:
        session.start_demo()
        return handler(session, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise  # the reader went away (`| head`): entry() ends quietly
    except (OSError, sqlite3.Error) as error:
        # A full disk or a database that cannot be written: plain words here, the details in the log.
        log.info("rocketwatch %s failed", command, exc_info=True)  # the log file only
        print(f"rocketwatch: {storage_words(error, session.paths, command)}", file=sys.stderr)
        return 1
    finally:
        session.stop_demo()


def _home_problem(session: Session) -> str:
    """Why the home folder cannot be used, before anything is made in it ('' when it can)."""
    home = session.home
    if home is None:
        return ""
    home = home.expanduser()
    if home.exists() and not home.is_dir():
        return f"--home {home} is a file, not a folder; give a folder (it is made if missing)"
    return ""


def _folder_words(error: OSError, command: str | None) -> str:
    where = error.filename or "a RocketWatch folder"
    advice = "check that folder's permissions, or keep RocketWatch's files elsewhere with --home DIR"
    if isinstance(error, FileExistsError | NotADirectoryError):
        return f"cannot make the folder {where}: a file is in the way; move it, or use --home DIR"
    return f"cannot make or use the folder {where} ({error.strerror}); {advice}"


# The session's store and runner, for the commands below (typed: a run id can be followed into the store).
def open_store(session: Session) -> Store:
    return session.open_store()


def make_runner(
    session: Session, store: Store, *, on_event: Callable[[RunEvent], None] | None = None
) -> Runner:
    return session.make_runner(store, on_event=on_event)


# --- commands -----------------------------------------------------------------------------------
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
        print("Cancelling the run (Ctrl+C again to stop at once)…", file=sys.stderr, flush=True)
        runner.cancel()
        done.wait()  # a second Ctrl+C raises here: the run is marked interrupted at the next start
    worker.join()
    if failure:
        raise failure[0]
    return result[0], cancelled


class TryPrinter:
    """Prints each try of a run on stderr as it ends: task, try, outcome, reason, and the next try."""

    OUTCOMES: ClassVar[dict[str, str]] = {
        RunState.SUCCESS: "succeeded",
        RunState.FAILED: "failed",
        RunState.UP_FOR_RETRY: "failed",
        RunState.CANCELLED: "cancelled",
        RunState.INTERRUPTED: "interrupted",
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
        line = (
            f"{TASK_MARKS.get(event.state, '?')} {event.task_id}: try {event.try_number} of {allowed} "
            f"{self.OUTCOMES[event.state]}"
        )
        if event.message and event.state != RunState.SUCCESS:
            line += f": {event.message}"
        if event.next_try_at is not None:
            line += f"; next try at {next_try_words(event.next_try_at)}"
        elif event.state == RunState.FAILED:
            line += "; no tries left"
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
        print("No runs yet. Start one with: rocketwatch run")
        return 0
    rows = [("RUN", "STATE", "TRIGGER", "STARTED", "TOOK", "TASKS", "LAUNCHES", "ERROR")]
    for record in records:
        started = local(record.started_at or record.created_at).strftime("%a %d %b %H:%M")
        took = duration_words_s(record.duration_s)
        tasks = " ".join(TASK_MARKS.get(task.state, "?") for task in record.tasks)
        launches = "" if record.launches is None else f"{record.launches} ({record.new_launches} new)"
        rows.append(
            (
                str(record.id),
                record.state,
                record.trigger,
                started,
                took,
                tasks,
                launches,
                _clip(record.error.splitlines()[0], 80) if record.error else "",
            )
        )
    print_table(rows)
    print(
        "\nTasks: download_launches get_pictures notify  (✓ success  ✗ failed  ↻ up for retry  "
        "… running  – skipped  ! interrupted  ⊘ cancelled  · queued)"
    )
    return 0


TASK_MARKS = {
    RunState.SUCCESS: "✓",
    RunState.FAILED: "✗",
    RunState.UP_FOR_RETRY: "↻",
    RunState.RUNNING: "…",
    RunState.SKIPPED: "–",
    RunState.INTERRUPTED: "!",
    RunState.CANCELLED: "⊘",
    RunState.QUEUED: "·",
}


def duration_words_s(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    return duration_words(timedelta(seconds=seconds))


def _utc_text(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def launch_json(launch: Launch, store: Store) -> dict[str, Any]:
    """One launch as `launches --json` prints it (picture and patch paths from the picture cache)."""
    image, thumbnail = store.images.paths_for(launch.image_url)
    best = launch.best_webcast
    return {
        "id": launch.id,
        "name": launch.name,
        "net": _utc_text(launch.net),
        "net_precision": launch.net_precision,
        "status": launch.status_abbrev,
        "provider": launch.provider,
        "location": launch.location,
        "image_url": launch.image_url,
        "image_path": str(image) if image else None,
        "thumbnail_path": str(thumbnail) if thumbnail else None,
        "webcast_url": best.url if best else None,
        "webcast_live": launch.webcast_live,
        "webcasts": [
            {
                "url": link.url,
                "title": link.title,
                "publisher": link.publisher,
                "language": link.language,
                "priority": link.priority,
                "live": link.live,
                "start": _utc_text(link.start),
                "end": _utc_text(link.end),
            }
            for link in launch.webcasts
        ],
        "landings": [
            {
                "stage": stage.stage,
                "serial": stage.serial,
                "flight_number": stage.flight_number,
                "reused": stage.reused,
                "attempt": stage.attempt,
                "success": stage.success,
                "location": stage.location,
                "type": stage.type,
            }
            for stage in launch.landings
        ],
        "patches": [
            {
                "name": patch.name,
                "image_url": patch.image_url,
                "image_path": _path_text(store.images.paths_for(patch.image_url)[0]),
            }
            for patch in launch.patches
        ],
        "updates": [
            {
                "created_at": _utc_text(update.created_at),
                "author": update.author,
                "comment": update.comment,
                "info_url": update.info_url or None,
            }
            for update in launch.updates
        ],
        "programs": list(launch.programs),
        "probability": launch.probability,
        "weather_concerns": launch.weather_concerns or None,
        "muted": store.mutes.is_muted(launch.id),
    }


def _path_text(path: Path | None) -> str | None:
    return str(path) if path else None


def cmd_launches(session: Session, args: argparse.Namespace) -> int:
    with open_store(session) as store:
        launches = store.launches.upcoming()
        if args.json:
            print(
                json.dumps([launch_json(launch, store) for launch in launches], indent=2, ensure_ascii=False)
            )
            return 0
    if not launches:
        print("No launches stored yet. Fetch them with: rocketwatch run")
        return 0
    rows = [("NET (local)", "STATUS", "LAUNCH", "PROVIDER", "LOCATION")]
    for launch in launches:
        rows.append(
            (
                net_words(launch.net, launch.net_precision),
                launch.status_abbrev,
                _clip(launch.name, 48),
                _clip(launch.provider, 28),
                _clip(launch.location, 36),
            )
        )
    print_table(rows)
    return 0


def cmd_launch(session: Session, args: argparse.Namespace) -> int:
    """One launch with everything kept about it and its slip timeline (changes, oldest first)."""
    with open_store(session) as store:
        launch = store.launches.get(args.launch_id)
        if launch is None:
            print(f"rocketwatch: no stored launch has the id {args.launch_id!r}", file=sys.stderr)
            return 1
        data = launch_json(launch, store)
        changes = store.launches.changes(launch_id=launch.id)
    data["changes"] = [
        {"seen_at": _utc_text(change.noticed_at), "field": change.field, "old": change.old, "new": change.new}
        for change in changes
    ]
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    for line in launch_lines(launch, data, changes):
        print(line)
    return 0


def launch_lines(launch: Launch, data: dict[str, Any], changes: Sequence[LaunchChange]) -> list[str]:
    """The plain-text page of `launch ID`, in the detail pane's words (rocketwatch.launch_words)."""
    from rocketwatch import launch_words

    lines = [
        launch.name,
        f"  NET      {launch_words.net_local_and_utc(launch)} ({launch.status_name})",
        f"  From     {launch.pad}, {launch.location}",
        f"  By       {launch.provider} · {launch.rocket}",
    ]
    if launch.probability is not None:
        lines.append(
            f"  Weather  {launch.probability}% go"
            + (f"; {launch.weather_concerns}" if launch.weather_concerns else "")
        )
    if launch.programs:
        lines.append(f"  Program  {', '.join(launch.programs)}")
    for link in launch.webcasts:
        lines.append(
            f"  Webcast  {launch_words.webcast_title(link)} ({launch_words.webcast_details(link)}): "
            f"{link.url}"
        )
    for stage in launch.landings:
        lines.append(f"  Booster  {launch_words.booster_words(stage)}: {launch_words.landing_words(stage)}")
    for patch in data["patches"]:
        lines.append(f"  Patch    {patch['name']}" + ("" if patch["image_path"] else " (picture not kept)"))
    for update in launch_words.newest_first(launch.updates)[:5]:
        lines.append(
            f"  Update   {launch_words.update_heading(update)}: "
            f"{_clip(' '.join(update.comment.split()), 100)}"
        )
    timeline = launch_words.timeline(changes, precision=launch.net_precision)
    if timeline:
        lines.append("Changes RocketWatch saw (oldest first):")
        lines += [f"  {what} ({seen})" for what, seen in timeline]
    return lines


def cmd_schedule(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.rate_limit import rate_limit_warning
    from rocketwatch.schedule import ScheduleError, local_tz, parse_every

    expr = args.every if args.every is not None else session.config.schedule.every
    try:
        schedule = parse_every(expr)
    except ScheduleError as error:
        print(f"rocketwatch: {error}", file=sys.stderr)
        return 2
    tz = local_tz()
    now = datetime.now(tz)
    times = schedule.next_fire_times(args.count, now, tz)
    per_hour = schedule.max_runs_per_hour(tz)
    source = session.config.source
    warning = rate_limit_warning(schedule, source.api_url, source.token, tz)
    if args.json:
        print(
            json.dumps(
                {
                    "every": expr,
                    "description": schedule.describe(),
                    "timezone": str(tz),
                    "next": [t.isoformat() for t in times],
                    "max_runs_per_hour": per_hour,
                    "warning": warning,
                },
                indent=2,
            )
        )
        return 0
    print(f"{expr}: {schedule.describe()} ({tz})")
    for moment in times:
        print(f"  {moment.strftime('%a %d %b %Y %H:%M %Z')}")
    if len(times) < args.count:
        print(f"  (no more fire times{' after that' if times else ''}: dates end with the year 9999)")
    if warning:
        print(f"Warning: {warning}")
    return 0


def cmd_reminders(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.pipeline.alerting import planned_reminders

    now = datetime.now(UTC)
    with open_store(session) as store:
        planned = planned_reminders(store, session.config, now)
    if args.json:
        print(json.dumps([item.to_json() for item in planned], indent=2, ensure_ascii=False))
        return 0
    if not planned:
        print(
            "No reminders to come. Launches get them when their NET is known to the hour "
            "(see [alerts] in the config file)."
        )
        return 0
    from rocketwatch.alerts import lead_words

    rows = [("REMINDS AT (local)", "BEFORE", "NET (local)", "LAUNCH")]
    for item in planned:
        lead = timedelta(seconds=item.lead_s)
        rows.append(
            (
                local(item.fire_at).strftime("%a %d %b %H:%M"),
                lead_words(lead),
                local(item.fire_at + lead).strftime("%a %d %b %H:%M"),
                _clip(item.name, 60),
            )
        )
    print_table(rows)
    return 0


def event_json(event: Event, store: Store) -> dict[str, Any]:
    """One event as `events --json` prints it (the picture's path from the picture cache)."""
    image, _thumbnail = store.images.paths_for(event.image_url or None)
    return {
        "id": event.id,
        "name": event.name,
        "type": event.type,
        "date": _utc_text(event.date),
        "date_precision": event.date_precision,
        "location": event.location,
        "description": event.description,
        "image_url": event.image_url or None,
        "image_path": _path_text(image),
        "webcast_url": event.webcast_url or None,
        "launch_ids": list(event.launch_ids),
    }


def cmd_events(session: Session, args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    with open_store(session) as store:
        events = store.events.upcoming(since=now - timedelta(days=1))
        if args.json:
            print(json.dumps([event_json(event, store) for event in events], indent=2, ensure_ascii=False))
            return 0
    if not events:
        words = "" if session.config.source.events else " Turn them on with [source] events = true, then:"
        print(f"No events stored yet.{words} rocketwatch run")
        return 0
    rows = [("DATE (local)", "TYPE", "EVENT", "LOCATION")]
    for event in events:
        rows.append(
            (
                net_words(event.date, event.date_precision),
                _clip(event.type, 20),
                _clip(event.name, 48),
                _clip(event.location, 36),
            )
        )
    print_table(rows)
    return 0


def cmd_mute(session: Session, args: argparse.Namespace) -> int:
    """`mute ID` / `unmute ID`: kept in the store, so the tray app (which plans again) and every later
    run follow it."""
    with open_store(session) as store:
        launch = store.launches.get(args.launch_id)
        if launch is None:
            print(f"rocketwatch: no stored launch has the id {args.launch_id!r}", file=sys.stderr)
            return 1
        if args.command == "mute":
            changed = store.mutes.mute(launch.id)
            print(f"Muted: {launch.name}" if changed else f"Already muted: {launch.name}")
        else:
            changed = store.mutes.unmute(launch.id)
            print(f"Unmuted: {launch.name}" if changed else f"Not muted: {launch.name}")
    return 0


def cmd_export_ics(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.calendar import export_ics

    target = args.file.expanduser()
    if not target.parent.is_dir():
        print(
            f"rocketwatch: cannot write {target}: the folder {target.parent} does not exist", file=sys.stderr
        )
        return 1
    if target.is_dir():
        print(
            f"rocketwatch: cannot write {target}: it is a folder; name a file such as "
            f"{target / 'launches.ics'}",
            file=sys.stderr,
        )
        return 1
    try:
        with open_store(session) as store:
            count = export_ics(store, target, session.config.alerts)
    except OSError as error:
        print(f"rocketwatch: cannot write {target}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"Wrote {count} launch{'es' if count != 1 else ''} to {target}")
    return 0


COMMANDS: dict[str, Callable[[Session, argparse.Namespace], int]] = {
    "run": cmd_run,
    "retry": cmd_retry,
    "history": cmd_history,
    "launches": cmd_launches,
    "launch": cmd_launch,
    "schedule": cmd_schedule,
    "reminders": cmd_reminders,
    "export-ics": cmd_export_ics,
    "events": cmd_events,
    "mute": cmd_mute,
    "unmute": cmd_mute,
}


# --- text output --------------------------------------------------------------------------------
def _print_run(store: Store, record: RunRecord, as_json: bool) -> None:
    if as_json:
        print(json.dumps(record.to_json(), indent=2))
        return
    verb = {
        RunState.SUCCESS: "succeeded",
        RunState.FAILED: "failed",
        RunState.SKIPPED: "was skipped",
        RunState.INTERRUPTED: "was interrupted",
        RunState.CANCELLED: "was cancelled",
    }.get(record.state, str(record.state))
    took = f" in {duration_words_s(record.duration_s)}" if record.duration_s is not None else ""
    print(f"Run {record.id} {verb}{took} ({record.trigger})")
    for task in record.tasks:
        tries = f"{task.tries} {'try' if task.tries == 1 else 'tries'}" if task.tries else ""
        error = f"  {task.error}" if task.error and task.state != RunState.SUCCESS else ""
        print(f"  {TASK_MARKS.get(task.state, '?')} {task.task_id:<18} {task.state:<12} {tries}{error}")
    if record.state == RunState.SKIPPED:
        print(f"  {record.error}")
        return
    if record.launches is not None:
        print(
            f"Launches: {record.launches} ({record.new_launches} new, {record.changed_launches} changed)"
            f" · LL2 requests: {record.api_requests}"
        )
    images = record.images
    if images.get("distinct") is not None:
        print(
            f"Pictures: {images['distinct']} distinct · {images['downloaded']} downloaded · "
            f"{images['cached']} already kept · {images['failed']} failed"
        )
    for entry in store.ledger.entries(run_id=record.id):
        what = "" if entry.kind == "summary" or not entry.body else f" — {entry.body.splitlines()[0]}"
        print(f"{notification_words(entry.state, entry.backend)}: {entry.title}{what}")
    if record.error and record.state != RunState.SUCCESS:
        print(f"Error: {record.error}")
        if record.state in (RunState.FAILED, RunState.INTERRUPTED, RunState.CANCELLED):
            print(f"Retry it with: rocketwatch retry {record.id}")


def notification_words(state: str, backend: str | None) -> str:
    """How a notification went, plainly: "Notification sent (notify-send)"."""
    if state == "sent" and backend == "log":
        return "Notification written to the log (no desktop notification service)"
    if state == "sent":
        return f"Notification sent ({backend})" if backend else "Notification sent"
    words = {
        "suppressed": "not shown (turned off, or in quiet hours)",
        "failed": "not sent (it failed)",
        "claimed": "being sent",
    }
    return f"Notification {words.get(state, state)}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


# What the shell reports for a program that a closed pipe ended (`seq 100000 | head -1`: 128 + SIGPIPE);
# Windows has no SIGPIPE, and there a closed pipe is an error like any other.
CLOSED_PIPE_STATUS = 128 + getattr(signal, "SIGPIPE", 1 - 128)


def entry() -> None:
    """The console script. A reader that goes away (`rocketwatch history | head -1`) ends it quietly, with
    the status the shell gives any program a closed pipe ends (141)."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point stdout at nothing first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = CLOSED_PIPE_STATUS
    sys.exit(code)
