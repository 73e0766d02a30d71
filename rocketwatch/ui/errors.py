"""Qt's own messages into Python logging, and unhandled exceptions logged and shown once.

A bug in a slot must never kill the tray silently.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    QSocketNotifier,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMessageBox

from rocketwatch import APP_NAME
from rocketwatch.i18n import _

log = logging.getLogger("rocketwatch.ui")
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    category = getattr(context, "category", None) or "default"
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "[%s] %s", category, message)


def route_qt_messages() -> None:
    qInstallMessageHandler(_qt_message)


class ErrorReporter:
    """Logs every unhandled exception; shows the first one to the user in a dialog."""

    def __init__(self) -> None:
        self.shown = False
        self.count = 0
        self.box: QMessageBox | None = None

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(
        self, kind: type[BaseException], error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        from PySide6.QtCore import Qt  # after the tray icon: see ui/icons.py

        self.count += 1
        # logging takes the (type, value, traceback) that sys.excepthook gets, value None included
        log.error("Unhandled error", exc_info=(kind, error, traceback))  # type: ignore[arg-type]
        off_main_thread = threading.current_thread() is not threading.main_thread()
        if self.shown or QApplication.instance() is None or off_main_thread:
            return
        self.shown = True
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("A problem"),
            _("Something went wrong inside {app}; it keeps running.").format(app=APP_NAME)
            + f"\n\n{kind.__name__}: {error}\n\n"
            + _("The details are in the log file. Further problems are only logged."),
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.box = box  # keep the dialog alive: it has no parent
        box.show()


class SignalBridge(QObject):
    """SIGTERM / SIGINT handled inside the Qt event loop (a wake-up socket, no polling timer)."""

    def __init__(self, on_signal: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._on_signal = on_signal
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: None)

    def _drain(self) -> None:
        try:
            data = self._reader.recv(64)
        except BlockingIOError:
            return
        if data:
            log.info("Quitting on signal %s", list(data))
            self._on_signal()

    def close(self) -> None:
        signal.set_wakeup_fd(-1)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
