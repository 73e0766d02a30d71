"""The detail pane with LL2's detailed parts: webcasts, boosters and landings, patches, links, updates and the
slip timeline; what a launch with everything and a launch with nothing look like. Offscreen Qt.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import picture_bytes
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton

from rocketwatch.launch_words import moment_words
from rocketwatch.ll2.model import InfoLink, Landing, Launch, Patch, Update, Webcast
from rocketwatch.store.launches import LaunchChange
from rocketwatch.ui.detail_sections import LinkButton, PatchPicture, Section
from rocketwatch.ui.launch_detail import LaunchDetail
from rocketwatch.ui.thumbnails import PictureLoader

NOW = datetime.now(UTC).replace(microsecond=0)
NET = NOW + timedelta(hours=30)
PATCH_URL = "https://images.example/patch.png"


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """URLs the pane asked the desktop to open (caught instead of starting a browser)."""
    catcher = UrlCatcher()
    for scheme in ("http", "https", "file"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher.urls
    for scheme in ("http", "https", "file"):
        QDesktopServices.unsetUrlHandler(scheme)


def rich_launch(**fields: object) -> Launch:
    """A launch with every detailed part: three webcasts (one live), two landings, a patch, links, updates."""
    values: dict = dict(
        id="rich",
        name="Falcon 9 | Starlink 10-12",
        net=NET,
        net_precision="MIN",
        status_abbrev="Go",
        provider="SpaceX",
        probability=85,
        webcast_live=True,
        webcast_url="https://youtube.example/live",
        webcasts=(
            Webcast(
                "https://youtube.example/live",
                "Starlink Mission",
                "SpaceX",
                "English",
                "Official Webcast",
                2,
                True,
                NOW - timedelta(minutes=20),
            ),
            Webcast("https://x.example/spacex", "On X", "SpaceX", "English", "Official Webcast", 1),
            Webcast(
                "https://nsf.example/restream",
                "<b>Re-stream</b> & chat",
                "NASASpaceflight",
                "Español",
                "Unofficial Re-stream",
                5,
                False,
                NET - timedelta(hours=1),
            ),
        ),
        landings=(
            Landing(
                "Core",
                "B1080",
                12,
                True,
                True,
                True,
                "A Shortfall of Gravitas",
                "ASOG",
                "Autonomous Spaceport Drone Ship",
                "ASDS",
            ),
            Landing(
                "Booster", "B1092", 3, True, True, None, "Landing Zone 2", "LZ-2", "Return to Launch Site"
            ),
        ),
        patches=(Patch("Starlink patch", PATCH_URL),),
        updates=tuple(
            Update(
                NOW - timedelta(hours=hours),
                "Nosu",
                f"comment {hours}",
                "https://updates.example/1" if hours == 2 else "",
            )
            for hours in (5, 1, 3, 2, 4)
        ),
        programs=("Starlink", "Commercial Crew"),
        info_links=(InfoLink("https://spacex.example/", "SpaceX page"),),
        weather_concerns="Cumulus clouds",
        hashtag="#Starlink",
        flightclub_url="https://flightclub.example/r",
    )
    values.update(fields)
    return Launch(**values)


def make_detail(
    qtbot, tmp_path: Path, *, changes: list[LaunchChange] | None = None, patch: Path | None = None
) -> LaunchDetail:
    detail = LaunchDetail(
        PictureLoader(),
        tmp_path,
        changes_for=lambda _launch_id: changes or [],
        picture_for=lambda url: patch if url == PATCH_URL else None,
    )
    qtbot.addWidget(detail)
    detail.resize(440, 700)
    return detail


def texts(section: Section) -> list[str]:
    """The words the user reads in a section, entry by entry."""
    words: list[str] = []
    for row in range(section.entries.count()):
        entry = section.entries.itemAt(row).widget()
        if isinstance(entry, LinkButton):
            words.append(f"{entry.title()} | {entry.description()}")
            continue
        words.append(" / ".join(label.text() for label in entry.findChildren(QLabel) if label.text()))
    return words


def link_buttons(section: Section) -> list[LinkButton]:
    return [section.entries.itemAt(row).widget() for row in range(section.entries.count())]


def test_every_webcast_is_listed_and_opens_and_watch_live_opens_the_best(qtbot, tmp_path, opened) -> None:
    detail = make_detail(qtbot, tmp_path)
    detail.show_launch(rich_launch(), None)
    section = detail.sections.webcasts
    assert not section.isHidden() and section.heading.text() == "Webcasts (3)"
    buttons = link_buttons(section)
    assert [button.title() for button in buttons] == ["Starlink Mission", "On X", "<b>Re-stream</b> & chat"]
    assert buttons[0].description().startswith("LIVE · SpaceX · English · Official Webcast · starts ")
    assert buttons[2].description().startswith("NASASpaceflight · Español · Unofficial Re-stream · starts ")
    qtbot.mouseClick(buttons[2], Qt.MouseButton.LeftButton)
    assert opened == ["https://nsf.example/restream"]

    assert detail.webcast_button.text() == "Watch live"
    qtbot.mouseClick(detail.webcast_button, Qt.MouseButton.LeftButton)
    assert opened[-1] == "https://youtube.example/live"  # live beats the lower priority number


def test_watch_webcast_opens_the_lowest_priority_number_when_none_is_live(qtbot, tmp_path, opened) -> None:
    detail = make_detail(qtbot, tmp_path)
    quiet = tuple(Webcast(link.url, link.title, priority=link.priority) for link in rich_launch().webcasts)
    detail.show_launch(rich_launch(webcast_live=False, webcasts=quiet), None)
    assert detail.webcast_button.text() == "Watch webcast"
    qtbot.mouseClick(detail.webcast_button, Qt.MouseButton.LeftButton)
    assert opened == ["https://x.example/spacex"]


def test_a_webcast_link_that_is_not_a_web_page_cannot_be_opened(qtbot, tmp_path, opened) -> None:
    detail = make_detail(qtbot, tmp_path)
    local = (Webcast("file:///etc/passwd", "Local file", live=True), Webcast("javascript:alert(1)", "Script"))
    detail.show_launch(rich_launch(webcast_url="", webcast_live=False, webcasts=local), None)
    assert not detail.webcast_button.isEnabled()
    buttons = link_buttons(detail.sections.webcasts)
    assert len(buttons) == 2 and not any(button.isEnabled() for button in buttons)
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert opened == []


def test_boosters_and_landings_show_serial_flight_reuse_place_type_and_outcome(qtbot, tmp_path) -> None:
    detail = make_detail(qtbot, tmp_path)
    detail.show_launch(rich_launch(), None)
    assert detail.sections.landings.heading.text() == "Boosters and landings (2)"
    assert texts(detail.sections.landings) == [
        "Core B1080 · flight 12 · reused / Landing on A Shortfall of Gravitas (ASOG), "
        "Autonomous Spaceport Drone Ship: succeeded",
        "Booster B1092 · flight 3 · reused / Landing on Landing Zone 2 (LZ-2), Return to Launch Site: "
        "outcome not known yet",
    ]


def test_the_mission_patch_comes_from_the_picture_cache(qtbot, tmp_path) -> None:
    patch_file = tmp_path / "patch.jpg"
    patch_file.write_bytes(picture_bytes("patch", (120, 120)))
    detail = make_detail(qtbot, tmp_path, patch=patch_file)
    detail.show_launch(rich_launch(), None)
    assert texts(detail.sections.patches) == ["Starlink patch"]
    pictures = detail.sections.findChildren(PatchPicture)
    assert len(pictures) == 1
    qtbot.waitUntil(pictures[0].has_picture, timeout=5_000)
    assert pictures[0].isVisibleTo(detail)


def test_a_patch_not_downloaded_leaves_its_name_without_a_picture(qtbot, tmp_path) -> None:
    detail = make_detail(qtbot, tmp_path, patch=None)
    detail.show_launch(rich_launch(), None)
    assert not detail.sections.patches.isHidden()
    assert texts(detail.sections.patches) == ["Starlink patch"]
    assert detail.sections.findChildren(PatchPicture) == []


def test_programs_links_weather_probability_and_hashtag_are_shown(qtbot, tmp_path, opened) -> None:
    detail = make_detail(qtbot, tmp_path)
    detail.show_launch(rich_launch(), None)
    shown = {key: label.text() for key, label in detail.fields.items() if not label.isHidden()}
    assert shown["programs"] == "Starlink, Commercial Crew"
    assert shown["weather"] == "Cumulus clouds"
    assert shown["probability"] == "85 %"
    assert shown["hashtag"] == "#Starlink"
    buttons = link_buttons(detail.sections.links)
    assert [(button.title(), button.description()) for button in buttons] == [
        ("SpaceX page", "spacex.example"),
        ("Flight Club", "Trajectory and booster recovery simulation"),
    ]
    for button in buttons:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == ["https://spacex.example/", "https://flightclub.example/r"]


def test_updates_are_newest_first_and_read_more_opens_only_web_links(qtbot, tmp_path, opened) -> None:
    updates = tuple(
        Update(
            NOW - timedelta(hours=hours),
            f"author {hours}",
            f"comment {hours}",
            "javascript:alert(1)" if hours == 7 else f"https://updates.example/{hours}",
        )
        for hours in range(50)
    )
    detail = make_detail(qtbot, tmp_path)
    detail.show_launch(rich_launch(updates=tuple(reversed(updates))), None)
    section = detail.sections.updates
    assert section.heading.text() == "Updates from LL2 (50)"
    comments = [entry.split(" / ")[1] for entry in texts(section)]
    assert comments == [f"comment {hours}" for hours in range(50)]  # newest first
    more = [button for button in section.findChildren(QPushButton) if button.text() == "Read more"]
    assert len(more) == 49  # not for the javascript: link
    qtbot.mouseClick(more[0], Qt.MouseButton.LeftButton)
    assert opened == ["https://updates.example/0"]


def test_the_slip_timeline_lists_net_moves_and_status_changes_oldest_first(
    qtbot, tmp_path, local_zone
) -> None:
    local_zone("UTC")
    moved = NET + timedelta(hours=12)
    changes = [
        LaunchChange("rich", 1, NOW - timedelta(days=2), "net", NET.isoformat(), moved.isoformat(), 1),
        LaunchChange("rich", 2, NOW - timedelta(days=1), "status", "TBD", "Go", 2),
    ]
    detail = make_detail(qtbot, tmp_path, changes=changes)
    detail.show_launch(rich_launch(), None)
    entries = texts(detail.sections.timeline)
    assert len(entries) == 2
    assert entries[0].startswith(f"NET moved from {moment_words(NET, zone=False)} to ")
    assert ", +12 h / seen " in entries[0]
    assert entries[1].startswith("Status changed from TBD to Go / seen ")
    assert detail.sections.timeline.heading.text() == "Changes RocketWatch saw (2)"


def test_the_gallery_shows_the_changes_its_runs_recorded(qtbot, make_controller, local_zone) -> None:
    from rocketwatch.ui.gallery import GalleryWindow

    local_zone("UTC")
    controller = make_controller()
    first = rich_launch(status_abbrev="TBD")
    controller.store.launches.upsert([first], None, now=NOW - timedelta(days=1))
    controller.store.launches.upsert([rich_launch(net=NET + timedelta(hours=2))], None, now=NOW)
    window = GalleryWindow(controller)
    qtbot.addWidget(window)
    window.show_launch("rich")
    entries = texts(window.detail.sections.timeline)
    assert [entry.split(" / ")[0] for entry in entries] == [
        f"NET moved from {moment_words(NET, zone=False)} to "
        f"{moment_words(NET + timedelta(hours=2), zone=False)}, +2 h",
        "Status changed from TBD to Go",
    ]
    assert entries[0].endswith(f"seen {moment_words(NOW)}") and moment_words(NOW).endswith(" UTC")


def test_a_bare_launch_shows_no_empty_headings(qtbot, tmp_path) -> None:
    detail = make_detail(qtbot, tmp_path)
    detail.show_launch(rich_launch(), None)
    bare = Launch(id="bare", name="Unnamed", net=NET + timedelta(days=40), net_precision="M")
    detail.show_launch(bare, None)
    detail.show()
    assert all(not section.isVisible() for section in detail.sections.sections())
    assert detail.sections.findChildren(LinkButton) == []
    shown = [key for key, label in detail.fields.items() if label.isVisible()]
    assert shown == ["net", "provider"]
    assert not detail.webcast_button.isEnabled()


@pytest.mark.parametrize("width", [300, 440])
def test_a_launch_with_everything_scrolls_and_is_never_wider_than_the_pane(qtbot, tmp_path, width) -> None:
    detail = make_detail(qtbot, tmp_path)
    detail.resize(width, 700)
    updates = tuple(
        Update(NOW - timedelta(hours=hours), "Nosu", "A long comment. " * 12) for hours in range(50)
    )
    detail.show_launch(rich_launch(updates=updates), None)
    detail.show()
    qtbot.waitUntil(lambda: detail.scroll_area.verticalScrollBar().maximum() > 0, timeout=5_000)
    body = detail.scroll_area.widget()
    assert body.width() <= detail.scroll_area.viewport().width()
    shown = [
        widget
        for widget in (*body.findChildren(QLabel), *body.findChildren(QAbstractButton))
        if widget.isVisible()
    ]
    clipped = [
        widget.accessibleName() or widget.text()
        for widget in shown
        if widget.mapTo(body, widget.rect().bottomRight()).x() > body.width()
    ]
    assert clipped == []


def test_every_button_and_link_is_reachable_with_tab(qtbot, tmp_path) -> None:
    detail = make_detail(qtbot, tmp_path)
    detail.show_launch(rich_launch(), None)
    with qtbot.waitActive(detail):
        detail.show()
        detail.activateWindow()
    wanted = {
        button for button in detail.findChildren(QAbstractButton) if button.isVisible() and button.isEnabled()
    }
    assert len(wanted) == 9  # Watch, Watch live, folder, 3 webcasts, 2 links, 1 Read more
    detail.watch_button.setFocus()
    reached: list[QAbstractButton] = []
    for _ in range(len(wanted) + 30):
        focused = QApplication.focusWidget()
        if isinstance(focused, QAbstractButton) and focused not in reached:
            reached.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert wanted <= set(reached)
    assert detail.scroll_area.verticalScrollBar().value() > 0  # the pane scrolled down with the focus


def test_api_text_in_the_lists_stays_plain_text(qtbot, tmp_path) -> None:
    detail = make_detail(qtbot, tmp_path)
    markup = "<img src='file:///etc/passwd'><a href='file:///x'>x</a>"
    detail.show_launch(
        rich_launch(
            updates=(Update(NOW, markup, markup),), landings=(Landing("Core", markup, location=markup),)
        ),
        None,
    )
    labels = [label for label in detail.sections.findChildren(QLabel) if "<" in label.text()]
    assert len(labels) >= 3
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    assert all(not label.openExternalLinks() for label in labels)
