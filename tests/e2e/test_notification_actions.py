"""The buttons of a launch alert, on a real notification daemon: the Notify call on the bus carries the
actions and the picture, and an action invoked on the bus opens the webcast, snoozes or mutes.

The tray app runs in this process (offscreen windows) as in test_notification_clicks; the desktop's URL
opener is replaced by a recorder (QDesktopServices.setUrlHandler), and ActionInvoked is emitted on the
private session bus the way the daemon emits it when a button is pressed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from desktop_session import Desktop, wait_for
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from test_notification_clicks import _run, _shown
from test_notification_clicks import clickable_app as clickable_app  # a fixture, shared

from rocketwatch.alerts import REMINDER, SNOOZE, Alert
from rocketwatch.pipeline.alerting import deliver, planned_reminders
from rocketwatch.ui import app as app_module

pytestmark = pytest.mark.e2e


class UrlRecorder(QObject):
    """Stands in for the browser: records the addresses the app asks the desktop to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser() -> Iterator[UrlRecorder]:
    recorder = UrlRecorder()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, recorder, "open")
    yield recorder
    for scheme in ("http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def bus_monitor(desktop: Desktop) -> Iterator[Desktop]:
    if shutil.which("dbus-monitor") is None or shutil.which("gdbus") is None:
        pytest.skip("dbus-monitor and gdbus are needed to watch the session bus")
    log = desktop.workdir / "dbus-monitor.log"
    log.unlink(missing_ok=True)
    process = desktop.start(
        "dbus-monitor",
        "--session",
        "type='method_call',member='Notify'",
        "type='method_return'",
        log_name="dbus-monitor",
    )
    wait_for(log.exists, 10, "dbus-monitor to start")
    yield desktop
    desktop.end(process)


def notify_calls(desktop: Desktop) -> list[tuple[str, int | None]]:
    """Each Notify call dbus-monitor saw (its printed arguments) with the id the daemon answered."""
    text = (desktop.workdir / "dbus-monitor.log").read_text(errors="replace")
    blocks = re.split(r"\n(?=method call|method return|signal|error)", text)
    calls: dict[str, str] = {}
    ids: dict[str, int] = {}
    for block in blocks:
        call = re.match(r"method call .*? serial=(\d+) .*member=Notify", block)
        if call:
            calls[call.group(1)] = block
        answer = re.match(r"method return .*? reply_serial=(\d+)\s+uint32 (\d+)", block, re.S)
        if answer:
            ids[answer.group(1)] = int(answer.group(2))
    return [(block, ids.get(serial)) for serial, block in calls.items()]


def invoke(desktop: Desktop, notification_id: int, action: str) -> None:
    """What the daemon does when the user presses a button: ActionInvoked(id, key) on the bus."""
    result = desktop.run(
        "gdbus",
        "emit",
        "--session",
        "--object-path",
        "/org/freedesktop/Notifications",
        "--signal",
        "org.freedesktop.Notifications.ActionInvoked",
        f"uint32 {notification_id}",
        f"'{action}'",
    )
    assert result.returncode == 0, result.stderr


def send_reminder(tray_app: app_module.TrayApp, desktop: Desktop, launch_id: str) -> tuple[str, int]:
    """Deliver a 1-hour reminder for the launch as the reminder job does; the Notify call and its id."""
    store = tray_app.controller.store
    launch = store.launches.get(launch_id)
    assert launch is not None
    now = datetime.now(UTC)
    before = len(notify_calls(desktop))
    alert = Alert(
        f"{REMINDER}:{launch_id}:3600:{now.isoformat()}",
        REMINDER,
        launch_id,
        launch.name,
        "Launches in 1 hour",
        now,
        3600,
    )
    assert deliver(store, tray_app.controller.notifier, [alert], now)
    _shown(desktop, launch.name)

    def answered() -> tuple[str, int] | None:
        seen = notify_calls(desktop)
        return seen[before] if len(seen) > before and seen[before][1] is not None else None  # type: ignore[return-value]

    return wait_for(answered, 10, "the Notify call and its answer on the bus")  # type: ignore[return-value]


def ahead_with_webcast(tray_app: app_module.TrayApp) -> str:
    now = datetime.now(UTC)
    launches = tray_app.controller.store.launches.upcoming(since=now + timedelta(minutes=30))
    return next(launch.id for launch in launches if launch.webcast_url and launch.image_url)


def test_a_reminder_has_buttons_and_its_picture_and_watch_opens_the_webcast(
    qtbot, desktop, bus_monitor, clickable_app, browser
):
    assert _run(qtbot, clickable_app).state == "success"
    assert clickable_app.desktop_notifier.has_actions  # dunst advertises "actions"
    launch_id = ahead_with_webcast(clickable_app)
    launch = clickable_app.controller.store.launches.get(launch_id)
    thumbnail = clickable_app.controller.store.images.paths_for(launch.image_url)[1]
    assert thumbnail is not None and thumbnail.is_file()

    call, notification_id = send_reminder(clickable_app, desktop, launch_id)
    for key, label in (
        ("default", "Open"),
        ("watch", "Watch webcast"),
        ("snooze", "Remind me in 10 min"),
        ("mute", "Mute this launch"),
    ):
        assert f'string "{key}"\n' in call and f'string "{label}"\n' in call
    assert 'string "image-path"' in call and f'string "{thumbnail}"' in call

    invoke(desktop, notification_id, "watch")
    qtbot.waitUntil(lambda: browser.opened == [launch.webcast_url], timeout=10_000)
    assert "gallery" not in clickable_app.windows  # a button does not open a window


def test_snooze_and_mute_from_the_buttons_are_kept_and_a_stranger_id_does_nothing(
    qtbot, desktop, bus_monitor, clickable_app, browser, caplog
):
    assert _run(qtbot, clickable_app).state == "success"
    store = clickable_app.controller.store
    launch_id = ahead_with_webcast(clickable_app)

    _call, notification_id = send_reminder(clickable_app, desktop, launch_id)
    invoke(desktop, notification_id, "snooze")
    qtbot.waitUntil(lambda: bool(store.mutes.snoozes()), timeout=10_000)
    [snooze] = store.mutes.snoozes()
    assert snooze.launch_id == launch_id
    assert timedelta(minutes=9) < snooze.due_at - datetime.now(UTC) <= timedelta(minutes=10)
    planned = planned_reminders(store, clickable_app.controller.config, datetime.now(UTC))
    assert (SNOOZE, launch_id, snooze.due_at) in {(p.kind, p.launch_id, p.fire_at) for p in planned}

    clickable_app.show_window("gallery")
    gallery = clickable_app.windows["gallery"]
    _call, notification_id = send_reminder(clickable_app, desktop, launch_id)
    invoke(desktop, notification_id, "mute")
    qtbot.waitUntil(lambda: store.mutes.is_muted(launch_id), timeout=10_000)
    assert gallery.model.is_muted(launch_id)  # the card says Muted
    assert launch_id not in {
        p.launch_id for p in planned_reminders(store, clickable_app.controller.config, datetime.now(UTC))
    }
    assert not store.mutes.snoozes()  # the mute dropped the snooze: nothing comes back

    # An action for a notification this process never sent (or sent before a restart): nothing, logged.
    caplog.set_level("INFO", logger="rocketwatch.ui.desktop_notify")
    invoke(desktop, 987_654, "watch")
    qtbot.waitUntil(lambda: "no longer knows" in caplog.text, timeout=10_000)
    assert browser.opened == []
