"""Application logging: a rotating log file in the logs folder, and warnings on the console.

Set up once per process by the command line entry point.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from rocketwatch.i18n import _

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
NOT_ON_CONSOLE = {"console": False}  # `extra=` for a record the command already told the user in words
MAX_LOG_BYTES = 1_000_000
LOG_BACKUPS = 5


class RotatingLogFile(logging.FileHandler):
    """A log file that moves to `.1` (the older ones to `.2` ... `.{backups}`, the oldest dropped) before
    it would pass `max_bytes`: logging.handlers.RotatingFileHandler's rotation on logging's own file
    handler. That module also loads pickle, queue and socket for handlers RocketWatch never uses, 2.5 ms
    of the time before the tray icon shows. Opened at the first record (delay)."""

    def __init__(self, path: Path, *, max_bytes: int = MAX_LOG_BYTES, backups: int = LOG_BACKUPS) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full_with(record):
                self._rotate()
        except Exception:
            self.handleError(record)
            return
        super().emit(record)

    def _full_with(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        if not os.path.isfile(self.baseFilename):  # a device or a pipe is never moved aside
            return False
        return self.stream.tell() + len(self.format(record)) + len(self.terminator) >= self.max_bytes

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        for number in range(self.backups - 1, 0, -1):
            older = f"{self.baseFilename}.{number}"
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{number + 1}")
        if self.backups > 0:
            os.replace(self.baseFilename, f"{self.baseFilename}.1")
        else:
            os.truncate(self.baseFilename, 0)
        self.stream = self._open()


class _ConsoleFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "console", True)


def setup_logging(log_file: Path | None, *, console_level: int = logging.WARNING) -> str:
    """Log to `log_file` and the console. Returns '' or, when the log file cannot be written, why: then
    only the console logs (never a "--- Logging error ---" for each message)."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_rocketwatch", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    problem = ""
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            with open(log_file, "a", encoding="utf-8"):
                pass  # the handler opens it later (delay=True); find out now whether it can
        except OSError as error:
            problem = _("cannot write the log file {file} ({reason})").format(
                file=log_file, reason=(error.strerror or str(error)).lower()
            )
        else:
            file_handler = RotatingLogFile(log_file)
            file_handler.setLevel(logging.INFO)
            handlers.append(file_handler)
    console = logging.StreamHandler()
    console.setLevel(console_level)
    console.addFilter(_ConsoleFilter())
    handlers.append(console)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._rocketwatch = True  # type: ignore[attr-defined]  # marks our handlers for a later setup
        root.addHandler(handler)
    for noisy in ("httpx", "httpcore", "apscheduler", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return problem
