"""A private desktop for the tray scenarios: Xvfb, a D-Bus session bus, dunst and trayer
(as tests/e2e/conftest.py starts them), and the tray icons trayer embeds, read with xwininfo.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from benchmarks.common import wait_until

NAMED_WINDOW = re.compile(r'^0x[0-9a-f]+ "(.*)": \(')
TOOLS = ("Xvfb", "dbus-daemon", "dunst", "dunstctl", "trayer", "xwininfo")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass
class Desktop:
    display: str
    env: dict[str, str]
    workdir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list[IO[bytes]] = field(default_factory=list)

    @classmethod
    def start(cls, workdir: Path) -> Desktop:
        workdir.mkdir(parents=True, exist_ok=True)
        runtime = workdir / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "QT_QPA_PLATFORM")
        }
        env.update(
            XDG_RUNTIME_DIR=str(runtime),
            XDG_CONFIG_HOME=str(workdir / "config"),
            HOME=str(workdir),
            QT_QPA_PLATFORM="xcb",
            NO_AT_BRIDGE="1",
        )
        desktop = cls("", env, workdir)
        try:
            read_fd, write_fd = os.pipe()
            xvfb = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                pass_fds=(write_fd,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            os.close(write_fd)
            desktop.processes.append(xvfb)
            with os.fdopen(read_fd) as pipe:
                desktop.display = f":{pipe.readline().strip()}"
            env["DISPLAY"] = desktop.display
            bus = subprocess.Popen(
                ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                start_new_session=True,
            )
            desktop.processes.append(bus)
            env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()  # type: ignore[union-attr]
            desktop.spawn(["dunst"], "dunst")
            wait_until(
                lambda: desktop.run("dunstctl", "is-paused").returncode == 0, 15, "dunst on the bus", 0.1
            )
            desktop.spawn(
                [
                    "trayer",
                    "--edge",
                    "top",
                    "--align",
                    "right",
                    "--widthtype",
                    "request",
                    "--height",
                    "32",
                    "--SetDockType",
                    "true",
                    "--transparent",
                    "false",
                    "--tint",
                    "0x3b4252",
                ],
                "trayer",
            )
            wait_until(lambda: '("panel" "trayer")' in desktop.window_tree(), 15, "trayer's panel", 0.1)
        except BaseException:
            desktop.stop()
            raise
        return desktop

    def spawn(
        self, command: list[str], log_name: str, env: dict[str, str] | None = None, **kwargs: object
    ) -> subprocess.Popen:
        """Start a program on this desktop (its own session; output to a log file in workdir)."""
        log = open(self.workdir / f"{log_name}.log", "ab")  # noqa: SIM115 (closed in stop())
        self.logs.append(log)
        process = subprocess.Popen(
            command,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )  # type: ignore[call-overload]
        self.processes.append(process)
        return process

    def run(self, *command: str, timeout: float = 10) -> subprocess.CompletedProcess:
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=timeout)

    def window_tree(self) -> str:
        return self.run("xwininfo", "-root", "-tree").stdout

    def tray_icons(self) -> list[str]:
        """The named windows inside trayer's panel: one per embedded tray icon ("BareTray", "RocketWatch")."""
        icons, inside, depth = [], False, 0
        for line in self.window_tree().splitlines():
            indent = len(line) - len(line.lstrip())
            if '("panel" "trayer")' in line:
                inside, depth = True, indent
                continue
            if inside:
                if indent <= depth:
                    inside = False
                elif match := NAMED_WINDOW.match(line.strip()):
                    icons.append(match.group(1))
        return icons

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
        self.processes.clear()
        for log in self.logs:
            log.close()
        self.logs.clear()


def end(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask a program started with spawn() to quit (SIGTERM to its session), kill it if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
