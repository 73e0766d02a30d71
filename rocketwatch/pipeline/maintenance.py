"""Housekeeping of the files a run leaves behind: the picture cache's size, and clearing it.

Clearing takes the run lock, so it never races a run that is writing pictures.
"""

from __future__ import annotations

from pathlib import Path

from rocketwatch.i18n import _
from rocketwatch.paths import Paths
from rocketwatch.pipeline.lock import RunLock
from rocketwatch.pipeline.runner import RunRefused
from rocketwatch.store import Store


def picture_files(paths: Paths) -> list[Path]:
    folders = (paths.images_dir, paths.thumbnails_dir)
    return [file for folder in folders if folder.is_dir() for file in folder.iterdir() if file.is_file()]


def picture_cache_size(paths: Paths) -> tuple[int, int]:
    """(bytes, files) in the pictures and thumbnails folders."""
    files = picture_files(paths)
    return sum(file.stat().st_size for file in files), len(files)


def clear_picture_cache(store: Store, paths: Paths) -> int:
    """Forget every kept picture (index rows first, so none points at a missing file), then delete
    the files. Raises RunRefused while a run is active. Returns how many files were deleted."""
    lock = RunLock(paths.data_dir)
    if not lock.try_acquire():
        raise RunRefused(_("A run is in progress; clear the picture cache when it has finished"))
    try:
        store.images.forget_all()
        files = picture_files(paths)
        for file in files:
            file.unlink(missing_ok=True)
        return len(files)
    finally:
        lock.release()
