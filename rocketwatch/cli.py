"""The command line: `rocketwatch` (the tray app), `run`, `retry`, `history`, `launches`, `schedule`,
`reminders`, `export-ics`.

Every command takes --home, --api-url and --demo; `--json` output is the contract for scripts and tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs

from rocketwatch import APP_ID, APP_NAME, __version__
from rocketwatch.applog import setup_logging
from rocketwatch.config import Config, ConfigError, Paths, home_from_env, load_config, paths_for
from rocketwatch.timefmt import duration_words, local, net_words

log = logging.getLogger(__name__)

DEMO_PORT = 47_474  # a fixed port keeps the demo's picture URLs (and so the picture cache) stable
TRAY_COMMANDS = ("show", "run-now", "quit")


@dataclass
class Session:
    """What a command works with: paths, settings and (for --demo) the running stand-in."""

    paths: Paths
    config: Config
    home: Path | None
    demo: bool


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rocketwatch",
        description=f"{APP_NAME}: upcoming rocket launches from Launch Library 2, in your tray.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--home", metavar="DIR",
                        help="keep config, data, cache and logs under DIR (also ROCKETWATCH_HOME)")
    parser.add_argument("--api-url", metavar="URL", help="use this LL2 base URL for this invocation")
    parser.add_argument("--demo", action="store_true",
                        help="work offline on bundled sample launches (a local LL2 stand-in)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="one full run now; exit 0 if it succeeded, 1 if not")
    run.add_argument("--json", action="store_true", help="print the run as one JSON object")

    retry = commands.add_parser("retry", help="retry a failed or interrupted run from its failed task")
    retry.add_argument("run_id", type=int, metavar="RUN_ID")
    retry.add_argument("--json", action="store_true")

    history = commands.add_parser("history", help="the runs, newest first")
    history.add_argument("--json", action="store_true")
    history.add_argument("--limit", type=int, default=20, metavar="N")

    launches = commands.add_parser("launches", help="stored upcoming launches, soonest first")
    launches.add_argument("--json", action="store_true")

    launch = commands.add_parser("launch", help="one stored launch in detail, with its recorded changes")
    launch.add_argument("launch_id", metavar="ID", help="the launch's LL2 id (see: rocketwatch launches)")
    launch.add_argument("--json", action="store_true")

    reminders = commands.add_parser("reminders", help="the launch reminders still to come, soonest first")
    reminders.add_argument("--json", action="store_true")

    export = commands.add_parser("export-ics", help="write the watched launches to an iCalendar file")
    export.add_argument("file", type=Path, metavar="FILE")

    schedule = commands.add_parser("schedule", help="check a schedule: its words and next fire times")
    schedule.add_argument("--every", metavar="EXPR", help="preset, cron line or interval (default: config)")
    schedule.add_argument("--count", type=int, default=5, metavar="N")
    schedule.add_argument("--json", action="store_true")

    show = commands.add_parser("show", help="open a window of the running tray app")
    show.add_argument("window", choices=("gallery", "history", "settings"), nargs="?", default="gallery")
    commands.add_parser("run-now", help="ask the running tray app to run now")
    commands.add_parser("quit", help="ask the running tray app to quit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    home = home_from_env(args.home)
    if args.demo and home is None:
        home = Path(platformdirs.user_data_dir(APP_ID, appauthor=False)) / "demo"
    paths = paths_for(home)
    command = args.command
    headless = command not in (None, *TRAY_COMMANDS)
    try:
        paths.ensure()
        setup_logging(paths.log_file, console_level=logging.WARNING if headless else logging.INFO)
        config = load_config(paths.config_file)
    except ConfigError as error:
        print(f"rocketwatch: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"rocketwatch: cannot use {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    if args.api_url:
        try:
            config = _with_api_url(config, args.api_url)
        except ConfigError as error:
            print(f"rocketwatch: --api-url {error}", file=sys.stderr)
            return 2
    session = Session(paths, config, home, args.demo)
    if not headless:
        from rocketwatch.ui.app import main as tray_main

        return tray_main(session, args)
    handler: Callable[[Session, argparse.Namespace], int] = COMMANDS[command]
    try:
        with _demo_source(session):
            return handler(session, args)
    except KeyboardInterrupt:
        return 130
    except (OSError, sqlite3.Error) as error:
        # A full disk or a database that cannot be written: plain words here, the details in the log.
        from rocketwatch.pipeline.context import plain_error

        log.info("rocketwatch %s failed", command, exc_info=True)  # the log file only
        print(f"rocketwatch: {plain_error(error)}", file=sys.stderr)
        return 1


def _with_api_url(config: Config, url: str) -> Config:
    from rocketwatch.config import CHECKS

    problem = CHECKS["source.api_url"](url)
    if problem:
        raise ConfigError(problem)
    return replace(config, source=replace(config.source, api_url=url.rstrip("/")))


@contextmanager
def _demo_source(session: Session) -> Iterator[None]:
    """With --demo, serve the bundled launches on 127.0.0.1 and point the session at them."""
    if not session.demo:
        yield
        return
    standin = start_demo_standin()
    try:
        source = replace(session.config.source, api_url=standin.api_url)
        session.config = replace(session.config, source=source)
        yield
    finally:
        standin.stop()


def start_demo_standin() -> Any:
    from rocketwatch.standin import StandIn

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    try:
        return StandIn.demo(now=now, port=DEMO_PORT, history=True).start()
    except OSError:
        return StandIn.demo(now=now, history=True).start()


def open_store(session: Session) -> Any:
    from rocketwatch.store import Store

    return Store.open(session.paths)


def make_runner(session: Session, store: Any, **kwargs: Any) -> Any:
    from rocketwatch.notify import default_notifier
    from rocketwatch.pipeline import Runner

    return Runner(session.paths, session.config, store, default_notifier(), **kwargs)


# --- commands -----------------------------------------------------------------------------------
def cmd_run(session: Session, args: argparse.Namespace) -> int:
    with open_store(session) as store:
        record = make_runner(session, store).run("manual")
        _print_run(store, record, args.json)
    return 0 if record.state == "success" else 1


def cmd_retry(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.pipeline import RunRefused

    with open_store(session) as store:
        try:
            record = make_runner(session, store).retry(args.run_id)
        except RunRefused as error:
            print(f"rocketwatch: {error}", file=sys.stderr)
            return 1
        _print_run(store, record, args.json)
    return 0 if record.state == "success" else 1


def cmd_history(session: Session, args: argparse.Namespace) -> int:
    with open_store(session) as store:
        make_runner(session, store).recover()
        records = store.runs.latest(limit=max(1, args.limit))
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
        rows.append((str(record.id), record.state, record.trigger, started, took, tasks, launches,
                     (record.error or "").splitlines()[0][:80] if record.error else ""))
    print_table(rows)
    print("\nTasks: download_launches get_pictures notify  (✓ success  ✗ failed  ↻ up for retry  "
          "… running  – skipped  ! interrupted  · queued)")
    return 0


TASK_MARKS = {"success": "✓", "failed": "✗", "up_for_retry": "↻", "running": "…", "skipped": "–",
              "interrupted": "!", "queued": "·"}


def duration_words_s(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    return duration_words(timedelta(seconds=seconds))


def _utc_text(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def launch_json(launch: Any, store: Any) -> dict[str, Any]:
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
        "webcasts": [{"url": link.url, "title": link.title, "publisher": link.publisher,
                      "language": link.language, "priority": link.priority, "live": link.live,
                      "start": _utc_text(link.start), "end": _utc_text(link.end)}
                     for link in launch.webcasts],
        "landings": [{"stage": stage.stage, "serial": stage.serial, "flight_number": stage.flight_number,
                      "reused": stage.reused, "attempt": stage.attempt, "success": stage.success,
                      "location": stage.location, "type": stage.type} for stage in launch.landings],
        "patches": [{"name": patch.name, "image_url": patch.image_url,
                     "image_path": _path_text(store.images.paths_for(patch.image_url)[0])}
                    for patch in launch.patches],
        "updates": [{"created_at": _utc_text(update.created_at), "author": update.author,
                     "comment": update.comment, "info_url": update.info_url or None}
                    for update in launch.updates],
        "programs": list(launch.programs),
        "probability": launch.probability,
        "weather_concerns": launch.weather_concerns or None,
    }


def _path_text(path: Path | None) -> str | None:
    return str(path) if path else None


def cmd_launches(session: Session, args: argparse.Namespace) -> int:
    with open_store(session) as store:
        launches = store.launches.upcoming()
        if args.json:
            print(json.dumps([launch_json(launch, store) for launch in launches], indent=2,
                             ensure_ascii=False))
            return 0
    if not launches:
        print("No launches stored yet. Fetch them with: rocketwatch run")
        return 0
    rows = [("NET (local)", "STATUS", "LAUNCH", "PROVIDER", "LOCATION")]
    for launch in launches:
        rows.append((net_words(launch.net, launch.net_precision), launch.status_abbrev,
                     _clip(launch.name, 48), _clip(launch.provider, 28), _clip(launch.location, 36)))
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
    data["changes"] = [{"seen_at": _utc_text(change.noticed_at), "field": change.field, "old": change.old,
                        "new": change.new} for change in changes]
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    for line in launch_lines(launch, data):
        print(line)
    return 0


def launch_lines(launch: Any, data: dict[str, Any]) -> list[str]:
    """The plain-text page of `launch ID`."""
    lines = [launch.name, f"  NET      {net_words(launch.net, launch.net_precision)} ({launch.status_name})",
             f"  From     {launch.pad}, {launch.location}", f"  By       {launch.provider} · {launch.rocket}"]
    if launch.probability is not None:
        lines.append(f"  Weather  {launch.probability}% go" + (f"; {launch.weather_concerns}"
                                                              if launch.weather_concerns else ""))
    if launch.programs:
        lines.append(f"  Program  {', '.join(launch.programs)}")
    for link in launch.webcasts:
        live = " (live)" if link.live else ""
        lines.append(f"  Webcast  {link.title or link.publisher or link.url}{live}: {link.url}")
    for stage in launch.landings:
        place = f" on {stage.location}" if stage.location else ""
        outcome = {True: f"landed{place}", False: f"did not land{place}",
                   None: f"landing{place}, outcome not known yet"}[stage.success]
        if stage.attempt is False:
            outcome = "no landing attempt"
        flight = f" (flight {stage.flight_number})" if stage.flight_number else ""
        lines.append(f"  Booster  {stage.serial or stage.stage or 'stage'}{flight}: {outcome}")
    for patch in data["patches"]:
        lines.append(f"  Patch    {patch['name']}" + ("" if patch["image_path"] else " (picture not kept)"))
    for update in launch.updates[:5]:
        when = local(update.created_at).strftime("%a %d %b %H:%M") if update.created_at else "undated"
        lines.append(f"  Update   {when} {update.author}: {' '.join(update.comment.split())[:100]}")
    if data["changes"]:
        lines.append("Changes seen (oldest first):")
        for change in data["changes"]:
            seen = local(datetime.fromisoformat(change["seen_at"])).strftime("%a %d %b %H:%M")
            lines.append(f"  {seen}  {change['field']}: {change['old']} -> {change['new']}")
    return lines


def cmd_schedule(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.schedule import ScheduleError, local_tz, parse_every

    expr = args.every if args.every is not None else session.config.schedule.every
    try:
        schedule = parse_every(expr)
    except ScheduleError as error:
        print(f"rocketwatch: {error}", file=sys.stderr)
        return 2
    tz = local_tz()
    now = datetime.now(tz)
    times = schedule.next_fire_times(max(1, args.count), now, tz)
    per_hour = schedule.max_runs_per_hour(tz)
    warning = None
    if per_hour > 15 and not session.config.source.token:
        warning = (f"This schedule can run {per_hour:g} times an hour; LL2 allows 15 requests an hour "
                   "without an API token, so some runs would be refused.")
    if args.json:
        print(json.dumps({"every": expr, "description": schedule.describe(),
                          "timezone": str(tz), "next": [t.isoformat() for t in times],
                          "max_runs_per_hour": per_hour, "warning": warning}, indent=2))
        return 0
    print(f"{expr}: {schedule.describe()} ({tz})")
    for moment in times:
        print(f"  {moment.strftime('%a %d %b %Y %H:%M %Z')}")
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
        print("No reminders to come. Launches get them when their NET is known to the hour "
              "(see [alerts] in the config file).")
        return 0
    from rocketwatch.alerts import lead_words

    rows = [("REMINDS AT (local)", "BEFORE", "NET (local)", "LAUNCH")]
    for item in planned:
        lead = timedelta(seconds=item.lead_s)
        rows.append((local(item.fire_at).strftime("%a %d %b %H:%M"), lead_words(lead),
                     local(item.fire_at + lead).strftime("%a %d %b %H:%M"), _clip(item.name, 60)))
    print_table(rows)
    return 0


def cmd_export_ics(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.calendar import export_ics

    target = args.file.expanduser()
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
}


# --- text output --------------------------------------------------------------------------------
def _print_run(store: Any, record: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(record.to_json(), indent=2))
        return
    verb = {"success": "succeeded", "failed": "failed", "skipped": "was skipped",
            "interrupted": "was interrupted"}.get(record.state, record.state)
    took = f" in {duration_words_s(record.duration_s)}" if record.duration_s is not None else ""
    print(f"Run {record.id} {verb}{took} ({record.trigger})")
    for task in record.tasks:
        tries = f"{task.tries} {'try' if task.tries == 1 else 'tries'}" if task.tries else ""
        error = f"  {task.error}" if task.error and task.state != "success" else ""
        print(f"  {TASK_MARKS.get(task.state, '?')} {task.task_id:<18} {task.state:<12} {tries}{error}")
    if record.state == "skipped":
        print(f"  {record.error}")
        return
    if record.launches is not None:
        print(f"Launches: {record.launches} ({record.new_launches} new, {record.changed_launches} changed)"
              f" · LL2 requests: {record.api_requests}")
    images = record.images
    if images.get("distinct") is not None:
        print(f"Pictures: {images['distinct']} distinct · {images['downloaded']} downloaded · "
              f"{images['cached']} already kept · {images['failed']} failed")
    for entry in store.ledger.entries(run_id=record.id):
        where = {"log": "written to the log (no desktop notification service)", None: "not shown"}.get(
            entry.backend, f"sent through {entry.backend}")
        what = "" if entry.kind == "summary" else f" — {entry.body.splitlines()[0]}"
        print(f"Notification ({entry.state}, {where}): {entry.title}{what}")
    if record.error and record.state != "success":
        print(f"Error: {record.error}")
        if record.state in ("failed", "interrupted"):
            print(f"Retry it with: rocketwatch retry {record.id}")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def entry() -> None:
    with suppress(BrokenPipeError):
        sys.exit(main())
