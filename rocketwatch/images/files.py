"""Picture files written safely: a temp file that becomes the real file only when it is complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

PART_PREFIX = ".part-"


def sweep_partials(*dirs: Path) -> int:
    """Delete temp files (".part-*") a crashed run left in dirs; returns how many were deleted."""
    deleted = 0
    for folder in dirs:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if not entry.name.startswith(PART_PREFIX) or entry.is_dir():
                continue
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                deleted += 1
    return deleted


class _PartFile:
    """A temp file in a folder that becomes a real file only through keep_as; else it is removed."""

    def __init__(self, folder: Path) -> None:
        descriptor, name = tempfile.mkstemp(prefix=PART_PREFIX, dir=folder)
        self.path = Path(name)
        try:
            self.stream: BinaryIO = os.fdopen(descriptor, "wb")
        except BaseException:
            os.close(descriptor)
            self.path.unlink(missing_ok=True)
            raise
        self._kept = False

    def keep_as(self, target: Path) -> None:
        if target.parent != self.path.parent:
            raise ValueError(f"{target} is not in {self.path.parent}")
        self.stream.close()
        os.replace(self.path, target)
        self._kept = True

    def __enter__(self) -> _PartFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stream.close()
        if not self._kept:
            self.path.unlink(missing_ok=True)
