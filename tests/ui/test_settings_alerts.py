"""The Alerts tab's watch lists: the providers and locations RocketWatch has seen, whole names (never
elided), searchable, with their launch count and LL2 id on hover, saved as names as before. Offscreen Qt.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QListWidget

from rocketwatch.config import load_config
from rocketwatch.ll2.model import Launch
from rocketwatch.ui.settings import SettingsDialog

NET = datetime.now(UTC) + timedelta(days=3)
CASC = "China Aerospace Science and Technology Corporation"
JIUQUAN = "Jiuquan Satellite Launch Center, People's Republic of China"


class NoAutostart:
    def is_enabled(self) -> bool:
        return False

    def enable(self, command: object) -> None:
        raise AssertionError("not asked for")

    def disable(self) -> None:
        raise AssertionError("not asked for")

    def location(self) -> str:
        return "rocketwatch.desktop"


def stored_launches(controller) -> None:
    controller.store.launches.upsert(
        [
            Launch(
                id="a", name="A", net=NET, provider=CASC, provider_id=88, location=JIUQUAN, location_id=17
            ),
            Launch(
                id="b", name="B", net=NET, provider=CASC, provider_id=88, location=JIUQUAN, location_id=17
            ),
            Launch(
                id="c",
                name="C",
                net=NET,
                provider="SpaceX",
                provider_id=121,
                location="Cape Canaveral SFS, FL, USA",
                location_id=12,
            ),
            Launch(id="d", name="D", net=NET, provider="Unknown", location="Unknown"),
        ],
        None,
    )


def open_alerts(qtbot, controller) -> SettingsDialog:
    dialog = SettingsDialog(controller, NoAutostart())
    qtbot.addWidget(dialog)
    dialog.resize(700, 560)  # the dialog's first size
    with qtbot.waitActive(dialog):
        dialog.show()
    dialog.tabs.setCurrentWidget(dialog.alerts)
    dialog.alerts.watch_some.setChecked(True)
    return dialog


def names(check_list) -> list[str]:
    return [
        check_list.list.item(row).text()
        for row in range(check_list.list.count())
        if not check_list.list.item(row).isHidden()
    ]


def whole_text_fits(view: QListWidget, row: int) -> bool:
    """The item's rectangle is tall and wide enough for its whole text, wrapped at the list's width."""
    item = view.item(row)
    rect = view.visualItemRect(item)
    text_width = rect.width() - view.style().pixelMetric(view.style().PixelMetric.PM_IndicatorWidth) - 12
    needed = view.fontMetrics().boundingRect(
        QRect(0, 0, text_width, 10_000), Qt.TextFlag.TextWordWrap, item.text()
    )
    return rect.right() <= view.viewport().width() and needed.height() <= rect.height()


def test_the_lists_offer_what_was_seen_with_whole_names(qtbot, make_controller) -> None:
    controller = make_controller()
    stored_launches(controller)
    dialog = open_alerts(qtbot, controller)
    providers, locations = dialog.alerts.providers, dialog.alerts.locations
    assert names(providers) == [CASC, "SpaceX"]  # "Unknown" is not offered
    assert names(locations) == ["Cape Canaveral SFS, FL, USA", JIUQUAN]
    assert providers.list.textElideMode() == Qt.TextElideMode.ElideNone
    for check_list in (providers, locations):
        qtbot.waitUntil(
            lambda check_list=check_list: all(
                whole_text_fits(check_list.list, row) for row in range(check_list.list.count())
            )
        )
    tip = providers.list.item(0).toolTip()
    assert CASC in tip and "2 kept launches; LL2 id 88" in tip


def test_the_lists_are_searchable_and_what_is_checked_is_saved_by_name(qtbot, make_controller) -> None:
    controller = make_controller()
    stored_launches(controller)
    dialog = open_alerts(qtbot, controller)
    providers, locations = dialog.alerts.providers, dialog.alerts.locations
    qtbot.keyClicks(providers.filter, "aerospace china")
    assert names(providers) == [CASC]
    providers.list.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(locations.filter, "people's")
    assert names(locations) == [JIUQUAN]
    next(
        locations.list.item(row)
        for row in range(locations.list.count())
        if locations.list.item(row).text() == JIUQUAN
    ).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(controller.config_changed):
        dialog.apply_button.click()
    saved = load_config(controller.paths.config_file).alerts
    assert (saved.watch_providers, saved.watch_locations) == ((CASC,), (JIUQUAN,))


def test_a_watched_name_no_kept_launch_has_stays_offered_and_checked(qtbot, make_controller) -> None:
    controller = make_controller(alerts={"watch_providers": ["Firefly Aerospace"]})
    stored_launches(controller)
    dialog = open_alerts(qtbot, controller)
    providers = dialog.alerts.providers
    assert names(providers) == [CASC, "Firefly Aerospace", "SpaceX"]
    assert providers.checked() == ("Firefly Aerospace",)
    assert "No kept launch names this provider" in providers.list.item(1).toolTip()
