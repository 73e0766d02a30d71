"""One-time overrides (--api-url, --demo) are never saved: Settings writes only what the user changed, and
says when this session runs on an override. Unknown keys in the file are shown in Settings too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RecordingNotifier, write_config
from PySide6.QtWidgets import QApplication

from rocketwatch.config import DEFAULT_API_URL, load_config
from rocketwatch.notify import ChainNotifier
from rocketwatch.session import Overrides, Session
from rocketwatch.ui import app as app_module
from rocketwatch.ui.controller import RunController
from rocketwatch.ui.settings import SettingsDialog
from rocketwatch.ui.single_instance import socket_name


class FakeAutostart:
    """Start at login stays off and untouched."""

    def is_enabled(self) -> bool:
        return False

    def location(self) -> str:
        return "/fake/autostart/rocketwatch.desktop"


@pytest.fixture
def override_controller(qtbot, home: Path, standin) -> RunController:
    """`rocketwatch --api-url STAND-IN`, with a saved config that names no server (production)."""
    write_config(home, source={"limit": 7})
    session = Session.from_options(str(home), standin.api_url, False)
    session.load()
    controller = RunController(
        session.paths, session.saved_config, ChainNotifier([RecordingNotifier()]), overrides=session.overrides
    )
    yield controller
    assert controller.shutdown(10)


def test_apply_during_an_api_url_session_saves_the_change_not_the_override(
    qtbot, override_controller: RunController, standin
) -> None:
    controller = override_controller
    assert controller.config.source.api_url == standin.api_url  # the session runs on the override
    dialog = SettingsDialog(controller, FakeAutostart())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    note = dialog.override_note
    assert note.isVisible()
    assert note.text().startswith(
        f"This session uses {standin.api_url} (from --api-url); your saved setting is {DEFAULT_API_URL}"
    )
    assert dialog.source.currentIndex() == 0  # the widgets show the saved setting

    dialog.limit.setValue(12)
    dialog.apply_button.click()
    text = controller.paths.config_file.read_text(encoding="utf-8")
    assert "127.0.0.1" not in text
    saved = load_config(controller.paths.config_file)
    assert saved.source.limit == 12 and saved.source.api_url == DEFAULT_API_URL
    assert controller.config.source.api_url == standin.api_url  # still this session's server

    controller.set_paused(True)  # the tray's Pause writes the settings too
    assert "127.0.0.1" not in controller.paths.config_file.read_text(encoding="utf-8")
    assert load_config(controller.paths.config_file).schedule.paused

    controller.apply_config(controller.config)  # handed the settings in force by mistake: still not saved
    assert "127.0.0.1" not in controller.paths.config_file.read_text(encoding="utf-8")
    assert controller.config.source.api_url == standin.api_url


def test_settings_write_only_what_the_user_changed(qtbot, home: Path, standin) -> None:
    (home / "config.toml").write_text("# mine\n[source]\nlimit = 7\n", encoding="utf-8")
    session = Session.from_options(str(home), standin.api_url, False)
    session.load()
    controller = RunController(
        session.paths, session.saved_config, ChainNotifier([RecordingNotifier()]), overrides=session.overrides
    )
    dialog = SettingsDialog(controller, FakeAutostart())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.retries.setValue(5)
    dialog.ok_button.click()
    assert (home / "config.toml").read_text(
        encoding="utf-8"
    ) == "# mine\n[source]\nlimit = 7\n\n[pipeline]\nretries = 5\n"
    assert controller.shutdown(10)


def test_without_an_override_the_source_tab_says_nothing_about_one(qtbot, make_controller) -> None:
    dialog = SettingsDialog(make_controller(), FakeAutostart())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    assert not dialog.override_note.isVisible()


def test_unknown_keys_of_the_file_are_shown_in_settings(qtbot, home: Path, standin, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "TRAY_WAIT_S", 0.2)
    monkeypatch.setattr(app_module, "desktop_backends", lambda: [])
    write_config(home, source={"api_url": standin.api_url}, schedule={"paused": True, "evry": "@hourly"})
    session = Session.from_options(str(home), None, False)
    assert app_module.load_settings(session)
    made = app_module.TrayApp(session, socket_name(home) + "-typo")
    made.start()
    qtbot.waitUntil(lambda: made.core_ready)
    try:
        settings = made.show_window("settings")
        assert isinstance(settings, SettingsDialog)
        assert settings.config_warnings.isVisible()
        assert "unknown key schedule.evry" in settings.config_warnings.text()
        assert "did you mean schedule.every?" in settings.config_warnings.text()
    finally:
        made.quit()
        made.close()
        QApplication.setQuitOnLastWindowClosed(False)


def test_a_demo_session_saves_settings_without_the_demo_server(qtbot, home: Path, monkeypatch) -> None:
    """The issue's case: `rocketwatch --demo`, a change in Settings, OK; the next normal start must not
    find the demo's 127.0.0.1 address in config.toml."""
    monkeypatch.setattr(app_module, "TRAY_WAIT_S", 0.2)
    monkeypatch.setattr(app_module, "desktop_backends", lambda: [])
    write_config(home, schedule={"paused": True})
    session = Session.from_options(str(home), None, True)
    assert app_module.load_settings(session)
    made = app_module.TrayApp(session, socket_name(home) + "-demo")
    made.start()
    qtbot.waitUntil(lambda: made.core_ready)
    try:
        assert made.controller.config.source.api_url.startswith("http://127.0.0.1:")
        settings = made.show_window("settings")
        assert isinstance(settings, SettingsDialog)
        assert "(from --demo)" in settings.override_note.text()
        settings.limit.setValue(20)
        settings.ok_button.click()
        saved = load_config(session.paths.config_file)
        assert saved.source.limit == 20 and saved.source.api_url == DEFAULT_API_URL
        assert "127.0.0.1" not in session.paths.config_file.read_text(encoding="utf-8")
    finally:
        made.quit()
        made.close()
        QApplication.setQuitOnLastWindowClosed(False)
    assert session.standin is None  # the one demo stand-in of the session stopped with it


def test_overrides_lay_over_the_saved_settings_only() -> None:
    from rocketwatch.config import Config

    saved = Config()
    overrides = Overrides("http://127.0.0.1:1/2.3.0", "--api-url")
    assert overrides.apply(saved).source.api_url == "http://127.0.0.1:1/2.3.0"
    assert saved.source.api_url == DEFAULT_API_URL
    assert Overrides().apply(saved) is saved and Overrides().note(saved) == ""


def test_the_new_source_and_alert_settings_save_only_what_the_user_changed(
    qtbot, home: Path, standin
) -> None:
    """[source] mode and pages, [alerts] landings and updates have controls; touching one writes that key
    alone (the defaults beside it stay unwritten)."""
    (home / "config.toml").write_text("# mine\n", encoding="utf-8")
    session = Session.from_options(str(home), standin.api_url, False)
    session.load()
    controller = RunController(
        session.paths, session.saved_config, ChainNotifier([RecordingNotifier()]), overrides=session.overrides
    )
    dialog = SettingsDialog(controller, FakeAutostart())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.mode.currentData() == "detailed" and dialog.pages.value() == 1  # the defaults shown
    assert dialog.alerts.landings.isChecked() and not dialog.alerts.updates.isChecked()
    dialog.pages.setValue(3)
    dialog.alerts.updates.setChecked(True)
    dialog.ok_button.click()
    assert (home / "config.toml").read_text(
        encoding="utf-8"
    ) == "# mine\n\n[source]\npages = 3\n\n[alerts]\nupdates = true\n"
    assert controller.shutdown(10)


def test_pause_and_apply_keep_what_the_user_edited_in_the_file_meanwhile(
    qtbot, override_controller: RunController
) -> None:
    """The app runs; the user sets a token and a schedule by hand in config.toml; the tray's Pause (and
    Settings' Apply) write only what they changed, so the hand edits stay and are in force from then on."""
    controller = override_controller
    path = controller.paths.config_file
    path.write_text(path.read_text(encoding="utf-8") + '\n[schedule]\nevery = "@hourly"\n', encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("limit = 7", 'limit = 7\ntoken = "abc123"'))

    controller.set_paused(True)

    saved = load_config(path)
    assert (saved.schedule.paused, saved.schedule.every, saved.source.token) == (True, "@hourly", "abc123")
    assert controller.saved_config.source.token == "abc123"  # read back: the hand edit is in force
    assert "127.0.0.1" not in path.read_text(encoding="utf-8")
