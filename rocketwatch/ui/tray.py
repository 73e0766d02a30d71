"""The tray icon and its menu: next launches, Run now, windows, Pause/Resume, Settings, Quit.

It shows the app's state (idle, running, last run failed) and a tooltip with the next launch; while a
run is active, what it does (why a try failed, when the next comes) and Cancel the run.
"""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from rocketwatch import APP_NAME
from rocketwatch.i18n import _
from rocketwatch.timefmt import (
    CLOCK,
    CLOCK_SECONDS,
    WEEKDAY_CLOCK,
    format_moment,
    local,
    net_words,
    when_words,
    with_zone,
)
from rocketwatch.ui.icons import countdown_tray_icon, tray_icon
from rocketwatch.ui.tray_host import SNI

if TYPE_CHECKING:  # the pipeline and the alert rules are imported after the tray icon shows (start-up speed)
    from rocketwatch.ll2.model import Launch
    from rocketwatch.notify import Subject
    from rocketwatch.pipeline.runner import RunActivity

MENU_LAUNCHES = 5
MENU_ACTIVITY_CHARS = 90  # the menu's line about the active run is cut here (whole text in its tooltip)


def countdown_words(launch: Launch, now: datetime) -> str:
    """'Falcon 9 | Starlink launches in 42 min 07 s (at 15:30 UTC)': the exact countdown for the tooltip."""
    seconds = max(0, int((launch.net - now).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    at = local(launch.net)
    clock = with_zone(format_moment(at, CLOCK), at)
    return _("{name} launches in {minutes} min {seconds} s (at {time})").format(
        name=launch.name, minutes=minutes, seconds=f"{seconds:02d}", time=clock
    )


def menu_text(text: str, kind: str | None, desktop: str | None = None) -> str:
    """`text` (from LL2: data) as a menu item's text that shows it literally in a tray of `kind`.

    A QMenu (XEmbed) reads '&' as a mnemonic marker, so it is doubled. Over DBusMenu (SNI) the host reads
    '_' as the marker and '__' as a literal '_'; but Qt turns the first '&' into '_' on the way, so a text
    with an '&' gets a leading '&' of its own, which becomes the host's marker for the first letter. With
    a marker in the label, GTK-based hosts remove underscores twice (a literal '_' needs '____'), while
    Qt-based ones (KDE Plasma, LXQt: `desktop`, from XDG_CURRENT_DESKTOP) follow the DBusMenu spec.
    """
    if kind != SNI:
        return text.replace("&", "&&")
    if "&" not in text:
        return text.replace("_", "__")
    if desktop is None:
        desktop = os.environ.get("XDG_CURRENT_DESKTOP", "")
    follows_spec = any(name in ("KDE", "LXQT") for name in desktop.upper().split(":"))
    return "&" + text.replace("_", "__" if follows_spec else "____")


class TrayIcon(QObject):
    """Wraps QSystemTrayIcon; the app connects the request signals to its actions.

    `use_kind` creates the QSystemTrayIcon again when the desktop's kind of tray changes (Qt picks SNI
    or XEmbed only at creation); the menu's actions, the icon, the tooltip and the shown state carry over.
    """

    open_launch = Signal(str)
    open_gallery = Signal()
    open_history = Signal()
    open_settings = Signal()
    open_about = Signal()
    run_now = Signal()
    cancel_run = Signal()
    toggle_pause = Signal()
    export_calendar = Signal()
    quit_requested = Signal()
    message_clicked = Signal(object)  # the Subject of the tray message the user clicked

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kind: str | None = None  # the kind of tray the current QSystemTrayIcon was created for
        self._shown = False
        self.menu = QMenu()  # holds the actions; each QSystemTrayIcon shows them in a menu of its own
        self.menu.setAccessibleName(_("{app} menu").format(app=APP_NAME))
        self._state = "idle"
        self._launches: list[Launch] = []
        self._next_run: datetime | None = None
        self._paused = False
        self._own_run = True
        self._activity: RunActivity | None = None
        self._launch_actions: list[QAction] = []
        self._message_subject: Subject | None = None
        self._countdown: Launch | None = None  # a watched launch within the hour: minutes on the icon
        self._icon_key: tuple[str, int | None, str | None] | None = None
        self._build_menu()
        self.tray, self._tray_menu = self._new_tray()
        self.set_state("idle")

    def _new_tray(self) -> tuple[QSystemTrayIcon, QMenu]:
        """A QSystemTrayIcon of the kind the desktop offers now, with a fresh menu of the same actions
        (a menu once shown over DBusMenu keeps its D-Bus side, which an XEmbed tray cannot use)."""
        tray = QSystemTrayIcon(self)
        menu = QMenu()
        menu.setAccessibleName(self.menu.accessibleName())
        menu.addActions(self.menu.actions())
        menu.aboutToShow.connect(self.refresh_texts)
        tray.setContextMenu(menu)
        tray.activated.connect(self._activated)
        tray.messageClicked.connect(self._message_clicked)
        return tray, menu

    def use_kind(self, kind: str, again: bool = False) -> None:
        """Make the tray icon one for a tray of `kind` ("sni" or "xembed"), creating it anew when the kind
        differs from the one it was made for, or when `again` (a restarted StatusNotifierWatcher)."""
        if kind == self.kind and not again:
            return
        # The old icon leaves first, at once (an SNI item unregisters from the bus), so that a host never
        # lists two of ours and nothing of the old one is torn down after the new one is up.
        self.tray.hide()
        shiboken6.delete(self.tray)
        shiboken6.delete(self._tray_menu)
        self.kind = kind
        self.tray, self._tray_menu = self._new_tray()
        self._icon_key = None
        self._show_icon()
        self.refresh_texts()
        if self._shown:
            self.tray.show()

    # --- menu -----------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        self._heading = self.menu.addAction(_("Next launches"))
        self._heading.setEnabled(False)
        for _slot in range(MENU_LAUNCHES):
            action = self.menu.addAction("")
            action.triggered.connect(lambda _checked=False, a=action: self.open_launch.emit(a.data() or ""))
            self._launch_actions.append(action)
        self._no_launches = self.menu.addAction(_("No launches yet — choose Run now"))
        self._no_launches.setEnabled(False)
        self.menu.addSeparator()
        self.activity_action = self.menu.addAction("")
        self.activity_action.setEnabled(False)
        self.activity_action.setVisible(False)
        self.run_action = self.menu.addAction(_("Run now"))
        self.run_action.triggered.connect(self.run_now.emit)
        self.cancel_action = self.menu.addAction(_("Cancel the run"))
        self.cancel_action.setToolTip(_("Stop the active run; it can be retried from Run history"))
        self.cancel_action.triggered.connect(self.cancel_run.emit)
        self.cancel_action.setVisible(False)
        self.menu.addAction(_("Open gallery")).triggered.connect(self.open_gallery.emit)
        self.menu.addAction(_("Run history")).triggered.connect(self.open_history.emit)
        self.menu.addAction(_("Export calendar…")).triggered.connect(self.export_calendar.emit)
        self.menu.addSeparator()
        self.pause_action = self.menu.addAction(_("Pause schedule"))
        self.pause_action.triggered.connect(self.toggle_pause.emit)
        self.menu.addAction(_("Settings…")).triggered.connect(self.open_settings.emit)
        self.menu.addAction(_("About {app}").format(app=APP_NAME)).triggered.connect(self.open_about.emit)
        self.menu.addSeparator()
        self.menu.addAction(_("Quit {app}").format(app=APP_NAME)).triggered.connect(self.quit_requested.emit)
        self._update_launch_actions()

    def _update_launch_actions(self) -> None:
        now = datetime.now(UTC)
        slots = [*self._launches, *[None] * MENU_LAUNCHES]
        for action, launch in zip(self._launch_actions, slots, strict=False):
            if launch is None:
                action.setVisible(False)
                continue
            when = net_words(launch.net, launch.net_precision, zone=True)
            action.setText(menu_text(f"{launch.name} — {when}", self.kind))
            action.setToolTip(when_words(launch.net, launch.net_precision, now))
            action.setData(launch.id)
            action.setVisible(True)
        self._heading.setVisible(bool(self._launches))
        self._no_launches.setVisible(not self._launches)

    # --- state ----------------------------------------------------------------------------------
    def show(self) -> None:
        self._shown = True
        self.tray.show()

    def hide(self) -> None:
        self._shown = False
        self.tray.hide()

    def is_shown(self) -> bool:
        """Whether the app shows its icon (a tray may still be about to embed it)."""
        return self._shown

    def set_state(self, state: str, *, own: bool = True) -> None:
        """idle, running or failed: the icon, Run now and Cancel the run follow. `own` False: the run
        belongs to another process (`rocketwatch run`), so this app cannot cancel it."""
        self._state = state
        self._own_run = own
        self._show_icon()
        running = state == "running"
        self.run_action.setEnabled(not running)
        self.run_action.setText(
            (_("Running…") if own else _("Running in another RocketWatch…")) if running else _("Run now")
        )
        self.cancel_action.setVisible(running and own)
        self.refresh_texts()

    # --- the last hour before a watched launch ------------------------------------------------------
    def set_countdown(self, launch: Launch | None, now: datetime | None = None) -> None:
        """The watched launch due within the hour (None: none): its minutes on the icon, its exact
        countdown in the tooltip. Called again each second while there is one."""
        self._countdown = launch
        now = now or datetime.now(UTC)
        self._show_icon(now)
        self.tray.setToolTip(self.tooltip(now))

    def countdown_minutes(self, now: datetime | None = None) -> int | None:
        """Whole minutes left (rounded up, 1 to 60) before the counted-down launch, or None."""
        if self._countdown is None:
            return None
        from rocketwatch.alerts import COUNTDOWN_WINDOW

        seconds = (self._countdown.net - (now or datetime.now(UTC))).total_seconds()
        if not 0 < seconds <= COUNTDOWN_WINDOW.total_seconds():
            return None
        return max(1, math.ceil(seconds / 60))

    def _show_icon(self, now: datetime | None = None) -> None:
        minutes = self.countdown_minutes(now)
        key = (self._state, minutes, self.kind)
        if key == self._icon_key:
            return
        self._icon_key = key
        self.tray.setIcon(
            tray_icon(self._state) if minutes is None else countdown_tray_icon(self._state, minutes)
        )

    def set_activity(self, activity: RunActivity | None) -> None:
        """What the active run does now (why its last try failed, when the next comes), or None."""
        self._activity = activity
        self.refresh_texts()

    def _update_activity_action(self, now: datetime) -> None:
        activity = self._activity if self._state == "running" or not self._own_run else None
        if activity is None or (activity.reason is None and not activity.waiting):
            self.activity_action.setVisible(False)
            return
        number, allowed, reason = activity.try_number, activity.tries_allowed, activity.reason
        if activity.waiting and activity.next_try_at is not None:
            text = _("Next try at {time} · Try {number} of {allowed} failed: {reason}").format(
                time=format_moment(local(activity.next_try_at), CLOCK_SECONDS),
                number=number,
                allowed=allowed,
                reason=reason,
            )
        elif activity.waiting:
            text = _("Try {number} of {allowed} failed: {reason}").format(
                number=number, allowed=allowed, reason=reason
            )
        else:
            text = _("Try {number} of {allowed}; the last failed: {reason}").format(
                number=number, allowed=allowed, reason=reason
            )
        if len(text) > MENU_ACTIVITY_CHARS:
            text = text[: MENU_ACTIVITY_CHARS - 1].rstrip() + "…"
        self.activity_action.setText(menu_text(text, self.kind))
        from rocketwatch.ui.run_model import plain_tooltip  # the run table's module: loaded after the icon

        self.activity_action.setToolTip(plain_tooltip(activity.words(now)))  # LL2's words: never markup
        self.activity_action.setVisible(True)

    @property
    def state(self) -> str:
        return self._state

    def set_launches(self, launches: list[Launch]) -> None:
        self._launches = launches[:MENU_LAUNCHES]
        self._update_launch_actions()
        self.refresh_texts()

    def set_next_run(self, when: datetime | None, paused: bool) -> None:
        self._next_run, self._paused = when, paused
        self.pause_action.setText(_("Resume schedule") if paused else _("Pause schedule"))
        self.refresh_texts()

    def refresh_texts(self) -> None:
        """Tooltip and countdowns, computed when they can be seen."""
        self._update_launch_actions()
        self._update_activity_action(datetime.now(UTC))
        self.tray.setToolTip(self.tooltip())

    def tooltip(self, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        lines = [APP_NAME]
        upcoming = [launch for launch in self._launches if launch.net >= now]
        if self.countdown_minutes(now) is not None and self._countdown is not None:
            lines.append(countdown_words(self._countdown, now))
        elif upcoming:
            first = upcoming[0]
            when = when_words(first.net, first.net_precision, now)
            lines.append(_("Next: {name} {when}").format(name=first.name, when=when))
        if self._state == "running" and self._activity is not None:
            lines.extend(self._activity.lines(now))
        elif self._state == "running":
            lines.append(_("Getting launches…"))
        elif self._state == "failed":
            lines.append(_("The last run failed — see Run history"))
        if self._paused:
            lines.append(_("Schedule paused"))
        elif self._next_run is not None:
            next_run = local(self._next_run)
            when = with_zone(format_moment(next_run, WEEKDAY_CLOCK), next_run)
            lines.append(_("Next check: {when}").format(when=when))
        return "\n".join(lines)

    def show_message(
        self,
        title: str,
        body: str,
        icon: QIcon | None = None,
        urgent: bool = False,
        subject: Subject | None = None,
    ) -> None:
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
