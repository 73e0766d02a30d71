"""Application logging: a rotating log file in the logs folder, and warnings on the console.

Set up once per process by the command line entry point.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from rocketwatch.i18n import _

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
NOT_ON_CONSOLE = {"console": False}  # `extra=` for a record the command already told the user in words
MAX_LOG_BYTES = 1_000_000
LOG_BACKUPS = 5


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
            file_handler = logging.handlers.RotatingFileHandler(
                log_file, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
            )
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
    quiet_noisy_loggers()
    return problem


def quiet_noisy_loggers() -> None:
    """Libraries that log every request or every file at INFO log only their warnings."""
    for noisy in ("httpx", "httpcore", "apscheduler", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
