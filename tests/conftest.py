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

from helpers import SAMPLES, localize_pictures

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
