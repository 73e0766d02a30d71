"""The app's icons: the full-colour app icon and the tray icon for each state, on light or dark panels.

The tray icon is the monochrome rocket in a colour that contrasts with the panel, ringed with a halo of the
opposite colour so it still reads on a panel of the other kind, plus a small state badge. It also carries
the name of the installed symbolic icon for its state, which a StatusNotifierItem host may draw instead
in its panel's own colours.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRect, QRectF, QSize
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

from rocketwatch.resources import resource_path

TRAY_STATES = ("idle", "running", "failed")
TRAY_SIZES = (16, 22, 24, 32, 48, 64)
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)

RUNNING_BLUE = "#0072B2"  # Okabe–Ito blue and vermillion stay apart with common colour-vision deficiencies
FAILED_VERMILLION = "#D55E00"
COUNTDOWN_AMBER = "#E69F00"  # the watch star's colour: the minutes left before a watched launch
SYMBOLIC_INK = "#2e3436"  # the fill colour written in rocketwatch-symbolic.svg, replaced per panel
INK_ON_LIGHT_PANEL = "#232629"
INK_ON_DARK_PANEL = "#f4f5f6"
# Installed into hicolor/symbolic/apps by the packages; a desktop theme may recolour them for its panel.
SYMBOLIC_NAMES = {
    "idle": "rocketwatch-symbolic",
    "running": "rocketwatch-running-symbolic",
    "failed": "rocketwatch-failed-symbolic",
}


# PySide6 builds its Qt namespace (all its enums) when it is first imported or an overload taking one of
# its enums is considered: 12 ms. The tray icon is drawn without it, before the icon shows; the functions
# that draw later import it where they need it.


def _transparent_image(size: int, ratio: int) -> QImage:
    """An empty premultiplied ARGB image of `size` logical pixels (not image.fill(): its overloads take a
    Qt.GlobalColor, so calling it builds the Qt namespace)."""
    image = QImage(size * ratio, size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
    pixels = memoryview(image.bits())
    pixels[:] = bytes(pixels.nbytes)  # all zero: transparent
    image.setDevicePixelRatio(ratio)
    return image


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
    dark = panel_is_dark() if dark_panel is None else dark_panel
    name = SYMBOLIC_NAMES[state]
    return _tray_icon(state, dark, name if QIcon.hasThemeIcon(name) else "")


class _NamedIconEngine(QIconEngine):
    """Drawn pixmaps plus an icon theme name: Qt sends both to a StatusNotifierItem host (IconName and
    IconPixmap), which draws the themed icon where its theme has one and the pixmaps elsewhere."""

    def __init__(self, pixmaps: QIcon, name: str) -> None:
        super().__init__()
        self._pixmaps = pixmaps
        self._name = name

    def iconName(self) -> str:
        return self._name

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self._pixmaps.pixmap(size, mode, state)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        return self._pixmaps.pixmap(size, scale, mode, state)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        from PySide6.QtCore import Qt

        self._pixmaps.paint(painter, rect, Qt.AlignmentFlag.AlignCenter, mode, state)

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return self._pixmaps.actualSize(size, mode, state)

    def availableSizes(
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        return self._pixmaps.availableSizes(mode, state)

    def isNull(self) -> bool:
        return self._pixmaps.isNull()

    def key(self) -> str:
        return "rocketwatch-named"

    def clone(self) -> QIconEngine:
        engine = _NamedIconEngine(self._pixmaps, self._name)
        _ENGINES.append(engine)  # Qt owns clones; keep the Python side alive with them
        return engine


_ENGINES: list[_NamedIconEngine] = []


@cache
def _tray_icon(state: str, dark_panel: bool, name: str) -> QIcon:
    ink, halo = INK_ON_LIGHT_PANEL, INK_ON_DARK_PANEL
    if dark_panel:
        ink, halo = halo, ink
    pixmaps = QIcon()
    for size in TRAY_SIZES:
        for ratio in (1, 2):
            pixmaps.addPixmap(QPixmap.fromImage(_tray_image(ink, halo, state, size, ratio)))
    if not name:
        return pixmaps
    engine = _NamedIconEngine(pixmaps, name)
    _ENGINES.append(engine)
    return QIcon(engine)


@cache
def _symbolic_renderer(ink: str) -> QSvgRenderer:
    svg = resource_icon_path("rocketwatch-symbolic.svg").read_text(encoding="utf-8")
    renderer = QSvgRenderer(QByteArray(svg.replace(SYMBOLIC_INK, ink).encode("utf-8")))
    if not renderer.isValid():
        raise RuntimeError("rocketwatch-symbolic.svg could not be read")
    return renderer


def _tray_image(ink: str, halo: str, state: str, size: int, ratio: int) -> QImage:
    """The rocket at `size` logical pixels (times `ratio` device pixels) in its halo, with its badge."""
    image = _transparent_image(size, ratio)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    # The halo: the rocket in the opposite colour, drawn around the rocket's place; the rocket then
    # covers all but its rim. One pixel wide at tray sizes, more on large icons, at least one device pixel.
    width = max(1 / ratio, size / 22)
    halo_rocket = _rocket_image(halo, size, ratio)
    steps = 12
    for step in range(steps):
        angle = 2 * math.pi * step / steps
        painter.drawImage(QPointF(width * math.cos(angle), width * math.sin(angle)), halo_rocket)
    painter.drawImage(QPointF(0, 0), _rocket_image(ink, size, ratio))
    if state != "idle":
        _paint_badge(painter, state, size, 1 / ratio, QColor(ink), width)
    painter.end()
    return image


@cache
def _rocket_image(colour: str, size: int, ratio: int) -> QImage:
    """The symbolic rocket alone in `colour` (rendered once, then drawn as often as the halo needs)."""
    image = _transparent_image(size, ratio)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _symbolic_renderer(colour).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def _paint_badge(
    painter: QPainter, state: str, size: int, device_pixel: float, rim: QColor, rim_width: float
) -> None:
    """A badge in the bottom-right corner, with a transparent moat so it stands apart from the rocket.
    The failed disc has a rim in the rocket's ink, which stands out on a mid-grey panel where vermillion
    alone would not; the running ring stays thin and hollow (a rim would fill it at 16 px)."""
    from PySide6.QtCore import Qt

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
        ring = QRectF(
            center.x() - radius + inset, center.y() - radius + inset, diameter - width, diameter - width
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(RUNNING_BLUE), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawArc(ring, 90 * 16, -270 * 16)
        return

    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(rim)
    painter.drawEllipse(center, radius, radius)
    painter.setBrush(QColor(FAILED_VERMILLION))
    painter.drawEllipse(center, radius - rim_width, radius - rim_width)
    # The "!" is drawn from shapes, not a font: crisp at 16 px and the same on every system.
    painter.setBrush(QColor("#ffffff"))
    bar_width = max(2 * device_pixel, diameter * 0.18)
    bar = QRectF(center.x() - bar_width / 2, center.y() - radius * 0.62, bar_width, radius * 0.78)
    painter.drawRoundedRect(bar, bar_width / 2.5, bar_width / 2.5)
    dot = bar_width * 0.6
    painter.drawEllipse(QPointF(center.x(), center.y() + radius * 0.5), dot, dot)


def countdown_tray_icon(state: str, minutes: int, dark_panel: bool | None = None) -> QIcon:
    """The tray icon for `state` carrying the minutes left before a watched launch (1 to 60) on an amber
    tag at its top left; the state badge keeps its bottom-right corner. Pixmaps only: a themed icon name
    would let a host draw the plain rocket instead."""
    if state not in TRAY_STATES:
        raise ValueError(f"unknown tray state {state!r}; expected one of {', '.join(TRAY_STATES)}")
    dark = panel_is_dark() if dark_panel is None else dark_panel
    return _countdown_icon(state, max(0, min(minutes, 99)), dark)


@cache
def _countdown_icon(state: str, minutes: int, dark_panel: bool) -> QIcon:
    ink, halo = INK_ON_LIGHT_PANEL, INK_ON_DARK_PANEL
    if dark_panel:
        ink, halo = halo, ink
    icon = QIcon()
    for size in TRAY_SIZES:
        for ratio in (1, 2):
            image = _tray_image(ink, halo, state, size, ratio)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            _paint_minutes(painter, str(minutes), size, QColor(ink))
            painter.end()
            icon.addPixmap(QPixmap.fromImage(image))
    return icon


def _paint_minutes(painter: QPainter, text: str, size: int, rim: QColor) -> None:
    """An amber tag with the minutes in black bold digits at the icon's top left (the rocket's nose stays
    in sight at the top right), in a transparent moat."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont  # built on first use (1 ms): not before the tray icon

    height = size * 0.56
    tag = QRectF(0, 0, size * (0.78 if len(text) > 1 else 0.5), height)
    moat = max(1.0, size / 16)
    radius = height * 0.3
    painter.save()
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(Qt.GlobalColor.black))
    painter.drawRoundedRect(tag.adjusted(0, 0, moat, moat), radius + moat, radius + moat)
    painter.restore()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(rim)  # a rim in the rocket's ink: the tag stands out on a mid-grey panel too
    painter.drawRoundedRect(tag, radius, radius)
    rim_width = max(0.5, size / 32)
    painter.setBrush(QColor(COUNTDOWN_AMBER))
    painter.drawRoundedRect(tag.adjusted(rim_width, rim_width, -rim_width, -rim_width), radius, radius)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(6, round(height * (0.86 if len(text) < 2 else 0.8))))
    font.setStretch(QFont.Stretch.SemiCondensed if len(text) > 1 else QFont.Stretch.Unstretched)
    painter.setFont(font)
    painter.setPen(QColor("#000000"))
    painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
