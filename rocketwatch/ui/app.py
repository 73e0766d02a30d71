"""The tray application: wires the run controller, the scheduler host, the tray icon, the windows
and the single-instance server together. `main()` is what `rocketwatch` without a command runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QSystemTrayIcon, QWidget

from rocketwatch import APP_ID, APP_NAME, __version__
from rocketwatch.notify import ChainNotifier, LogNotifier, Notification, desktop_backends
from rocketwatch.ui.errors import ErrorReporter, SignalBridge, route_qt_messages
from rocketwatch.ui.icons import app_icon
from rocketwatch.ui.single_instance import InstanceServer, send_request, socket_name
from rocketwatch.ui.tray import TrayIcon

log = logging.getLogger(__name__)

STARTED_AT = time.monotonic()
# How long to wait for a tray to appear (a session started at login may bring its panel up late).
TRAY_WAIT_S = float(os.environ.get("ROCKETWATCH_TRAY_WAIT", "10"))
QUIT_WAIT_S = 10.0
REMINDER_JOB = "launch-reminder"


class TrayNotifier(QObject):
    """Notifier backend: the tray icon's own balloon. Callable from any thread (queued to the GUI)."""

    name = "tray"
    _show = Signal(str, str, bool)

    def __init__(self, tray: TrayIcon) -> None:
        super().__init__()
        self.tray = tray
        self._show.connect(lambda title, body, urgent: tray.show_message(title, body, urgent=urgent))

    def send(self, notification: Notification) -> None:
        from rocketwatch.notify import NotifyError

        if not (self.tray.tray.isVisible() and QSystemTrayIcon.supportsMessages()):
            raise NotifyError("no tray icon to show a message from")
        self._show.emit(notification.title, notification.body, notification.urgent)


def request_for(args: argparse.Namespace) -> dict[str, Any]:
    if args.command == "run-now":
        return {"command": "run-now"}
    if args.command == "quit":
        return {"command": "quit"}
    if args.command == "cancel":
        return {"command": "cancel"}
    return {"command": "show", "window": getattr(args, "window", None) or "gallery"}


def main(session: Any, args: argparse.Namespace) -> int:
    """Hand the request to a running instance, or become the instance."""
    name = socket_name(session.home)
    request = request_for(args)
    answer = send_request(name, request)
    if answer is not None:
        return 0 if answer.get("ok") else 1
    if args.command in ("run-now", "cancel", "quit"):
        print(f"{APP_NAME} is not running.", file=sys.stderr)
        return 1
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationDisplayName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_ID)
    QApplication.setQuitOnLastWindowClosed(False)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    route_qt_messages()
    tray_app = TrayApp(session, name, first_window=request.get("window") if args.command == "show" else None)
    if not tray_app.server_ok:
        # Another instance won the race to listen: give it our request and leave.
        return 0 if (send_request(name, request) or {}).get("ok") else 1
    tray_app.start()
    code = app.exec()
    tray_app.close()
    return code


class TrayApp(QObject):
    """One running RocketWatch: everything the tray app owns, wired with signals."""

    def __init__(self, session: Any, server_name: str, first_window: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.first_window = first_window
        self.errors = ErrorReporter()
        self.errors.install()
        QApplication.setWindowIcon(app_icon())
        self.server = InstanceServer(server_name, self)
        self.server_ok = self.server.listen()
        if not self.server_ok:
            return
        self.server.request.connect(self.handle_request)
        self.tray = TrayIcon(self)
        self.windows: dict[str, QWidget] = {}
        self.signals = SignalBridge(self.quit, self)
        self._tray_deadline = time.monotonic() + TRAY_WAIT_S
        self._tray_timer = QTimer(self, interval=500)
        self._tray_timer.timeout.connect(self._look_for_tray)
        self._tooltip_timer = QTimer(self, interval=60_000)
        self._tooltip_timer.timeout.connect(self.tray.refresh_texts)
        self._quitting = False
        # Built right after the tray icon shows (start-up speed): see _start_core().
        self.standin: Any = None
        self.controller: Any = None
        self.scheduler: Any = None
        self._pending: list[dict] = []
        self._notice_boxes: list[QMessageBox] = []

    def _start_demo(self) -> Any:
        from rocketwatch.cli import start_demo_standin

        standin = start_demo_standin()
        config = self.session.config
        self.session.config = replace(config, source=replace(config.source, api_url=standin.api_url))
        return standin

    def _wire(self) -> None:
        tray, controller, scheduler = self.tray, self.controller, self.scheduler
        tray.run_now.connect(lambda: controller.run_now("manual"))
        tray.cancel_run.connect(controller.cancel)
        tray.open_gallery.connect(lambda: self.show_window("gallery"))
        tray.open_history.connect(lambda: self.show_window("history"))
        tray.open_settings.connect(lambda: self.show_window("settings"))
        tray.open_launch.connect(self.show_launch)
        tray.toggle_pause.connect(lambda: controller.set_paused(not controller.config.schedule.paused))
        tray.export_calendar.connect(self.export_calendar)
        tray.quit_requested.connect(self.quit)
        scheduler.fire.connect(lambda trigger: controller.run_now(trigger))
        scheduler.next_fire_changed.connect(
            lambda when: tray.set_next_run(when, controller.config.schedule.paused))
        controller.active_changed.connect(self._active_changed)
        controller.run_finished.connect(self._run_finished)
        controller.data_changed.connect(self.refresh_launches)
        controller.run_finished.connect(lambda _record: self.arm_reminder())
        controller.config_changed.connect(lambda _config: self.arm_reminder())
        controller.alerts_delivered.connect(self.arm_reminder)
        controller.activity_changed.connect(tray.set_activity)
        controller.runs_changed.connect(self._follow_runs)

    # --- start ------------------------------------------------------------------------------------
    def start(self) -> None:
        """Show the tray icon first, then build the rest in the next turn of the event loop."""
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._show_tray()
        else:
            log.info("No system tray yet; waiting up to %g s for one", TRAY_WAIT_S)
            self._tray_timer.start()
        QTimer.singleShot(0, self._start_core)

    @property
    def core_ready(self) -> bool:
        return self.controller is not None

    def _start_core(self) -> None:
        from rocketwatch.ui.controller import RunController
        from rocketwatch.ui.scheduler_host import SchedulerHost

        if self._quitting:
            return
        self.standin = self._start_demo() if self.session.demo else None
        self.tray_notifier = TrayNotifier(self.tray)
        notifier = ChainNotifier([*desktop_backends(), self.tray_notifier, LogNotifier()])
        self.controller = RunController(self.session.paths, self.session.config, notifier, self)
        self.scheduler = SchedulerHost(self.controller, parent=self)
        self._wire()
        self.refresh_launches()
        last = self.controller.store.runs.latest(limit=1)
        if last and last[0].state == "failed":
            self.tray.set_state("failed")
        self._follow_runs(last[0] if last else None)
        self.controller.start_watching()
        self.scheduler.start()
        self.arm_reminder()
        self._show_notices()
        if self.tray.tray.isVisible():
            self._warn_about_rate_limit()
        if self.first_window:
            self.show_window(self.first_window)
        for request in self._pending:
            self.handle_request(request)
        self._pending.clear()

    def _look_for_tray(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._tray_timer.stop()
            self._show_tray()
        elif time.monotonic() >= self._tray_deadline:
            self._tray_timer.stop()
            self._no_tray()

    def _show_notices(self) -> None:
        """Things any RocketWatch process left to tell the user once (a damaged database replaced)."""
        for notice in self.controller.store.notices.take():
            log.warning("Notice for the user: %s", notice.message)
            box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, notice.message)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._notice_boxes.append(box)
            box.show()

    def _warn_about_rate_limit(self) -> None:
        """Say once per start when the schedule can exceed LL2's anonymous limit of 15 requests an hour."""
        from rocketwatch.config import DEV_API_URL
        from rocketwatch.pipeline.tasks import private_api_host
        from rocketwatch.schedule import ScheduleError, local_tz, parse_every

        config = self.controller.config
        api_url = config.source.api_url
        if config.source.token or config.schedule.paused or api_url == DEV_API_URL:
            return
        if private_api_host(api_url):
            return
        try:
            per_hour = parse_every(config.schedule.every).max_runs_per_hour(local_tz())
        except ScheduleError:
            return
        if per_hour > 15:
            message = (f"The schedule '{config.schedule.every}' can run {per_hour:g} times an hour, but LL2 "
                       "allows 15 requests an hour without an API token: some runs will be refused. "
                       "Add a token or choose a slower schedule in Settings.")
            log.warning(message)
            self.tray.show_message(f"{APP_NAME}: schedule too frequent", message, urgent=True)

    def _show_tray(self) -> None:
        self.tray.show()
        if self.core_ready:
            self._warn_about_rate_limit()
        self._tooltip_timer.start()
        log.info("Tray icon shown %.3f s after start (pid %s)", time.monotonic() - STARTED_AT, os.getpid())
        mark = os.environ.get("ROCKETWATCH_STARTUP_MARK")
        if mark:
            with open(mark, "a", encoding="utf-8") as handle:
                handle.write(f"{time.time():.6f}\n")

    def _no_tray(self) -> None:
        log.warning("No system tray found; showing the gallery and quitting when it closes")
        QApplication.setQuitOnLastWindowClosed(True)
        self.show_window("gallery")
        box = QMessageBox(QMessageBox.Icon.Information, f"{APP_NAME}: no system tray",
                          f"This desktop shows no system tray, so {APP_NAME} opens its window instead. "
                          "The schedule runs while the window is open; closing it quits.\n\n"
                          "On GNOME, the AppIndicator extension adds a tray.", parent=self.windows["gallery"])
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- reacting to runs -------------------------------------------------------------------------
    def _active_changed(self, active: bool) -> None:
        if active:
            self.tray.set_state("running")
        elif self.tray.state == "running":  # ended without a state of its own (cancelled, skipped)
            self.tray.set_state("idle")

    def _run_finished(self, record: Any) -> None:
        if record.trigger == "refresh" and record.state != "success":
            # The refresh did not reach its notify task: send the due reminders on the data we have.
            self.controller.deliver_alerts()
        if record.state in ("success", "cancelled"):
            self.tray.set_state("idle")
        elif record.state in ("failed", "interrupted"):
            self.tray.set_state("failed")
        elif self.tray.state == "running" and not self.controller.is_active():
            self.tray.set_state("idle")

    def _follow_runs(self, record: Any) -> None:
        """A run of another process (`rocketwatch run`) started, moved on or ended: the tray follows."""
        if self.controller.is_active():
            return
        self.tray.set_activity(self.controller.activity)
        if self.controller.activity is not None:
            self.tray.set_state("running", own=False)
        elif record is None or record.state in ("success", "cancelled"):
            self.tray.set_state("idle")
        elif record.state in ("failed", "interrupted"):
            self.tray.set_state("failed")
        elif self.tray.state == "running":
            self.tray.set_state("idle")

    def refresh_launches(self) -> None:
        now = datetime.now(UTC)
        self.tray.set_launches(self.controller.store.launches.upcoming(since=now, limit=5))

    # --- launch reminders -------------------------------------------------------------------------
    def arm_reminder(self) -> None:
        """One APScheduler date job for the next reminder, computed from the store and the ledger
        (never pickled state); re-armed after every run, settings change, star and delivery."""
        from rocketwatch.pipeline.alerting import next_fire_time

        if self._quitting:
            return
        when = next_fire_time(self.controller.store, self.controller.config, datetime.now(UTC))
        if when is None:
            self.scheduler.remove_job(REMINDER_JOB)
            return
        # No grace limit: after sleep it still fires, and the late-discovery rule sends at most one.
        self.scheduler.add_date_job(REMINDER_JOB, when, self.reminder_due, grace=None)
        log.info("Next launch reminder at %s", when.isoformat())

    def reminder_due(self) -> None:
        """A reminder's time: refresh first when its data is too old (and the budget allows), else send."""
        from rocketwatch.pipeline.alerting import refresh_first

        controller = self.controller
        now = datetime.now(UTC)
        if not controller.is_active() and refresh_first(controller.store, controller.config, now):
            log.info("Launch data is too old for the reminder; refreshing first")
            controller.run_now("refresh")  # its notify task delivers the due alerts on fresh data
            return
        controller.deliver_alerts()

    # --- windows ----------------------------------------------------------------------------------
    def window(self, which: str) -> QWidget:
        if which not in self.windows:
            if which == "gallery":
                from rocketwatch.ui.gallery import GalleryWindow

                gallery = GalleryWindow(self.controller)
                gallery.watch_changed.connect(self.arm_reminder)  # a star changes which reminders come
                self.windows[which] = gallery
            elif which == "history":
                from rocketwatch.ui.history import HistoryWindow

                self.windows[which] = HistoryWindow(self.controller)
            elif which == "settings":
                from rocketwatch.autostart import autostart_for_platform
                from rocketwatch.ui.settings import SettingsDialog

                self.windows[which] = SettingsDialog(self.controller, autostart_for_platform(),
                                                     home=self.session.home)
            else:
                raise ValueError(f"unknown window {which!r}")
        return self.windows[which]

    def show_window(self, which: str) -> QWidget:
        window = self.window(which)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def show_launch(self, launch_id: str) -> None:
        gallery = self.show_window("gallery")
        if launch_id:
            gallery.show_launch(launch_id)  # type: ignore[attr-defined]

    def export_calendar(self) -> None:
        from pathlib import Path

        from rocketwatch.calendar import export_ics

        path, _filter = QFileDialog.getSaveFileName(None, f"{APP_NAME}: export launches as a calendar",
                                                    str(Path.home() / "rocketwatch-launches.ics"),
                                                    "iCalendar files (*.ics)")
        if not path:
            return
        try:
            count = export_ics(self.controller.store, Path(path), self.controller.config.alerts)
        except OSError as error:
            QMessageBox.warning(None, f"{APP_NAME}: export failed",
                                f"Could not write {path}: {error.strerror}")
            return
        self.tray.show_message(APP_NAME, f"Exported {count} launches to {path}")

    # --- requests from a second instance ----------------------------------------------------------
    def handle_request(self, request: dict) -> None:
        if not self.core_ready:
            self._pending.append(request)
            return
        command = request.get("command")
        if command == "show":
            self.show_window(str(request.get("window") or "gallery"))
        elif command == "run-now":
            self.controller.run_now("manual")
        elif command == "cancel":
            if not self.controller.cancel():
                log.info("Asked to cancel, but no run is in progress")
        elif command == "quit":
            QTimer.singleShot(0, self.quit)

    # --- quitting ---------------------------------------------------------------------------------
    def quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        log.info("Quitting")
        if not self.core_ready:
            QApplication.instance().quit()  # type: ignore[union-attr]
            return
        self.scheduler.shutdown()
        self._tooltip_timer.stop()
        self._tray_timer.stop()
        if not self.controller.shutdown(QUIT_WAIT_S):
            log.warning("The active run did not stop within %g s; it will be marked interrupted", QUIT_WAIT_S)
        for window in self.windows.values():
            window.close()
        self.tray.hide()
        QApplication.instance().quit()  # type: ignore[union-attr]

    def close(self) -> None:
        self.server.close()
        self.signals.close()
        if self.standin is not None:
            self.standin.stop()

