"""Driving a real desktop from tests: the Desktop (X server, bus, dunst, trayer) and a running App.

Used by tests/e2e/conftest.py fixtures and by the screenshot scripts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = ("Xvfb", "dbus-daemon", "dunst", "dunstctl", "trayer", "xwininfo", "xdotool", "import", "notify-send")


def wait_for(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.1) -> object:
    """Poll `condition` until it returns something truthy, or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)  # polling an external process with a deadline


@dataclass
class Desktop:
    display: str
    env: dict[str, str]
    workdir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def run(self, *command: str, timeout: float = 10, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=timeout, check=check
        )

    def start(self, *command: str, log_name: str) -> subprocess.Popen:
        log = open(self.workdir / f"{log_name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process._rocketwatch_log = log  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def window_tree(self) -> str:
        return self.run("xwininfo", "-root", "-tree").stdout

    def tray_icons(self) -> list[str]:
        """Lines of the window tree that are children of trayer's panel."""
        lines = self.window_tree().splitlines()
        icons, inside, depth = [], False, 0
        for line in lines:
            indent = len(line) - len(line.lstrip())
            if '("panel" "trayer")' in line:
                inside, depth = True, indent
                continue
            if inside:
                if indent <= depth:
                    inside = False
                elif "has no name" not in line or "(" in line:
                    icons.append(line.strip())
        return icons

    def notifications(self) -> list[dict]:
        """What dunst received (its history, after closing what is on screen)."""
        self.run("dunstctl", "close-all")
        result = self.run("dunstctl", "history")
        if result.returncode != 0 or not result.stdout.strip():
            return []
        data = json.loads(result.stdout)
        items = data.get("data", [[]])[0] if isinstance(data, dict) else []
        return [
            {key: (value.get("data") if isinstance(value, dict) else value) for key, value in item.items()}
            for item in items
        ]

    def screenshot(self, path: Path) -> Path:
        self.run("import", "-window", "root", str(path), check=True)
        return path

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
            process._rocketwatch_log.close()  # type: ignore[attr-defined]


@dataclass
class App:
    """A running `rocketwatch` tray app under the test desktop."""

    process: subprocess.Popen
    home: Path
    desktop: Desktop
    api_url: str

    def command(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        return self.desktop.run(
            sys.executable, "-m", "rocketwatch", "--home", str(self.home), *args, timeout=timeout
        )

    def history(self) -> list[dict]:
        result = self.command("history", "--json", "--limit", "50")
        return json.loads(result.stdout) if result.returncode == 0 and result.stdout else []

    def log_text(self) -> str:
        log = self.home / "logs" / "rocketwatch.log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
