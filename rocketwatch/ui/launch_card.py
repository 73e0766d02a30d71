"""Launch cards: the delegate painting picture, status badge, name, provider and NET, and their grid.

Cards have one fixed size and paint from model data only (no database, no files, no scaling).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import (
    QEvent,
    QLineF,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from rocketwatch import timefmt
from rocketwatch.ll2.model import Launch
from rocketwatch.ui.launch_model import LaunchRole
from rocketwatch.ui.status_style import badge_pixmap

AnyIndex = QModelIndex | QPersistentModelIndex

CARD_WIDTH = 256
MARGIN = 5        # around each card, inside its grid cell (room for the selection ring)
PAD = 10          # inside the card, around the text
RADIUS = 9.0

LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CARD_GAP = 8  # at least this much room between cards in the grid


def vague_note(precision: str | None) -> str:
    """What a card says instead of a countdown when LL2 does not know the time well enough."""
    if precision == "DAY":
        return "Time of day not set yet"
    if precision in ("W", "M"):
        return "Day not set yet"
    return "Month not set yet" if precision in ("Q1", "Q2", "Q3", "Q4", "H1", "H2") else "Date not set yet"


@dataclass(frozen=True, slots=True)
class CardGeometry:
    """Where everything on a card goes, for one font (all cards share it: uniform item sizes)."""

    size: QSize
    picture: QSize
    name_font: QFont
    small_font: QFont
    bold_font: QFont
    small_metrics: QFontMetricsF
    bold_metrics: QFontMetricsF
    name_line: float
    small_line: float

    @classmethod
    def for_font(cls, font: QFont) -> CardGeometry:
        name_font = QFont(font)
        name_font.setBold(True)
        name_font.setPointSizeF(font.pointSizeF() * 1.08 if font.pointSizeF() > 0 else 10.5)
        small_font = QFont(font)
        bold_font = QFont(font)
        bold_font.setBold(True)
        name_line = QFontMetricsF(name_font).lineSpacing()
        small_line = QFontMetricsF(small_font).lineSpacing()
        inner = CARD_WIDTH - 2 * MARGIN
        picture = QSize(inner, round(inner * 9 / 16))
        height = picture.height() + PAD + 2 * name_line + 4 + 3 * small_line + PAD + 2 * MARGIN
        return cls(QSize(CARD_WIDTH, round(height)), picture, name_font, small_font, bold_font,
                   QFontMetricsF(small_font), QFontMetricsF(bold_font), name_line, small_line)


class LaunchCardDelegate(QStyledItemDelegate):
    """Paints one launch card; every card has the same size so the grid lays out at once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.geometry = CardGeometry.for_font(parent.font() if parent is not None else QFont())
        self._pixmaps: dict[tuple, QPixmap] = {}
        self._lines: dict[tuple[str, int], tuple[str, ...]] = {}

    def set_font(self, font: QFont) -> None:
        self.geometry = CardGeometry.for_font(font)
        self._lines.clear()
        self.sizeHintChanged.emit(QModelIndex())

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return self.geometry.size

    # --- painting -----------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """Paint one card. Everything costly (frame, badge, placeholder, wrapped name) is cached,
        so a paint is a few pixmap blits and lines of text."""
        launch: Launch | None = index.data(LaunchRole.LAUNCH)
        if launch is None:
            return
        geometry = self.geometry
        palette: QPalette = option.palette
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        focused = bool(state & QStyle.StateFlag.State_HasFocus)
        dpr = painter.device().devicePixelRatioF()
        card = QRectF(option.rect).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)

        painter.save()
        painter.fillRect(card, palette.color(QPalette.ColorRole.Base))
        # Picture (already scaled to exactly this box when it was decoded) or the placeholder.
        picture_rect = QRectF(card.topLeft(), geometry.picture.toSizeF())
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if not isinstance(pixmap, QPixmap) or pixmap.isNull():
            pixmap = self._placeholder(launch.provider, geometry.picture, dpr)
        painter.drawPixmap(picture_rect.topLeft(), pixmap)
        painter.drawPixmap(picture_rect.topLeft() + QPointF(8, 8),
                           self._badge(launch.status_abbrev, option.font, dpr))
        if launch.webcast_live:
            live = self._live(option.font, dpr)
            width = live.deviceIndependentSize().width()
            painter.drawPixmap(QPointF(picture_rect.right() - 8 - width, picture_rect.top() + 8), live)

        # Text: name (two lines at most) and provider at the top, NET and countdown at the bottom.
        left = card.left() + PAD
        width = card.width() - 2 * PAD
        y = picture_rect.bottom() + PAD
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setFont(geometry.name_font)
        painter.setPen(text)
        for line in self._name_lines(launch.name, int(width)):
            painter.drawText(QRectF(left, y, width, geometry.name_line), LEFT_MIDDLE, line)
            y += geometry.name_line
        small = geometry.small_metrics
        painter.setFont(geometry.small_font)
        painter.setPen(muted)
        self._line(painter, small, left, y + 1, width, launch.provider)
        y = card.bottom() - PAD - 2 * geometry.small_line
        painter.setPen(text)
        self._line(painter, small, left, y, width, str(index.data(LaunchRole.NET_TEXT) or ""))
        y += geometry.small_line
        countdown = timefmt.countdown(launch.net, launch.net_precision, datetime.now(UTC))
        if countdown is None:
            painter.setPen(muted)
            self._line(painter, small, left, y, width, vague_note(launch.net_precision))
        elif countdown.endswith("ago"):
            painter.setPen(muted)
            self._line(painter, small, left, y, width, countdown)
        else:
            painter.setFont(geometry.bold_font)
            self._line(painter, geometry.bold_metrics, left, y, width, countdown)

        # Frame on top: rounds the corners (picture included) and shows selection or hover.
        variant = "selected" if selected else "hover" if hovered else "plain"
        painter.drawPixmap(card.topLeft(), self._frame(variant, card.size().toSize(), palette, dpr))
        if focused and not selected:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1.0, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(card.adjusted(-2.5, -2.5, 2.5, 2.5), RADIUS + 2, RADIUS + 2)
        painter.restore()

    def _frame(self, variant: str, size: QSize, palette: QPalette, dpr: float) -> QPixmap:
        around = palette.color(QPalette.ColorRole.Window)  # the grid's viewport background
        if variant == "selected":
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2.5)
        elif variant == "hover":
            hover = QColor(palette.color(QPalette.ColorRole.Highlight))
            hover.setAlphaF(0.55)
            pen = QPen(hover, 1.5)
        else:
            line = QColor(palette.color(QPalette.ColorRole.Text))
            line.setAlphaF(0.16)
            pen = QPen(line, 1.0)
        key = ("frame", variant, size.width(), size.height(), dpr, around.rgba(), pen.color().rgba())
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = card_frame(size, dpr, around, pen)
            self._remember(key, pixmap)
        return pixmap

    def _badge(self, abbrev: str, font: QFont, dpr: float) -> QPixmap:
        key = ("badge", abbrev, font.key(), dpr)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = badge_pixmap(abbrev, font, dpr)
            self._remember(key, pixmap)
        return pixmap

    def _live(self, font: QFont, dpr: float) -> QPixmap:
        key = ("live", font.key(), dpr)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = live_chip(font, dpr)
            self._remember(key, pixmap)
        return pixmap

    def _placeholder(self, provider: str, size: QSize, dpr: float) -> QPixmap:
        key = ("placeholder", provider, size.width(), size.height(), dpr)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = placeholder_picture(provider, size, dpr)
            self._remember(key, pixmap)
        return pixmap

    def _remember(self, key: tuple, pixmap: QPixmap) -> None:
        if len(self._pixmaps) > 300:
            self._pixmaps.clear()
        self._pixmaps[key] = pixmap

    @staticmethod
    def _line(painter: QPainter, metrics: QFontMetricsF, left: float, top: float, width: float,
              text: str) -> None:
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRectF(left, top, width, metrics.lineSpacing()), LEFT_MIDDLE, elided)

    def _name_lines(self, name: str, width: int) -> tuple[str, ...]:
        """The name wrapped to at most two lines, the second elided; cached (names rarely change)."""
        key = (name, width)
        lines = self._lines.get(key)
        if lines is None:
            lines = wrap_two_lines(name, self.geometry.name_font, width)
            if len(self._lines) > 5_000:
                self._lines.clear()
            self._lines[key] = lines
        return lines


class LaunchGridView(QListView):
    """The grid of cards: uniform sizes, batched layout, and a word when nothing matches."""

    first_paint = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._painted = False
        self.empty_text = ""
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setSpacing(0)  # the grid size spreads the cards (see _spread_cards)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setDragEnabled(False)
        self.setMouseTracking(True)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setAccessibleName("Launch cards")

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._spread_cards()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            delegate = self.itemDelegate()
            if isinstance(delegate, LaunchCardDelegate):
                delegate.set_font(self.font())
                self._spread_cards()
        super().changeEvent(event)

    def _spread_cards(self) -> None:
        """Share the spare width out between the columns, so the cards fill the row evenly.

        Computed from the view's width less a scroll bar (whether shown or not), so the scroll bar
        appearing never changes the grid and the layout cannot oscillate."""
        card = getattr(self.itemDelegate(), "geometry", None)
        if card is None:
            return
        width = self.width() - self.frameWidth() * 2 - self.verticalScrollBar().sizeHint().width() - 1
        card_size: QSize = card.size
        columns = max(1, width // (card_size.width() + CARD_GAP))
        cell = QSize(max(card_size.width(), width // columns), card_size.height() + CARD_GAP)
        if cell != self.gridSize():
            self.setGridSize(cell)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            rect = QRectF(self.viewport().rect()).adjusted(24, 24, -24, -24)
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, self.empty_text)  # plain text
            painter.end()
        if not self._painted:
            self._painted = True
            self.first_paint.emit()


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
    width, height = metrics.horizontalAdvance("LIVE") + metrics.height() * 1.5, metrics.height() * 1.45
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
    painter.drawText(rect.adjusted(height * 0.45, 0, 0, 0), Qt.AlignmentFlag.AlignCenter, "LIVE")
    painter.end()
    return pixmap


def wrap_two_lines(text: str, font: QFont, width: int) -> tuple[str, ...]:
    """`text` broken at word boundaries into at most two lines that fit `width`; the second is elided."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    starts: list[int] = []
    while len(starts) < 2:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
    layout.endLayout()
    if not starts:
        return ("",)
    if len(starts) == 1:
        return (text,)
    first = text[starts[0]:starts[1]].rstrip()
    rest = text[starts[1]:].strip()
    return first, QFontMetricsF(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)


def provider_hue(provider: str) -> int:
    """A stable hue per provider (teal through violet: a night sky), so its placeholders share a colour."""
    return 185 + int.from_bytes(hashlib.sha1(provider.encode()).digest()[:2], "big") % 105


def rocket_path(centre: QPointF, height: float) -> QPainterPath:
    """A simple rocket silhouette standing on `centre`'s vertical axis, `height` tall."""
    unit = height / 10
    x, top = centre.x(), centre.y() - height / 2
    path = QPainterPath()
    path.moveTo(x, top)  # nose
    path.cubicTo(x + unit * 1.3, top + unit * 1.2, x + unit * 1.3, top + unit * 2.5,
                 x + unit * 1.3, top + unit * 3)
    path.lineTo(x + unit * 1.3, top + unit * 7.2)
    path.lineTo(x + unit * 2.4, top + unit * 8.6)   # right fin
    path.lineTo(x + unit * 2.4, top + unit * 9.3)
    path.lineTo(x + unit * 1.0, top + unit * 8.5)
    path.lineTo(x - unit * 1.0, top + unit * 8.5)
    path.lineTo(x - unit * 2.4, top + unit * 9.3)   # left fin
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
    painter.drawText(QRectF(rect.width() * 0.08, 0, rect.width() * 0.45, rect.height()),
                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, initial)
    painter.setPen(QPen(QColor(255, 255, 255, 60), 1))
    rule = rect.height() * 0.74
    painter.drawLine(QLineF(rect.width() * 0.08, rule, rect.width() * 0.42, rule))
    painter.end()
    return pixmap
