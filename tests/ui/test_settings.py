"""The settings dialog: a round trip through config.toml, live schedule checks, start at login, the cache.

Offscreen Qt; a fake Autostart object stands in for the platform's start-at-login entry.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
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
    dialog.every.setEditText("@hourly")
    assert not dialog.rate_warning.isVisible()
    dialog.every.setEditText("*/2 * * * *")
    assert dialog.rate_warning.isVisible()
    assert "30 times" in dialog.rate_warning.text() and "15 requests" in dialog.rate_warning.text()
    assert dialog.ok_button.isEnabled()  # a warning, not an error
    dialog.token.setText("my-token")
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
    size = dialog.cache_size
    qtbot.waitUntil(lambda: "files" in size.text() and not size.text().startswith("0 "))
    with qtbot.waitSignal(ran_controller.data_changed, timeout=10_000):
        dialog.clear_cache_button.click()
        box = dialog.confirm_clear
        assert isinstance(box, QMessageBox) and box.isVisible()
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: dialog.cache_size.text() == "0 bytes in 0 files")
    assert not any(paths.images_dir.iterdir()) and not any(paths.thumbnails_dir.iterdir())
    assert ran_controller.store.db.execute("SELECT COUNT(*) FROM images").fetchone()[0] == 0


def test_cancelling_clear_cache_keeps_the_pictures(qtbot, ran_controller) -> None:
    dialog = make_dialog(qtbot, ran_controller)
    dialog.show()
    dialog.clear_cache_button.click()
    dialog.confirm_clear.button(QMessageBox.StandardButton.Cancel).click()
    assert any(ran_controller.paths.images_dir.iterdir())
    assert ran_controller.store.db.execute("SELECT COUNT(*) FROM images").fetchone()[0] > 0


def test_every_control_has_an_accessible_name(qtbot, make_controller) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit

    dialog = make_dialog(qtbot, make_controller())
    inner = QComboBox | QAbstractSpinBox  # their line edits are part of them
    controls = [widget for kind in (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit)
                for widget in dialog.findChildren(kind)
                if not (isinstance(widget, QLineEdit) and isinstance(widget.parent(), inner))]
    unnamed = [type(widget).__name__ for widget in controls
               if not widget.accessibleName() and not getattr(widget, "text", lambda: "")()]
    assert controls and unnamed == []
