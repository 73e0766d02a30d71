"""The command line at its edges: the end of the calendar, numbers too large to keep, a reader that goes away.

Each is a real process, as a shell runs it; none may end in a traceback or a false error.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": "", "TZ": "UTC"}


def command(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "rocketwatch", "--home", str(home), *args]


def rocketwatch(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(command(home, *args), capture_output=True, text=True, timeout=120, env=ENV)


@pytest.mark.parametrize("every", ["@yearly", "366d", "59 23 31 12 *"])
def test_schedule_lists_fire_times_up_to_the_year_9999_and_says_so(home: Path, every: str) -> None:
    result = rocketwatch(home, "schedule", "--every", every, "--count", "8000")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert " 9999 " in lines[-2]
    assert lines[-1].strip() == "(no more fire times after that: dates end with the year 9999)"
    assert len(lines) - 2 < 8000


def test_schedule_json_past_the_year_9999_lists_what_there_is(home: Path) -> None:
    result = rocketwatch(home, "schedule", "--every", "@yearly", "--count", "8000", "--json")
    assert result.returncode == 0, result.stderr
    times = json.loads(result.stdout)["next"]
    assert times[-1].startswith("9999-01-01T00:00")
    assert times == sorted(set(times))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("history", "--limit", "99999999999999999999"), "must be at most 100000"),
        (("schedule", "--every", "1m", "--count", "100001"), "must be at most 100000"),
        (("retry", "99999999999999999999"), "no run has the number 99999999999999999999"),
        (("retry", "0"), "no run has the number 0"),
        (("schedule", "--every", "*/99999999999999999999 * * * *"), "minute step must be 1-60"),
    ],
)
def test_numbers_out_of_reach_are_usage_errors(home: Path, args: tuple[str, ...], words: str) -> None:
    result = rocketwatch(home, *args)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="a closed pipe is SIGPIPE's status on POSIX only")
@pytest.mark.parametrize(
    "args",
    [
        ("schedule", "--every", "1m", "--count", "100000"),
        ("schedule", "--every", "1m", "--count", "100000", "--json"),
    ],
)
def test_a_reader_that_goes_away_ends_it_quietly(home: Path, args: tuple[str, ...]) -> None:
    # `rocketwatch schedule … | head -1`: head reads one line and closes the pipe.
    with subprocess.Popen(
        command(home, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read().decode()
        status = process.wait(timeout=120)
    assert errors == ""
    assert status == 128 + signal.SIGPIPE  # 141, as for `seq 1000000 | head -1`


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="a closed pipe is SIGPIPE's status on POSIX only")
def test_a_run_whose_reader_went_away_still_runs_whole(home: Path) -> None:
    # `rocketwatch --demo run 2>&1 | true`: nobody reads the tries or the summary; the run is kept anyway.
    with subprocess.Popen(
        command(home, "--demo", "run"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV
    ) as process:
        assert process.stdout is not None
        process.stdout.close()
        status = process.wait(timeout=120)
    assert status == 128 + signal.SIGPIPE
    history = json.loads(rocketwatch(home, "--demo", "history", "--json").stdout)
    assert [run["state"] for run in history] == ["success"]
    log = next((home / "logs").glob("*.log")).read_text()  # with --demo, the demo home is --home
    assert "observer failed" not in log and "BrokenPipeError" not in log
