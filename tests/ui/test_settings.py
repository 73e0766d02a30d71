"""The settings dialog: a round trip through config.toml, live schedule checks, start at login, the cache.

Offscreen Qt; a fake Autostart object stands in for the platform's start-at-login entry.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QMessageBox

from rocketwatch.autostart import launch_command
from rocketwatch.config import DEV_API_URL, load_config
from rocketwatch.ui.settings import SettingsDialog

COMMENT = "# my launch pad settings, do not lose this line"


class FakeAutostart:
    """Remembers what the dialog asked for."""

    def __init__(self, enabled: bool = False) -> None:
        self.enabled = enabled
        self.command: list[str] | None = None

    def is_enabled(self) -> bool:
        return self.enabled

    def enable(self, command: Sequence[str]) -> None:
        self.enabled, self.command = True, list(command)

    def disable(self) -> None:
        self.enabled = False

    def location(self) -> str:
        return "/fake/autostart/rocketwatch.desktop"


def make_dialog(qtbot, controller, autostart: FakeAutostart | None = None, **kwargs) -> SettingsDialog:
    dialog = SettingsDialog(controller, autostart or FakeAutostart(), **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_changes_are_written_to_the_file_and_its_comments_kept(qtbot, make_controller) -> None:
    controller = make_controller()
    config_file = controller.paths.config_file
    config_file.write_text(COMMENT + "\n" + config_file.read_text(encoding="utf-8"), encoding="utf-8")
    dialog = make_dialog(qtbot, controller)
    dialog.show()
    assert not dialog.apply_button.isEnabled()  # nothing changed yet
    dialog.every.setEditText("0 6 * * 1-5")
    dialog.paused.setChecked(True)
    dialog.source.setCurrentIndex(1)  # development
    dialog.limit.setValue(25)
    dialog.token.setText("s3cret-token")
    dialog.retries.setValue(5)
    dialog.retry_delay.setValue(2.5)
    dialog.concurrency.setValue(4)
    dialog.run_summary.setChecked(False)
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(controller.config_changed) as changed:
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    config = load_config(config_file)
    assert changed.args[0] == config == controller.config
    assert (config.schedule.every, config.schedule.paused) == ("0 6 * * 1-5", True)
    source, pipeline = config.source, config.pipeline
    assert (source.api_url, source.limit, source.token) == (DEV_API_URL, 25, "s3cret-token")
    assert (pipeline.retries, pipeline.retry_delay, pipeline.image_concurrency) == (5, 2.5, 4)
    assert config.notifications.run_summary is False
    assert config.notifications.failure_alerts is True
    assert config.pipeline.timeout == 5  # not in the dialog: kept as the file had it
    text = config_file.read_text(encoding="utf-8")
    assert text.startswith(COMMENT)
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert not dialog.apply_button.isEnabled()  # applied: nothing left to apply


def test_an_invalid_cron_line_disables_ok_and_says_why(qtbot, make_controller) -> None:
    dialog = make_dialog(qtbot, make_controller())
    dialog.show()
    dialog.every.setEditText("61 * * * *")
    assert not dialog.ok_button.isEnabled()
    assert not dialog.apply_button.isEnabled()
    assert dialog.schedule_problem.isVisible()
    assert "minute must be 0-59" in dialog.schedule_problem.text()
    assert not dialog.next_runs.isVisible()
    dialog.every.setEditText("0 6 * * *")
    assert dialog.ok_button.isEnabled()
    assert not dialog.schedule_problem.isVisible()


def test_the_schedule_preview_says_it_in_words_with_the_next_three_runs(qtbot, make_controller) -> None:
    dialog = make_dialog(qtbot, make_controller())
    dialog.show()
    dialog.every.setEditText("0 6 * * 1-5")
    assert dialog.schedule_words.text() == "At 06:00, Monday through Friday"
    runs = dialog.next_runs.text().splitlines()
    assert len(runs) == 3
    assert all("06:00" in run and run[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri") for run in runs)
    dialog.every.setEditText("@weekly")
    assert dialog.schedule_words.text() == "At 00:00, only on Sunday"


def test_a_busy_schedule_without_a_token_warns_about_the_rate_limit(qtbot, make_controller) -> None:
    dialog = make_dialog(qtbot, make_controller())
    dialog.show()
    dialog.source.setCurrentIndex(0)  # production: LL2's anonymous limit applies
    dialog.every.setEditText("@hourly")
    assert not dialog.rate_warning.isVisible()
    dialog.every.setEditText("*/2 * * * *")
    assert dialog.rate_warning.isVisible()
    assert "30 times" in dialog.rate_warning.text() and "15 requests" in dialog.rate_warning.text()
    # The way out it offers, the development server, is explained rather than only named.
    assert "development server" in dialog.rate_warning.text()
    assert "no rate limit" in dialog.rate_warning.text() and "stale" in dialog.rate_warning.text()
    assert dialog.ok_button.isEnabled()  # a warning, not an error
    dialog.token.setText("my-token")
    assert not dialog.rate_warning.isVisible()
    dialog.token.setText("")
    dialog.source.setCurrentIndex(1)  # the development server has no limit
    assert not dialog.rate_warning.isVisible()
    dialog.source.setCurrentIndex(2)  # a stand-in on this computer neither
    dialog.custom_url.setText("http://127.0.0.1:8000/2.3.0")
    assert not dialog.rate_warning.isVisible()


def test_a_custom_url_is_checked(qtbot, make_controller) -> None:
    dialog = make_dialog(qtbot, make_controller())  # the fixture points at the stand-in: a custom URL
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    assert dialog.source.currentIndex() == 2 and dialog.custom_url.isVisible()
    dialog.custom_url.setText("ftp://example.org/2.3.0")
    assert not dialog.ok_button.isEnabled()
    assert "http" in dialog.url_problem.text()
    dialog.custom_url.setText("https://example.org/2.3.0")
    assert dialog.ok_button.isEnabled()
    dialog.source.setCurrentIndex(0)
    assert not dialog.custom_url.isVisible()
    assert "15 requests" in dialog.source_hint.text()
    dialog.source.setCurrentIndex(1)
    assert "no rate limit" in dialog.source_hint.text() and "stale" in dialog.source_hint.text()


def test_ok_applies_and_closes_cancel_forgets(qtbot, make_controller) -> None:
    controller = make_controller()
    dialog = make_dialog(qtbot, controller)
    dialog.show()
    dialog.limit.setValue(42)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert load_config(controller.paths.config_file).source.limit == 10
    dialog.show()
    assert dialog.limit.value() == 10  # opened again: the settings in force
    dialog.limit.setValue(42)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert load_config(controller.paths.config_file).source.limit == 42


def test_start_at_login_writes_the_entry_with_the_home(qtbot, make_controller, home: Path) -> None:
    autostart = FakeAutostart()
    dialog = make_dialog(qtbot, make_controller(), autostart, home=home)
    dialog.show()
    assert "/fake/autostart" in dialog.autostart_hint.text()
    dialog.start_at_login.setChecked(True)
    assert dialog.apply_button.isEnabled()
    dialog.apply_button.click()
    assert autostart.enabled and autostart.command == launch_command(home)
    assert "--home" in autostart.command
    dialog.start_at_login.setChecked(False)
    dialog.apply_button.click()
    assert not autostart.enabled


def test_settings_changed_elsewhere_show_unless_the_user_changed_them(qtbot, make_controller) -> None:
    controller = make_controller()
    dialog = make_dialog(qtbot, controller)
    dialog.show()
    dialog.limit.setValue(33)
    controller.set_paused(True)  # e.g. the tray's Pause
    assert dialog.paused.isChecked()
    assert dialog.limit.value() == 33
    dialog.apply_button.click()
    config = load_config(controller.paths.config_file)
    assert (config.schedule.paused, config.source.limit) == (True, 33)


def test_clear_cache_asks_then_deletes_the_pictures(qtbot, ran_controller) -> None:
    paths = ran_controller.paths
    assert any(paths.images_dir.iterdir())
    dialog = make_dialog(qtbot, ran_controller)
    dialog.show()
    size = dialog.picture_cache.size_label
    qtbot.waitUntil(lambda: "files" in size.text() and not size.text().startswith("0 "))
    with qtbot.waitSignal(ran_controller.data_changed, timeout=10_000):
        dialog.picture_cache.clear_button.click()
        box = dialog.picture_cache.confirm_clear
        assert isinstance(box, QMessageBox) and box.isVisible()
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: dialog.picture_cache.size_label.text() == "0 bytes in 0 files")
    assert not any(paths.images_dir.iterdir()) and not any(paths.thumbnails_dir.iterdir())
    assert ran_controller.store.db.execute("SELECT COUNT(*) FROM images").fetchone()[0] == 0


def test_cancelling_clear_cache_keeps_the_pictures(qtbot, ran_controller) -> None:
    dialog = make_dialog(qtbot, ran_controller)
    dialog.show()
    dialog.picture_cache.clear_button.click()
    dialog.picture_cache.confirm_clear.button(QMessageBox.StandardButton.Cancel).click()
    assert any(ran_controller.paths.images_dir.iterdir())
    assert ran_controller.store.db.execute("SELECT COUNT(*) FROM images").fetchone()[0] > 0


def test_every_control_has_an_accessible_name(qtbot, make_controller) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit

    dialog = make_dialog(qtbot, make_controller())
    inner = QComboBox | QAbstractSpinBox  # their line edits are part of them
    controls = [
        widget
        for kind in (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit)
        for widget in dialog.findChildren(kind)
        if not (isinstance(widget, QLineEdit) and isinstance(widget.parent(), inner))
    ]
    unnamed = [
        type(widget).__name__
        for widget in controls
        if not widget.accessibleName() and not getattr(widget, "text", lambda: "")()
    ]
    assert controls and unnamed == []


# --- the Alerts tab --------------------------------------------------------------------------------


def check(check_list, *names: str) -> None:
    """Tick these names in a provider or location list, as a click on their check boxes would."""
    for row in range(check_list.list.count()):
        item = check_list.list.item(row)
        if item.text() in names:
            item.setCheckState(Qt.CheckState.Checked)


def test_alert_settings_round_trip_through_the_file(qtbot, ran_controller) -> None:
    controller = ran_controller
    dialog = make_dialog(qtbot, controller)
    dialog.show()
    alerts = dialog.alerts
    dialog.tabs.setCurrentWidget(alerts)
    assert [box.isChecked() for box in alerts.leads.values()] == [True, True, True]  # the defaults
    assert alerts.watch_every.isChecked() and not alerts.choices.isEnabled()
    alerts.leads["10m"].setChecked(False)
    alerts.custom_leads.setText("2h, 3d")
    alerts.slip.setEditText("30m")
    alerts.status_changes.setChecked(False)
    alerts.webcast.setChecked(True)
    alerts.quiet.setChecked(True)
    alerts.quiet_from.setTime(QTime(23, 30))
    alerts.quiet_to.setTime(QTime(6, 15))
    alerts.watch_some.setChecked(True)
    assert alerts.choices.isEnabled()
    check(alerts.providers, "Rocket Lab", "SpaceX")
    check(alerts.locations, "Cape Canaveral SFS, FL, USA")
    alerts.terms.setText("Starship, Artemis")
    alerts.budget.setValue(5)
    with qtbot.waitSignal(controller.config_changed):
        dialog.apply_button.click()
    saved = load_config(controller.paths.config_file).alerts
    assert saved == controller.config.alerts
    assert saved.reminders == ("3d", "24h", "2h", "1h")
    assert (saved.slip_threshold, saved.status_changes, saved.webcast) == ("30m", False, True)
    assert saved.quiet_hours == "23:30-06:15"
    assert saved.watch_providers == ("Rocket Lab", "SpaceX")
    assert saved.watch_locations == ("Cape Canaveral SFS, FL, USA",)
    assert saved.watch_terms == ("Starship", "Artemis")
    assert saved.api_budget == 5
    # Opened again, the dialog shows what the file says.
    dialog.close()
    again = make_dialog(qtbot, controller)
    again.show()
    shown = again.alerts
    assert [box.isChecked() for box in shown.leads.values()] == [True, True, False]
    assert shown.custom_leads.text() == "3d, 2h"
    assert shown.quiet.isChecked() and shown.quiet_from.time() == QTime(23, 30)
    assert shown.watch_some.isChecked() and shown.providers.checked() == ("Rocket Lab", "SpaceX")
    assert not again.apply_button.isEnabled()
    # Back to watching every launch and no quiet hours.
    shown.watch_every.setChecked(True)
    shown.quiet.setChecked(False)
    again.apply_button.click()
    saved = load_config(controller.paths.config_file).alerts
    assert (saved.watch_providers, saved.watch_locations, saved.watch_terms) == ((), (), ())
    assert saved.quiet_hours == ""


def test_a_bad_reminder_disables_ok_and_says_why(qtbot, make_controller) -> None:
    dialog = make_dialog(qtbot, make_controller())
    dialog.show()
    alerts = dialog.alerts
    dialog.tabs.setCurrentWidget(alerts)
    alerts.custom_leads.setText("2h, 3x")
    assert not dialog.ok_button.isEnabled() and not dialog.apply_button.isEnabled()
    assert alerts.leads_problem.isVisible() and "'3x'" in alerts.leads_problem.text()
    alerts.custom_leads.setText("2h, 40d")  # parsed, but longer than the core allows
    assert not dialog.ok_button.isEnabled()
    assert "30 days" in alerts.leads_problem.text()
    alerts.custom_leads.setText("2h")
    assert dialog.ok_button.isEnabled() and dialog.apply_button.isEnabled()
    assert not alerts.leads_problem.isVisible()
    alerts.slip.setEditText("soon")
    assert not dialog.ok_button.isEnabled() and alerts.slip_problem.isVisible()
    alerts.slip.setEditText("2h")
    alerts.quiet.setChecked(True)
    alerts.quiet_to.setTime(alerts.quiet_from.time())
    assert not dialog.ok_button.isEnabled() and "differ" in alerts.quiet_problem.text()
    alerts.quiet.setChecked(False)
    alerts.watch_some.setChecked(True)  # ... but nothing chosen to watch
    assert not dialog.ok_button.isEnabled() and alerts.watch_problem.isVisible()
    alerts.terms.setText("Starship")
    assert dialog.ok_button.isEnabled()


def test_the_watch_lists_offer_what_the_store_has_seen_with_a_filter(qtbot, ran_controller) -> None:
    dialog = make_dialog(qtbot, ran_controller)
    dialog.show()
    providers = dialog.alerts.providers
    names = [providers.list.item(row).text() for row in range(providers.list.count())]
    seen = sorted({launch.provider for launch in ran_controller.store.launches.upcoming()}, key=str.casefold)
    assert names == seen and "Rocket Lab" in names
    providers.filter.setText("space")
    shown = [
        providers.list.item(row).text()
        for row in range(providers.list.count())
        if not providers.list.item(row).isHidden()
    ]
    assert shown == [name for name in names if "space" in name.casefold()] and "SpaceX" in shown
    locations = dialog.alerts.locations
    assert any("Cape Canaveral" in locations.list.item(row).text() for row in range(locations.list.count()))


def test_the_watch_lists_work_from_the_keyboard(qtbot, ran_controller) -> None:
    dialog = make_dialog(qtbot, ran_controller)
    with qtbot.waitActive(dialog):
        dialog.show()
    dialog.tabs.setCurrentWidget(dialog.alerts)
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Only &launches matching…
    qtbot.waitUntil(dialog.alerts.watch_some.isChecked)  # a mnemonic clicks with a short animation
    providers = dialog.alerts.providers
    qtbot.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Pro&viders: its filter box
    assert providers.filter.hasFocus()
    qtbot.keyClicks(providers.filter, "rocket")
    qtbot.keyClick(providers.filter, Qt.Key.Key_Tab)
    assert providers.list.hasFocus()
    row = next(r for r in range(providers.list.count()) if not providers.list.item(r).isHidden())
    providers.list.setCurrentRow(row)
    qtbot.keyClick(providers.list, Qt.Key.Key_Space)
    assert providers.checked() == ("Rocket Lab",)
    assert dialog.ok_button.isEnabled()


def test_the_budget_warns_above_the_anonymous_limit(qtbot, make_controller) -> None:
    dialog = make_dialog(qtbot, make_controller())
    dialog.show()
    dialog.source.setCurrentIndex(0)  # production: LL2's anonymous limit applies
    dialog.tabs.setCurrentWidget(dialog.alerts)
    dialog.alerts.budget.setValue(20)
    assert dialog.alerts.budget_warning.isVisible() and "15" in dialog.alerts.budget_warning.text()
    assert dialog.ok_button.isEnabled()  # a warning, not an error
    dialog.token.setText("my-token")
    assert not dialog.alerts.budget_warning.isVisible()


def test_detail_pages_landings_and_updates_round_trip_through_the_file(qtbot, make_controller) -> None:
    controller = make_controller()
    dialog = make_dialog(qtbot, controller)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    hint = next(
        label
        for label in dialog.findChildren(type(dialog.source_hint))
        if "Each page is one LL2 request" in label.text()
    )
    assert hint.isVisible() and "hourly budget" in hint.text()
    assert [dialog.mode.itemData(row) for row in range(dialog.mode.count())] == ["detailed", "normal"]
    dialog.mode.setCurrentIndex(1)
    dialog.pages.setValue(4)
    dialog.tabs.setCurrentWidget(dialog.alerts)
    assert dialog.alerts.landings.isVisible() and dialog.alerts.updates.isVisible()
    dialog.alerts.landings.setChecked(False)
    dialog.alerts.updates.setChecked(True)
    dialog.alerts.event_types.setText("Spacewalk, Docking")
    dialog.tabs.setCurrentIndex(1)
    dialog.events.setChecked(True)
    with qtbot.waitSignal(controller.config_changed):
        dialog.apply_button.click()
    saved = load_config(controller.paths.config_file)
    assert (saved.source.mode, saved.source.pages, saved.source.events) == ("normal", 4, True)
    assert (saved.alerts.landings, saved.alerts.updates) == (False, True)
    assert saved.alerts.event_types == ("Spacewalk", "Docking")
    dialog.close()
    again = make_dialog(qtbot, controller)
    again.show()
    assert again.mode.currentData() == "normal" and again.pages.value() == 4
    assert not again.alerts.landings.isChecked() and again.alerts.updates.isChecked()
    assert again.events.isChecked() and again.alerts.event_types.text() == "Spacewalk, Docking"
    assert not again.apply_button.isEnabled()


def test_no_two_alt_keys_clash_on_any_tab(qtbot, make_controller) -> None:
    """Alt+letter reaches one control: the tabs' own letters and the letters of the shown tab's controls
    all differ (Alt+T went to the API token, not to the Alerts tab, from the Source tab)."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QAbstractButton, QLabel

    dialog = make_dialog(qtbot, make_controller())
    dialog.show()

    def letter(text: str) -> str:
        return QKeySequence.mnemonic(text).toString().removeprefix("Alt+").casefold()

    tab_letters = [letter(dialog.tabs.tabText(index)) for index in range(dialog.tabs.count())]
    buttons = [letter(button.text()) for button in dialog.buttons.buttons()]
    for index in range(dialog.tabs.count()):
        page = dialog.tabs.widget(index)
        dialog.tabs.setCurrentIndex(index)
        shown = [
            widget
            for kind in (QLabel, QAbstractButton)
            for widget in page.findChildren(kind)
            if widget.isVisibleTo(dialog)
        ]
        letters = [*tab_letters, *buttons, *(letter(widget.text()) for widget in shown)]
        letters = [key for key in letters if key]
        clashes = sorted({key for key in letters if letters.count(key) > 1})
        assert clashes == [], f"{dialog.tabs.tabText(index)}: Alt+{clashes} reach more than one control"
