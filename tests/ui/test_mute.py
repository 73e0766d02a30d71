"""Muted launches in the gallery: marked on their card (painted and spoken), undone from the detail pane.
Offscreen Qt over the demo stand-in."""

from __future__ import annotations

from PySide6.QtCore import Qt

from rocketwatch.ui.gallery import GalleryWindow
from rocketwatch.ui.launch_model import LaunchRole


def make_window(qtbot, controller) -> GalleryWindow:
    window = GalleryWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_a_muted_launch_is_marked_and_unmuted_from_the_detail_pane(qtbot, ran_controller) -> None:
    launch_id = ran_controller.store.launches.upcoming()[1].id
    ran_controller.store.mutes.mute(launch_id)  # as `rocketwatch mute ID` does, before the window opens
    window = make_window(qtbot, ran_controller)
    row = window.proxy.row_of(launch_id)
    index = window.proxy.index(row, 0)
    assert index.data(LaunchRole.MUTED) is True
    assert index.data(Qt.ItemDataRole.AccessibleTextRole).endswith("Muted: no alerts")
    marks = [window.proxy.index(r, 0).data(LaunchRole.MUTED) for r in range(window.proxy.rowCount())]
    assert marks.count(True) == 1

    window.show_launch(launch_id)
    assert window.detail.muted_row.isVisible()
    window.view.scrollTo(index)
    muted_card = window.view.viewport().grab(window.view.visualRect(index)).toImage()
    with qtbot.waitSignal(window.watch_changed):  # the tray app plans its reminders again
        window.detail.unmute_button.click()
    assert not ran_controller.store.mutes.is_muted(launch_id)
    assert window.proxy.index(row, 0).data(LaunchRole.MUTED) is False
    assert not window.detail.muted_row.isVisible()
    assert "Unmuted" in window.statusBar().currentMessage()
    plain_card = window.view.viewport().grab(window.view.visualRect(index)).toImage()
    assert plain_card != muted_card  # the "Muted" mark is gone from the card


def test_a_launch_not_muted_shows_no_unmute_button(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    window.show_launch(ran_controller.store.launches.upcoming()[0].id)
    assert not window.detail.muted_row.isVisible()
