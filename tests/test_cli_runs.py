"""`rocketwatch run` as a user at a terminal sees it: each try on stderr as it ends, Ctrl+C cancels the
run (a cancelled run, retryable), and `rocketwatch cancel` needs a running tray app."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from helpers import write_config

from rocketwatch.config import load_config
from rocketwatch.paths import paths_for
from rocketwatch.pipeline import run_activity
from rocketwatch.standin import StandIn
from rocketwatch.store import Store


def closed_port() -> int:
    """A loopback port with nothing listening on it: LL2 cannot be reached."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "rocketwatch", "--home", str(home), *args]


ENV = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": ""}  # headless: notifications go to the log


def lines_of(stream) -> queue.Queue:
    """The stream's lines, read in a thread, so a test can wait for one with a deadline."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def wait_for_line(lines: queue.Queue, text: str, timeout: float) -> tuple[str, list[str]]:
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no line with {text!r} within {timeout:g} s; saw {seen}") from None
        if line is None:
            raise AssertionError(f"the stream ended without {text!r}; saw {seen}")
        seen.append(line)
        if text in line:
            return line, seen


def test_ctrl_c_cancels_a_run_that_cannot_reach_ll2_and_the_run_can_be_retried(home: Path) -> None:
    write_config(home, pipeline={"retries": 3, "retry_delay": 600, "max_retry_delay": 600})
    unreachable = f"http://127.0.0.1:{closed_port()}/2.3.0"
    with subprocess.Popen(
        command(home, "--api-url", unreachable, "run"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    ) as process:
        try:
            errors = lines_of(process.stderr)
            # Each try is told at once, with its reason and the time of the next try (10 minutes away).
            line, _ = wait_for_line(errors, "try 1 of 4", timeout=30)
            assert "download_launches" in line and "failed" in line
            assert "Could not reach LL2" in line and "next try at" in line and "(in 10 min)" in line
            started = time.monotonic()
            process.send_signal(signal.SIGINT)
            wait_for_line(errors, "Cancelling the run", timeout=10)
            out = process.stdout.read()  # type: ignore[union-attr]
            code = process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
    assert time.monotonic() - started < 15, "Ctrl+C waited for the next try"
    assert code == 130
    assert "was cancelled" in out and "Traceback" not in out
    assert "Retry it with: rocketwatch retry 1" in out

    history = json.loads(
        subprocess.run(
            command(home, "history", "--json"), capture_output=True, text=True, env=ENV, timeout=60
        ).stdout
    )
    assert history[0]["state"] == "cancelled"
    assert history[0]["tasks"][0]["state"] == "cancelled"
    table = subprocess.run(
        command(home, "history"), capture_output=True, text=True, env=ENV, timeout=60
    ).stdout
    assert "cancelled" in table.splitlines()[1] and "⊘ cancelled" in table  # the row and the legend

    with StandIn() as server:
        retried = subprocess.run(
            command(home, "--api-url", server.api_url, "retry", "1", "--json"),
            capture_output=True,
            text=True,
            env=ENV,
            timeout=60,
        )
    assert retried.returncode == 0, retried.stderr
    assert json.loads(retried.stdout)["state"] == "success"


def test_each_try_is_printed_on_stderr_but_not_with_json(home: Path) -> None:
    write_config(home, pipeline={"retries": 1, "retry_delay": 0.01, "max_retry_delay": 0.01})
    unreachable = f"http://127.0.0.1:{closed_port()}/2.3.0"
    plain = subprocess.run(
        command(home, "--api-url", unreachable, "run"), capture_output=True, text=True, env=ENV, timeout=60
    )
    assert plain.returncode == 1
    tries = [line for line in plain.stderr.splitlines() if "download_launches: try" in line]
    assert len(tries) == 2, plain.stderr
    assert "try 1 of 2 failed" in tries[0] and "next try at" in tries[0]
    assert "try 2 of 2 failed" in tries[1] and "no tries left" in tries[1]
    assert all("Could not reach LL2" in line for line in tries)

    scripted = subprocess.run(
        command(home, "--api-url", unreachable, "run", "--json"),
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert "download_launches: try" not in scripted.stderr
    assert json.loads(scripted.stdout)["state"] == "failed"


def test_cancel_without_a_running_tray_app_says_so(home: Path) -> None:
    result = subprocess.run(command(home, "cancel"), capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 1
    assert "RocketWatch is not running" in result.stderr


def test_ctrl_c_cancels_a_retry_too(home: Path) -> None:
    write_config(home, pipeline={"retries": 0})
    unreachable = f"http://127.0.0.1:{closed_port()}/2.3.0"
    failed = subprocess.run(
        command(home, "--api-url", unreachable, "run", "--json"),
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert json.loads(failed.stdout)["state"] == "failed"
    write_config(home, pipeline={"retries": 2, "retry_delay": 100, "max_retry_delay": 1000})
    with subprocess.Popen(
        command(home, "--api-url", unreachable, "retry", "1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    ) as process:
        try:
            errors = lines_of(process.stderr)
            line, _ = wait_for_line(errors, "try 2 of 4", timeout=30)  # a retry numbers its tries on
            assert "next try at" in line and "(in 100 s)" in line  # its backoff starts afresh
            # What the tray app reads from the store about this other process's run says the same.
            paths = paths_for(home)
            store = Store.open(paths)
            try:
                activity = run_activity(store, load_config(paths.config_file).pipeline)
            finally:
                store.close()
            assert activity is not None and (activity.try_number, activity.tries_allowed) == (2, 4)
            assert 90 < (activity.next_try_at - datetime.now(UTC)).total_seconds() <= 100
            process.send_signal(signal.SIGINT)
            out = process.stdout.read()  # type: ignore[union-attr]
            code = process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 130 and "Run 1 was cancelled" in out
