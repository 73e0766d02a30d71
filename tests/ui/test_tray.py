"""The tray icon's menu and tooltip, the tray notifier's fallback, and the error reporter."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from desktop_session import dbusmenu_shown
from PySide6.QtWidgets import QApplication, QMessageBox

from rocketwatch.ll2.model import Launch
from rocketwatch.notify import ChainNotifier, LogNotifier, Notification
from rocketwatch.ui.app import TrayNotifier
from rocketwatch.ui.errors import ErrorReporter
from rocketwatch.ui.tray import TrayIcon


def launch(name: str, hours: float, precision: str | None = "MIN", launch_id: str = "") -> Launch:
    return Launch(
        id=launch_id or name,
        name=name,
        net=datetime.now(UTC) + timedelta(hours=hours),
        net_precision=precision,
    )


def visible_texts(tray: TrayIcon) -> list[str]:
    return [action.text() for action in tray.menu.actions() if action.isVisible() and action.text()]


def test_menu_lists_every_item_and_the_next_five_launches(qtbot) -> None:
    tray = TrayIcon()
    tray.set_launches([launch(f"Launch {n} & friends", n + 1) for n in range(7)])
    texts = visible_texts(tray)
    assert texts[0] == "Next launches"
    assert [t.split(" — ")[0] for t in texts[1:6]] == [f"Launch {n} && friends" for n in range(5)]
    assert texts[6:] == [
        "Run now",
        "Open gallery",
        "Run history",
        "Export calendar…",
        "Pause schedule",
        "Settings…",
        "About RocketWatch",
        "Quit RocketWatch",
    ]


def test_the_new_user_sessions_arrow_key_counts_match_the_menu(qtbot) -> None:
    """tests/e2e/test_new_user.py walks the real tray menu with Up presses from the bottom."""
    import re

    source = (Path(__file__).parents[1] / "e2e" / "test_new_user.py").read_text()
    found = re.search(r"^UP_TO_SETTINGS, UP_TO_HISTORY, UP_TO_CANCEL = (\d+), (\d+), (\d+)$", source, re.M)
    assert found is not None
    settings, history, cancel = (int(count) for count in found.groups())
    tray = TrayIcon()
    tray.set_state("running")
    # Only the items the keyboard stops at, bottom first (separators and greyed lines are skipped).
    items = [
        action.text()
        for action in reversed(tray.menu.actions())
        if action.isVisible() and action.isEnabled() and not action.isSeparator() and action.text()
    ]
    assert (items[settings - 1], items[history - 1], items[cancel - 1]) == (
        "Settings…",
        "Run history",
        "Cancel the run",
    )


def test_menu_times_say_which_clock(qtbot, local_zone) -> None:
    local_zone("Asia/Tokyo")  # no summer time: always JST
    tray = TrayIcon()
    net = (datetime.now(UTC) + timedelta(days=2)).replace(hour=14, minute=30, second=0, microsecond=0)
    tray.set_launches([Launch(id="a", name="Electron", net=net, net_precision="MIN")])
    assert visible_texts(tray)[1].startswith("Electron — ") and visible_texts(tray)[1].endswith(" 23:30 JST")
    tray.set_next_run(net.replace(hour=15, minute=0), paused=False)
    next_day = net + timedelta(days=1)  # 15:00 UTC is midnight in Tokyo
    assert f"Next check: {next_day:%a} 00:00 JST" in tray.tooltip()


def test_choosing_a_launch_asks_to_open_it(qtbot) -> None:
    tray = TrayIcon()
    tray.set_launches([launch("Electron | Kiwi", 2, launch_id="abc-123")])
    with qtbot.waitSignal(tray.open_launch) as opened:
        tray.menu.actions()[1].trigger()
    assert opened.args == ["abc-123"]


def test_running_state_disables_run_now_and_failed_is_said_in_the_tooltip(qtbot) -> None:
    tray = TrayIcon()
    tray.set_state("running")
    assert not tray.run_action.isEnabled() and tray.run_action.text() == "Running…"
    tray.set_state("failed")
    assert tray.run_action.isEnabled() and tray.run_action.text() == "Run now"
    assert "The last run failed" in tray.tooltip()


def test_tooltip_shows_countdown_only_for_precise_nets_and_the_next_check(qtbot) -> None:
    tray = TrayIcon()
    now = datetime.now(UTC)
    tray.set_launches([launch("Vague", 30 * 24, precision="M")])
    assert "Next: Vague NET" in tray.tooltip(now)
    tray.set_launches([launch("Exact", 5.2)])
    assert "Next: Exact in 5 h 1" in tray.tooltip(now)
    tray.set_next_run(now + timedelta(hours=3), paused=False)
    assert "Next check:" in tray.tooltip(now)
    tray.set_next_run(None, paused=True)
    assert "Schedule paused" in tray.tooltip(now)
    assert tray.pause_action.text() == "Resume schedule"


def test_tray_notifier_without_a_visible_tray_falls_back_to_the_log(qtbot, caplog) -> None:
    tray = TrayIcon()  # offscreen: there is no system tray, the icon is never visible
    chain = ChainNotifier([TrayNotifier(tray), LogNotifier()])
    with caplog.at_level(logging.INFO):
        assert chain.send(Notification("Liftoff!", "Electron")) == "log"
    assert "Liftoff! — Electron" in caplog.text


def test_unhandled_errors_are_logged_and_shown_once(qtbot, caplog) -> None:
    reporter = ErrorReporter()
    with caplog.at_level(logging.ERROR):
        for _ in range(2):
            try:
                raise ValueError("bad launch")
            except ValueError as error:
                reporter.handle(type(error), error, error.__traceback__)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1 and "ValueError: bad launch" in boxes[0].text()
    assert caplog.text.count("Unhandled error") == 2
    for box in boxes:
        box.close()


@pytest.fixture(autouse=True)
def _close_windows(qtbot):
    yield
    for widget in QApplication.topLevelWidgets():
        widget.close()


def test_a_click_on_a_tray_message_reports_what_the_message_is_about(qtbot) -> None:
    from rocketwatch.notify import Subject

    tray = TrayIcon()
    tray.show_message("RocketWatch run 7 failed", "Open Run history", subject=Subject.run(7))
    with qtbot.waitSignal(tray.message_clicked, timeout=1000) as clicked:
        tray.tray.messageClicked.emit()
    assert clicked.args == [Subject.run(7)]
    # A later message about nothing (an export done) is not a way into run 7.
    tray.show_message("RocketWatch", "Exported 12 launches")
    with qtbot.assertNotEmitted(tray.message_clicked):
        tray.tray.messageClicked.emit()


def dbusmenu_label(text: str) -> str:
    """What Qt sends for an action's text: its first '&' becomes the DBusMenu marker '_'."""
    return text.replace("&", "_", 1)


def shown_by_a_spec_host(label: str) -> str:
    """The DBusMenu spec (KDE Plasma's libdbusmenuqt): '__' is '_', a lone '_' is not shown."""
    return re.sub(r"_(.)", r"\1", label)


NAMES = ["Starlink G6-3 my_sat_2", "Tom & Jerry && Co", "<b>Bold</b> _&_ end&", "a__b & c_"]


@pytest.mark.parametrize("name", NAMES)
def test_launch_names_keep_every_character_in_a_qmenu(qtbot, name: str) -> None:
    tray = TrayIcon()
    tray.set_launches([launch(name, 2)])
    # XEmbed: a QMenu shows "&&" as "&" and "_" as itself.
    assert tray.menu.actions()[1].text().replace("&&", "&").startswith(f"{name} — ")


@pytest.mark.parametrize("name", NAMES)
def test_launch_names_keep_every_character_over_dbusmenu_on_kde(qtbot, name: str, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    tray = TrayIcon()
    tray.set_launches([launch(name, 2)])
    tray.use_kind("sni")
    assert shown_by_a_spec_host(dbusmenu_label(tray.menu.actions()[1].text())).startswith(f"{name} — ")


@pytest.mark.parametrize("name", NAMES)
def test_launch_names_keep_every_character_over_dbusmenu_on_gtk_hosts(qtbot, name: str, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "XFCE")
    tray = TrayIcon()
    tray.set_launches([launch(name, 2)])
    tray.use_kind("sni")
    assert dbusmenu_shown(dbusmenu_label(tray.menu.actions()[1].text())).startswith(f"{name} — ")


def test_a_new_kind_of_tray_gets_a_new_icon_with_the_same_menu_and_state(qtbot) -> None:
    tray = TrayIcon()
    tray.set_launches([launch("Electron | Kiwi", 2, launch_id="abc-123")])
    tray.set_state("failed")
    tray.show()
    first = tray.tray
    tray.use_kind("xembed")
    second = tray.tray
    assert second is not first and tray.kind == "xembed"
    tray.use_kind("xembed")
    assert tray.tray is second, "the same kind keeps its icon"
    tray.use_kind("xembed", again=True)
    assert tray.tray is not second, "a restarted watcher gets a new registration"
    shown = tray.tray.contextMenu()
    assert [a.text() for a in shown.actions()] == [a.text() for a in tray.menu.actions()]
    assert tray.tray.toolTip() == tray.tooltip() and "The last run failed" in tray.tray.toolTip()
    assert not tray.tray.icon().isNull() and tray.is_shown()
    with qtbot.waitSignal(tray.open_launch) as opened:
        shown.actions()[1].trigger()
    assert opened.args == ["abc-123"]


def test_a_waiting_run_says_why_and_when_in_the_tooltip_and_menu_and_can_be_cancelled(qtbot) -> None:
    from rocketwatch.pipeline import RunActivity

    tray = TrayIcon()
    now = datetime.now(UTC)
    reason = "Could not reach LL2 at ll.thespacedevs.com: the connection was refused"
    tray.set_state("running")
    tray.set_activity(
        RunActivity(7, "download_launches", "up_for_retry", 1, 4, reason, now + timedelta(seconds=30))
    )
    tooltip = tray.tooltip(now)
    assert reason in tooltip and "failed (try 1 of 4)" in tooltip
    assert "Trying again at" in tooltip and "(in 30 s)" in tooltip
    texts = visible_texts(tray)
    line = next(text for text in texts if text.startswith("Next try at "))
    assert "Could not reach LL2" in line
    assert texts.index(line) < texts.index("Running…") < texts.index("Cancel the run")
    with qtbot.waitSignal(tray.cancel_run):
        tray.cancel_action.trigger()

    tray.set_state("running", own=False)  # a run of `rocketwatch run`: shown, not cancellable here
    assert not tray.cancel_action.isVisible()
    assert "Running in another RocketWatch…" in visible_texts(tray)
    tray.set_activity(None)
    tray.set_state("idle")
    assert not tray.activity_action.isVisible() and not tray.cancel_action.isVisible()
    assert "Getting launches" not in tray.tooltip()
