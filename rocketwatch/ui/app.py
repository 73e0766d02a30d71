"""The tray application: wires the run controller, the scheduler host, the tray icon, the windows
and the single-instance server together. `main()` is what `rocketwatch` without a command runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon, QWidget

from rocketwatch import APP_ID, APP_NAME, __version__
from rocketwatch.config import ConfigError
from rocketwatch.desktop import desktop_problem
from rocketwatch.i18n import _, ngettext
from rocketwatch.session import Session
from rocketwatch.states import RunState
from rocketwatch.ui.errors import ErrorReporter, SignalBridge, route_qt_messages
from rocketwatch.ui.gc_guard import GuiThreadCollector
from rocketwatch.ui.icons import app_icon
from rocketwatch.ui.language import install_qt_translation
from rocketwatch.ui.single_instance import PING, InstanceServer, instance_mismatch, send_request, socket_name
from rocketwatch.ui.tray import TrayIcon
from rocketwatch.ui.tray_host import SNI, TrayHost

if TYPE_CHECKING:
    import sqlite3

    from rocketwatch.notify import Notification, Notifier, Subject
    from rocketwatch.store import RunRecord
    from rocketwatch.ui.controller import RunController
    from rocketwatch.ui.desktop_notify import FreedesktopNotifier
    from rocketwatch.ui.scheduler_host import SchedulerHost

log = logging.getLogger(__name__)

STARTED_AT = time.monotonic()
# How long to wait for a tray to appear (a session started at login may bring its panel up late).
TRAY_WAIT_S = float(os.environ.get("ROCKETWATCH_TRAY_WAIT", "10"))
QUIT_WAIT_S = 10.0
SNI_REGISTER_CHECK_MS = 700
SNI_REGISTER_TRIES = 5
REMINDER_JOB = "launch-reminder"
COUNTDOWN_CHECK_MS = 30_000


class TrayNotifier(QObject):
    """Notifier backend: the tray icon's own balloon. Callable from any thread (queued to the GUI)."""

    name = "tray"
    _show = Signal(str, str, bool, object)

    def __init__(self, tray: TrayIcon) -> None:
        super().__init__()
        self.tray = tray
        self._show.connect(
            lambda title, body, urgent, subject: tray.show_message(
                title, body, urgent=urgent, subject=subject
            )
        )

    def send(self, notification: Notification) -> None:
        from rocketwatch.notify import NotifyError

        if not (self.tray.is_shown() and QSystemTrayIcon.supportsMessages()):
            raise NotifyError("no tray icon to show a message from")
        self._show.emit(notification.title, notification.body, notification.urgent, notification.subject)


def open_desktop_notifier(parent: QObject) -> FreedesktopNotifier | None:
    """The D-Bus notification backend on the session bus, or None (tests replace this)."""
    from rocketwatch.ui.desktop_notify import FreedesktopNotifier

    return FreedesktopNotifier.open(parent=parent)


def desktop_backends() -> list[Notifier]:
    """The desktop's notification backends (tests replace this); rocketwatch.notify loads after the icon."""
    from rocketwatch.notify import desktop_backends as backends

    return backends()


def request_for(args: argparse.Namespace) -> dict[str, Any]:
    if args.command == "run-now":
        return {"command": "run-now"}
    if args.command == "quit":
        return {"command": "quit"}
    if args.command == "cancel":
        return {"command": "cancel"}
    return {"command": "show", "window": getattr(args, "window", None) or "gallery"}


def main(session: Session, args: argparse.Namespace) -> int:
    """Hand the request to a running instance, or become the instance."""
    name = socket_name(session.home)
    request = request_for(args)
    if args.command in (None, "show"):
        running = send_request(name, {"command": PING})
        mismatch = instance_mismatch(session.identity(), (running or {}).get("instance"))
        if mismatch:
            print(f"rocketwatch: {mismatch}", file=sys.stderr)
            return 1
    answer = send_request(name, request)
    if answer is not None:
        return 0 if answer.get("ok") else 1
    if args.command in ("run-now", "cancel", "quit"):
        print(_("{app} is not running.").format(app=APP_NAME), file=sys.stderr)
        return 1
    problem = desktop_problem()
    if problem:
        print(f"rocketwatch: {problem}", file=sys.stderr)
        return 2
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationDisplayName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_ID)
    QApplication.setQuitOnLastWindowClosed(False)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    collector = GuiThreadCollector(app)  # no Qt object is ever freed in a pipeline thread
    route_qt_messages()
    install_qt_translation(app)  # Qt's own buttons in the desktop's language, then in the one set
    if not load_settings(session):
        return 2
    install_qt_translation(app)
    tray_app = TrayApp(session, name, first_window=request.get("window") if args.command == "show" else None)
    if not tray_app.server_ok:
        # Another instance won the race to listen: give it our request and leave.
        return 0 if (send_request(name, request) or {}).get("ok") else 1
    tray_app.start()
    code = app.exec()
    tray_app.close()
    collector.stop()
    if tray_app.restart_requested:  # the server is closed: the new process becomes the instance
        from rocketwatch.ui.restart import start_again

        start_again(session)
    return code


def load_settings(session: Session) -> bool:
    """Read the settings file; when it cannot be used, ask the user (see ui.config_problem). False: quit."""
    try:
        session.load()
    except ConfigError as error:
        from rocketwatch.ui.config_problem import Choice, resolve_config_problem

        if resolve_config_problem(session, error) is Choice.QUIT:
            return False
    for warning in session.config_warnings:
        log.warning("%s", warning)
    return True


class TrayApp(QObject):
    """One running RocketWatch: everything the tray app owns, wired with signals."""

    def __init__(self, session: Session, server_name: str, first_window: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.first_window = first_window
        self.errors = ErrorReporter()
        self.errors.install()
        self.server = InstanceServer(server_name, self, identity=session.identity())
        self.server_ok = self.server.listen()
        if not self.server_ok:
            return
        self.server.request.connect(self.handle_request)
        self.tray = TrayIcon(self)
        self.windows: dict[str, QWidget] = {}
        self.signals = SignalBridge(self.quit, self)
        self.tray_host: TrayHost | None = None
        self._tray_found = False
        self._tray_timer = QTimer(self, singleShot=True, interval=int(TRAY_WAIT_S * 1000))
        self._tray_timer.timeout.connect(self._no_tray)
        self._tooltip_timer = QTimer(self, interval=60_000)
        self._tooltip_timer.timeout.connect(self.tray.refresh_texts)
        self._quitting = False
        self.restart_requested = False  # quit, then start again (Settings: a new language)
        # Built right after the tray icon shows (start-up speed): see _start_core().
        # None only until then (core_ready); typed as what every later use sees.
        self.controller: RunController = None  # type: ignore[assignment]  # set in _start_core()
        self.scheduler: SchedulerHost = None  # type: ignore[assignment]  # set in _start_core()
        self._pending: list[dict] = []
        self.desktop_notifier: FreedesktopNotifier | None = None
        self._notice_boxes: list[QMessageBox] = []

    def _wire(self) -> None:
        tray, controller, scheduler = self.tray, self.controller, self.scheduler
        tray.run_now.connect(lambda: controller.run_now("manual"))
        tray.cancel_run.connect(controller.cancel)
        tray.open_gallery.connect(lambda: self.show_window("gallery"))
        tray.open_history.connect(lambda: self.show_window("history"))
        tray.open_settings.connect(lambda: self.show_window("settings"))
        tray.open_about.connect(lambda: self.show_window("about"))
        tray.open_launch.connect(self.show_launch)
        tray.toggle_pause.connect(lambda: controller.set_paused(not controller.config.schedule.paused))
        tray.export_calendar.connect(self.export_calendar)
        tray.quit_requested.connect(self.quit)
        scheduler.fire.connect(lambda trigger: controller.run_now(trigger))
        scheduler.next_fire_changed.connect(
            lambda when: tray.set_next_run(when, controller.config.schedule.paused)
        )
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
        self.tray_host = TrayHost(self)
        self.tray_host.changed.connect(self._tray_host_changed)
        kind = self.tray_host.kind()
        if kind is not None:
            self.tray.use_kind(kind)
            self._show_tray()
        else:
            log.info("No system tray yet; waiting up to %g s for one", TRAY_WAIT_S)
            self._tray_timer.start()
        QTimer.singleShot(0, self._start_core)

    @property
    def core_ready(self) -> bool:
        return self.controller is not None

    def _start_core(self) -> None:
        import sqlite3

        from rocketwatch.notify import ChainNotifier, LogNotifier
        from rocketwatch.ui.controller import RunController
        from rocketwatch.ui.scheduler_host import SchedulerHost

        if self._quitting:
            return
        # The windows' icon, before any window: an SVG, rendered once to check Qt can draw it (2 ms).
        QApplication.setWindowIcon(app_icon())
        self.session.start_demo()  # with --demo: the one stand-in of this session
        self.tray_notifier = TrayNotifier(self.tray)
        notifier = ChainNotifier(
            [*self._clickable_backends(), *desktop_backends(), self.tray_notifier, LogNotifier()]
        )
        # The saved settings and this session's overrides stay apart: Settings writes only the former.
        try:
            self.controller = RunController(
                self.session.paths,
                self.session.saved_config,
                notifier,
                self,
                overrides=self.session.overrides,
            )
        except (OSError, sqlite3.Error) as error:
            self._cannot_start(error)
            return
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
        self._start_countdown()
        self._show_notices()
        if self.tray.is_shown():
            self._warn_about_rate_limit()
        if self.first_window:
            self.show_window(self.first_window)
        for request in self._pending:
            self.handle_request(request)
        self._pending.clear()

    def _cannot_start(self, error: OSError | sqlite3.Error) -> None:
        """The data folder or database cannot be used: say so in one line and in a window, then quit (2)."""
        from PySide6.QtCore import Qt  # after the tray icon: see ui/icons.py

        from rocketwatch.session import storage_words

        words = storage_words(error, self.session.paths, None)
        from rocketwatch.applog import NOT_ON_CONSOLE

        log.error("Cannot start: %s", words, exc_info=True, extra=NOT_ON_CONSOLE)  # details: the log file
        print(f"rocketwatch: {words}", file=sys.stderr)
        self._quitting = True
        self._tray_timer.stop()
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            _("{app} cannot start").format(app=APP_NAME),
            words[:1].upper() + words[1:],
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.finished.connect(lambda _result: QApplication.exit(2))
        self._notice_boxes.append(box)
        box.open()

    def _tray_host_changed(self) -> None:
        """A tray appeared, went away or changed kind: put the icon (back) in the tray there is now."""
        if self._quitting or self.tray_host is None:
            return
        kind = self.tray_host.kind()
        if kind is None:
            log.info("The system tray went away; the icon comes back when a tray does")
            return
        # A watcher that (re)appeared forgets earlier items: register a new one even of the same kind.
        self.tray.use_kind(kind, again=kind == SNI)
        log.info("Tray icon now in %s", "a StatusNotifierItem host" if kind == SNI else "an XEmbed tray")
        if kind == SNI:
            self._confirm_sni_item(SNI_REGISTER_TRIES)
        if not self._tray_found:
            self._tray_timer.stop()
            if QApplication.quitOnLastWindowClosed():
                # The window opened for want of a tray; with the icon back, closing it no longer quits.
                QApplication.setQuitOnLastWindowClosed(False)
            self._show_tray()

    def _confirm_sni_item(self, tries: int) -> None:
        """A watcher that has just taken its bus name may not answer yet, and Qt registers only once:
        look in the watcher's list a moment later, and register again while the item is missing."""

        def check() -> None:
            host = self.tray_host
            if self._quitting or host is None or self.tray.kind != SNI or host.kind() != SNI:
                return
            if host.ours_registered():
                return
            log.info("The StatusNotifierWatcher does not list the tray icon yet; registering again")
            self.tray.use_kind(SNI, again=True)
            if tries > 1:
                self._confirm_sni_item(tries - 1)

        QTimer.singleShot(SNI_REGISTER_CHECK_MS, self, check)

    def _show_notices(self) -> None:
        """Things any RocketWatch process left to tell the user once (a damaged database replaced)."""
        from PySide6.QtCore import Qt  # after the tray icon: see ui/icons.py

        for notice in self.controller.store.notices.take():
            log.warning("Notice for the user: %s", notice.message)
            box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, notice.message)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._notice_boxes.append(box)
            box.show()

    def _warn_about_rate_limit(self) -> None:
        """Say once per start when the schedule can exceed LL2's anonymous limit of 15 requests an hour."""
        from rocketwatch.rate_limit import saved_schedule_warning
        from rocketwatch.schedule import local_tz

        config = self.controller.config
        warning = saved_schedule_warning(config, local_tz())
        if warning:
            log.warning("%s Change the schedule ('%s') in Settings.", warning, config.schedule.every)
            advice = _("Change the schedule ('{every}') in Settings.").format(every=config.schedule.every)
            title = _("{app}: schedule too frequent").format(app=APP_NAME)
            self.tray.show_message(title, f"{warning} {advice}", urgent=True)

    def _show_tray(self) -> None:
        self._tray_found = True
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
        from PySide6.QtCore import Qt  # after the tray icon: see ui/icons.py

        if not self.core_ready:
            return  # it could not start (see _cannot_start): nothing to show
        log.warning("No system tray found; showing the gallery and quitting when it closes")
        QApplication.setQuitOnLastWindowClosed(True)
        self.show_window("gallery")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("No system tray"),
            _(
                "This desktop shows no system tray, so {app} opens its window instead. "
                "The schedule runs while the window is open; closing it quits.\n\n"
                "On GNOME, the AppIndicator extension adds a tray."
            ).format(app=APP_NAME),
            parent=self.windows["gallery"],
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- clicks on notifications -----------------------------------------------------------------
    def _clickable_backends(self) -> list[Any]:
        """The freedesktop D-Bus backend where there is one (a click on its notifications comes back);
        elsewhere the tray message's click does the same."""
        self.tray.message_clicked.connect(lambda subject: self.open_subject(subject, "default"))
        self.desktop_notifier = open_desktop_notifier(self)
        if self.desktop_notifier is None:
            return []
        self.desktop_notifier.activated.connect(self.act_on_notification)
        return [self.desktop_notifier]

    def open_subject(self, subject: Subject, action: str = "default") -> None:
        """Open what a clicked notification is about: a run in Run history, a launch in the gallery."""
        if action != "default" or self._quitting:
            return
        if subject.kind == "run" and subject.ref.isdigit():
            history = self.show_window("history")
            history.show_run(int(subject.ref))  # type: ignore[attr-defined]  # window() built a RunHistory
        elif subject.kind == "launch" and subject.ref:
            self.show_launch(subject.ref)
        else:
            self.show_window("gallery")

    # --- buttons in notifications ------------------------------------------------------------------
    def act_on_notification(self, subject: Any, action: str) -> None:
        """A click ("default") opens what the notification is about; a launch alert's buttons open the
        webcast, bring the reminder back in 10 minutes, or mute the launch."""
        from rocketwatch.notify import MUTE_ACTION, OPEN_ACTION, SNOOZE_ACTION, WATCH_ACTION

        if action == OPEN_ACTION:
            self.open_subject(subject, action)
            return
        if self._quitting or not self.core_ready or subject.kind != "launch" or not subject.ref:
            log.info("Notification action %r for %s %r: nothing to do", action, subject.kind, subject.ref)
            return
        if action == WATCH_ACTION:
            self.open_webcast(subject.ref)
        elif action == SNOOZE_ACTION:
            self.snooze_launch(subject.ref)
        elif action == MUTE_ACTION:
            self.mute_launch(subject.ref)
        else:
            log.info("Unknown notification action %r for launch %s", action, subject.ref)

    def open_webcast(self, launch_id: str) -> bool:
        """Open the launch's best webcast in the browser (the desktop's URL opener); only web addresses."""
        from PySide6.QtGui import QDesktopServices

        from rocketwatch.ui.detail_sections import web_url

        launch = self.controller.store.launches.get(launch_id)
        url = web_url(launch.webcast_url) if launch is not None and launch.webcast_url else None
        if launch is None or url is None:
            log.info("No webcast link to open for launch %s", launch_id)
            return False
        log.info("Opening the webcast of %s: %s", launch.name, url.toString())
        return QDesktopServices.openUrl(url)

    def snooze_launch(self, launch_id: str) -> None:
        """ "Remind me in 10 min": kept in the store, the reminder job armed again."""
        from rocketwatch.pipeline.alerting import snooze_reminder

        if snooze_reminder(self.controller.store, launch_id, datetime.now(UTC)) is None:
            log.info("Launch %s cannot be snoozed (unknown, muted, or no longer ahead)", launch_id)
        self.arm_reminder()

    def mute_launch(self, launch_id: str) -> None:
        """No more alerts for this launch (kept in the store); an open gallery marks its card."""
        gallery = self.windows.get("gallery")
        if gallery is not None:
            gallery.set_muted(launch_id, True)  # type: ignore[attr-defined]  # emits watch_changed: re-arms
            return
        self.controller.store.mutes.mute(launch_id)
        log.info("Launch %s muted", launch_id)
        self.arm_reminder()
        self.update_countdown()

    # --- the last hour on the tray icon ---------------------------------------------------------------
    def _start_countdown(self) -> None:
        """Look for a watched launch within the hour now, every 30 s and whenever launches, stars or mutes
        change; while there is one, the icon and tooltip tick each second."""
        self._countdown_launch: Any = None
        self._countdown_check = QTimer(self, interval=COUNTDOWN_CHECK_MS)
        self._countdown_check.timeout.connect(self.update_countdown)
        self._countdown_tick = QTimer(self, interval=1000)
        self._countdown_tick.timeout.connect(self._tick_countdown)
        self.controller.data_changed.connect(self.update_countdown)
        self.controller.config_changed.connect(lambda _config: self.update_countdown())
        self._countdown_check.start()
        self.update_countdown()

    def update_countdown(self) -> None:
        from rocketwatch.pipeline.alerting import last_hour_launch

        if self._quitting:
            return
        now = datetime.now(UTC)
        self._countdown_launch = last_hour_launch(self.controller.store, self.controller.config, now)
        self.tray.set_countdown(self._countdown_launch, now)
        if self._countdown_launch is None:
            self._countdown_tick.stop()
        elif not self._countdown_tick.isActive():
            self._countdown_tick.start()

    def _tick_countdown(self) -> None:
        if self._quitting or self._countdown_launch is None:
            self._countdown_tick.stop()
            return
        now = datetime.now(UTC)
        if self._countdown_launch.net <= now:
            self.update_countdown()  # it is time: the next one, or none
            return
        self.tray.set_countdown(self._countdown_launch, now)

    # --- reacting to runs -------------------------------------------------------------------------
    def _active_changed(self, active: bool) -> None:
        if active:
            self.tray.set_state("running")
        elif self.tray.state == "running":  # ended without a state of its own (cancelled, skipped)
            self.tray.set_state("idle")

    def _run_finished(self, record: RunRecord) -> None:
        from rocketwatch.pipeline.alerting import refresh_fell_short

        if refresh_fell_short(record):
            self.controller.deliver_alerts()
        if record.state in (RunState.SUCCESS, RunState.CANCELLED):
            self.tray.set_state("idle")
        elif record.state.went_wrong:
            self.tray.set_state("failed")
        elif self.tray.state == "running" and not self.controller.is_active():
            self.tray.set_state("idle")

    def _follow_runs(self, record: RunRecord | None) -> None:
        """A run of another process (`rocketwatch run`) started, moved on or ended: the tray follows."""
        if self.controller.is_active():
            return
        self.tray.set_activity(self.controller.activity)
        if self.controller.activity is not None:
            self.tray.set_state("running", own=False)
        elif record is None or record.state in (RunState.SUCCESS, RunState.CANCELLED):
            self.tray.set_state("idle")
        elif record.state.went_wrong:
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
        """A reminder's time: do what the core's reminder_step() says (refresh first, or send now)."""
        from rocketwatch.pipeline.alerting import REFRESH_TRIGGER, ReminderStep, reminder_step

        controller = self.controller
        step = reminder_step(
            controller.store, controller.config, datetime.now(UTC), run_active=controller.is_active()
        )
        if step is ReminderStep.REFRESH:
            log.info("Launch data is too old for the reminder; refreshing first")
            controller.run_now(REFRESH_TRIGGER)  # its notify task delivers the due alerts on fresh data
            return
        controller.deliver_alerts()

    # --- windows ----------------------------------------------------------------------------------
    def window(self, which: str) -> QWidget:
        if which not in self.windows:
            if which == "gallery":
                from rocketwatch.ui.gallery import GalleryWindow

                gallery = GalleryWindow(self.controller)
                gallery.watch_changed.connect(self.arm_reminder)  # a star changes which reminders come
                gallery.watch_changed.connect(self.update_countdown)  # ... and which launch is counted down
                self.windows[which] = gallery
            elif which == "history":
                from rocketwatch.ui.history import HistoryWindow

                self.windows[which] = HistoryWindow(self.controller)
            elif which == "settings":
                from rocketwatch.autostart import autostart_for_platform
                from rocketwatch.ui.settings import SettingsDialog

                settings = SettingsDialog(
                    self.controller,
                    autostart_for_platform(),
                    home=self.session.home,
                    config_warnings=self.session.config_warnings,
                )
                settings.restart_requested.connect(self.restart)
                self.windows[which] = settings
            elif which == "about":
                from rocketwatch.ui.about import AboutDialog

                self.windows[which] = AboutDialog()
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
            gallery.show_launch(launch_id)  # type: ignore[attr-defined]  # window() built a Gallery

    def export_calendar(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from rocketwatch.calendar import export_ics

        path, _filter = QFileDialog.getSaveFileName(
            None,
            _("Export launches as a calendar"),
            str(Path.home() / "rocketwatch-launches.ics"),
            _("iCalendar files (*.ics)"),
        )
        if not path:
            return
        try:
            count = export_ics(self.controller.store, Path(path), self.controller.config.alerts)
        except OSError as error:
            QMessageBox.warning(
                None,
                _("Export failed"),
                _("Could not write {path}: {error}").format(path=path, error=error.strerror),
            )
            return
        exported = ngettext("Exported {count} launch to {path}", "Exported {count} launches to {path}", count)
        self.tray.show_message(APP_NAME, exported.format(count=count, path=path))

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
    def restart(self) -> None:
        """Quit as Quit does, then start again the same way (main() starts the new process)."""
        self.restart_requested = True
        self.quit()

    def quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        log.info("Quitting")
        if not self.core_ready:
            QApplication.instance().quit()  # type: ignore[union-attr]  # the app object outlives its windows
            return
        self.scheduler.shutdown()
        self._tooltip_timer.stop()
        self._tray_timer.stop()
        if self.tray_host is not None:
            self.tray_host.stop()
        if not self.controller.shutdown(QUIT_WAIT_S):
            log.warning("The active run did not stop within %g s; it will be marked interrupted", QUIT_WAIT_S)
        for window in self.windows.values():
            window.close()
        self.tray.hide()
        QApplication.instance().quit()  # type: ignore[union-attr]  # the app object outlives its windows

    def close(self) -> None:
        self.server.close()
        self.signals.close()
        if self.desktop_notifier is not None:
            self.desktop_notifier.close()
        self.session.stop_demo()
