"""One active run per home, also across processes: an OS file lock held for the whole run.

The OS drops the lock when its process dies, so a run whose owner is gone is detectable.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout


class RunLock:
    """Non-blocking exclusive lock on `<data dir>/run.lock`."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "run.lock"
        # A fresh lock object per RunLock: two RunLocks in one process exclude each other too.
        self._lock = FileLock(self.path, thread_local=False, is_singleton=False)

    def try_acquire(self, wait: float = 0.0) -> bool:
        """Take the lock, waiting up to `wait` seconds for a short-lived holder to let go."""
        try:
            self._lock.acquire(timeout=wait, poll_interval=0.02)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()

    @property
    def held(self) -> bool:
        return self._lock.is_locked
