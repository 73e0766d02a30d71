"""The command line: its options, the session they build, `rocketwatch` (the tray app), `schedule`, and
the dispatch to the headless commands (runs.py: run, retry, history; launches.py: launches, launch,
events, mute, reminders, export-ics; common.py: what they share).

Every command takes --home, --api-url and --demo; `--json` output is the contract for scripts and tests.
The options become one Session (session.py), which the headless commands below and the tray app
(ui/app.py, which never imports this module) share. Exit status 2: settings, options or a desktop that
cannot be used; 1: the command ran and failed.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType

from rocketwatch import APP_NAME, i18n, timefmt
from rocketwatch.applog import NOT_ON_CONSOLE, setup_logging
from rocketwatch.cli.airflow import add_airflow_parser
from rocketwatch.config import ConfigError
from rocketwatch.i18n import N_, _, ngettext
from rocketwatch.session import Session, storage_words

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
        raise argparse.ArgumentTypeError(
            _("must be a whole number, not {value}").format(value=repr(text))
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be 1 or more, not {value}").format(value=value))
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(
            _("must be at most {limit}, not {value}").format(limit=MAX_COUNT, value=value)
        )
    return value


def _run_id(text: str) -> int:
    """An argparse type: a run's number as `rocketwatch history` lists it."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("must be a run's number, not {value}").format(value=repr(text))
        ) from None
    if not 1 <= value <= MAX_RUN_ID:
        raise argparse.ArgumentTypeError(_("no run has the number {value}").format(value=value))
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
        description=_("{app}: upcoming rocket launches from Launch Library 2, in your tray.").format(
            app=APP_NAME
        ),
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        nargs=0,
        help=_(
            "show the version and where this copy came from (a release, or a source "
            "checkout and its commit), and exit"
        ),
    )
    parser.add_argument(
        "--home", metavar="DIR", help=_("keep config, data, cache and logs under DIR (also ROCKETWATCH_HOME)")
    )
    parser.add_argument(
        "--api-url", metavar="URL", help=_("use this LL2 base URL for this invocation only (never saved)")
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("work offline on bundled sample launches (a local LL2 stand-in)"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    json_help = _("print the result as JSON (the format scripts can rely on) instead of a table")

    run = commands.add_parser(
        "run",
        help=_("one full run now; exit 0 if it succeeded, 1 if not"),
        description=_(
            "Run the pipeline once now: download the launches, get the "
            "pictures, notify. Exit 0 if the run succeeded, 1 if not. "
            "Ctrl+C cancels the run (exit 130); it can be retried."
        ),
    )
    run.add_argument("--json", action="store_true", help=_("print the finished run as one JSON object"))

    retry = commands.add_parser(
        "retry",
        help=_("retry a failed, interrupted or cancelled run"),
        description=_(
            "Retry a failed, interrupted or cancelled run: its failed task "
            "and everything after it, reusing what the earlier tasks saved."
        ),
    )
    retry.add_argument(
        "run_id",
        type=_run_id,
        metavar="RUN_ID",
        help=_("the run to retry, as `rocketwatch history` lists it"),
    )
    retry.add_argument("--json", action="store_true", help=_("print the retried run as one JSON object"))

    history = commands.add_parser(
        "history",
        help=_("the runs, newest first"),
        description=_("The runs, newest first, with their tasks and errors."),
    )
    history.add_argument("--json", action="store_true", help=json_help)
    history.add_argument(
        "--limit",
        type=_count,
        default=20,
        metavar="N",
        help=_("show at most N runs (default: {count})").format(count=20),
    )

    launches = commands.add_parser(
        "launches",
        help=_("stored upcoming launches, soonest first"),
        description=_("The upcoming launches kept by the last runs, soonest first."),
    )
    launches.add_argument("--json", action="store_true", help=json_help)

    launch = commands.add_parser(
        "launch",
        help=_("one stored launch in detail, with its recorded changes"),
        description=_(
            "One stored launch in detail: webcasts, boosters and "
            "landings, patches, LL2's updates, and every change "
            "RocketWatch recorded (its slip timeline), oldest first."
        ),
    )
    id_help = _("the launch's LL2 id (see: rocketwatch launches)")
    launch.add_argument("launch_id", metavar="ID", help=id_help)
    launch.add_argument("--json", action="store_true", help=json_help)

    reminders = commands.add_parser(
        "reminders",
        help=_("the launch reminders still to come, soonest first"),
        description=_("The launch reminders still to come, soonest first (see [alerts] in the config file)."),
    )
    reminders.add_argument("--json", action="store_true", help=json_help)

    events = commands.add_parser(
        "events",
        help=_("stored upcoming events (dockings, spacewalks…)"),
        description=_(
            "LL2's upcoming events kept by the last runs, soonest first "
            "(turn them on with [source] events = true)."
        ),
    )
    events.add_argument("--json", action="store_true", help=json_help)

    for verb, words, description in (
        (
            "mute",
            _("no more alerts of any kind for one launch (undo: rocketwatch unmute ID)"),
            _("No more alerts of any kind for one launch (undo: rocketwatch unmute ID)."),
        ),
        ("unmute", _("alerts for a muted launch again"), _("Alerts for a muted launch again.")),
    ):
        muting = commands.add_parser(verb, help=words, description=description)
        muting.add_argument("launch_id", metavar="ID", help=id_help)

    export = commands.add_parser(
        "export-ics",
        help=_("write the watched launches to an iCalendar file"),
        description=_("Write the watched launches to an iCalendar file that calendar apps can import."),
    )
    export.add_argument(
        "file", type=Path, metavar="FILE", help=_("the .ics file to write; its folder must exist")
    )

    schedule = commands.add_parser(
        "schedule",
        help=_("check a schedule: its words and next fire times"),
        description=_("Check a schedule: what it means and when it fires next."),
    )
    schedule.add_argument(
        "--every",
        metavar="EXPR",
        help=_(
            "a preset (@hourly, @daily…), a cron line or an interval such as 30m "
            "(default: the one in the config file)"
        ),
    )
    schedule.add_argument(
        "--count",
        type=_count,
        default=5,
        metavar="N",
        help=_("show the next N fire times (default: {count})").format(count=5),
    )
    schedule.add_argument("--json", action="store_true", help=json_help)

    show = commands.add_parser(
        "show",
        help=_("open a window of the running tray app"),
        description=_("Open a window of the running tray app (starting it if needed)."),
    )
    show.add_argument(
        "window",
        choices=("gallery", "history", "settings"),
        nargs="?",
        default="gallery",
        help=_("which window: gallery (default), history or settings"),
    )
    commands.add_parser(
        "run-now",
        help=_("ask the running tray app to run now"),
        description=_("Ask the running tray app to start a run now."),
    )
    commands.add_parser(
        "cancel",
        help=_("ask the running tray app to cancel its active run"),
        description=_("Ask the running tray app to cancel the run it is doing now."),
    )
    commands.add_parser(
        "quit", help=_("ask the running tray app to quit"), description=_("Ask the running tray app to quit.")
    )
    add_airflow_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with argparse_in_language():
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
        words = _("{problem}; going on without a log file").format(problem=log_problem)
        print(f"rocketwatch: {words}", file=sys.stderr)
    if not headless:
        from rocketwatch.ui.app import main as tray_main

        return tray_main(session, args)  # it reads the settings itself: a problem is a dialog there
    import sqlite3  # the headless commands' database errors (the tray icon shows before sqlite3 loads)

    try:
        session.load()
    except ConfigError as error:
        words = _("{error} (fix it, or move the file aside to start with defaults)").format(error=error)
        print(f"rocketwatch: {words}", file=sys.stderr)
        return 2
    for warning in session.config_warnings:
        words = _("warning: {warning}").format(warning=warning)
        print(f"rocketwatch: {words}", file=sys.stderr)
        log.warning("%s", warning, extra=NOT_ON_CONSOLE)
    handler = command_handler(command)
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
        return _("--home {folder} is a file, not a folder; give a folder (it is made if missing)").format(
            folder=home
        )
    return ""


def _folder_words(error: OSError, command: str | None) -> str:
    where = error.filename or _("a RocketWatch folder")
    if isinstance(error, FileExistsError | NotADirectoryError):
        return _("cannot make the folder {folder}: a file is in the way; move it, or use --home DIR").format(
            folder=where
        )
    return _(
        "cannot make or use the folder {folder} ({reason}); check that folder's permissions, or keep "
        "RocketWatch's files elsewhere with --home DIR"
    ).format(folder=where, reason=error.strerror)


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
        import json

        with i18n.english():  # machine output: the same words in every language
            english_description = schedule.describe()
            warning = rate_limit_warning(schedule, source.api_url, source.token, tz)
        print(
            json.dumps(
                {
                    "every": expr,
                    "description": english_description,
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
        print("  " + timefmt.format_moment(moment, timefmt.DAY_YEAR_TIME_ZONE))
    if len(times) < args.count:
        if times:
            print("  " + _("(no more fire times after that: dates end with the year 9999)"))
        else:
            print("  " + _("(no more fire times: dates end with the year 9999)"))
    if warning:
        print(_("Warning: {warning}").format(warning=warning))
    return 0


# argparse's own words ("usage: ", "options", its errors) come from Python's gettext domain "argparse";
# marked here so that the catalog holds them, and read through our catalog by argparse_in_language().
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _argparse_plural(count: int) -> str:
    """argparse's one plural message, marked for the catalog (argparse asks for it itself)."""
    return ngettext("expected %s argument", "expected %s arguments", count)


@contextlib.contextmanager
def argparse_in_language() -> Iterator[None]:
    """argparse's own words in the current language while the command line is built and read: argparse
    looks up its module's `_` and `ngettext` each time it speaks, so they point at our catalog meanwhile."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]  # argparse's gettext functions
    argparse._, argparse.ngettext = _, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


# Each command's module and function, imported when that command runs: the tray app (no command) shows its
# icon without loading the headless commands' modules (4 ms). Plain imports in functions, not module names
# in strings, so that the packager's analysis finds these modules and bundles them.
def _runs() -> ModuleType:
    from rocketwatch.cli import runs

    return runs


def _launches() -> ModuleType:
    from rocketwatch.cli import launches

    return launches


def _airflow() -> ModuleType:
    from rocketwatch.cli import airflow

    return airflow


def _this() -> ModuleType:
    return sys.modules[__name__]


COMMANDS: dict[str, tuple[Callable[[], ModuleType], str]] = {
    "run": (_runs, "cmd_run"),
    "retry": (_runs, "cmd_retry"),
    "history": (_runs, "cmd_history"),
    "launches": (_launches, "cmd_launches"),
    "launch": (_launches, "cmd_launch"),
    "schedule": (_this, "cmd_schedule"),
    "reminders": (_launches, "cmd_reminders"),
    "export-ics": (_launches, "cmd_export_ics"),
    "events": (_launches, "cmd_events"),
    "mute": (_launches, "cmd_mute"),
    "unmute": (_launches, "cmd_mute"),
    "airflow-dag": (_airflow, "cmd_airflow_dag"),
}


def command_handler(command: str) -> Callable[[Session, argparse.Namespace], int]:
    """The function that runs a headless command, its module imported now."""
    module, name = COMMANDS[command]
    handler: Callable[[Session, argparse.Namespace], int] = getattr(module(), name)
    return handler


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
