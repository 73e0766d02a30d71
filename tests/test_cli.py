"""The command line as a user and scripts use it: real processes, real samples, kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import write_config
from PIL import Image

from rocketwatch.cli import main
from rocketwatch.standin import Fault, StandIn


def rocketwatch(
    home: Path, *args: str, api_url: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Run the real command in a new process, as a user would."""
    command = [sys.executable, "-m", "rocketwatch", "--home", str(home)]
    if api_url:
        command += ["--api-url", api_url]
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": ""}  # headless: notifications go to the log
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=timeout, env=env)


def run_json(home: Path, *args: str, api_url: str | None = None) -> tuple[int, dict | list]:
    result = rocketwatch(home, *args, "--json", api_url=api_url)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_demo_run_and_launches_work_offline(home: Path, capsys) -> None:
    assert main(["--home", str(home), "--demo", "run"]) == 0
    out = capsys.readouterr().out
    assert "succeeded" in out and "Pictures:" in out

    assert main(["--home", str(home), "--demo", "launches", "--json"]) == 0
    launches = json.loads(capsys.readouterr().out)
    assert len(launches) >= 10
    assert launches == sorted(launches, key=lambda launch: launch["net"])
    assert {
        "id",
        "name",
        "net",
        "net_precision",
        "status",
        "provider",
        "location",
        "image_url",
        "image_path",
        "thumbnail_path",
        "webcast_url",
        "webcast_live",
        "webcasts",
        "landings",
        "patches",
        "updates",
        "programs",
        "probability",
        "weather_concerns",
        "muted",
    } == set(launches[0])
    with_picture = [launch for launch in launches if launch["image_url"]]
    assert with_picture and all(Path(launch["thumbnail_path"]).is_file() for launch in with_picture)

    assert main(["--home", str(home), "launches"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].startswith("NET (local)")
    assert launches[1]["name"][:40] in table


def test_a_second_demo_run_records_the_demo_slip_and_landing(home: Path, capsys) -> None:
    """The demo shows every part of a launch's history: its second run (here in a second process as far as
    the stand-in goes) records a 12 h slip and a landing outcome, which `launch ID --json` lists."""
    assert main(["--home", str(home), "--demo", "run"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "--demo", "run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed_launches"] == 2
    assert main(["--home", str(home), "launches", "--json"]) == 0
    [starlink] = [launch for launch in json.loads(capsys.readouterr().out) if "14-21" in launch["name"]]
    assert main(["--home", str(home), "launch", starlink["id"], "--json"]) == 0
    [slip] = json.loads(capsys.readouterr().out)["changes"]
    assert slip["field"] == "net"
    moved = datetime.fromisoformat(slip["new"]) - datetime.fromisoformat(slip["old"])
    assert moved == timedelta(hours=12)


@pytest.mark.parametrize(
    ("sample", "expected"), [("2.0.0", 10), ("2.2.0", 5), ("2.2.0-detailed", 100), ("2.3.0", 10)]
)
def test_each_real_sample_runs_and_stores_every_launch(sample_standin, home, sample, expected) -> None:
    server, picture_paths = sample_standin(sample)
    write_config(home, source={"limit": 100})
    code, run = run_json(home, "run", api_url=server.api_url)

    assert code == 0, run
    assert run["state"] == "success"
    assert run["launches"] == expected
    assert run["api_requests"] == 1
    assert run["images"]["distinct"] == len(picture_paths)
    assert run["images"]["downloaded"] == len(picture_paths)
    for path in picture_paths:
        assert server.count(path) == 1, path
    _code, launches = run_json(home, "launches")
    assert len(launches) == expected

    code, again = run_json(home, "run", api_url=server.api_url)
    assert code == 0 and again["api_requests"] == 1
    assert again["images"]["downloaded"] == 0
    assert all(server.count(path) == 1 for path in picture_paths)


def test_rate_limit_with_retry_after_then_success(home, standin) -> None:
    write_config(home)
    standin.push_api_fault(Fault("rate_limit", retry_after=2))
    code, run = run_json(home, "run", api_url=standin.api_url)

    assert code == 0 and run["state"] == "success"
    assert run["api_requests"] == 2
    assert standin.count("/2.3.0/launches/upcoming/") == 2


def test_failed_run_then_retry_after_the_fix(home, standin) -> None:
    write_config(home, pipeline={"retries": 2})
    standin.set_sticky_api_fault(Fault("status", code=500))
    code, failed = run_json(home, "run", api_url=standin.api_url)

    assert code == 1 and failed["state"] == "failed"
    assert failed["tasks"][0]["tries"] == 3 and "500" in failed["tasks"][0]["error"]
    text = rocketwatch(home, "history").stdout
    assert f"Retry it with: rocketwatch retry {failed['run_id']}" not in text  # history is a table
    assert "failed" in text

    standin.set_sticky_api_fault(None)
    code, retried = run_json(home, "retry", str(failed["run_id"]), api_url=standin.api_url)
    assert code == 0
    assert retried["run_id"] == failed["run_id"] and retried["state"] == "success"
    _code, history = run_json(home, "history")
    assert [run["run_id"] for run in history] == [failed["run_id"]]


def _wait_for_running_task(database: Path, task_id: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
                row = conn.execute(
                    "SELECT 1 FROM tasks WHERE task_id = ? AND state = 'running'", (task_id,)
                ).fetchone()
        except sqlite3.OperationalError:  # no database or no schema yet
            row = None
        if row:
            return
        time.sleep(0.02)  # polling the database with a deadline, not waiting for time to pass
    raise AssertionError(f"{task_id} never started")


@pytest.mark.parametrize("task_id", ["download_launches", "get_pictures"])
def test_kill_9_leaves_a_consistent_store_and_retry_completes(home, standin, task_id) -> None:
    write_config(home, source={"api_url": standin.api_url})
    standin.latency = 2.0
    command = [sys.executable, "-m", "rocketwatch", "--home", str(home), "run"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": ""},
    )
    try:
        _wait_for_running_task(home / "rocketwatch.sqlite3", task_id, time.monotonic() + 30)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(10)

    with closing(sqlite3.connect(home / "rocketwatch.sqlite3")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    leftovers = [p for p in home.rglob("*") if ".part" in p.name]
    assert leftovers == [] or all(p.parent.name in ("images", "thumbnails") for p in leftovers)

    standin.latency = 0
    _code, history = run_json(home, "history")
    assert history[0]["state"] == "interrupted"
    code, retried = run_json(home, "retry", str(history[0]["run_id"]))
    assert code == 0 and retried["state"] == "success"
    assert not [p for p in home.rglob("*") if ".part" in p.name]
    for picture in (home / "images").iterdir():
        with Image.open(picture) as image:
            image.verify()


def test_a_run_while_another_process_runs_is_skipped_and_left_alone(home, standin) -> None:
    write_config(home, source={"api_url": standin.api_url}, pipeline={"timeout": 30})
    standin.latency = 4.0  # the first run outlasts the 3 s a second run waits for the run lock
    process = subprocess.Popen(
        [sys.executable, "-m", "rocketwatch", "--home", str(home), "run", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": ""},
    )
    try:
        _wait_for_running_task(home / "rocketwatch.sqlite3", "download_launches", time.monotonic() + 30)
        code, skipped = run_json(home, "run")
        _code, history = run_json(home, "history")
    finally:
        out, _ = process.communicate(timeout=60)
    assert code == 1 and skipped["state"] == "skipped"
    first = json.loads(out)
    assert first["state"] == "success"
    assert {run["run_id"]: run["state"] for run in history}[first["run_id"]] == "running"


def test_bad_config_is_a_clear_error_naming_key_and_file(home) -> None:
    (home / "config.toml").write_text('[pipeline]\nretries = "lots"\n')
    result = rocketwatch(home, "history")
    assert result.returncode == 2
    assert "pipeline.retries must be a whole number" in result.stderr
    assert str(home / "config.toml") in result.stderr
    assert "Traceback" not in result.stderr


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("RocketWatch 0.")


def test_version_is_answered_before_the_command_line_is_loaded(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    from_the_parser = capsys.readouterr().out

    # -X importtime lists every module imported, on stderr.
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rocketwatch", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0
    assert done.stdout == from_the_parser
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert not loaded & {"argparse", "rocketwatch.cli", "rocketwatch.config", "logging"}


def test_a_headless_run_ends_with_its_output_and_log_complete(home: Path, standin: StandIn) -> None:
    # The process ends without the interpreter's teardown: nothing may be lost on the way out.
    code, record = run_json(home, "run", api_url=standin.api_url)

    assert isinstance(record, dict) and code == 0 and record["state"] == "success"
    log = (home / "logs" / "rocketwatch.log").read_text(encoding="utf-8")
    assert f"run {record['run_id']} notify: Summary written to the log" in log  # the run's last line


def test_standin_is_unreachable_gives_a_failed_run_in_plain_words(home) -> None:
    write_config(home, pipeline={"retries": 0})
    with StandIn() as server:
        url = server.api_url
    code, run = run_json(home, "run", api_url=url)
    assert code == 1
    assert "Could not reach LL2" in run["tasks"][0]["error"]


@pytest.mark.parametrize(("every", "hour"), [("0 6 * * 0", 6), ("0 6 * * 7", 6), ("@weekly", 0)])
def test_schedule_lists_sundays_in_local_time(home, capsys, monkeypatch, every, hour) -> None:
    from datetime import datetime, timedelta

    monkeypatch.setenv("TZ", "America/New_York")
    assert main(["--home", str(home), "schedule", "--every", every, "--count", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    times = [datetime.fromisoformat(text) for text in report["next"]]
    assert len(times) == 3
    assert all(t.strftime("%A %H:%M") == f"Sunday {hour:02d}:00" for t in times)
    assert all(t.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4)) for t in times)
    assert report["description"] == f"At {hour:02d}:00, only on Sunday"


def test_schedule_warns_about_ll2_rate_limit_and_rejects_bad_lines(home, capsys) -> None:
    assert main(["--home", str(home), "schedule", "--every", "*/2 * * * *"]) == 0
    assert "15 requests an hour" in capsys.readouterr().out
    assert main(["--home", str(home), "schedule", "--every", "0 6 * * 8"]) == 2
    assert "day of week must be 0-7" in capsys.readouterr().err


def test_launch_shows_one_launch_with_its_changes_oldest_first(home: Path, capsys) -> None:
    from rocketwatch.standin import StandIn

    with StandIn.demo(history=True) as server:
        write_config(home, source={"api_url": server.api_url})
        assert main(["--home", str(home), "run"]) == 0
        assert main(["--home", str(home), "run"]) == 0  # the demo's second page: a slip, a landing
    capsys.readouterr()
    assert main(["--home", str(home), "launches", "--json"]) == 0
    launches = json.loads(capsys.readouterr().out)
    starlink = next(launch for launch in launches if launch["name"].endswith("Starlink Group 14-21"))

    assert main(["--home", str(home), "launch", starlink["id"], "--json"]) == 0
    detail = json.loads(capsys.readouterr().out)
    assert detail["webcast_url"] == "https://www.youtube.com/watch?v=demo-starlink1421"
    assert [link["priority"] for link in detail["webcasts"]] == [10, 20]
    assert detail["landings"] == [
        {
            "stage": "Core",
            "serial": "B1077",
            "flight_number": 19,
            "reused": True,
            "attempt": True,
            "success": None,
            "location": "A Shortfall of Gravitas",
            "type": "Autonomous Spaceport Drone Ship",
        }
    ]
    [patch] = detail["patches"]
    assert patch["image_path"] and Path(patch["image_path"]).is_file()
    assert detail["programs"] == ["Starlink"] and len(detail["updates"]) == 3
    [slip] = detail["changes"]
    assert slip["field"] == "net" and slip["new"] > slip["old"]

    assert main(["--home", str(home), "launch", starlink["id"]]) == 0
    text = capsys.readouterr().out
    assert "Booster  Core B1077 · flight 19 · reused: Landing on A Shortfall of Gravitas (ASOG)" in text
    # The slip in the detail pane's words, not the stored UTC texts.
    timeline = text.split("Changes RocketWatch saw (oldest first):\n", 1)[1]
    assert timeline.startswith("  NET moved from ") and ", +12 h (seen " in timeline


def test_launch_with_an_unknown_id_says_so_in_one_line(home: Path) -> None:
    result = rocketwatch(home, "launch", "no-such-launch")

    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "rocketwatch: no stored launch has the id 'no-such-launch'\n"


def test_the_real_detailed_sample_keeps_every_detailed_part(sample_standin, home: Path) -> None:
    server, _pictures = sample_standin("2.2.0-detailed")
    code, run = run_json(home, "run", api_url=server.api_url)
    assert code == 0 and run["api_requests"] == 1

    _code, launches = run_json(home, "launches")
    assert len(launches) == 100
    assert sum(bool(launch["webcasts"]) for launch in launches) == 7
    assert sum(bool(launch["landings"]) for launch in launches) == 31
    assert sum(bool(launch["updates"]) for launch in launches) == 89
    assert sum(bool(launch["programs"]) for launch in launches) == 19
    patches = [patch for launch in launches for patch in launch["patches"]]
    assert len(patches) == 13 and all(patch["image_path"] for patch in patches)
    assert all(server.count(patch["image_url"].removeprefix(server.base_url)) == 1 for patch in patches)
