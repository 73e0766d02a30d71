"""Nothing half-written: every file RocketWatch owns is written to a temp name, synced and renamed.

One helper for saved pages, the config file, autostart entries and calendar exports; and telling a full disk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from pathlib import Path

from rocketwatch.i18n import N_, _

DISK_FULL = N_(
    "The disk is full, so RocketWatch could not save its data. Free some disk space, then retry this run"
)
DISK_FULL_TRY_AGAIN = N_(
    "The disk is full, so RocketWatch could not save its data. Free some disk space, then try again"
)
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(error: BaseException) -> bool:
    """True when `error` (or what caused it) says the disk or the user's quota is full."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        sqlite3 = sys.modules.get("sqlite3")  # a database error exists only once sqlite3 is loaded
        if (
            sqlite3 is not None
            and isinstance(current, sqlite3.Error)
            and (
                getattr(current, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                or "database or disk is full" in str(current)
            )
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def disk_full_words(*, in_run: bool = True) -> str:
    """What a full disk means for the user, in the current language: retry the run, or try again."""
    return _(DISK_FULL if in_run else DISK_FULL_TRY_AGAIN)


def write_atomic(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write `data` to a temp file beside `path`, fsync it, give it `mode`, rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.chmod(temp_name, mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
