"""The tray icon and its menu: next launches, Run now, windows, Pause/Resume, Settings, Quit.

It shows the app's state (idle, running, last run failed) and a tooltip with the next launch.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from rocketwatch import APP_NAME
from rocketwatch.ll2.model import Launch
from rocketwatch.notify import Subject
from rocketwatch.timefmt import local, net_words, when_words, with_zone
from rocketwatch.ui.icons import tray_icon

MENU_LAUNCHES = 5


def _escape_menu_text(text: str) -> str:
    """Menu text treats '&' as a mnemonic marker; API text must show literally."""
    return text.replace("&", "&&")


class TrayIcon(QObject):
    """Wraps QSystemTrayIcon; the app connects the request signals to its actions."""

    open_launch = Signal(str)
    open_gallery = Signal()
    open_history = Signal()
    open_settings = Signal()
    run_now = Signal()
    toggle_pause = Signal()
    export_calendar = Signal()
    quit_requested = Signal()
    message_clicked = Signal(object)  # the Subject of the tray message the user clicked

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.menu.setAccessibleName(f"{APP_NAME} menu")
        self._state = "idle"
        self._launches: list[Launch] = []
        self._next_run: datetime | None = None
        self._paused = False
        self._launch_actions: list[QAction] = []
        self._message_subject: Subject | None = None
        self._build_menu()
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._activated)
        self.tray.messageClicked.connect(self._message_clicked)
        self.menu.aboutToShow.connect(self.refresh_texts)
        self.set_state("idle")

    # --- menu -----------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        self._heading = self.menu.addAction("Next launches")
        self._heading.setEnabled(False)
        for _ in range(MENU_LAUNCHES):
            action = self.menu.addAction("")
            action.triggered.connect(lambda _checked=False, a=action: self.open_launch.emit(a.data() or ""))
            self._launch_actions.append(action)
        self._no_launches = self.menu.addAction("No launches yet — choose Run now")
        self._no_launches.setEnabled(False)
        self.menu.addSeparator()
        self.run_action = self.menu.addAction("Run now")
        self.run_action.triggered.connect(self.run_now.emit)
        self.menu.addAction("Open gallery").triggered.connect(self.open_gallery.emit)
        self.menu.addAction("Run history").triggered.connect(self.open_history.emit)
        self.menu.addAction("Export calendar…").triggered.connect(self.export_calendar.emit)
        self.menu.addSeparator()
        self.pause_action = self.menu.addAction("Pause schedule")
        self.pause_action.triggered.connect(self.toggle_pause.emit)
        self.menu.addAction("Settings…").triggered.connect(self.open_settings.emit)
        self.menu.addSeparator()
        self.menu.addAction(f"Quit {APP_NAME}").triggered.connect(self.quit_requested.emit)
        self._update_launch_actions()

    def _update_launch_actions(self) -> None:
        now = datetime.now(UTC)
        slots = [*self._launches, *[None] * MENU_LAUNCHES]
        for action, launch in zip(self._launch_actions, slots, strict=False):
            if launch is None:
                action.setVisible(False)
                continue
            when = net_words(launch.net, launch.net_precision, zone=True)
            action.setText(_escape_menu_text(f"{launch.name} — {when}"))
            action.setToolTip(when_words(launch.net, launch.net_precision, now))
            action.setData(launch.id)
            action.setVisible(True)
        self._heading.setVisible(bool(self._launches))
        self._no_launches.setVisible(not self._launches)

    # --- state ----------------------------------------------------------------------------------
    def show(self) -> None:
        self.tray.show()

    def hide(self) -> None:
        self.tray.hide()

    def set_state(self, state: str) -> None:
        """idle, running or failed: the icon and the Run now item follow."""
        self._state = state
        self.tray.setIcon(tray_icon(state))
        running = state == "running"
        self.run_action.setEnabled(not running)
        self.run_action.setText("Running…" if running else "Run now")
        self.refresh_texts()

    @property
    def state(self) -> str:
        return self._state

    def set_launches(self, launches: list[Launch]) -> None:
        self._launches = launches[:MENU_LAUNCHES]
        self._update_launch_actions()
        self.refresh_texts()

    def set_next_run(self, when: datetime | None, paused: bool) -> None:
        self._next_run, self._paused = when, paused
        self.pause_action.setText("Resume schedule" if paused else "Pause schedule")
        self.refresh_texts()

    def refresh_texts(self) -> None:
        """Tooltip and countdowns, computed when they can be seen."""
        self._update_launch_actions()
        self.tray.setToolTip(self.tooltip())

    def tooltip(self, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        lines = [APP_NAME]
        upcoming = [launch for launch in self._launches if launch.net >= now]
        if upcoming:
            first = upcoming[0]
            lines.append(f"Next: {first.name} {when_words(first.net, first.net_precision, now)}")
        if self._state == "running":
            lines.append("Getting launches…")
        elif self._state == "failed":
            lines.append("The last run failed — see Run history")
        if self._paused:
            lines.append("Schedule paused")
        elif self._next_run is not None:
            next_run = local(self._next_run)
            lines.append(f"Next check: {with_zone(next_run.strftime('%a %H:%M'), next_run)}")
        return "\n".join(lines)

    def show_message(self, title: str, body: str, icon: QIcon | None = None, urgent: bool = False,
                     subject: Subject | None = None) -> None:
        self._message_subject = subject  # a click on this message opens it (a message replaces the last)
        if icon is not None and not icon.isNull():
            self.tray.showMessage(title, body, icon, 10_000)
        else:
            kind = QSystemTrayIcon.MessageIcon.Warning if urgent else QSystemTrayIcon.MessageIcon.Information
            self.tray.showMessage(title, body, kind, 10_000)

    def _message_clicked(self) -> None:
        if self._message_subject is not None:
            self.message_clicked.emit(self._message_subject)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_gallery.emit()
