"""The About box: which RocketWatch this is (the version and where it came from), whose data it shows.

Its version line is the one `rocketwatch --version` prints, plus whether a source checkout has local
changes (git is asked here, not on every --version); "Copy version" puts it on the clipboard for a bug report.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from rocketwatch import APP_NAME
from rocketwatch.i18n import _
from rocketwatch.ui.icons import app_icon
from rocketwatch.version import VERSION, describe, origin

HOMEPAGE = "https://github.com/rocketwatch/rocketwatch"


def _plain(text: str, *, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About {app}").format(app=APP_NAME))
        self.version_line = describe(APP_NAME, changes=True)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = _plain(f"{APP_NAME} {VERSION}")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        title.setObjectName("aboutTitle")
        self.origin_label = _plain(_sentence(origin(changes=True).describe()), selectable=True)
        self.origin_label.setObjectName("aboutOrigin")
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(self.origin_label)
        text.addSpacing(8)
        text.addWidget(
            _plain(
                _(
                    "Upcoming rocket launches in your tray: fetched on your schedule, kept with "
                    "their pictures on your computer, and told to you in desktop notifications."
                )
            )
        )
        text.addWidget(
            _plain(_("Launch data and pictures: Launch Library 2 by The Space Devs (thespacedevs.com)."))
        )
        text.addWidget(_plain(_("MIT License · {homepage}").format(homepage=HOMEPAGE), selectable=True))
        text.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addSpacing(12)
        row.addLayout(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(_("Copy version"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_version)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setMinimumWidth(540)

    def copy_version(self) -> None:
        QGuiApplication.clipboard().setText(self.version_line)
