"""The app's icons: the full-colour app icon and the tray icon for each state, on light or dark panels.

The tray icon is the monochrome rocket in a colour that contrasts with the panel, plus a small state badge.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer

from rocketwatch.resources import resource_path

TRAY_STATES = ("idle", "running", "failed")
TRAY_SIZES = (16, 22, 24, 32, 48, 64)
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)

RUNNING_BLUE = "#0072B2"  # Okabe–Ito blue and vermillion stay apart with common colour-vision deficiencies
FAILED_VERMILLION = "#D55E00"
SYMBOLIC_INK = "#2e3436"  # the fill colour written in rocketwatch-symbolic.svg, replaced per panel
INK_ON_LIGHT_PANEL = "#232629"
INK_ON_DARK_PANEL = "#f4f5f6"


def resource_icon_path(name: str) -> Path:
    """The path of an icon file under resources/icons (it may not exist; callers check)."""
    return resource_path("icons", name)


@cache
def app_icon() -> QIcon:
    """The full-colour app icon, SVG-backed so it is crisp at any size and device pixel ratio."""
    icon = QIcon(str(resource_icon_path("rocketwatch.svg")))
    if icon.pixmap(QSize(16, 16)).isNull():
        # No SVG icon engine (a trimmed frozen build): fall back to the pre-rendered PNGs.
        icon = QIcon()
        for size in HICOLOR_SIZES:
            path = resource_icon_path(f"hicolor/{size}x{size}/apps/rocketwatch.png")
            if path.is_file():
                icon.addFile(str(path), QSize(size, size))
    return icon


def panel_is_dark() -> bool:
    """A guess at the tray panel's darkness: the application palette's window colour."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def tray_icon(state: str, dark_panel: bool | None = None) -> QIcon:
    """The tray icon for `state` (idle, running or failed), drawn to read on a light or dark panel.

    Running adds a blue arc, failed a vermillion disc with "!"; the two differ in shape as well as colour.
    With `dark_panel` None the panel's darkness is guessed from the application palette.
    """
    if state not in TRAY_STATES:
        raise ValueError(f"unknown tray state {state!r}; expected one of {', '.join(TRAY_STATES)}")
    return _tray_icon(state, panel_is_dark() if dark_panel is None else dark_panel)


@cache
def _tray_icon(state: str, dark_panel: bool) -> QIcon:
    ink = INK_ON_DARK_PANEL if dark_panel else INK_ON_LIGHT_PANEL
    renderer = _symbolic_renderer(ink)
    icon = QIcon()
    for size in TRAY_SIZES:
        for ratio in (1, 2):
            icon.addPixmap(QPixmap.fromImage(_tray_image(renderer, state, size, ratio)))
    return icon


@cache
def _symbolic_renderer(ink: str) -> QSvgRenderer:
    svg = resource_icon_path("rocketwatch-symbolic.svg").read_text(encoding="utf-8")
    renderer = QSvgRenderer(QByteArray(svg.replace(SYMBOLIC_INK, ink).encode("utf-8")))
    if not renderer.isValid():
        raise RuntimeError("rocketwatch-symbolic.svg could not be read")
    return renderer


def _tray_image(renderer: QSvgRenderer, state: str, size: int, ratio: int) -> QImage:
    """The rocket at `size` logical pixels (times `ratio` device pixels), with the state's badge."""
    image = QImage(size * ratio, size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(ratio)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    if state != "idle":
        _paint_badge(painter, state, size, 1 / ratio)
    painter.end()
    return image


def _paint_badge(painter: QPainter, state: str, size: int, device_pixel: float) -> None:
    """A badge in the bottom-right corner, with a transparent moat so it stands apart from the rocket."""
    diameter = size * (0.5 if size <= 24 else 0.45)
    radius = diameter / 2
    center = QPointF(size - radius, size - radius)
    moat = max(1.0, size / 16)

    painter.save()
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(Qt.GlobalColor.black))
    painter.drawEllipse(center, radius + moat, radius + moat)
    painter.restore()

    if state == "running":
        # A spinner-like open ring: hollow, unlike the filled failed badge.
        width = max(2.0, diameter * 0.3)
        inset = width / 2
        ring = QRectF(center.x() - radius + inset, center.y() - radius + inset,
                      diameter - width, diameter - width)
        pen = QPen(QColor(RUNNING_BLUE), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawArc(ring, 90 * 16, -270 * 16)
        return

    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(FAILED_VERMILLION))
    painter.drawEllipse(center, radius, radius)
    # The "!" is drawn from shapes, not a font: crisp at 16 px and the same on every system.
    painter.setBrush(QColor("#ffffff"))
    bar_width = max(2 * device_pixel, diameter * 0.18)
    bar = QRectF(center.x() - bar_width / 2, center.y() - radius * 0.62, bar_width, radius * 0.78)
    painter.drawRoundedRect(bar, bar_width / 2.5, bar_width / 2.5)
    dot = bar_width * 0.6
    painter.drawEllipse(QPointF(center.x(), center.y() + radius * 0.5), dot, dot)
