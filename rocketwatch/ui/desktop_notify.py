"""Desktop notifications over the freedesktop Notifications D-Bus interface, whose clicks come back:
a click (the "default" action) or a button reports the notification's Subject as a Qt signal.

Notify is sent with jeepney because PySide6's QtDBus cannot marshal Notify's uint32 argument; the
ActionInvoked and NotificationClosed signals arrive on a reader thread and are re-emitted as a Qt signal,
which Qt queues to the GUI thread. Linux (and other freedesktop systems) only.
"""

from __future__ import annotations

import html
import logging
import os
import queue
import sys
import threading
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from rocketwatch import APP_ID, APP_NAME
from rocketwatch.i18n import N_, _
from rocketwatch.notify import OPEN_ACTION, Notification, NotifyError, Subject, cut

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
OPEN_LABEL = N_("Open")  # the button that opens what a notification is about (translated when sent)
CALL_TIMEOUT_S = 5.0
EXPIRE_MS = 10_000
REMEMBERED = 200  # clicks are routed for this many of the newest notifications
_STOP = object()


class FreedesktopNotifier(QObject):
    """Notifier backend on the session bus. `send` works from any thread; `activated` is emitted with
    (Subject, action key) when the user clicks a notification ("default") or presses one of its buttons."""

    name = "freedesktop"
    activated = Signal(object, str)

    def __init__(self, router: Any, capabilities: list[str], parent: QObject | None = None) -> None:
        from jeepney import DBusAddress, MatchRule

        super().__init__(parent)
        self._router = router
        self.capabilities = list(capabilities)
        self._address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
        self._subjects: dict[int, Subject] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[Any] = queue.Queue()
        rule = MatchRule(type="signal", interface=INTERFACE, path=OBJECT_PATH)
        self._filter = router.filter(rule, queue=self._queue)
        self._reader = threading.Thread(target=self._read, name="rocketwatch-notifications", daemon=True)
        self._reader.start()

    # --- connecting ------------------------------------------------------------------------------
    @classmethod
    def open(
        cls, bus: str = "SESSION", env: Mapping[str, str] | None = None, parent: QObject | None = None
    ) -> FreedesktopNotifier | None:
        """Connect to the notification service on `bus` (an address, or SESSION), or None when there is
        no bus, no service, or no jeepney (the other backends then do the work)."""
        env = os.environ if env is None else env
        if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
            return None
        if bus == "SESSION" and not env.get("DBUS_SESSION_BUS_ADDRESS"):
            return None
        try:
            from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
            from jeepney.io.threading import DBusRouter, open_dbus_connection
        except ImportError:
            return None
        try:
            router = DBusRouter(open_dbus_connection(bus=bus))
        except (OSError, ValueError, KeyError) as error:
            log.info("No D-Bus session for notifications: %s", error)
            return None
        try:
            address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
            reply = router.send_and_get_reply(
                new_method_call(address, "GetCapabilities"), timeout=CALL_TIMEOUT_S
            )
            if _is_error(reply):
                raise NotifyError(_error_text(reply))
            capabilities = list(reply.body[0])
            # Signals are addressed to the sender; the match rule also receives broadcast ones.
            rule = MatchRule(type="signal", interface=INTERFACE, path=OBJECT_PATH)
            router.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT_S)
        except (OSError, TimeoutError, NotifyError) as error:
            log.info("No notification service on the session bus: %s", error)
            router.close()
            return None
        log.info("Desktop notifications over D-Bus (capabilities: %s)", ", ".join(capabilities))
        return cls(router, capabilities, parent)

    def close(self) -> None:
        self._queue.put(_STOP)
        self._filter.close()
        self._router.close()

    # --- sending -----------------------------------------------------------------------------------
    @property
    def has_actions(self) -> bool:
        return "actions" in self.capabilities

    def send(self, notification: Notification) -> None:
        from jeepney import new_method_call

        actions: list[str] = []
        if self.has_actions and notification.subject is not None:
            actions += [OPEN_ACTION, _(OPEN_LABEL)]
            for action in notification.actions:
                actions += [action.key, action.label]
        hints: dict[str, tuple[str, Any]] = {
            "urgency": ("y", 2 if notification.urgent else 1),
            "desktop-entry": ("s", APP_ID),
        }
        icon = str(notification.icon) if notification.icon else ""
        if icon:
            hints["image-path"] = ("s", icon)
        body = cut(notification.body, 1000)
        if "body-markup" in self.capabilities:
            body = html.escape(body, quote=False)  # text from the API is data, never markup
        message = new_method_call(
            self._address,
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, 0, icon, cut(notification.title, 120), body, actions, hints, EXPIRE_MS),
        )
        try:
            reply = self._router.send_and_get_reply(message, timeout=CALL_TIMEOUT_S)
        except (OSError, TimeoutError) as error:
            problem = _("the notification service did not answer: {error}").format(error=error)
            raise NotifyError(problem) from error
        except Exception as error:  # jeepney raises RouterClosed and others of its own
            raise NotifyError(_("D-Bus notification failed: {error}").format(error=error)) from error
        if _is_error(reply):
            raise NotifyError(_("the notification service refused: {error}").format(error=_error_text(reply)))
        if notification.subject is not None:
            with self._lock:
                self._subjects[int(reply.body[0])] = notification.subject
                while len(self._subjects) > REMEMBERED:
                    self._subjects.pop(next(iter(self._subjects)))

    def subject_of(self, notification_id: int) -> Subject | None:
        with self._lock:
            return self._subjects.get(notification_id)

    # --- what comes back -------------------------------------------------------------------------
    def _read(self) -> None:
        while True:
            message = self._queue.get()
            if message is _STOP:
                return
            member = message.header.fields.get(_member_field())
            try:
                if member == "ActionInvoked":
                    notification_id, key = message.body
                    self._invoked(int(notification_id), str(key))
                elif member == "NotificationClosed":
                    with self._lock:
                        self._subjects.pop(int(message.body[0]), None)
            except Exception:  # a malformed signal from another program must not end the reader
                log.exception("Could not read a notification signal")

    def _invoked(self, notification_id: int, key: str) -> None:
        subject = self.subject_of(notification_id)
        if subject is None:
            log.info(
                "Action %r for notification %s, which this process did not send or no longer knows",
                key,
                notification_id,
            )
            return
        log.info(
            "Notification %s clicked (%s): opening %s %s", notification_id, key, subject.kind, subject.ref
        )
        self.activated.emit(subject, key)


def _member_field() -> Any:
    from jeepney.low_level import HeaderFields

    return HeaderFields.member


def _is_error(reply: Any) -> bool:
    from jeepney.low_level import MessageType

    return bool(reply.header.message_type == MessageType.error)


def _error_text(reply: Any) -> str:
    from jeepney.low_level import HeaderFields

    name = reply.header.fields.get(HeaderFields.error_name, "error")
    detail = reply.body[0] if reply.body else ""
    return f"{name}: {detail}" if detail else str(name)
