"""Fixtures for end-to-end tests: a real desktop (Xvfb, private D-Bus, dunst, trayer; or a bare one where
tests bring tray hosts of either kind) and the real app.

Tests skip with the reason when a tool is missing, unless ROCKETWATCH_REQUIRE_E2E=1 (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from desktop_session import (
    NOTIFICATION_DAEMON,
    SNI_TOOLS,
    TOOLS,
    App,
    Desktop,
    clean_environment,
    require_tools,
    start_session_bus,
    wait_for,
)


@pytest.fixture(scope="module")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    require_tools(TOOLS)
    with _desktop(tmp_path_factory, tray=True) as made:
        yield made


@pytest.fixture(scope="module")
def bare_desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    """An X server, a session bus and notification-daemon, but no tray: tests start and end tray hosts."""
    require_tools((*TOOLS, *SNI_TOOLS, NOTIFICATION_DAEMON))
    with _desktop(tmp_path_factory, tray=False) as made:
        yield made


@contextlib.contextmanager
def _desktop(tmp_path_factory: pytest.TempPathFactory, tray: bool) -> Iterator[Desktop]:
    workdir = tmp_path_factory.mktemp("desktop")
    env = clean_environment(workdir, QT_QPA_PLATFORM="xcb")
    desktop = Desktop("", env, workdir)
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
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        xvfb._rocketwatch_log = open(os.devnull, "wb")  # type: ignore[attr-defined]  # noqa: SIM115
        desktop.processes.append(xvfb)
        desktop.display = f":{number}"
        env["DISPLAY"] = desktop.display
        start_session_bus(desktop)
        if not tray:
            desktop.start(NOTIFICATION_DAEMON, log_name="notification-daemon")
            wait_for(
                lambda: "org.freedesktop.Notifications" in desktop.bus_names(),
                15,
                "notification-daemon on the session bus",
            )
            yield desktop
            return
        desktop.start("dunst", log_name="dunst")
        wait_for(lambda: desktop.run("dunstctl", "is-paused").returncode == 0, 15, "dunst on the session bus")
        desktop.start(
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
            log_name="trayer",
        )
        wait_for(lambda: '("panel" "trayer")' in desktop.window_tree(), 15, "trayer's panel")
        yield desktop
    finally:
        desktop.stop()


@pytest.fixture
def start_app(desktop: Desktop) -> Iterator[Callable[..., App]]:
    with _apps(desktop) as start:
        yield start


@pytest.fixture
def start_app_bare(bare_desktop: Desktop) -> Iterator[Callable[..., App]]:
    with _apps(bare_desktop) as start:
        yield start


@contextlib.contextmanager
def _apps(desktop: Desktop) -> Iterator[Callable[..., App]]:
    apps: list[App] = []

    def start(home: Path, api_url: str, *extra: str, env: dict[str, str] | None = None) -> App:
        settings = [f"{key}={value}" for key, value in (env or {}).items()]
        process = desktop.start(
            *(["env", *settings] if settings else []),
            sys.executable,
            "-m",
            "rocketwatch",
            "--home",
            str(home),
            "--api-url",
            api_url,
            *extra,
            log_name=f"app-{len(apps)}",
        )
        app = App(process, home, desktop, api_url)
        apps.append(app)
        return app

    try:
        yield start
    finally:
        for app in apps:
            if app.process.poll() is None:
                app.process.terminate()
                try:
                    app.process.wait(15)
                except subprocess.TimeoutExpired:
                    app.process.kill()
                    app.process.wait(5)
