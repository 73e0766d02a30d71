"""Qt's own words (the OK/Cancel/Apply of its dialogs, its context menus) in the app's language.

The app's words come from rocketwatch.i18n; this installs Qt's translation of itself (qtbase_<language>)
and the matching QLocale, once the QApplication exists.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from rocketwatch import i18n

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []  # kept alive: Qt does not own an installed translator


def install_qt_translation(app: QCoreApplication, language: str | None = None) -> bool:
    """Qt's own strings and number/date style in `language` (the app's by default). True when Qt's
    catalog for it was found (English needs none)."""
    language = language or i18n.current_language()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language not in i18n.LANGUAGES:  # the pseudo-locale of the tests: Qt stays as it is
        return False
    if language == i18n.SOURCE_LANGUAGE:  # English words; numbers and dates as the desktop writes them
        QLocale.setDefault(QLocale.system())
        return True
    QLocale.setDefault(QLocale(language))
    translator = QTranslator(app)
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), str(_bundled_translations())]
    if not any(translator.load(f"qtbase_{language}", folder) for folder in folders):
        log.warning(
            "Qt's own translation qtbase_%s is not in %s; its buttons stay English", language, folders
        )
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


def _bundled_translations() -> Path:
    """Where PySide6 keeps Qt's translations beside itself (a frozen bundle keeps that layout too)."""
    import PySide6

    return Path(PySide6.__file__).resolve().parent / "Qt" / "translations"
