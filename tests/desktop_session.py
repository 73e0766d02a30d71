"""Driving a real desktop from tests: the Desktop (X server, bus, dunst, trayer or a StatusNotifierItem
host) and a running App.

Used by tests/e2e/conftest.py fixtures and by the screenshot scripts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = ("Xvfb", "dbus-daemon", "dunst", "dunstctl", "trayer", "xwininfo", "xdotool", "import", "notify-send")
# A StatusNotifierItem desktop: Debian's haskell-status-notifier-item-utils, haskell-gtk-sni-tray-utils,
# notification-daemon and libglib2.0-bin (gdbus, to read the bus).
SNI_TOOLS = ("status-notifier-watcher", "gtk-sni-tray-standalone", "gdbus", "dbus-monitor")
NOTIFICATION_DAEMON = "/usr/lib/notification-daemon/notification-daemon"
SNI_WATCHER = "org.kde.StatusNotifierWatcher"
LABEL = r"'label': <('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")>"  # a GVariant string, quoted either way
TRAYER_ARGS = (
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
    "true",
    "--alpha",
    "0",
)  # the tint, opaque


def require_tools(tools: tuple[str, ...], what: str = "desktop tools") -> None:
    """Skip the test when a tool is missing, or fail it where CI asks for every desktop test."""
    import pytest

    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"{what} missing: {', '.join(missing)} (see .ci/run for the Debian packages)"
        if os.environ.get("ROCKETWATCH_REQUIRE_E2E") == "1":
            pytest.fail(message)
        pytest.skip(message)


def clean_environment(workdir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without its desktop (display, bus, Qt platform), homed in `workdir`."""
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
        NO_AT_BRIDGE="1",
    )
    env.update(extra)
    return env


def start_session_bus(desktop: Desktop) -> None:
    """A private D-Bus session for `desktop`; its address goes into the desktop's environment."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        env=desktop.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    desktop.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()  # type: ignore[union-attr]
    bus._rocketwatch_log = bus.stdout  # type: ignore[attr-defined]
    desktop.processes.append(bus)


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

    def open_tray_menu(self, icon_window: str) -> set[str]:
        """Right-click the tray icon in window `icon_window` (a trayer child); the menu's new windows."""
        geometry = self.run("xdotool", "getwindowgeometry", "--shell", icon_window).stdout
        values = dict(item.split("=") for item in geometry.split())
        x = int(values["X"]) + int(values["WIDTH"]) // 2
        y = int(values["Y"]) + int(values["HEIGHT"]) // 2

        def visible() -> set[str]:
            found = self.run("xdotool", "search", "--onlyvisible", "--class", "rocketwatch").stdout
            return set(found.split())

        before = visible()
        self.run("xdotool", "mousemove", str(x), str(y), "click", "3", check=True)
        return wait_for(lambda: visible() - before, 10, "the tray menu")  # type: ignore[return-value]

    def screenshot(self, path: Path) -> Path:
        self.run("import", "-window", "root", str(path), check=True)
        return path

    # --- tray hosts that come and go ------------------------------------------------------------
    def start_trayer(self, tint: str = "0x3b4252") -> subprocess.Popen:
        process = self.start("trayer", *TRAYER_ARGS, "--tint", tint, log_name="trayer")
        wait_for(lambda: '("panel" "trayer")' in self.window_tree(), 15, "trayer's panel")
        return process

    def start_sni_host(self, dark: bool = False, data_dirs: str = "") -> list[subprocess.Popen]:
        """The StatusNotifierWatcher, then a GTK panel hosting the items (light or dark GTK theme) along
        the bottom edge (notification bubbles come at the top), finding icon themes in `data_dirs`
        (XDG_DATA_DIRS) when given."""
        watcher = self.start("status-notifier-watcher", log_name="sni-watcher")
        wait_for(lambda: SNI_WATCHER in self.bus_names(), 15, "the StatusNotifierWatcher on the bus")
        theme, colour = ("Adwaita:dark", "#202326") if dark else ("Adwaita", "#eff0f1")
        settings = [f"XDG_DATA_DIRS={data_dirs}"] if data_dirs else []
        host = self.start(
            "env",
            f"GTK_THEME={theme}",
            *settings,
            "gtk-sni-tray-standalone",
            "--bottom",
            "--end",
            "--size",
            "32",
            "--color",
            colour,
            log_name="sni-host",
        )
        wait_for(self.sni_host_registered, 15, "the SNI host registered with the watcher")
        return [watcher, host]

    def end(self, *processes: subprocess.Popen) -> None:
        """Stop some of the desktop's processes (a panel that quits or restarts)."""
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(10)

    def gdbus(self, *args: str) -> str:
        result = self.run("gdbus", "call", "--session", *args)
        return result.stdout if result.returncode == 0 else ""

    def bus_names(self) -> str:
        return self.gdbus(
            "-d",
            "org.freedesktop.DBus",
            "-o",
            "/org/freedesktop/DBus",
            "-m",
            "org.freedesktop.DBus.ListNames",
        )

    def sni_host_registered(self) -> bool:
        return "true" in self.sni_watcher_property("IsStatusNotifierHostRegistered")

    def sni_watcher_property(self, name: str) -> str:
        return self.gdbus(
            "-d",
            SNI_WATCHER,
            "-o",
            "/StatusNotifierWatcher",
            "-m",
            "org.freedesktop.DBus.Properties.Get",
            SNI_WATCHER,
            name,
        )

    def sni_items(self) -> list[str]:
        """The items registered with the watcher, as `bus name` or `bus name/path`."""
        return re.findall(r"'([^']+)'", self.sni_watcher_property("RegisteredStatusNotifierItems"))

    def sni_item(self, item: str) -> tuple[str, str]:
        service, _, path = item.partition("/")
        return service, f"/{path}" if path else "/StatusNotifierItem"

    def sni_properties(self, item: str) -> str:
        service, path = self.sni_item(item)
        return self.gdbus(
            "-d",
            service,
            "-o",
            path,
            "-m",
            "org.freedesktop.DBus.Properties.GetAll",
            "org.kde.StatusNotifierItem",
        )

    def sni_menu_labels(self, item: str) -> list[str]:
        """The labels of the item's DBusMenu, as sent (a host reads '_' as its mnemonic marker)."""
        service, _ = self.sni_item(item)
        menu = re.search(r"'Menu': <objectpath '([^']+)'>", self.sni_properties(item))
        if not menu:
            return []
        layout = self.gdbus(
            "-d",
            service,
            "-o",
            menu.group(1),
            "-m",
            "com.canonical.dbusmenu.GetLayout",
            "--",
            "0",
            "-1",
            "@as []",
        )
        return [gvariant_string(text) for text in re.findall(LABEL, layout)]

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


def gvariant_string(literal: str) -> str:
    """The text of a GVariant string literal as gdbus prints it ('...' or "...", with backslash escapes)."""
    body = literal[1:-1]
    return re.sub(r"\\(.)", lambda match: match.group(1), body)


def dbusmenu_shown(label: str) -> str:
    """What gtk-sni-tray shows for a DBusMenu `label`: '__' is '_' and a lone '_' marks the next letter;
    when a label has such a marker, the underscores are removed twice (as GTK does with hidden mnemonics)."""

    def underline_pass(text: str) -> str:
        return re.sub(r"_(.)", lambda match: match.group(1), text)

    lone = re.search(r"(?:^|[^_])(?:__)*_(?:[^_]|$)", label)
    return underline_pass(underline_pass(label)) if lone else underline_pass(label)
