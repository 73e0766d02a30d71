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
