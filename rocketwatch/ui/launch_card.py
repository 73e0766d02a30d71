"""Launch cards: the delegate painting picture, status badge, watch star, name, provider and NET, and
their grid. Cards have one fixed size and paint from model data only (no database, no files, no scaling).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
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
    QToolTip,
    QWidget,
)

from rocketwatch import timefmt
from rocketwatch.i18n import N_, _
from rocketwatch.ll2.model import Launch
from rocketwatch.ui.card_art import RADIUS, card_frame, live_chip, placeholder_picture
from rocketwatch.ui.launch_model import LaunchRole
from rocketwatch.ui.patch_mark import PATCH_MARK, PATCH_TIP, patch_mark
from rocketwatch.ui.status_style import badge_pixmap
from rocketwatch.ui.watch_star import UNWATCH_TIP, WATCH_TIP, paint_card_star

AnyIndex = QModelIndex | QPersistentModelIndex

CARD_WIDTH = 256
MARGIN = 5  # around each card, inside its grid cell (room for the selection ring)
PAD = 10  # inside the card, around the text
MUTED_MARK = N_("Muted")  # a muted launch (no alerts) says so on its card
STAR = 30  # the watch star's disc, at the picture's top right corner
STAR_INSET = 7

LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CARD_GAP = 8  # at least this much room between cards in the grid


def vague_note(precision: str | None) -> str:
    """What a card says instead of a countdown when LL2 does not know the time well enough."""
    if precision == "DAY":
        return _("Time of day not set yet")
    if precision in ("W", "M"):
        return _("Day not set yet")
    if precision in ("Q1", "Q2", "Q3", "Q4", "H1", "H2"):
        return _("Month not set yet")
    return _("Date not set yet")


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
        return cls(
            QSize(CARD_WIDTH, round(height)),
            picture,
            name_font,
            small_font,
            bold_font,
            QFontMetricsF(small_font),
            QFontMetricsF(bold_font),
            name_line,
            small_line,
        )


class LaunchCardDelegate(QStyledItemDelegate):
    """Paints one launch card; every card has the same size so the grid lays out at once.

    The watch star sits on the picture's top right corner: filled when the launch is starred, an outline
    while the card is hovered, selected or focused; a click on it asks to toggle it (star_clicked)."""

    star_clicked = Signal(str)  # launch id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.geometry = CardGeometry.for_font(parent.font() if parent is not None else QFont())
        self._pixmaps: dict[tuple, QPixmap] = {}
        self._lines: dict[tuple[str, int], tuple[str, ...]] = {}
        self.stars = True  # the watch star on each card (the gallery's events have none)

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
        painter.drawPixmap(
            picture_rect.topLeft() + QPointF(8, 8), self._badge(launch.status_abbrev, option.font, dpr)
        )
        star = self.star_rect(option.rect)
        if launch.webcast_live:  # left of the star's place, whether the star shows or not
            live = self._live(option.font, dpr)
            size = live.deviceIndependentSize()
            painter.drawPixmap(
                QPointF(star.left() - 6 - size.width(), star.center().y() - size.height() / 2), live
            )
        starred = bool(index.data(LaunchRole.STARRED))
        if self.stars and (starred or hovered or selected or focused):
            paint_card_star(painter, star, filled=starred)
        if launch.patches:  # the mission patch itself is in the detail pane
            painter.drawPixmap(self.patch_rect(option.rect).topLeft(), self._patch_mark(dpr))

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
        net_width = width
        if index.data(LaunchRole.MUTED):  # the user muted its alerts: said at the NET line's end
            mark = _(MUTED_MARK)
            net_width = width - small.horizontalAdvance(mark) - PAD
            painter.drawText(
                QRectF(left, y, width, geometry.small_line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                mark,
            )
        painter.setPen(text)
        self._line(painter, small, left, y, net_width, str(index.data(LaunchRole.NET_TEXT) or ""))
        y += geometry.small_line
        now = datetime.now(UTC)
        countdown = timefmt.countdown(launch.net, launch.net_precision, now)
        if countdown is None:
            painter.setPen(muted)
            self._line(painter, small, left, y, width, vague_note(launch.net_precision))
        elif launch.net < now:  # "2 h ago": the past, in the quiet colour (in any language)
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

    # --- the watch star -----------------------------------------------------------------------
    @staticmethod
    def star_rect(cell: QRect | QRectF) -> QRectF:
        """Where the star's disc is painted on the card in the cell `cell` (the item's rect)."""
        card = QRectF(cell).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        return QRectF(card.right() - STAR_INSET - STAR, card.top() + STAR_INSET, STAR, STAR)

    def patch_rect(self, cell: QRect | QRectF) -> QRectF:
        """Where the mission patch mark sits: the picture's bottom right corner."""
        card = QRectF(cell).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        bottom = card.top() + self.geometry.picture.height()
        return QRectF(
            card.right() - STAR_INSET - PATCH_MARK, bottom - STAR_INSET - PATCH_MARK, PATCH_MARK, PATCH_MARK
        )

    def editorEvent(
        self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem, index: AnyIndex
    ) -> bool:
        """A left click released on the star toggles it (the press still selects the card)."""
        if (
            self.stars
            and event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and self.star_rect(option.rect).adjusted(-3, -3, 3, 3).contains(event.position())
        ):
            launch_id = index.data(LaunchRole.ID)
            if launch_id:
                self.star_clicked.emit(launch_id)
                return True
        return super().editorEvent(event, model, option, index)

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: AnyIndex
    ) -> bool:
        if (
            self.stars
            and event.type() == QEvent.Type.ToolTip
            and self.star_rect(option.rect).contains(QPointF(event.pos()))
        ):
            QToolTip.showText(
                event.globalPos(), _(UNWATCH_TIP if index.data(LaunchRole.STARRED) else WATCH_TIP), view
            )
            return True
        launch = index.data(LaunchRole.LAUNCH)
        if (
            event.type() == QEvent.Type.ToolTip
            and isinstance(launch, Launch)
            and launch.patches
            and self.patch_rect(option.rect).contains(QPointF(event.pos()))
        ):
            QToolTip.showText(event.globalPos(), _(PATCH_TIP), view)
            return True
        return super().helpEvent(event, view, option, index)

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

    def _patch_mark(self, dpr: float) -> QPixmap:
        key = ("patch", dpr)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = patch_mark(dpr)
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
    def _line(
        painter: QPainter, metrics: QFontMetricsF, left: float, top: float, width: float, text: str
    ) -> None:
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
        self.setAccessibleName(_("Launch cards"))

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
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )  # plain text
            painter.end()
        if not self._painted:
            self._painted = True
            self.first_paint.emit()


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
    first = text[starts[0] : starts[1]].rstrip()
    rest = text[starts[1] :].strip()
    return first, QFontMetricsF(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)
