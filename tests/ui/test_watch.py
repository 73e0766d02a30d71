"""Watching launches from the gallery: the star on each card, S on the selected card, the detail pane's
Watch button and the Watched filter (the core's is_watched rule). Offscreen Qt over the demo stand-in.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from rocketwatch.alerts import watched
from rocketwatch.ui.gallery import WATCHED_ITEM, GalleryWindow
from rocketwatch.ui.launch_model import LaunchRole
from rocketwatch.ui.watch_star import WATCH_TIP


def make_window(qtbot, controller) -> GalleryWindow:
    window = GalleryWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def row_of_name(window: GalleryWindow, words: str) -> int:
    proxy = window.proxy
    return next(row for row in range(proxy.rowCount()) if words in proxy.index(row, 0).data())


def star_centre(window: GalleryWindow, row: int) -> QPoint:
    index = window.proxy.index(row, 0)
    window.view.scrollTo(index)
    return window.delegate.star_rect(window.view.visualRect(index)).center().toPoint()


def looks_amber(color: QColor) -> bool:
    return color.saturation() > 150 and color.value() > 180 and 30 <= color.hsvHue() <= 55


def card_names(window: GalleryWindow) -> list[str]:
    return [window.proxy.index(row, 0).data() for row in range(window.proxy.rowCount())]


@pytest.fixture
def rocket_lab_fan(qtbot, make_controller):
    """A controller after one demo run whose alerts watch only Rocket Lab's launches."""
    controller = make_controller(alerts={"watch_providers": ["rocket lab"]})
    with qtbot.waitSignal(controller.active_changed, timeout=20_000, check_params_cb=lambda on: not on):
        controller.run_now()
    return controller


def test_clicking_a_cards_star_watches_the_launch_and_fills_the_star(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    launch_id = window.proxy.index(2, 0).data(LaunchRole.ID)
    centre = star_centre(window, 2)
    assert not looks_amber(window.view.viewport().grab().toImage().pixelColor(centre))
    with qtbot.waitSignal(window.watch_changed), qtbot.waitSignal(window.model.dataChanged):
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert ran_controller.store.stars.is_starred(launch_id)
    assert window.proxy.index(2, 0).data(LaunchRole.STARRED) is True
    assert "Starred" in window.proxy.index(2, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    pixel = window.view.viewport().grab().toImage().pixelColor(centre)
    assert looks_amber(pixel), pixel.name()
    assert window.selected_launch_id() == launch_id  # the click also picked the card
    assert window.detail.watch_button.isChecked() and window.detail.watch_button.text() == "Watching"
    with qtbot.waitSignal(window.watch_changed):
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert not ran_controller.store.stars.is_starred(launch_id)
    assert window.proxy.index(2, 0).data(LaunchRole.STARRED) is False
    assert window.detail.watch_button.text() == "Watch"


def test_the_star_explains_itself_in_a_tooltip(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    viewport = window.view.viewport()
    centre = star_centre(window, 0)
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, centre, viewport.mapToGlobal(centre)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == WATCH_TIP and "(S)" in QToolTip.text()
    QToolTip.hideText()


def test_a_click_elsewhere_on_the_card_only_selects_it(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    rect = window.view.visualRect(window.proxy.index(1, 0))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.selected_launch_id() == window.proxy.index(1, 0).data(LaunchRole.ID)
    assert ran_controller.store.stars.starred() == frozenset()


def test_s_on_the_selected_card_toggles_its_star_and_it_survives_a_reload(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    assert not window.watch_action.isEnabled()  # nothing selected yet
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search, "starlink")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # to the grid, the first match selected
    launch_id = window.selected_launch_id()
    assert launch_id is not None and "Starlink" in window.detail.name.text()
    assert window.view.hasFocus() and window.watch_action.isEnabled()
    with qtbot.waitSignal(window.watch_changed):
        qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert ran_controller.store.stars.starred() == {launch_id}
    assert window.watch_action.isChecked() and window.detail.watch_button.isChecked()
    ran_controller.data_changed.emit()  # a run stored new data: the gallery reads everything again
    row = window.proxy.row_of(launch_id)
    assert row is not None and window.proxy.index(row, 0).data(LaunchRole.STARRED) is True
    assert window.detail.watch_button.text() == "Watching"
    with qtbot.waitSignal(window.watch_changed):
        qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert ran_controller.store.stars.starred() == frozenset()
    assert not window.watch_action.isChecked()


def test_the_detail_panes_watch_button_stars_the_launch_and_its_card(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    launch_id = window.proxy.index(4, 0).data(LaunchRole.ID)
    window.show_launch(launch_id)
    button = window.detail.watch_button
    assert button.isCheckable() and not button.isChecked() and button.text() == "Watch"
    assert button.accessibleName() == "Watch this launch"
    with qtbot.waitSignal(window.watch_changed):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert ran_controller.store.stars.is_starred(launch_id)
    assert button.isChecked() and button.text() == "Watching"
    assert window.proxy.index(4, 0).data(LaunchRole.STARRED) is True
    assert window.statusBar().currentMessage().startswith("Watching ")
    with qtbot.waitSignal(window.watch_changed):
        button.click()
    assert not ran_controller.store.stars.is_starred(launch_id)
    assert window.proxy.index(4, 0).data(LaunchRole.STARRED) is False


def test_the_watched_filter_follows_the_watch_lists_and_the_stars(qtbot, rocket_lab_fan) -> None:
    controller = rocket_lab_fan
    window = make_window(qtbot, controller)
    found = window.status_filter.findData(WATCHED_ITEM)
    assert found == 1 and window.status_filter.itemText(found) == "Watched (1)"
    window.status_filter.setCurrentIndex(found)
    assert card_names(window) == ["Electron | Kiwi Lantern"]
    assert window.count_label.text() == "Showing 1 of 10 launches"
    # Star a SpaceX launch from its card: it joins the watched ones at once, in NET order.
    window.status_filter.setCurrentIndex(0)
    starlink = row_of_name(window, "Starlink")
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=star_centre(window, starlink))
    window.status_filter.setCurrentIndex(found)
    assert window.status_filter.itemText(found) == "Watched (2)"
    launches = [window.model.launch_at(row) for row in range(window.model.rowCount())]
    expected = watched(launches, controller.config.alerts, controller.store.stars.starred())
    assert (
        card_names(window)
        == [launch.name for launch in expected]
        == ["Electron | Kiwi Lantern", "Falcon 9 Block 5 | Starlink Group 14-21"]
    )
    # Unstarred while the filter shows only watched launches: its card leaves the grid.
    window.set_watching(expected[1].id, False)
    assert card_names(window) == ["Electron | Kiwi Lantern"]
    # Watching every launch (settings applied): all of them are watched.
    alerts = replace(controller.config.alerts, watch_providers=())
    controller.apply_config(replace(controller.config, alerts=alerts))
    assert window.status_filter.itemText(found) == "Watched (10)"
    assert len(card_names(window)) == 10


def test_no_watched_launch_says_how_to_watch_one(qtbot, make_controller) -> None:
    controller = make_controller(alerts={"watch_terms": ["no such rocket"]})
    with qtbot.waitSignal(controller.active_changed, timeout=20_000, check_params_cb=lambda on: not on):
        controller.run_now()
    window = make_window(qtbot, controller)
    window.status_filter.setCurrentIndex(window.status_filter.findData(WATCHED_ITEM))
    assert window.proxy.rowCount() == 0
    assert "Star a launch" in window.view.empty_text and "Settings" in window.view.empty_text
