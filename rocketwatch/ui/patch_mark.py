"""The small mark a launch card wears when the launch has a mission patch (the patch is in the details).

A round emblem like an embroidered patch: a dark disc, an orange rim, a white orbit and its satellite
(no star, so it is never taken for the watch star above it).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

from rocketwatch.i18n import N_

PATCH_MARK = 22  # logical pixels across
PATCH_TIP = N_("This launch has a mission patch: see it in the details")  # shown with _(PATCH_TIP)


def patch_mark(dpr: float, size: int = PATCH_MARK) -> QPixmap:
    """The mark as a pixmap of `size` logical pixels for a screen of device pixel ratio `dpr`."""
    pixmap = QPixmap(round(size * dpr), round(size * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    ring = max(1.5, size * 0.1)
    disc = QRectF(ring / 2, ring / 2, size - ring, size - ring)
    painter.setPen(QPen(QColor("#E69F00"), ring))
    painter.setBrush(QColor(20, 24, 38, 225))
    painter.drawEllipse(disc)
    white = QColor("#FFFFFF")
    centre = disc.center()
    painter.save()  # the orbit: a tilted ellipse around the middle
    painter.translate(centre)
    painter.rotate(-30)
    painter.setPen(QPen(white, max(1.0, size * 0.07)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(0, 0), size * 0.3, size * 0.14)
    painter.restore()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(white)
    painter.drawEllipse(centre, size * 0.1, size * 0.1)  # the planet
    angle = math.radians(-30)  # the satellite, on the orbit's right end
    painter.drawEllipse(
        QPointF(centre.x() + size * 0.3 * math.cos(angle), centre.y() + size * 0.3 * math.sin(angle)),
        size * 0.07,
        size * 0.07,
    )
    painter.end()
    return pixmap
