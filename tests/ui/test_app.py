"""The tray application object: requests from a second instance, no-tray fallback, quitting."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers import write_config
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from rocketwatch.paths import paths_for
from rocketwatch.session import Session
from rocketwatch.ui import app as app_module
from rocketwatch.ui.single_instance import socket_name


def make_session(home, *, api_url: str | None = None, demo: bool = False) -> Session:
    """The session `rocketwatch --home HOME` builds, its settings read."""
    session = Session.from_options(str(home), api_url, demo)
    session.load()
    return session


@pytest.fixture
def tray_app(qtbot, standin, start_tray_app):
    made = start_tray_app(standin.api_url, "test")
    qtbot.waitUntil(lambda: made.core_ready)
    return made


def test_without_a_tray_the_gallery_opens_and_closing_it_quits(qtbot, tray_app) -> None:
    qtbot.waitUntil(
        lambda: "gallery" in tray_app.windows and tray_app.windows["gallery"].isVisible(), timeout=5000
    )
    assert QApplication.quitOnLastWindowClosed()
    assert not tray_app.tray.tray.isVisible()


@pytest.fixture
def no_window_icon(qapp):
    """No app-wide window icon yet (an earlier test's app may have set one)."""
    qapp.setWindowIcon(QIcon())


def test_the_windows_have_the_app_icon_once_the_core_is_built(qtbot, no_window_icon, tray_app) -> None:
    # Set when the core starts (after the tray icon, which does not need it) and before any window.
    assert not QApplication.windowIcon().isNull()
    gallery = tray_app.show_window("gallery")
    assert not gallery.windowIcon().isNull()


def test_requests_that_arrive_before_the_core_is_built_are_kept(qtbot, home, standin) -> None:
    write_config(home, source={"api_url": standin.api_url}, schedule={"paused": True})
    session = make_session(home)
    early = app_module.TrayApp(session, socket_name(home) + "-early")
    early.handle_request({"command": "show", "window": "history"})
    assert not early.windows
    early.start()
    qtbot.waitUntil(lambda: "history" in early.windows and early.windows["history"].isVisible())
    early.quit()
    early.close()


def test_requests_from_a_second_instance_open_windows_and_run(qtbot, tray_app) -> None:
    tray_app.handle_request({"command": "show", "window": "history"})
    assert tray_app.windows["history"].isVisible()
    with qtbot.waitSignal(tray_app.controller.run_finished, timeout=20_000) as finished:
        tray_app.handle_request({"command": "run-now"})
    assert finished.args[0].state == "success" and finished.args[0].trigger == "manual"


def test_a_failed_run_turns_the_tray_icon_to_failed_and_a_success_back(qtbot, tray_app, standin) -> None:
    from rocketwatch.standin import Fault

    standin.set_sticky_api_fault(Fault("status", code=500))
    config = tray_app.controller.config
    tray_app.controller.apply_config(
        replace(config, pipeline=replace(config.pipeline, retries=0)), write=False
    )
    with qtbot.waitSignal(tray_app.controller.run_finished, timeout=20_000):
        tray_app.controller.run_now()
    assert tray_app.tray.state == "failed"
    standin.set_sticky_api_fault(None)
    qtbot.waitUntil(lambda: not tray_app.controller.is_active())
    with qtbot.waitSignal(tray_app.controller.run_finished, timeout=20_000):
        tray_app.controller.run_now()
    assert tray_app.tray.state == "idle"


def test_the_next_launch_reminder_is_armed_from_the_store_after_a_run(qtbot, tray_app) -> None:
    from datetime import UTC, datetime

    from rocketwatch.pipeline.alerting import next_fire_time

    with qtbot.waitSignal(tray_app.controller.run_finished, timeout=20_000):
        tray_app.controller.run_now()
    expected = next_fire_time(tray_app.controller.store, tray_app.controller.config, datetime.now(UTC))
    assert expected is not None
    qtbot.waitUntil(lambda: tray_app.scheduler._scheduler.get_job(app_module.REMINDER_JOB) is not None)
    job = tray_app.scheduler._scheduler.get_job(app_module.REMINDER_JOB)
    assert job.next_run_time == expected

    # At the reminder's time with fresh data, the due alerts are delivered and the next one is armed.
    with qtbot.waitSignal(tray_app.controller.alerts_delivered, timeout=10_000):
        tray_app.reminder_due()
    assert not tray_app.controller.is_active()  # fresh data: no refresh run


def test_a_replaced_database_is_told_to_the_user_once(qtbot, home, standin) -> None:
    from rocketwatch.store import Store

    write_config(home, source={"api_url": standin.api_url}, schedule={"paused": True})
    paths = paths_for(home)
    paths.ensure()
    paths.database.write_bytes(b"this is not a database" * 100)
    Store.open(paths).close()  # e.g. `rocketwatch history` found it damaged and replaced it
    session = make_session(home)
    made = app_module.TrayApp(session, socket_name(home) + "-notice")
    made.start()
    qtbot.waitUntil(lambda: made.core_ready and bool(made._notice_boxes))
    [box] = made._notice_boxes
    assert "database was damaged" in box.text() and ".corrupt-" in box.text()
    made.quit()
    made.close()
    again = app_module.TrayApp(session, socket_name(home) + "-notice2")
    again.start()
    qtbot.waitUntil(lambda: again.core_ready)
    assert again._notice_boxes == []
    again.quit()
    again.close()


def test_a_click_on_a_tray_message_opens_what_it_is_about(qtbot, tray_app, monkeypatch) -> None:
    from rocketwatch.notify import Notification, Subject

    with qtbot.waitSignal(tray_app.controller.run_finished, timeout=20_000) as finished:
        tray_app.controller.run_now()
    run_id = finished.args[0].id
    qtbot.waitUntil(lambda: not tray_app.controller.is_active())
    # Where there is no D-Bus notification service (Windows, macOS) the tray message's click is the way in.
    tray_app.tray.show_message("RocketWatch run failed", "Open Run history", subject=Subject.run(run_id))
    tray_app.tray.tray.messageClicked.emit()
    history = tray_app.windows["history"]
    assert history.isVisible() and history.detail.run_id == run_id
    # A launch alert that reached the tray notifier (offscreen has no tray: pretend one shows).
    launch = tray_app.controller.store.launches.upcoming()[3]
    monkeypatch.setattr(tray_app.tray, "is_shown", lambda: True)
    monkeypatch.setattr(app_module.QSystemTrayIcon, "supportsMessages", staticmethod(lambda: True))
    alert = Notification(launch.name, "Launches in 1 hour", subject=Subject.launch(launch.id))
    tray_app.tray_notifier.send(alert)
    qtbot.waitUntil(lambda: tray_app.tray._message_subject == Subject.launch(launch.id))  # queued to the GUI
    tray_app.tray.tray.messageClicked.emit()
    qtbot.waitUntil(lambda: "gallery" in tray_app.windows and tray_app.windows["gallery"].isVisible())
    assert tray_app.windows["gallery"].selected_launch_id() == launch.id


def test_the_tray_follows_a_run_made_by_the_command_line(qtbot, tray_app, standin, home) -> None:
    """After a failed run, a successful `rocketwatch run` in a terminal clears the failed badge."""
    import os
    import subprocess
    import sys

    from rocketwatch.standin import Fault

    standin.set_sticky_api_fault(Fault("status", code=500))
    config = tray_app.controller.config
    tray_app.controller.apply_config(
        replace(config, pipeline=replace(config.pipeline, retries=0)), write=False
    )
    with qtbot.waitSignal(tray_app.controller.run_finished, timeout=20_000):
        tray_app.controller.run_now()
    qtbot.waitUntil(lambda: not tray_app.controller.is_active())
    assert tray_app.tray.state == "failed" and "The last run failed" in tray_app.tray.tooltip()
    standin.set_sticky_api_fault(None)
    gallery = tray_app.show_window("gallery")
    assert gallery.pages.currentWidget() is gallery.empty_state

    result = subprocess.run(
        [sys.executable, "-m", "rocketwatch", "--home", str(home), "run", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": ""},
    )
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: tray_app.tray.state == "idle", timeout=10_000)  # 2 s checks; a loaded CI
    assert "The last run failed" not in tray_app.tray.tooltip()
    qtbot.waitUntil(lambda: gallery.model.rowCount() == len(standin.records))  # what the CLI got
    assert gallery.pages.currentWidget() is gallery.splitter
    history = tray_app.show_window("history")
    qtbot.waitUntil(
        lambda: history.model.run_at(0) is not None and history.model.run_at(0).state == "success"
    )


def test_rocketwatch_cancel_stops_the_waiting_run_and_the_tray_is_idle_again(qtbot, tray_app) -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{probe.getsockname()[1]}/2.3.0"
    controller = tray_app.controller
    config = controller.config
    controller.apply_config(
        replace(
            config,
            source=replace(config.source, api_url=unreachable),
            pipeline=replace(config.pipeline, retries=3, retry_delay=600),
        ),
        write=False,
    )
    with qtbot.waitSignal(
        controller.activity_changed,
        timeout=20_000,
        check_params_cb=lambda activity: activity is not None and activity.waiting,
    ):
        tray_app.handle_request({"command": "run-now"})
    assert tray_app.tray.state == "running" and tray_app.tray.cancel_action.isVisible()
    assert "Trying again at" in tray_app.tray.tooltip()
    with qtbot.waitSignal(controller.run_finished, timeout=5_000) as finished:
        tray_app.handle_request({"command": "cancel"})
    assert finished.args[0].state == "cancelled"
    qtbot.waitUntil(lambda: tray_app.tray.state == "idle")
    assert not tray_app.tray.cancel_action.isVisible() and tray_app.tray.run_action.isEnabled()
    assert "Trying again" not in tray_app.tray.tooltip() and "failed" not in tray_app.tray.tooltip()
