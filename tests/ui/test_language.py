"""Qt's own buttons in the app's language."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from rocketwatch.ui.language import install_qt_translation


def button_texts() -> list[str]:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Apply
    )
    return sorted(button.text().replace("&", "") for button in box.buttons())


def test_qt_dialog_buttons_follow_the_language(qtbot, korean) -> None:
    app = QApplication.instance()
    try:
        assert install_qt_translation(app)
        assert set(button_texts()) == {"확인", "취소", "적용"}
        assert QLocale().language() == QLocale.Language.Korean
    finally:
        install_qt_translation(app, "en")
    assert button_texts() == ["Apply", "Cancel", "OK"]
    assert QLocale() == QLocale.system()
