"""Which kind of system tray the desktop offers now, and when that changes: a StatusNotifierItem host
(a watcher on the session bus) or an XEmbed tray (the X selection _NET_SYSTEM_TRAY_Sn), or none.

Qt chooses between the two each time a QSystemTrayIcon is created, so the tray icon is created again
when the answer here changes (a panel that starts after the app, restarts, or is replaced).
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage, QDBusServiceWatcher, QDBusVariant
from PySide6.QtWidgets import QSystemTrayIcon

log = logging.getLogger(__name__)

SNI_WATCHER = "org.kde.StatusNotifierWatcher"
SNI = "sni"
XEMBED = "xembed"
XEMBED_POLL_MS = 1000


class TrayHost(QObject):
    """Watches for tray hosts. `changed` is emitted when the kind offered changes, and when a
    StatusNotifierWatcher appears again (a restarted panel forgets the items registered before)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = QDBusConnection.sessionBus()
        self._watcher: QDBusServiceWatcher | None = None
        if self._bus.isConnected():
            self._watcher = QDBusServiceWatcher(
                SNI_WATCHER, self._bus, QDBusServiceWatcher.WatchModeFlag.WatchForOwnerChange, self
            )
            self._watcher.serviceOwnerChanged.connect(self._watcher_owner_changed)
        self._last = self.kind()
        # An XEmbed tray says it arrived only with an X client message to the root window, which Qt does
        # not pass on; its selection is cheap to ask for, so it is polled while there is no tray at all.
        # (A QSystemTrayIcon already in XEmbed mode finds a restarted XEmbed tray by itself.)
        self._poll = QTimer(self, interval=XEMBED_POLL_MS)
        self._poll.timeout.connect(self._check)
        self._follow(self._last)

    def sni_watcher_present(self) -> bool:
        interface = self._bus.interface() if self._bus.isConnected() else None
        if interface is None:
            return False
        reply = interface.isServiceRegistered(SNI_WATCHER)
        return bool(reply.value()) if reply.isValid() else False

    def kind(self) -> str | None:
        """ "sni" when a StatusNotifierWatcher is on the session bus (Qt prefers it then), "xembed" when
        an XEmbed tray manager owns its selection, else None."""
        if self.sni_watcher_present():
            return SNI
        # Without a watcher Qt's answer is the XEmbed manager's presence (and False off X11).
        return XEMBED if QSystemTrayIcon.isSystemTrayAvailable() else None

    def registered_items(self) -> list[str]:
        """The items the StatusNotifierWatcher lists (bus names, maybe with a path)."""
        if not self._bus.isConnected():
            return []
        call = QDBusMessage.createMethodCall(
            SNI_WATCHER, "/StatusNotifierWatcher", "org.freedesktop.DBus.Properties", "Get"
        )
        call.setArguments([SNI_WATCHER, "RegisteredStatusNotifierItems"])
        reply = self._bus.call(call, QDBus.CallMode.Block, 2000)
        if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
            return []
        value = reply.arguments()[0]
        value = value.variant() if isinstance(value, QDBusVariant) else value
        return [str(item) for item in value] if isinstance(value, list) else []

    def ours_registered(self) -> bool:
        """Whether an item of this process is in the watcher's list (Qt gives each tray icon a bus
        connection of its own, so the items are told by the process behind their bus name)."""
        interface = self._bus.interface() if self._bus.isConnected() else None
        if interface is None:
            return False
        for item in self.registered_items():
            reply = interface.servicePid(item.split("/", 1)[0])
            if reply.isValid() and int(reply.value()) == os.getpid():
                return True
        return False

    def stop(self) -> None:
        self._poll.stop()

    def _watcher_owner_changed(self, _service: str, old_owner: str, new_owner: str) -> None:
        log.info("StatusNotifierWatcher %s", "appeared" if new_owner else "went away")
        self._last = self.kind()
        self._follow(self._last)
        self.changed.emit()

    def _check(self) -> None:
        kind = self.kind()
        if kind == SNI and self._watcher is not None:
            return  # the watcher's own signal is on its way
        if kind != self._last:
            log.info("System tray now: %s (was %s)", kind or "none", self._last or "none")
            self._last = kind
            self._follow(kind)
            self.changed.emit()

    def _follow(self, kind: str | None) -> None:
        if kind is None:
            self._poll.start()
        else:
            self._poll.stop()
