"""A tray that arrives after the app: the icon shows in it, even after the no-tray window opened.

The desktop side is simulated by answering TrayHost.kind(); tests/e2e/test_tray_hosts.py does it for real.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from rocketwatch.ui.tray_host import SNI, XEMBED, TrayHost


@pytest.fixture
def desktop_tray(monkeypatch) -> dict[str, str | None]:
    """What the desktop offers: set ["kind"] to None, "sni" or "xembed", then emit the host's signal."""
    offered: dict[str, str | None] = {"kind": None}
    monkeypatch.setattr(TrayHost, "kind", lambda self: offered["kind"])
    monkeypatch.setattr(TrayHost, "ours_registered", lambda self: True)
    return offered


@pytest.fixture
def late_app(qtbot, standin, start_tray_app, desktop_tray):
    made = start_tray_app(standin.api_url, "late")
    qtbot.waitUntil(lambda: made.core_ready)
    return made


def test_a_tray_that_comes_after_the_no_tray_window_gets_the_icon(qtbot, late_app, desktop_tray) -> None:
    qtbot.waitUntil(lambda: "gallery" in late_app.windows and late_app.windows["gallery"].isVisible())
    assert QApplication.quitOnLastWindowClosed() and not late_app.tray.is_shown()

    desktop_tray["kind"] = SNI
    late_app.tray_host.changed.emit()
    assert late_app.tray.is_shown() and late_app.tray.kind == SNI
    assert not QApplication.quitOnLastWindowClosed(), "closing the window must no longer quit"


def test_the_icon_follows_the_kind_of_tray_and_a_restarted_watcher(qtbot, late_app, desktop_tray) -> None:
    desktop_tray["kind"] = XEMBED
    late_app.tray_host.changed.emit()
    first = late_app.tray.tray
    assert late_app.tray.kind == XEMBED and late_app.tray.is_shown()

    desktop_tray["kind"] = None  # the panel quits: the icon waits for the next one
    late_app.tray_host.changed.emit()
    assert late_app.tray.tray is first and late_app.tray.is_shown()

    desktop_tray["kind"] = SNI
    late_app.tray_host.changed.emit()
    second = late_app.tray.tray
    assert second is not first and late_app.tray.kind == SNI

    late_app.tray_host.changed.emit()  # a restarted watcher: a new registration
    assert late_app.tray.tray is not second and late_app.tray.kind == SNI
    assert late_app.tray.tray.toolTip() == late_app.tray.tooltip()
