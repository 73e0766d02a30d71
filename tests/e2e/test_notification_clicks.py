"""A click on a notification opens what it is about, through the freedesktop notification's default action.

The tray app runs in this process (offscreen windows); its notifications go over a private D-Bus session
to a real dunst, and `dunstctl action` clicks them the way a user's click does.
"""

from __future__ import annotations

import pytest
from desktop_session import Desktop, wait_for

from rocketwatch.notify import Notification, Subject
from rocketwatch.standin import Fault
from rocketwatch.ui import app as app_module
from rocketwatch.ui.desktop_notify import FreedesktopNotifier

pytestmark = pytest.mark.e2e


@pytest.fixture
def clickable_app(qtbot, desktop: Desktop, standin, start_tray_app) -> app_module.TrayApp:
    bus = desktop.env["DBUS_SESSION_BUS_ADDRESS"]
    made = start_tray_app(
        standin.api_url,
        "clicks",
        tray_wait=600,  # no window opens by itself while a test runs
        open_notifier=lambda parent: FreedesktopNotifier.open(bus=bus, parent=parent),
        pipeline={"retries": 0},
    )
    qtbot.waitUntil(lambda: made.core_ready)
    assert made.desktop_notifier is not None, "the D-Bus backend did not connect to dunst"
    desktop.notifications()  # closes what earlier tests left on screen
    return made


def _shown(desktop: Desktop, what: str) -> None:
    """Wait until dunst has a notification on screen (`what` names it in the failure message)."""

    def on_screen() -> bool:
        result = desktop.run("dunstctl", "count", "displayed")
        return result.returncode == 0 and result.stdout.strip() not in ("", "0")

    wait_for(on_screen, 15, f"dunst to show the notification '{what}'")


def _visible(tray_app: app_module.TrayApp, window: str) -> bool:
    return window in tray_app.windows and tray_app.windows[window].isVisible()


def _run(qtbot, tray_app: app_module.TrayApp):
    with qtbot.waitSignal(tray_app.controller.run_finished, timeout=30_000) as finished:
        tray_app.controller.run_now()
    qtbot.waitUntil(lambda: not tray_app.controller.is_active(), timeout=10_000)
    return finished.args[0]


def test_clicking_a_failure_alert_opens_run_history_on_that_run(qtbot, desktop, clickable_app, standin):
    first = _run(qtbot, clickable_app)  # a successful run first, so the failed one is not the only row
    assert first.state == "success"
    desktop.notifications()
    standin.set_sticky_api_fault(Fault("status", code=500))
    failed = _run(qtbot, clickable_app)
    assert failed.state == "failed"
    entries = clickable_app.controller.store.ledger.entries(run_id=failed.id)
    assert [(e.kind, e.backend) for e in entries] == [("run_failed", "freedesktop")]
    _shown(desktop, "failed")
    assert not _visible(clickable_app, "history")

    assert desktop.run("dunstctl", "action", "0").returncode == 0

    qtbot.waitUntil(lambda: _visible(clickable_app, "history"), timeout=10_000)
    history = clickable_app.windows["history"]
    assert history.detail.run_id == failed.id
    assert history.selected_run() is not None and history.selected_run().id == failed.id


def test_clicking_a_summary_opens_the_gallery_and_a_launch_alert_opens_that_launch(
    qtbot, desktop, clickable_app
):
    done = _run(qtbot, clickable_app)
    assert done.state == "success"
    entries = clickable_app.controller.store.ledger.entries(run_id=done.id)
    summary = [entry for entry in entries if entry.kind == "summary"]
    assert summary and summary[0].backend == "freedesktop"
    _shown(desktop, "upcoming")
    assert not _visible(clickable_app, "gallery")
    assert desktop.run("dunstctl", "action", "0").returncode == 0
    qtbot.waitUntil(lambda: _visible(clickable_app, "gallery"), timeout=10_000)
    gallery = clickable_app.windows["gallery"]
    gallery.close()
    desktop.notifications()

    # A launch alert (as alerting.deliver sends it) names its launch; the click selects it in the gallery.
    launches = clickable_app.controller.store.launches.upcoming(since=done.started_at, limit=3)
    target = launches[-1]
    assert (
        clickable_app.controller.notifier.send(
            Notification(target.name, "Launches in 1 hour", subject=Subject.launch(target.id))
        )
        == "freedesktop"
    )
    _shown(desktop, target.name)
    assert desktop.run("dunstctl", "action", "0").returncode == 0
    qtbot.waitUntil(lambda: gallery.isVisible() and gallery.selected_launch_id() == target.id, timeout=10_000)


def test_text_from_the_api_reaches_the_desktop_as_plain_text(qtbot, desktop, clickable_app):
    notifier = clickable_app.desktop_notifier
    notifier.send(Notification("<b>Bold?</b>", "Pad <39A> & more", subject=None))
    _shown(desktop, "Bold")
    shown = [n for n in desktop.notifications() if n.get("appname") == "RocketWatch"]
    assert shown and shown[0]["summary"] == "<b>Bold?</b>"
    # dunst reads the body as markup: it must arrive escaped, so that it shows as the raw text.
    assert shown[0]["body"] == "Pad &lt;39A&gt; &amp; more"
