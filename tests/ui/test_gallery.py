"""The launch gallery: cards over the stored launches, search and filter, detail pane, run controls.

Offscreen Qt; runs go to the demo stand-in through the controller fixtures.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import QLabel

from rocketwatch.ll2.model import Launch
from rocketwatch.ui.gallery import GalleryWindow
from rocketwatch.ui.launch_model import LaunchRole

NET = datetime(2027, 8, 14, 14, 30, tzinfo=UTC)  # 16:30 in Paris (summer time)


def make_window(qtbot, controller) -> GalleryWindow:
    window = GalleryWindow(controller)
    qtbot.addWidget(window)
    return window


def show_active(qtbot, window: GalleryWindow) -> None:
    """Show the window and wait until it has the keyboard (shortcuts need an active window)."""
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()


def card_names(window: GalleryWindow) -> list[str]:
    """The names on the cards the user can see, in grid order."""
    proxy = window.proxy
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def store(controller, *launches: Launch) -> None:
    controller.store.launches.upsert(launches, None)


@pytest.fixture
def paris_time() -> Iterator[None]:
    """Local time is Europe/Paris for the test, so local conversion is visible."""
    if not hasattr(time, "tzset") or not Path("/usr/share/zoneinfo/Europe/Paris").exists():
        pytest.skip("needs time.tzset and the tz database")
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened_urls() -> Iterator[list[QUrl]]:
    """URLs the app asked the desktop to open (caught instead of starting a browser)."""
    catcher = UrlCatcher()
    for scheme in ("http", "https", "file"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher.urls
    for scheme in ("http", "https", "file"):
        QDesktopServices.unsetUrlHandler(scheme)


def test_the_models_pass_the_qt_model_tester(qtbot, qtmodeltester, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.proxy)
    window.search.setText("falcon")
    qtmodeltester.check(window.proxy)


def test_the_gallery_lists_the_demo_launches_soonest_first_and_their_pictures_arrive(
    qtbot, ran_controller
) -> None:
    window = make_window(qtbot, ran_controller)
    names = card_names(window)
    assert len(names) == 10
    # The demo, like LL2, lists a launch that flew today: it comes after the upcoming ones, marked Recent.
    recent = [window.proxy.index(row, 0).data(LaunchRole.RECENT) for row in range(10)]
    assert recent == [False] * 9 + [True]
    assert window.proxy.index(9, 0).data(LaunchRole.NET_TEXT).startswith("Recent · ")
    assert window.proxy.index(9, 0).data(LaunchRole.STATUS) == "Success"
    nets = [window.proxy.index(row, 0).data(LaunchRole.NET_SORT) for row in range(9)]
    assert nets == sorted(nets)
    assert window.count_label.text() == "9 upcoming, then 1 recent (last 24 hours)"

    # A card asks for its picture; it is decoded off the GUI thread and the card is told to repaint.
    decoration = int(Qt.ItemDataRole.DecorationRole)
    row = next(row for row in range(10) if window.proxy.index(row, 0).data(LaunchRole.THUMBNAIL_PATH))
    index = window.proxy.index(row, 0)
    assert index.data(decoration) is None  # the placeholder shows meanwhile

    def this_card(top, bottom, roles) -> bool:
        return top.row() <= row <= bottom.row() and decoration in [int(role) for role in roles]

    with qtbot.waitSignal(window.proxy.dataChanged, timeout=5_000, check_params_cb=this_card):
        pass
    pixmap = index.data(decoration)
    assert isinstance(pixmap, QPixmap) and not pixmap.isNull()
    # Scaled once to exactly the card's picture box, not in paint.
    assert pixmap.deviceIndependentSize().toSize() == window.delegate.geometry.picture

    with qtbot.waitSignal(window.first_paint, timeout=5_000):
        window.show()
    assert window.pages.currentWidget() is window.splitter


def test_search_and_status_filter_narrow_the_cards(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    everything = card_names(window)

    window.search.setText("spacex")
    spacex = card_names(window)
    assert spacex and all(name.startswith("Falcon 9") for name in spacex)
    assert len(spacex) < len(everything)
    assert window.count_label.text() == f"Showing {len(spacex)} of 10 launches"

    window.search.setText("falcon starlink")  # every word must match, anywhere
    assert card_names(window) == ["Falcon 9 Block 5 | Starlink Group 14-21"]

    window.search.setText("wenchang")  # pad and location are searched too
    assert card_names(window) == ["Long March 5 | Queqiao Relay Demo"]

    window.search.clear()
    window.status_filter.setCurrentIndex(window.status_filter.findData("TBC"))
    tbc = card_names(window)
    assert tbc and len(tbc) < len(everything)
    assert {window.proxy.index(row, 0).data(LaunchRole.STATUS) for row in range(len(tbc))} == {"TBC"}
    assert window.status_filter.currentText() == f"TBC ({len(tbc)})"

    window.search.setText("falcon")
    assert card_names(window) == ["Falcon 9 Block 5 | Nimbus Rideshare 3"]
    window.search.setText("no such rocket")
    assert card_names(window) == []
    assert "No launches match" in window.view.empty_text

    window.search.clear()
    window.status_filter.setCurrentIndex(0)
    assert card_names(window) == everything


@pytest.mark.usefixtures("paris_time")
def test_net_is_shown_as_precisely_as_ll2_knows_it(qtbot, make_controller) -> None:
    controller = make_controller()
    expected = {
        "SEC": "Sat 14 Aug 2027 16:30 CEST",  # a time of day names its clock
        "MIN": "Sat 14 Aug 2027 16:30 CEST",
        None: "Sat 14 Aug 2027 16:30 CEST",
        "HR": "Sat 14 Aug, about 16:00 CEST",
        "DAY": "Sat 14 Aug 2027",
        "W": "NET week of 14 Aug 2027",
        "M": "NET August 2027",
        "Q3": "NET Q3 2027",
        "H1": "NET H1 2027",
        "Y": "NET 2027",
    }
    store(
        controller,
        *(
            Launch(id=f"id-{precision}", name=f"Launch {precision}", net=NET, net_precision=precision)
            for precision in expected
        ),
    )
    window = make_window(qtbot, controller)
    model = window.model
    for precision, text in expected.items():
        index = model.index(model.row_of(f"id-{precision}"))
        assert index.data(LaunchRole.NET_TEXT) == text, precision
        countdown = index.data(LaunchRole.COUNTDOWN)
        if precision in ("SEC", "MIN", "HR", None):
            assert countdown is not None and countdown.startswith("in "), precision
        else:  # a launch "in Q3" never gets a countdown or an exact minute
            assert countdown is None, precision
            assert ":" not in index.data(LaunchRole.NET_TEXT), precision


def test_html_in_api_text_is_shown_literally(qtbot, make_controller) -> None:
    controller = make_controller()
    name = "<b>Bold</b> & <a href='file:///etc/passwd'>link</a>"
    launch = Launch(
        id="html",
        name=name,
        net=datetime.now(UTC) + timedelta(days=2),
        net_precision="MIN",
        provider="<i>Provider</i>",
        status_abbrev="Hold",
        hold_reason="<script>x()</script>",
        mission_description="<h1>big</h1>",
    )
    store(controller, launch)
    window = make_window(qtbot, controller)
    assert window.model.index(0).data() == name
    window.show_launch("html")
    detail = window.detail
    assert detail.name.text() == name
    assert detail.name.textFormat() == Qt.TextFormat.PlainText
    assert detail.fields["provider"].text() == "<i>Provider</i>"
    assert detail.fields["description"].text() == "<h1>big</h1>"
    assert "<script>x()</script>" in detail.status_text.text()
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText
        for label in detail.findChildren(QLabel)
        if label.text().startswith("<")
    )


def test_empty_state_before_the_first_run_and_its_run_now_button(qtbot, make_controller) -> None:
    controller = make_controller()
    window = make_window(qtbot, controller)
    window.show()
    assert window.pages.currentWidget() is window.empty_state
    assert window.empty_state.isVisible()
    assert window.empty_state.run_button.isEnabled()
    with qtbot.waitSignal(controller.run_finished, timeout=20_000) as finished:
        qtbot.mouseClick(window.empty_state.run_button, Qt.MouseButton.LeftButton)
        assert window.progress_line.isVisible()
    assert finished.args[0].state == "success"
    qtbot.waitUntil(lambda: not window.progress_line.isVisible(), timeout=10_000)
    assert window.pages.currentWidget() is window.splitter
    assert len(card_names(window)) == 10
    assert window.empty_state.run_button.isEnabled()


def test_show_launch_selects_its_card_and_fills_the_detail_pane(qtbot, ran_controller, opened_urls) -> None:
    window = make_window(qtbot, ran_controller)
    launch = next(item for item in ran_controller.store.launches.upcoming() if item.webcast_url)
    window.search.setText("no such rocket")  # a filter that hides it is cleared
    window.show_launch(launch.id)
    assert window.isVisible()
    assert window.view.currentIndex().data(LaunchRole.ID) == launch.id
    selected = window.view.selectionModel().selectedIndexes()
    assert [index.data(LaunchRole.ID) for index in selected] == [launch.id]
    detail = window.detail
    assert detail.currentWidget() is detail.scroll_area
    assert detail.name.text() == launch.name
    assert detail.fields["provider"].text() == launch.provider
    card_net = window.view.currentIndex().data(LaunchRole.NET_TEXT).removeprefix("Recent · ")
    assert detail.fields["net"].text().startswith(card_net)
    assert detail.picture_button.isEnabled()
    qtbot.waitUntil(detail.picture.has_picture, timeout=5_000)

    qtbot.mouseClick(detail.webcast_button, Qt.MouseButton.LeftButton)
    assert [url.toString() for url in opened_urls] == [launch.webcast_url]
    qtbot.mouseClick(detail.picture_button, Qt.MouseButton.LeftButton)
    assert opened_urls[-1].isLocalFile() and Path(opened_urls[-1].toLocalFile()).is_file()


def test_webcast_button_refuses_urls_that_are_not_web_pages(qtbot, make_controller) -> None:
    controller = make_controller()
    store(
        controller,
        Launch(
            id="local",
            name="Local",
            net=datetime.now(UTC) + timedelta(days=1),
            webcast_url="file:///etc/passwd",
        ),
    )
    window = make_window(qtbot, controller)
    window.show_launch("local")
    assert not window.detail.webcast_button.isEnabled()


def test_selection_survives_a_reload_and_f5_runs_with_a_progress_line(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    show_active(qtbot, window)
    chosen = window.proxy.index(4, 0).data(LaunchRole.ID)
    window.show_launch(chosen)
    with qtbot.waitSignal(ran_controller.run_finished, timeout=20_000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
        assert window.progress_line.isVisible()
        assert not window.run_action.isEnabled()
    qtbot.waitUntil(lambda: not window.progress_line.isVisible(), timeout=10_000)
    assert window.run_action.isEnabled()
    assert window.selected_launch_id() == chosen
    assert window.view.currentIndex().data(LaunchRole.ID) == chosen
    assert window.detail.launch is not None and window.detail.launch.id == chosen


def test_a_hidden_gallery_catches_up_when_shown(qtbot, make_controller) -> None:
    controller = make_controller()
    window = make_window(qtbot, controller)  # built before the first run, never shown
    with qtbot.waitSignal(controller.active_changed, timeout=20_000, check_params_cb=lambda on: not on):
        controller.run_now()
    assert window.model.rowCount() == 0  # hidden: nothing read yet
    window.show()
    assert window.pages.currentWidget() is window.splitter
    assert len(card_names(window)) == 10
    assert window.status_filter.itemText(0) == "All statuses (10)"


def test_countdown_ticks_only_while_the_window_is_visible(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    assert not window.countdown_timer.isActive()
    window.show()
    assert window.countdown_timer.isActive()
    window.hide()
    assert not window.countdown_timer.isActive()


def test_keyboard_find_escape_and_remembered_geometry(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    assert window.windowTitle() == "Launches"  # Qt adds " — RocketWatch": the app is named once
    window.resize(760, 520)  # fits the offscreen screen (800 x 600)
    show_active(qtbot, window)
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "vulcan")
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)  # first Esc clears the search
    assert window.search.text() == "" and window.isVisible()
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)  # then closes the window
    assert not window.isVisible()

    again = make_window(qtbot, ran_controller)
    assert again.size().toTuple() == (760, 520)


def test_a_missing_picture_file_keeps_the_placeholder(qtbot, ran_controller) -> None:
    launch = ran_controller.store.launches.upcoming()[0]
    picture, thumbnail = ran_controller.store.images.paths_for(launch.image_url)
    assert picture is not None and thumbnail is not None
    window = make_window(qtbot, ran_controller)
    thumbnail.unlink()  # the card would fall back to the picture itself...
    picture.unlink()  # ...but that is gone too
    index = window.model.index(window.model.row_of(launch.id))
    with qtbot.waitSignal(window.loader.failed, timeout=5_000):
        assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert index.data(Qt.ItemDataRole.DecorationRole) is None


def test_cards_on_a_high_dpi_screen_get_sharp_pictures(qtbot, ran_controller) -> None:
    launch = ran_controller.store.launches.upcoming()[0]
    picture, thumbnail = ran_controller.store.images.paths_for(launch.image_url)
    assert picture is not None and thumbnail is not None
    marker = QImage(320, 180, QImage.Format.Format_RGB32)
    marker.fill(QColor("red"))  # tell the thumbnail apart from the picture
    assert marker.save(str(thumbnail), "JPEG")
    window = make_window(qtbot, ran_controller)
    box = window.delegate.geometry.picture

    def decoded(dpr: float) -> QImage:
        with qtbot.waitSignal(window.loader.ready, timeout=5_000):
            assert window.loader.pixmap(thumbnail, box, dpr, sharper=picture) is None
        pixmap = window.loader.pixmap(thumbnail, box, dpr, sharper=picture)
        assert pixmap is not None and pixmap.devicePixelRatio() == dpr
        assert (pixmap.width(), pixmap.height()) == (round(box.width() * dpr), round(box.height() * dpr))
        return pixmap.toImage()

    def is_marker(image: QImage) -> bool:
        centre = image.pixelColor(image.width() // 2, image.height() // 2)
        return centre.red() > 200 and centre.green() < 60 and centre.blue() < 60

    assert is_marker(decoded(1.0))  # the small thumbnail is enough at 1x
    assert not is_marker(decoded(2.0))  # at 2x the full picture is decoded instead of a blown-up thumbnail


def test_the_filter_shows_only_upcoming_or_only_recent_launches(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    everything = card_names(window)
    upcoming = window.status_filter.findData("@upcoming")
    recent = window.status_filter.findData("@recent")
    assert window.status_filter.itemText(upcoming) == "Upcoming (9)"
    assert window.status_filter.itemText(recent) == "Recent, last 24 hours (1)"
    window.status_filter.setCurrentIndex(recent)
    [flown] = card_names(window)
    assert flown == everything[-1]
    assert window.count_label.text() == "Showing 1 of 10 launches"
    window.status_filter.setCurrentIndex(upcoming)
    assert card_names(window) == everything[:-1]
    window.status_filter.setCurrentIndex(0)
    assert card_names(window) == everything


def closed_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_offline_first_run_says_why_and_when_with_a_hint_and_can_be_cancelled(qtbot, make_controller) -> None:
    controller = make_controller(
        source={"api_url": f"http://127.0.0.1:{closed_port()}/2.3.0"},
        pipeline={"retries": 3, "retry_delay": 600, "max_retry_delay": 600},
    )
    window = make_window(qtbot, controller)
    window.show()
    assert not window.empty_state.cancel_button.isVisible()
    qtbot.mouseClick(window.empty_state.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Trying again at" in window.empty_state.problem.text(), timeout=20_000)
    problem = window.empty_state.problem.text()
    assert "Could not reach LL2" in problem and "failed (try 1 of 4)" in problem
    assert "check the network" in problem.lower() and "--demo" in problem
    assert window.empty_state.problem.isVisible()
    assert "Trying again at" in window.progress_line.text.text() and window.progress_line.isVisible()
    assert window.empty_state.run_button.text() == "Running…"
    assert window.empty_state.cancel_button.isVisible() and window.progress_line.cancel_button.isVisible()

    with qtbot.waitSignal(controller.run_finished, timeout=5_000) as finished:
        qtbot.mouseClick(window.empty_state.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].state == "cancelled"
    qtbot.waitUntil(
        lambda: window.empty_state.run_button.isEnabled() and not window.progress_line.isVisible()
    )
    assert window.empty_state.run_button.text() == "Run now"
    assert not window.empty_state.cancel_button.isVisible()
    assert "cancelled" in window.empty_state.problem.text()
    assert "Trying again" not in window.empty_state.problem.text()


def test_a_try_start_that_arrives_after_the_wait_is_known_does_not_hide_the_reason(
    qtbot, make_controller
) -> None:
    """The controller passes the store's activity on at once; a run event takes one more queued hop, so the
    start of try 1 can arrive after the gallery already knows try 1 failed. The reason must stay."""
    from rocketwatch.pipeline import RunActivity, RunEvent
    from rocketwatch.states import RunState

    window = make_window(qtbot, make_controller())
    window._active = True
    waiting = RunActivity(
        4,
        "download_launches",
        RunState.UP_FOR_RETRY,
        1,
        4,
        "Could not reach LL2",
        datetime.now(UTC) + timedelta(minutes=10),
    )
    window._on_activity(waiting)
    window.progress_line.show_event(
        RunEvent("task_state", 4, "download_launches", RunState.RUNNING, try_number=1)
    )
    assert "Could not reach LL2" in window.progress_line.text.text()
    assert "Trying again at" in window.progress_line.text.text()
    # The next try's own start does replace it.
    window.progress_line.show_event(
        RunEvent("task_state", 4, "download_launches", RunState.RUNNING, try_number=2)
    )
    assert window.progress_line.text.text().startswith("Getting the launch list from Launch Library 2…")
