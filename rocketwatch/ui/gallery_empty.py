"""What the gallery shows before the first run stored any launch: a rocket, a word and a big Run now."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rocketwatch.i18n import _
from rocketwatch.ui.card_art import rocket_icon
from rocketwatch.ui.launch_detail import plain_label


class EmptyState(QWidget):
    """What the window shows before the first run stored any launch: a word and a big Run now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QWidget()
        column.setMaximumWidth(480)
        layout = QVBoxLayout(column)
        layout.setSpacing(10)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.icon)
        self.heading = plain_label(_("No launches yet"), selectable=False)
        heading_font = QFont(self.font())
        heading_font.setBold(True)
        heading_font.setPointSizeF(max(13.0, self.font().pointSizeF() * 1.7))
        self.heading.setFont(heading_font)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.heading)
        self.message = plain_label(
            _(
                "RocketWatch has not fetched any launches yet. Run now to get the next launches "
                "from Launch Library 2, with their pictures."
            ),
            selectable=False,
        )
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        self.problem = plain_label()
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem.setAccessibleName(_("Last run problem"))
        self.problem.hide()
        layout.addWidget(self.problem)
        self.run_button = QPushButton(_("Run now"))
        self.run_button.setAccessibleName(_("Run now"))
        self.run_button.setToolTip(_("Get the next launches and their pictures now (F5)"))
        button_font = QFont(self.font())
        button_font.setBold(True)
        button_font.setPointSizeF(max(11.0, self.font().pointSizeF() * 1.3))
        self.run_button.setFont(button_font)
        self.run_button.setMinimumSize(QSize(200, 48))
        self.run_button.setDefault(True)
        layout.addSpacing(8)
        layout.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.cancel_button = QPushButton(_("Cancel the run"))
        self.cancel_button.setAccessibleName(_("Cancel the run"))
        self.cancel_button.setToolTip(_("Stop the active run; it can be retried from Run history"))
        self.cancel_button.hide()
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignHCenter)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 4)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addLayout(row)
        outer.addStretch(3)
        self._paint_icon()

    def _paint_icon(self) -> None:
        color = QColor(self.palette().color(QPalette.ColorRole.Text))
        color.setAlphaF(0.35)
        self.icon.setPixmap(rocket_icon(color, 96, self.devicePixelRatioF()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.DevicePixelRatioChange):
            self._paint_icon()
        super().changeEvent(event)

    def set_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
