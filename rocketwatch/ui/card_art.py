"""Pictures painted for the cards and the detail pane: card frames, the LIVE chip, a rocket silhouette
and the provider-coloured placeholder shown while a launch has no picture.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPainterPath, QPen, QPixmap

from rocketwatch.i18n import _

RADIUS = 9.0  # a card's corner radius


def rocket_icon(color: QColor, size: int, dpr: float) -> QPixmap:
    """A rocket silhouette in one colour, for the empty state."""
    pixmap = QPixmap(round(size * dpr), round(size * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(size / 2, size / 2)
    painter.rotate(35)
    painter.fillPath(rocket_path(QPointF(0, 0), size * 0.9), color)
    painter.end()
    return pixmap


def card_frame(size: QSize, dpr: float, around: QColor, pen: QPen) -> QPixmap:
    """A transparent card-sized overlay: corners masked in the background colour, and the border."""
    pixmap = QPixmap(round(size.width() * dpr), round(size.height() * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    rect = QRectF(0, 0, size.width(), size.height())
    card = QPainterPath()
    card.addRoundedRect(rect, RADIUS, RADIUS)
    corners = QPainterPath()
    corners.addRect(rect)
    painter.fillPath(corners.subtracted(card), around)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inset = pen.widthF() / 2
    painter.drawRoundedRect(rect.adjusted(inset, inset, -inset, -inset), RADIUS - inset, RADIUS - inset)
    painter.end()
    return pixmap


def live_chip(font: QFont, dpr: float) -> QPixmap:
    """The "LIVE" chip shown on cards whose webcast is live (vermillion, black text and dot)."""
    live = QFont(font)
    live.setBold(True)
    metrics = QFontMetricsF(live)
    word = _("LIVE")
    width, height = metrics.horizontalAdvance(word) + metrics.height() * 1.5, metrics.height() * 1.45
    pixmap = QPixmap(round(width * dpr), round(height * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    rect = QRectF(0, 0, width, height)
    path = QPainterPath()
    path.addRoundedRect(rect, height / 2, height / 2)
    painter.fillPath(path, QColor("#D55E00"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#000000"))
    dot = height * 0.14
    painter.drawEllipse(QPointF(height * 0.5, height / 2), dot, dot)
    painter.setPen(QColor("#000000"))
    painter.setFont(live)
    painter.drawText(rect.adjusted(height * 0.45, 0, 0, 0), Qt.AlignmentFlag.AlignCenter, word)
    painter.end()
    return pixmap


def provider_hue(provider: str) -> int:
    """A stable hue per provider (teal through violet: a night sky), so its placeholders share a colour."""
    return 185 + int.from_bytes(hashlib.sha1(provider.encode()).digest()[:2], "big") % 105


def rocket_path(centre: QPointF, height: float) -> QPainterPath:
    """A simple rocket silhouette standing on `centre`'s vertical axis, `height` tall."""
    unit = height / 10
    x, top = centre.x(), centre.y() - height / 2
    path = QPainterPath()
    path.moveTo(x, top)  # nose
    path.cubicTo(
        x + unit * 1.3, top + unit * 1.2, x + unit * 1.3, top + unit * 2.5, x + unit * 1.3, top + unit * 3
    )
    path.lineTo(x + unit * 1.3, top + unit * 7.2)
    path.lineTo(x + unit * 2.4, top + unit * 8.6)  # right fin
    path.lineTo(x + unit * 2.4, top + unit * 9.3)
    path.lineTo(x + unit * 1.0, top + unit * 8.5)
    path.lineTo(x - unit * 1.0, top + unit * 8.5)
    path.lineTo(x - unit * 2.4, top + unit * 9.3)  # left fin
    path.lineTo(x - unit * 2.4, top + unit * 8.6)
    path.lineTo(x - unit * 1.3, top + unit * 7.2)
    path.lineTo(x - unit * 1.3, top + unit * 3)
    path.cubicTo(x - unit * 1.3, top + unit * 2.5, x - unit * 1.3, top + unit * 1.2, x, top)
    path.closeSubpath()
    window = QPainterPath()
    window.addEllipse(QPointF(x, top + unit * 3.6), unit * 0.55, unit * 0.55)
    return path.subtracted(window)


def placeholder_picture(provider: str, size: QSize, dpr: float) -> QPixmap:
    """A calm gradient in the provider's hue with a rocket silhouette and the provider's initial."""
    pixmap = QPixmap(round(size.width() * dpr), round(size.height() * dpr))
    pixmap.setDevicePixelRatio(dpr)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    rect = QRectF(0, 0, size.width(), size.height())
    hue = provider_hue(provider)
    gradient = QLinearGradient(rect.topLeft(), rect.bottomRight())
    gradient.setColorAt(0.0, QColor.fromHsv(hue, 120, 150))
    gradient.setColorAt(1.0, QColor.fromHsv((hue + 35) % 360, 160, 55))
    painter.fillRect(rect, gradient)
    # A few stars.
    painter.setPen(Qt.PenStyle.NoPen)
    seed = int.from_bytes(hashlib.sha1(provider.encode()).digest()[2:10], "big")
    for number in range(14):
        seed = (seed * 6364136223846793005 + 1442695040888963407) % 2**64
        sx = (seed >> 16) % max(1, size.width())
        sy = (seed >> 40) % max(1, size.height())
        star = QColor(255, 255, 255, 70 + number * 6)
        painter.setBrush(star)
        painter.drawEllipse(QPointF(sx, sy), 0.9 + (number % 3) * 0.35, 0.9 + (number % 3) * 0.35)
    # Rocket with its exhaust, leaning a little.
    painter.save()
    painter.translate(rect.width() * 0.70, rect.height() * 0.52)
    painter.rotate(18)
    rocket_height = rect.height() * 0.72
    plume = QLinearGradient(0, rocket_height * 0.35, 0, rocket_height * 0.75)
    plume.setColorAt(0, QColor(255, 235, 200, 170))
    plume.setColorAt(1, QColor(255, 235, 200, 0))
    painter.setBrush(plume)
    flame = QPainterPath()
    flame.moveTo(-rocket_height * 0.09, rocket_height * 0.35)
    flame.quadTo(0, rocket_height * 0.9, rocket_height * 0.09, rocket_height * 0.35)
    painter.drawPath(flame)
    painter.setBrush(QColor(255, 255, 255, 215))
    painter.drawPath(rocket_path(QPointF(0, 0), rocket_height))
    painter.restore()
    # The provider's initial.
    initial = next((char for char in provider if char.isalnum()), "?").upper()
    font = QFont()
    font.setBold(True)
    font.setPixelSize(round(rect.height() * 0.42))
    painter.setFont(font)
    painter.setPen(QColor(255, 255, 255, 225))
    painter.drawText(
        QRectF(rect.width() * 0.08, 0, rect.width() * 0.45, rect.height()),
        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        initial,
    )
    painter.setPen(QPen(QColor(255, 255, 255, 60), 1))
    rule = rect.height() * 0.74
    painter.drawLine(QLineF(rect.width() * 0.08, rule, rect.width() * 0.42, rule))
    painter.end()
    return pixmap
