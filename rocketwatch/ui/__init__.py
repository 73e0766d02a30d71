"""Everything Qt: the tray app, its windows and models, and the Qt host of the scheduler.

Only this package imports PySide6; the core never does.

PySide6 (6.7 and later) looks at every module imported after it for the word "PySide6" in its source, to
know which modules may use its `__feature__` switches; it reads the source through `inspect.getsource`,
which keeps every file in `linecache` for good: 4-5 million characters (12.6 MB of strings) once the
pipeline, httpx and Pillow are loaded, and 5 ms before the tray icon. The same test is made here on the
file's bytes, read once and dropped (RocketWatch uses no `__feature__`; the answers are the same).
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401  # loads PySide6's import hook, replaced below before any other import


def _uses_pyside(module: ModuleType) -> bool:
    """PySide6's own test (is "PySide6" in the module's source file?) without keeping the source."""
    path = getattr(getattr(module, "__spec__", None), "origin", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # built-in, compiled or frozen: PySide6's getsource finds no source either
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def _lighten_feature_check() -> None:
    feature = sys.modules.get("PySide6.support.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        setattr(feature, "_mod_uses_pyside", _uses_pyside)  # noqa: B010  # a private hook of PySide6


_lighten_feature_check()
