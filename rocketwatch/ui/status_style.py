"""How a launch status looks everywhere in the app: its word, its badge colours and a badge painter.

Okabe-Ito colours (told apart by colour-blind users) and always the word on the badge, never colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QIcon, QPainter, QPainterPath, QPen, QPixmap

from rocketwatch.i18n import N_, _


@dataclass(frozen=True, slots=True)
class StatusStyle:
    """One LL2 status as shown to the user."""

    abbrev: str  # LL2's short name, the key ("Go", "In Flight", ...)
    word: str  # the text on the badge (status_style() gives it in the user's language)
    meaning: str  # one sentence for tooltips and screen readers (ditto)
    fill: str  # badge background (hex)
    ink: str  # badge text, chosen for contrast on the fill (hex)
    outlined: bool = False  # undecided states get a dashed outline as a second, non-colour cue


def _ink_for(fill: str) -> str:
    """Black or white, whichever contrasts more with the fill (WCAG relative luminance)."""
    color = QColor(fill)

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    luminance = (
        0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())
    )
    on_black = (luminance + 0.05) / 0.05
    on_white = 1.05 / (luminance + 0.05)
    return "#000000" if on_black >= on_white else "#ffffff"


def _style(abbrev: str, word: str, meaning: str, fill: str, *, outlined: bool = False) -> StatusStyle:
    return StatusStyle(abbrev, word, meaning, fill, _ink_for(fill), outlined)


# Okabe-Ito: bluish green, yellow, orange, sky blue, blue, vermillion, reddish purple (+ a neutral grey).
STATUSES: dict[str, StatusStyle] = {
    style.abbrev: style
    for style in (
        _style("Go", N_("Go"), N_("Go for launch"), "#009E73"),
        _style(
            "TBC",
            N_("TBC"),
            N_("To be confirmed: the date is likely but not yet final"),
            "#F0E442",
            outlined=True,
        ),
        _style("TBD", N_("TBD"), N_("To be determined: no firm date yet"), "#B8B8B8", outlined=True),
        _style("Hold", N_("Hold"), N_("The count is on hold"), "#E69F00"),
        _style("In Flight", N_("In Flight"), N_("The rocket is flying"), "#56B4E9"),
        _style("Success", N_("Success"), N_("Launch succeeded"), "#0072B2"),
        _style("Failure", N_("Failure"), N_("Launch failed"), "#D55E00"),
        _style("Partial Failure", N_("Partial Failure"), N_("Launch partly failed"), "#CC79A7"),
    )
}

# The order a filter or a legend lists them in: what is coming, then what happened.
STATUS_ORDER: tuple[str, ...] = tuple(STATUSES)

UNKNOWN = _style("Unknown", N_("Unknown"), N_("LL2 did not give a status"), "#8C8C8C", outlined=True)


def status_style(abbrev: str | None) -> StatusStyle:
    """The style for an LL2 status abbreviation, its words in the user's language; unknown ones keep their
    own word (LL2's) on a grey badge."""
    if not abbrev:
        return replace(UNKNOWN, word=_(UNKNOWN.word), meaning=_(UNKNOWN.meaning))
    known = STATUSES.get(abbrev)
    if known is not None:
        return replace(known, word=_(known.word), meaning=_(known.meaning))
    meaning = _("Status: {status}").format(status=abbrev)
    return StatusStyle(abbrev, abbrev, meaning, UNKNOWN.fill, UNKNOWN.ink, True)


def status_color(abbrev: str | None) -> QColor:
    return QColor(status_style(abbrev).fill)


def status_ink(abbrev: str | None) -> QColor:
    return QColor(status_style(abbrev).ink)


def badge_font(base: QFont) -> QFont:
    """The badge's font: the given font, bold and a touch smaller."""
    font = QFont(base)
    font.setBold(True)
    if font.pointSizeF() > 0:
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    elif font.pixelSize() > 0:
        font.setPixelSize(max(9, round(font.pixelSize() * 0.85)))
    return font


def badge_size(font: QFont, abbrev: str | None) -> QSize:
    """Logical size of the badge painted with `badge_font(font)`."""
    metrics = QFontMetricsF(badge_font(font))
    text = status_style(abbrev).word
    return QSize(
        round(metrics.horizontalAdvance(text) + metrics.height() * 1.1), round(metrics.height() * 1.45)
    )


def paint_badge(painter: QPainter, top_left: QPointF, font: QFont, abbrev: str | None) -> QRectF:
    """Paint the status badge (a rounded pill with the status word) and return its rectangle."""
    style = status_style(abbrev)
    size = badge_size(font, abbrev)
    rect = QRectF(top_left, size.toSizeF())
    radius = rect.height() / 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    painter.fillPath(path, QColor(style.fill))
    if style.outlined:
        pen = QPen(QColor(style.ink), 1.2, Qt.PenStyle.DashLine)
        pen.setDashPattern([3.0, 2.0])
        painter.setPen(pen)
        inner = rect.adjusted(1.5, 1.5, -1.5, -1.5)
        painter.drawRoundedRect(inner, inner.height() / 2, inner.height() / 2)
    painter.setPen(QColor(style.ink))
    painter.setFont(badge_font(font))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, style.word)  # plain text, never markup
    painter.restore()
    return rect


@cache
def _badge_pixmap(abbrev: str, font_key: str, dpr: float) -> QPixmap:
    font = QFont()
    font.fromString(font_key)
    size = badge_size(font, abbrev)
    pixmap = QPixmap(round(size.width() * dpr), round(size.height() * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_badge(painter, QPointF(0, 0), font, abbrev)
    painter.end()
    return pixmap


def badge_pixmap(abbrev: str | None, font: QFont, dpr: float = 1.0) -> QPixmap:
    """The badge as a pixmap (cached), for combo boxes, tables and the tray menu."""
    return _badge_pixmap(status_style(abbrev).abbrev, font.toString(), dpr)


def status_dot_icon(abbrev: str | None, size: int = 12, dpr: float = 1.0) -> QIcon:
    """A small filled dot in the status colour (dashed ring when undecided), for lists and menus."""
    style = status_style(abbrev)
    pixmap = QPixmap(round(size * dpr), round(size * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    rect = QRectF(1, 1, size - 2, size - 2)
    painter.setBrush(QColor(style.fill))
    painter.setPen(
        QPen(
            QColor(style.ink if style.outlined else style.fill).darker(110),
            1.0,
            Qt.PenStyle.DotLine if style.outlined else Qt.PenStyle.SolidLine,
        )
    )
    painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)
