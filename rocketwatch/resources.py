"""Where RocketWatch's bundled files (icons, demo data) are, from source, a wheel or a frozen app.

Resources live in the repository's ``resources/`` folder; wheels carry them as
``rocketwatch/resources`` and PyInstaller bundles as ``<bundle>/resources``.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding RocketWatch's resources."""
    here = Path(__file__).resolve().parent
    candidates = [here / "resources", here.parent / "resources"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("RocketWatch's resources folder is missing from this installation")


def resource_path(*parts: str) -> Path:
    """A path inside the resources folder (it may not exist; callers check)."""
    return resources_dir().joinpath(*parts)


def app_icon_path() -> Path | None:
    """RocketWatch's icon as a file (for notifications), or None when this installation lacks it."""
    try:
        icon = resource_path("icons", "rocketwatch.png")
    except FileNotFoundError:
        return None
    return icon if icon.is_file() else None
