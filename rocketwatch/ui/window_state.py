"""Window geometry remembered between sessions, in an ini file under the config folder.

Kept beside config.toml (not in the platform's QSettings store) so --home keeps everything in one place.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from rocketwatch.paths import Paths


def window_settings(paths: Paths) -> QSettings:
    return QSettings(str(paths.config_dir / "windows.ini"), QSettings.Format.IniFormat)


def restore_geometry(widget: QWidget, key: str, paths: Paths) -> bool:
    """Restore the saved geometry of `widget`; False when there is none (use a default size)."""
    value = window_settings(paths).value(f"{key}/geometry")
    return isinstance(value, QByteArray | bytes) and widget.restoreGeometry(QByteArray(value))


def save_geometry(widget: QWidget, key: str, paths: Paths) -> None:
    settings = window_settings(paths)
    settings.setValue(f"{key}/geometry", widget.saveGeometry())
    settings.sync()
