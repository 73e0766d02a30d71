"""Fixtures for the Qt tests: a RunController over a temporary home pointed at the demo stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import RecordingNotifier, write_config

from rocketwatch.config import load_config
from rocketwatch.notify import ChainNotifier
from rocketwatch.paths import paths_for
from rocketwatch.standin import StandIn


@pytest.fixture(scope="session", autouse=True)
def _collect_in_the_gui_thread(qapp) -> Iterator[None]:
    """As the app does (ui/gc_guard.py): a Qt object left in a cycle by one test is never freed by a
    garbage collection that a controller's worker thread happens to start in a later one."""
    from rocketwatch.ui.gc_guard import GuiThreadCollector

    collector = GuiThreadCollector()
    yield
    collector.stop()


@pytest.fixture
def start_tray_app(qtbot, home: Path, monkeypatch) -> Iterator:
    """start_tray_app(api_url, name, tray_wait=0.2, after_load=None) -> a started TrayApp over `home`
    (schedule paused, no desktop notification service), shut down and closed after the test.
    `after_load` runs once the settings are read, before the app is made."""
    from PySide6.QtWidgets import QApplication

    from rocketwatch.session import Session
    from rocketwatch.ui import app as app_module
    from rocketwatch.ui.single_instance import socket_name

    made: list = []

    def start(api_url: str, name: str, *, tray_wait: float = 0.2, after_load=None):
        monkeypatch.setattr(app_module, "TRAY_WAIT_S", tray_wait)
        monkeypatch.setattr(app_module, "desktop_backends", lambda: [])
        monkeypatch.setattr(app_module, "open_desktop_notifier", lambda _parent: None)
        write_config(home, source={"api_url": api_url}, schedule={"paused": True})
        session = Session.from_options(str(home), None, False)
        session.load()
        if after_load is not None:
            after_load()
        tray_app = app_module.TrayApp(session, f"{socket_name(home)}-{name}")
        assert tray_app.server_ok
        made.append(tray_app)
        tray_app.start()
        return tray_app

    yield start
    for tray_app in made:
        tray_app.tray_host.stop()
        tray_app.scheduler.shutdown()
        tray_app.controller.shutdown(10)
        for window in tray_app.windows.values():
            window.close()
        tray_app.close()
    QApplication.setQuitOnLastWindowClosed(False)


@pytest.fixture
def recorder() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def make_controller(qtbot, home: Path, standin: StandIn, recorder: RecordingNotifier) -> Iterator:
    """make_controller(**config_sections) -> RunController over `home`, pointed at the demo stand-in."""
    from rocketwatch.ui.controller import RunController

    made: list[RunController] = []

    def make(**sections: dict) -> RunController:
        # The window tests were written against the first 10 demo launches (LL2 pages of 10 then).
        sections["source"] = {"api_url": standin.api_url, "limit": 10, **sections.get("source", {})}
        write_config(home, **sections)
        paths = paths_for(home)
        controller = RunController(paths, load_config(paths.config_file), ChainNotifier([recorder]))
        made.append(controller)
        return controller

    yield make
    for controller in made:
        assert controller.shutdown(10)


@pytest.fixture
def ran_controller(qtbot, make_controller):
    """A controller whose store already holds one successful demo run."""
    controller = make_controller()
    with qtbot.waitSignal(
        controller.active_changed, timeout=20_000, check_params_cb=lambda active: not active
    ):
        controller.run_now()
    return controller


@pytest.fixture(autouse=True)
def _close_leftover_windows(qtbot):
    """A window or dialog left open by one test would keep the keyboard focus in the next."""
    yield
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
