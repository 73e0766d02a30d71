"""The gallery's Events section: events from the stand-in as cards like launches (pictures from the same
cache), their details in plain text, reached from the filter. Offscreen Qt over the demo stand-in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

from rocketwatch.standin.events import demo_events
from rocketwatch.ui.gallery import EVENTS_ITEM, GalleryWindow
from rocketwatch.ui.launch_model import LaunchRole


def make_window(qtbot, controller) -> GalleryWindow:
    window = GalleryWindow(controller)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_events_show_as_cards_with_pictures_and_plain_text_details(qtbot, make_controller, standin) -> None:
    events = demo_events()
    events[0] = {**events[0], "name": "<b>US Spacewalk 92</b>"}  # text from the API is data
    standin.set_events(events)
    controller = make_controller(source={"events": True})
    with qtbot.waitSignal(controller.active_changed, timeout=20_000, check_params_cb=lambda on: not on):
        controller.run_now()
    window = make_window(qtbot, controller)
    assert window.pages.currentWidget() is window.splitter  # launches first
    found = window.status_filter.findData(EVENTS_ITEM)
    assert found >= 0 and window.status_filter.itemText(found).endswith("(3)")

    window.show_events()
    page = window.events_page
    assert window.pages.currentWidget() is page and window.count_label.text() == "3 events"
    names = [page.model.index(n).data() for n in range(page.model.rowCount())]
    assert names == ["<b>US Spacewalk 92</b>", "Cargo Dragon docking", "Starship static fire"]
    card = page.model.index(1).data(LaunchRole.LAUNCH)
    assert card.status_abbrev == "Docking" and card.provider == "International Space Station"
    qtbot.waitUntil(
        lambda: isinstance(page.model.index(0).data(Qt.ItemDataRole.DecorationRole), QPixmap), timeout=10_000
    )
    assert page.detail.name.text() == "<b>US Spacewalk 92</b>"
    assert page.detail.name.textFormat() == Qt.TextFormat.PlainText
    assert page.detail.when.text().startswith("EVA · ")
    assert page.detail.webcast_button.isVisible()

    page.view.setCurrentIndex(page.model.index(2))
    assert page.detail.name.text() == "Starship static fire" and "Starbase" in page.detail.place.text()

    launch_id = controller.store.launches.upcoming()[0].id
    window.show_launch(launch_id)  # back to the launches
    assert window.pages.currentWidget() is window.splitter and window.selected_launch_id() == launch_id


def test_without_events_there_is_no_events_entry(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    assert window.status_filter.findData(EVENTS_ITEM) < 0
