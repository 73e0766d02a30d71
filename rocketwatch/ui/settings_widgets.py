"""Small builders the settings tabs share: plain-text form labels (hints in the palette's quieter colour),
controls given an accessible name and a tooltip in one call, and messages that do not block.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QMessageBox, QSizePolicy, QWidget

W = TypeVar("W", bound=QWidget)


def form_label(
    text: str, buddy: QWidget | None = None, *, hint: bool = False, strong: bool = False
) -> QLabel:
    """A plain-text, word-wrapped label; `hint` makes it quieter, `strong` bold (problems, warnings)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    if buddy is not None:
        label.setBuddy(buddy)
    font = label.font()
    if hint:  # quieter text from the palette, readable on light and dark themes
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        font.setPointSizeF(font.pointSizeF() * 0.92)
    font.setBold(strong)
    label.setFont(font)
    return label


def named(widget: W, name: str, tip: str = "") -> W:
    """The widget, with an accessible name (and a tooltip when given)."""
    widget.setAccessibleName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


def open_message(
    parent: QWidget,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    """A message that does not block (opened window-modal), plain text, gone when closed."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
