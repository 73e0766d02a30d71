"""The tray icon on Wayland: the real app on Qt's wayland platform under a headless weston, with a
StatusNotifierWatcher that starts after the app (there is no XEmbed on Wayland; SNI is the only tray).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_session import (
    Desktop,
    clean_environment,
    dbusmenu_shown,
    require_tools,
    start_session_bus,
    wait_for,
)
from helpers import write_config

from rocketwatch.standin import StandIn

pytestmark = pytest.mark.e2e

WAYLAND_TOOLS = ("weston", "dbus-daemon", "status-notifier-watcher", "gdbus")


@pytest.fixture
def wayland_desktop(tmp_path: Path) -> Iterator[Desktop]:
    require_tools(WAYLAND_TOOLS, "Wayland tools")
    env = clean_environment(tmp_path, QT_QPA_PLATFORM="wayland", WAYLAND_DISPLAY="wayland-rocketwatch")
    runtime = Path(env["XDG_RUNTIME_DIR"])
    desktop = Desktop("", env, tmp_path)
    try:
        start_session_bus(desktop)
        desktop.start(
            "weston",
            "--backend=headless-backend.so",
            "--socket=wayland-rocketwatch",
            "--width=1280",
            "--height=800",
            log_name="weston",
        )
        wait_for(lambda: (runtime / "wayland-rocketwatch").exists(), 20, "weston's Wayland socket")
        yield desktop
    finally:
        desktop.stop()


def test_on_wayland_the_sni_item_registers_when_the_watcher_comes_after_the_app(
    wayland_desktop, tmp_path
) -> None:
    desktop = wayland_desktop
    home = tmp_path / "home"
    with StandIn.demo() as standin:
        write_config(home)
        app_process = desktop.start(
            "env",
            "ROCKETWATCH_TRAY_WAIT=120",
            sys.executable,
            "-m",
            "rocketwatch",
            "--home",
            str(home),
            "--api-url",
            standin.api_url,
            log_name="app",
        )
        log = home / "logs" / "rocketwatch.log"
        wait_for(
            lambda: log.exists() and "No system tray yet" in log.read_text(),
            30,
            "the app, on Wayland, to wait for a tray",
        )

        desktop.start("status-notifier-watcher", log_name="sni-watcher")

        def our_item() -> str | None:
            for item in desktop.sni_items():
                if "'Title': <'RocketWatch'>" in desktop.sni_properties(item):
                    return item
            return None

        item = wait_for(our_item, 20, "RocketWatch's item registered with the watcher")
        labels = [dbusmenu_shown(label) for label in desktop.sni_menu_labels(item)]
        assert "Open gallery" in labels and "Quit RocketWatch" in labels
        assert "platform plugin" not in (desktop.workdir / "app.log").read_text(errors="replace")
        app_process.terminate()
        assert app_process.wait(20) == 0
