"""The watch star: filled (amber) for a starred launch, an outline otherwise; painted as a path so it is
sharp at any device pixel ratio. Used by the launch cards, the detail pane's button and the filter.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap

from rocketwatch.i18n import N_, _

STAR_FILL = QColor("#F5B700")  # amber: stands out on a dark disc, on light and dark palettes alike
STAR_EDGE = QColor("#6B4E00")  # a darker rim, so the filled star keeps its shape on a light background
DISC = QColor(0, 0, 0, 150)  # behind the star on a card's picture: readable over any photo
ON_DISC = QColor("#FFFFFF")  # the outline star on that disc

# Marked only: shown with _(WATCH_TEXT) etc. where they are shown, in the language of that moment.
WATCH_TEXT = N_("Watch this launch")
WATCH_TIP = N_("Star this launch: always get its reminders and alerts, whatever you watch otherwise (S)")
UNWATCH_TIP = N_("Watching: this launch is starred. Click to remove the star (S)")


def watch_message(name: str, watching: bool, *, still_watched: bool = False) -> str:
    """What the status bar says after the user starred or unstarred a launch."""
    if watching:
        return _("Watching {name}: you get its reminders and alerts").format(name=name)
    if still_watched:
        return _("Star removed from {name}; it still matches what you watch (Settings, Alerts)").format(
            name=name
        )
    return _("No longer watching {name}").format(name=name)


def star_path(centre: QPointF, radius: float) -> QPainterPath:
    """A five-pointed star inside a circle of `radius`, nudged down so it looks centred."""
    inner = radius * 0.46
    middle = QPointF(centre.x(), centre.y() + radius * 0.095)
    path = QPainterPath()
    for point in range(10):
        reach = radius if point % 2 == 0 else inner
        angle = math.radians(-90 + point * 36)
        corner = QPointF(middle.x() + reach * math.cos(angle), middle.y() + reach * math.sin(angle))
        if point == 0:
            path.moveTo(corner)
        else:
            path.lineTo(corner)
    path.closeSubpath()
    return path


def paint_star(painter: QPainter, centre: QPointF, radius: float, *, filled: bool, outline: QColor) -> None:
    """A filled amber star, or an outline in `outline` (a palette colour, or white on the card's disc)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    path = star_path(centre, radius)
    width = max(1.0, radius * 0.11) if filled else max(1.2, radius * 0.15)
    pen = QPen(STAR_EDGE if filled else outline, width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(STAR_FILL if filled else Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.restore()


def paint_card_star(painter: QPainter, rect: QRectF, *, filled: bool) -> None:
    """The star on a card: a dark disc filling `rect`, the star on it."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(DISC)
    painter.drawEllipse(rect)
    painter.restore()
    paint_star(painter, rect.center(), rect.width() * 0.34, filled=filled, outline=ON_DISC)


def star_pixmap(filled: bool, outline: QColor, size: int, dpr: float) -> QPixmap:
    pixmap = QPixmap(round(size * dpr), round(size * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_star(painter, QPointF(size / 2, size / 2), size * 0.47, filled=filled, outline=outline)
    painter.end()
    return pixmap


def star_icon(palette: QPalette, size: int = 16, dpr: float = 1.0) -> QIcon:
    """For a checkable control: an outline star in the button text colour when off, filled when on."""
    icon = QIcon()
    for group, mode in (
        (QPalette.ColorGroup.Active, QIcon.Mode.Normal),
        (QPalette.ColorGroup.Disabled, QIcon.Mode.Disabled),
    ):
        outline = palette.color(group, QPalette.ColorRole.ButtonText)
        icon.addPixmap(star_pixmap(False, outline, size, dpr), mode, QIcon.State.Off)
        icon.addPixmap(star_pixmap(True, outline, size, dpr), mode, QIcon.State.On)
    return icon
