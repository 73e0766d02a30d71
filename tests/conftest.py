"""Shared pytest fixtures: the folder of real LL2 sample responses and a running LL2 stand-in.

Fixtures that need files outside the repository skip the test when those files are absent.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Qt tests run headless; the desktop tests in tests/e2e start their own X server.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite reads English whatever the machine's locale (LANGUAGE comes first in gettext's order, and a
# "C" locale means English anyway); the processes tests start inherit it. Tests of other languages ask.
os.environ["LANGUAGE"] = "en"
os.environ.pop("ROCKETWATCH_PSEUDO_LOCALE", None)

from helpers import SAMPLES, localize_pictures, write_config

from rocketwatch import i18n
from rocketwatch.standin import StandIn


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Every test starts in English and leaves English behind, whatever it switched to."""
    i18n.setup("en")
    yield
    i18n.setup("en")


@pytest.fixture
def korean() -> Iterator[Callable[[], None]]:
    """The app in Korean for this test (the catalog the build compiled). Calling it switches to Korean
    again, for a test that read settings (which may choose the language)."""

    def switch() -> None:
        if i18n.setup("ko") != "ko":
            pytest.fail(f"no compiled Korean catalog at {i18n.catalog_path('ko')}: did the build hook run?")

    switch()
    yield switch


@pytest.fixture(scope="session")
def ll2_fixtures_dir() -> Path:
    """shared/fixtures/ll2 next to the repository (or $ROCKETWATCH_LL2_FIXTURES); skips if absent."""
    override = os.environ.get("ROCKETWATCH_LL2_FIXTURES")
    repository = Path(__file__).resolve().parents[1]
    folder = Path(override) if override else repository.parent / "shared" / "fixtures" / "ll2"
    if not folder.is_dir():
        pytest.skip(f"LL2 sample responses not found at {folder}")
    return folder


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A started stand-in serving the demo launches and pictures; stopped after the test."""
    with StandIn.demo() as server:
        yield server


@pytest.fixture
def start_tray_app(qtbot, home: Path, monkeypatch) -> Iterator:
    """start_tray_app(api_url, name, ...) -> a started TrayApp over `home` (schedule paused), shut down and
    closed after the test. `tray_wait`: how long it waits for a tray before it opens a window instead;
    `open_notifier`: its desktop notification backend (default: none); `pipeline`: [pipeline] settings;
    `after_load` runs once the settings are read, before the app is made."""
    from PySide6.QtWidgets import QApplication

    from rocketwatch.session import Session
    from rocketwatch.ui import app as app_module
    from rocketwatch.ui.single_instance import socket_name

    made: list = []

    def start(
        api_url: str,
        name: str,
        *,
        tray_wait: float = 0.2,
        open_notifier=lambda _parent: None,
        pipeline: dict | None = None,
        after_load=None,
    ):
        monkeypatch.setattr(app_module, "TRAY_WAIT_S", tray_wait)
        monkeypatch.setattr(app_module, "desktop_backends", lambda: [])
        monkeypatch.setattr(app_module, "open_desktop_notifier", open_notifier)
        write_config(home, source={"api_url": api_url}, schedule={"paused": True}, pipeline=pipeline or {})
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
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def sample_standin(ll2_fixtures_dir: Path) -> Iterator:
    """A factory: sample_standin(name) -> (started StandIn serving that real sample, its picture paths)."""
    from rocketwatch.standin import load_fixture_records

    servers: list[StandIn] = []

    def serve(name: str) -> tuple[StandIn, list[str]]:
        version = name.split("-")[0]
        server = StandIn(version=version)
        records = load_fixture_records(ll2_fixtures_dir / SAMPLES[name])
        paths = localize_pictures(records, server)
        server.set_records(records)
        servers.append(server.start())
        return server, paths

    yield serve
    for server in servers:
        server.stop()


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """use(name): the process's local time zone becomes `name` (TZ and tzset), restored afterwards."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()
