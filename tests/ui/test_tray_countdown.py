"""The last hour on the tray icon: in the hour before a watched launch the icon carries the minutes left
and the tooltip the exact countdown; nothing changes otherwise (and not for muted or vague launches)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSize

from rocketwatch.alerts import counted_down
from rocketwatch.config import AlertsConfig
from rocketwatch.ll2.model import Launch
from rocketwatch.standin import StandIn
from rocketwatch.standin.data import format_time
from rocketwatch.ui.tray import TrayIcon

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def launch(
    name: str, minutes: float, precision: str | None = "SEC", status: str = "Go", provider: str = "SpaceX"
) -> Launch:
    return Launch(
        id=name,
        name=name,
        net=NOW + timedelta(minutes=minutes),
        net_precision=precision,
        status_abbrev=status,
        provider=provider,
    )


def icon_image(tray: TrayIcon):
    return tray.tray.icon().pixmap(QSize(22, 22)).toImage()


def test_the_soonest_watched_exact_launch_within_the_hour_is_counted_down() -> None:
    cfg = AlertsConfig(watch_providers=("rocket lab",))
    soon = launch("Electron | A", 20, provider="Rocket Lab")
    later = launch("Electron | B", 50, provider="Rocket Lab")
    assert counted_down([later, soon], NOW, cfg) == soon
    assert counted_down([launch("Falcon 9 | C", 10)], NOW, cfg) is None  # not watched
    starred = counted_down([launch("Falcon 9 | C", 10)], NOW, cfg, starred={"Falcon 9 | C"})
    assert starred is not None and starred.name == "Falcon 9 | C"
    assert counted_down([launch("Electron | D", 61, provider="Rocket Lab")], NOW, cfg) is None  # > 1 h
    assert counted_down([launch("Electron | E", 20, precision="HR", provider="Rocket Lab")], NOW, cfg) is None
    flying = launch("Electron | F", 20, status="In Flight", provider="Rocket Lab")
    assert counted_down([flying], NOW, cfg) is None
    assert counted_down([launch("Electron | G", -1, provider="Rocket Lab")], NOW, cfg) is None


def test_the_icon_carries_the_minutes_and_the_tooltip_the_exact_countdown(qtbot, local_zone) -> None:
    local_zone("UTC")
    tray = TrayIcon()
    plain = icon_image(tray)
    tooltip = tray.tray.toolTip()
    target = launch("Falcon 9 | Starlink 12-3", 42)
    tray.set_countdown(target, NOW + timedelta(seconds=1))
    assert tray.countdown_minutes(NOW + timedelta(seconds=1)) == 42
    assert "Falcon 9 | Starlink 12-3 launches in 41 min 59 s (at 15:42 UTC)" in tray.tray.toolTip()
    badged = icon_image(tray)
    assert badged != plain
    almost = NOW + timedelta(minutes=41, seconds=30)
    tray.set_countdown(target, almost)
    assert "launches in 0 min 30 s" in tray.tray.toolTip() and tray.countdown_minutes(almost) == 1
    assert icon_image(tray) not in (plain, badged)  # "1", not "42"
    soon = Launch(id="soon", name="Soon", net=datetime.now(UTC) + timedelta(minutes=42), net_precision="SEC")
    tray.set_countdown(soon)  # on the real clock, which set_state uses
    assert icon_image(tray) == badged
    tray.set_state("failed")  # the state badge stays beside the minutes
    assert icon_image(tray) != badged and tray.countdown_minutes() in (41, 42)
    failed_badged = icon_image(tray)
    tray.set_countdown(None)
    assert icon_image(tray) not in (failed_badged, plain)
    tray.set_state("idle")
    assert icon_image(tray) == plain and tray.tray.toolTip() == tooltip


@pytest.fixture
def soon_standin():
    net = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
    record = {
        "id": "soon-1",
        "name": "Electron | Soon",
        "net": format_time(net),
        "net_precision": {"abbrev": "SEC"},
        "status": {"id": 1, "name": "Go", "abbrev": "Go"},
        "launch_service_provider": {"name": "Rocket Lab"},
        "pad": {"name": "LC-1A", "location": {"name": "Mahia"}},
    }
    with StandIn(records=[record]) as server:
        yield server


def test_the_tray_app_counts_down_a_watched_launch_and_stops_when_it_is_muted(
    qtbot, soon_standin, start_tray_app
) -> None:
    tray_app = start_tray_app(soon_standin.api_url, "countdown", tray_wait=600)
    qtbot.waitUntil(lambda: tray_app.core_ready)
    assert tray_app.tray.countdown_minutes() is None  # nothing stored yet
    with qtbot.waitSignal(tray_app.controller.run_finished, timeout=20_000):
        tray_app.controller.run_now()
    qtbot.waitUntil(lambda: tray_app.tray.countdown_minutes() in (29, 30), timeout=10_000)
    first = tray_app.tray.tray.toolTip()
    assert "Electron | Soon launches in" in first
    qtbot.waitUntil(lambda: tray_app.tray.tray.toolTip() != first, timeout=5_000)  # it ticks
    tray_app.mute_launch("soon-1")
    assert tray_app.tray.countdown_minutes() is None
    assert "Electron | Soon launches" not in tray_app.tray.tray.toolTip()
