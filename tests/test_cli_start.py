"""Starting the command line as a new user does: broken or misspelt settings, no desktop, folders that cannot
be used, and the rough edges of each command. Real processes, as a user runs them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write_config

from rocketwatch.cli import main
from rocketwatch.cli.runs import notification_words
from rocketwatch.standin import Fault


def rocketwatch(
    home: Path | str, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Run the real command in a new process; headless unless `env` says otherwise."""
    base = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": ""}
    return subprocess.run(
        [sys.executable, "-m", "rocketwatch", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**base, **(env or {})},
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# --- settings that cannot be used ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (b'[schedule]\nevery = "@daily"\n\n[pipeline]\nretries = "three"\n', 5, "retries must be a whole"),
        (b'# mine\n[source]\nlimit = 2\ntoken = "caf\xe9"\n', 4, "not UTF-8"),
        (b"[source\nlimit = 2\n", 1, "not valid TOML"),
        (b"[source]\nlimit = 2\nlimit = 3\n", 3, "not valid TOML"),
    ],
)
def test_a_config_that_cannot_be_used_is_one_line_naming_file_and_line_and_exit_2(
    home: Path, content: bytes, line: int, words: str
) -> None:
    (home / "config.toml").write_bytes(content)
    result = rocketwatch(home, "history")
    assert result.returncode == 2
    message = one_line(result.stderr)
    assert f"{home / 'config.toml'}, line {line}:" in message and words in message
    assert result.stdout == ""
    assert (home / "config.toml").read_bytes() == content  # the user's file is left alone


def test_a_misspelt_key_or_section_is_a_warning_naming_the_closest_known_one(home: Path) -> None:
    (home / "config.toml").write_text('[schedule]\nevry = "* * * * *"\n\n[pipline]\nretries = 1\n')
    result = rocketwatch(home, "schedule", "--count", "1")
    assert result.returncode == 0
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 2, result.stderr
    assert "line 2" in warnings[0] and "schedule.evry" in warnings[0]
    assert "did you mean schedule.every?" in warnings[0]
    assert "line 4" in warnings[1] and "[pipline]" in warnings[1]
    assert "did you mean [pipeline]?" in warnings[1]
    assert result.stdout.startswith("@daily")  # the typo had no effect, and now the user knows why
    log = (home / "logs" / "rocketwatch.log").read_text(encoding="utf-8")
    assert "unknown key schedule.evry" in log and "did you mean schedule.every" in log


# --- no desktop ------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [(), ("show", "history")])
@pytest.mark.parametrize("display", [{}, {"DISPLAY": ":79"}, {"WAYLAND_DISPLAY": "wayland-79"}])
def test_without_a_desktop_the_tray_app_says_so_in_one_line_and_exits_2(
    home: Path, tmp_path: Path, args: tuple[str, ...], display: dict[str, str]
) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(display, XDG_RUNTIME_DIR=str(tmp_path), DBUS_SESSION_BUS_ADDRESS="")
    result = subprocess.run(
        [sys.executable, "-m", "rocketwatch", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2, result.stderr  # not Qt's abort (134)
    message = one_line(result.stderr)
    assert message.startswith("rocketwatch: no desktop session found")
    assert "the headless commands still work: rocketwatch run, history" in message
    assert "Reinstalling" not in result.stderr


# --- folders that cannot be used -------------------------------------------------------------------
def test_a_log_file_that_cannot_be_written_is_one_line_not_a_logging_error_per_message(home: Path) -> None:
    (home / "logs" / "rocketwatch.log").mkdir(parents=True)  # in the way, whoever runs the test (root too)
    write_config(home, source={"api_url": "http://127.0.0.1:9/2.3.0"}, pipeline={"retries": 1})
    result = rocketwatch(home, "run")
    assert "Logging error" not in result.stderr and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert "cannot write the log file" in first and "going on without a log file" in first
    assert "Run 1 failed" in result.stdout  # the command itself still did its work


@pytest.mark.parametrize(
    ("command", "advice"),
    [
        (("history",), "check the permissions"),
        (("launches",), "check the permissions"),
        (("run",), "nothing was run"),
    ],
)
def test_a_database_that_cannot_be_opened_gives_one_line_fitting_the_command(
    home: Path, command: tuple[str, ...], advice: str
) -> None:
    (home / "rocketwatch.sqlite3").mkdir()  # cannot be opened, whoever runs the test (root too)
    result = rocketwatch(home, *command)
    assert result.returncode == 1
    message = one_line(result.stderr)
    assert "rocketwatch.sqlite3" in message and advice in message and "--home DIR" in message
    assert "retry this run" not in message  # `history` has no run to retry


def test_home_that_is_a_file_names_the_problem(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    result = rocketwatch(a_file, "history")
    assert result.returncode == 2
    assert f"--home {a_file} is a file, not a folder" in one_line(result.stderr)
    assert a_file.read_text() == "mine"


# --- the commands' rough edges ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--api-url", "", "history"), "--api-url must be an http or https URL"),
        (("history", "--limit", "0"), "--limit: must be 1 or more"),
        (("history", "--limit", "-3"), "--limit: must be 1 or more"),
        (("schedule", "--count", "0"), "--count: must be 1 or more"),
        (("schedule", "--count", "-1"), "--count: must be 1 or more"),
    ],
)
def test_values_that_mean_nothing_are_errors(home: Path, capsys, args: tuple[str, ...], words: str) -> None:
    try:
        code = main(["--home", str(home), *args])
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    assert code == 2
    assert words in capsys.readouterr().err


def test_export_into_a_missing_folder_is_an_error_and_makes_no_folder(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "not-here" / "launches.ics"
    result = rocketwatch(home, "export-ics", str(target))
    assert result.returncode == 1
    assert f"the folder {target.parent} does not exist" in one_line(result.stderr)
    assert not target.parent.exists()


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("run", ["--json", "JSON"]),
        ("retry", ["RUN_ID", "the run to retry", "--json"]),
        ("history", ["--limit N", "at most N runs", "--json"]),
        ("launches", ["--json", "JSON"]),
        ("reminders", ["--json", "JSON"]),
        ("schedule", ["--count N", "next N fire times", "--every EXPR", "cron line"]),
        ("export-ics", ["FILE", "folder must exist"]),
        ("show", ["gallery", "history", "settings"]),
    ],
)
def test_every_subcommand_help_explains_its_options(capsys, command: str, words: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines to the terminal
    for word in words:
        assert word in text, f"{command} --help lacks {word!r}:\n{text}"


def test_notifications_are_told_in_plain_words() -> None:
    assert notification_words("sent", "notify-send") == "Notification sent (notify-send)"
    assert (
        notification_words("sent", "log")
        == "Notification written to the log (no desktop notification service)"
    )
    assert notification_words("suppressed", None).startswith("Notification not shown")


def test_a_cut_error_ends_with_an_ellipsis_and_a_closed_pipe_ends_quietly(home: Path, standin) -> None:
    standin.set_sticky_api_fault(Fault("status", code=500))
    write_config(home, source={"api_url": standin.api_url}, pipeline={"retries": 0})
    for _ in range(3):
        assert rocketwatch(home, "run").returncode == 1
    listed = rocketwatch(home, "history")
    rows = listed.stdout.splitlines()[1:4]
    assert all(row.endswith("…") for row in rows), listed.stdout
    ran = rocketwatch(home, "run")
    assert "Notification written to the log (no desktop notification service): " in ran.stdout

    # `rocketwatch history | head -1`: the reader leaves early; no traceback, no "Exception ignored".
    many = subprocess.run(
        f"{sys.executable} -m rocketwatch --home {home} schedule --every 1m --count 20000 | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": ""},
    )
    assert many.stdout.startswith("1m: Every minute")
    assert many.stderr == ""
    history = subprocess.run(
        f"{sys.executable} -m rocketwatch --home {home} history --json | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert history.stdout.strip() == "[" and history.stderr == ""


def test_an_api_url_for_one_invocation_is_never_saved(home: Path, standin) -> None:
    write_config(home, source={"limit": 5})
    before = (home / "config.toml").read_text()
    result = rocketwatch(home, "--api-url", standin.api_url, "run", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "success"
    assert (home / "config.toml").read_text() == before


def test_every_command_the_parser_knows_has_a_function_to_run_it() -> None:
    # The headless commands' modules are imported when their command runs (the tray icon shows without
    # them): a command named in the parser but not in the table, or a misspelt function, fails here.
    import argparse

    from rocketwatch.cli import COMMANDS, TRAY_COMMANDS, build_parser, command_handler

    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    headless = set(subparsers.choices) - set(TRAY_COMMANDS)
    assert headless == set(COMMANDS)
    for command in headless:
        assert callable(command_handler(command)), command
