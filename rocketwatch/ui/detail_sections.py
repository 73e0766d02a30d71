"""The detail pane's lists: webcasts, boosters and landings, mission patches, links, the slip timeline and
LL2's updates. Each section hides itself when it has nothing to say; API text is always plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QSize, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QFont, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rocketwatch import launch_words
from rocketwatch.i18n import _
from rocketwatch.ll2.model import MAX_UPDATES, InfoLink, Landing, Patch, Update, Webcast
from rocketwatch.store.launches import LaunchChange
from rocketwatch.ui.run_model import plain_tooltip
from rocketwatch.ui.thumbnails import Fit, PictureLoader

PATCH_BOX = QSize(96, 96)  # logical pixels a mission patch is shown in
LINK_ICON = 18  # logical pixels of a link's play or page mark
WEB_SCHEMES = ("http", "https")


def web_url(text: str) -> QUrl | None:
    """The URL when it is a web address (http/https), else None: API data never opens local things."""
    url = QUrl(text.strip()) if text else QUrl()
    return url if url.isValid() and url.scheme().lower() in WEB_SCHEMES and url.host() else None


def section_label(
    text: str = "", *, muted: bool = False, bold: bool = False, selectable: bool = True
) -> QLabel:
    """A wrapped plain-text label, selectable with the mouse (not a Tab stop: the buttons are)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    label.setText(text)
    return label


def link_icon(color: QColor, dpr: float, *, play: bool, size: int = 20) -> QPixmap:
    """The link's mark in the text colour (the style's own arrow is dark on a dark palette): a play
    triangle for a webcast, an arrow out of a box for a page."""
    pixmap = QPixmap(round(size * dpr), round(size * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if play:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(
            [
                QPointF(size * 0.3, size * 0.2),
                QPointF(size * 0.8, size * 0.5),
                QPointF(size * 0.3, size * 0.8),
            ]
        )
    else:
        pen = QPen(color, max(1.5, size * 0.09))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawPolyline(
            [
                QPointF(size * 0.45, size * 0.25),
                QPointF(size * 0.2, size * 0.25),
                QPointF(size * 0.2, size * 0.8),
                QPointF(size * 0.75, size * 0.8),
                QPointF(size * 0.75, size * 0.55),
            ]
        )
        painter.drawLine(QPointF(size * 0.45, size * 0.55), QPointF(size * 0.85, size * 0.15))
        painter.drawPolyline(
            [
                QPointF(size * 0.55, size * 0.15),
                QPointF(size * 0.85, size * 0.15),
                QPointF(size * 0.85, size * 0.45),
            ]
        )
    painter.end()
    return pixmap


class LinkButton(QPushButton):
    """A web link shown as a button holding its title and a line of details, both wrapped to the pane's
    width (never clipped); opens in the browser only when it is http(s)."""

    def __init__(self, title: str, details: str, url: str, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self._web = web_url(url)
        self._play = noun == "webcast"
        self.icon_label = QLabel()
        self.icon_label.setFixedSize(LINK_ICON, LINK_ICON)
        self.title_label = section_label(title, bold=True, selectable=False)
        self.details_label = section_label(details, muted=True, selectable=False)
        self.details_label.setVisible(bool(details))
        words = QVBoxLayout()
        words.setSpacing(1)
        words.addWidget(self.title_label)
        words.addWidget(self.details_label)
        layout = self._row = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 10, 6)
        layout.setSpacing(8)
        layout.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(words, 1)
        for label in (self.icon_label, self.title_label, self.details_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setEnabled(self._web is not None)
        opens = _("Open webcast: {title}") if self._play else _("Open page: {title}")
        self.setAccessibleName(opens.format(title=title))
        self.setAccessibleDescription(details)
        self.setToolTip(plain_tooltip(url if self._web else _("Not a web address: {url}").format(url=url)))
        self.clicked.connect(self._open)
        self._paint_icon()

    def title(self) -> str:
        return self.title_label.text()

    def description(self) -> str:
        return self.details_label.text()

    # The layout of labels decides the size (QPushButton would size for its own, empty, text).
    def sizeHint(self) -> QSize:
        return self._row.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._row.totalMinimumSize()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._row.totalHeightForWidth(width)

    def _paint_icon(self) -> None:
        color = self.palette().color(QPalette.ColorRole.ButtonText)
        self.icon_label.setPixmap(link_icon(color, self.devicePixelRatioF(), play=self._play, size=LINK_ICON))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.DevicePixelRatioChange):
            self._paint_icon()
        super().changeEvent(event)

    @Slot()
    def _open(self) -> None:
        if self._web is not None:
            QDesktopServices.openUrl(self._web)


class PatchPicture(QLabel):
    """A mission patch from the picture cache, decoded off the GUI thread (hidden until it is there)."""

    def __init__(self, loader: PictureLoader, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader, self._path = loader, path
        self.setFixedSize(PATCH_BOX)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key = loader.key_for(path, PATCH_BOX, self.devicePixelRatioF(), Fit.CONTAIN)
        loader.ready.connect(self._on_ready)
        self.setVisible(False)
        self.load()

    def load(self) -> None:
        pixmap = self._loader.pixmap(self._path, PATCH_BOX, self.devicePixelRatioF(), Fit.CONTAIN)
        if pixmap is not None:
            self.setPixmap(pixmap)
        self.setVisible(pixmap is not None)

    def has_picture(self) -> bool:
        picture: QPixmap = self.pixmap()
        return not picture.isNull()

    @Slot(str)
    def _on_ready(self, key: str) -> None:
        if key == self.key:
            self.load()


class Section(QWidget):
    """A heading and a column of entries; hidden while it has none."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(6)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(rule)
        self.heading = section_label(title, bold=True)
        heading_font = QFont(self.heading.font())
        heading_font.setPointSizeF(max(10.0, heading_font.pointSizeF() * 1.1))
        self.heading.setFont(heading_font)
        self.heading.setAccessibleName(title)
        layout.addWidget(self.heading)
        self.note = section_label(muted=True)
        self.note.setVisible(False)
        layout.addWidget(self.note)
        self.entries = QVBoxLayout()
        self.entries.setSpacing(8)
        layout.addLayout(self.entries)
        self.setVisible(False)

    def clear(self) -> None:
        while (item := self.entries.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()

    def add(self, widget: QWidget) -> QWidget:
        self.entries.addWidget(widget)
        return widget

    def finish(self, count: int, *, note: str = "") -> None:
        """Show the section when it has entries, with their number in the heading when more than one."""
        self.heading.setText(f"{self.title} ({count})" if count > 1 else self.title)
        self.note.setText(note)
        self.note.setVisible(bool(note) and count > 0)
        self.setVisible(count > 0)

    def entry_count(self) -> int:
        return self.entries.count()


def _block(*widgets: QWidget, spacing: int = 2) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class DetailSections(QWidget):
    """Every list of the detail pane, filled from one launch and its recorded changes."""

    def __init__(self, loader: PictureLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.webcasts = Section(_("Webcasts"))
        self.landings = Section(_("Boosters and landings"))
        self.patches = Section(_("Mission patch"))
        self.links = Section(_("Links"))
        self.timeline = Section(_("Changes RocketWatch saw"))
        self.updates = Section(_("Updates from LL2"))
        for section in (self.webcasts, self.landings, self.patches, self.links, self.timeline, self.updates):
            layout.addWidget(section)
        self._shown: tuple | None = None

    def sections(self) -> tuple[Section, ...]:
        return (self.webcasts, self.landings, self.patches, self.links, self.timeline, self.updates)

    def show_parts(
        self,
        *,
        webcasts: Sequence[Webcast],
        landings: Sequence[Landing],
        patches: Sequence[tuple[Patch, Path | None]],
        info_links: Sequence[InfoLink],
        flightclub_url: str,
        changes: Sequence[LaunchChange],
        updates: Sequence[Update],
        net_precision: str | None = None,
    ) -> None:
        """Fill every section (rebuilt only when something changed, so a reload keeps the focus)."""
        recorded = tuple((change.id, change.field, change.old, change.new) for change in changes)
        shown = (
            tuple(webcasts),
            tuple(landings),
            tuple(patches),
            tuple(info_links),
            flightclub_url,
            recorded,
            net_precision,
            tuple(updates),
        )
        if shown == self._shown:
            return
        self._shown = shown
        for section in self.sections():  # all of them, in order, so Tab follows the page
            section.clear()
        self._fill_webcasts(webcasts)
        self._fill_landings(landings)
        self._fill_patches(patches)
        self._fill_links(info_links, flightclub_url)
        self._fill_timeline(changes, net_precision)
        self._fill_updates(updates)

    def _fill_webcasts(self, webcasts: Sequence[Webcast]) -> None:
        for webcast in webcasts:
            title = launch_words.webcast_title(webcast)
            details = launch_words.webcast_details(webcast)
            self.webcasts.add(LinkButton(title, details, webcast.url, "webcast"))
        self.webcasts.finish(len(webcasts))

    def _fill_landings(self, landings: Sequence[Landing]) -> None:
        for landing in landings:
            lines = [section_label(launch_words.booster_words(landing), bold=True)]
            if words := launch_words.landing_words(landing):
                lines.append(section_label(words))
            block = _block(*lines)
            block.setAccessibleName(" — ".join(label.text() for label in lines))
            self.landings.add(block)
        self.landings.finish(len(landings))

    def _fill_patches(self, patches: Sequence[tuple[Patch, Path | None]]) -> None:
        for patch, path in patches:
            row = QWidget()
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(10)
            if path is not None:
                picture = PatchPicture(self._loader, path)
                picture.setAccessibleName(_("Mission patch: {name}").format(name=patch.name))
                layout.addWidget(picture, 0, Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(
                section_label(patch.name or _("Mission patch")), 1, Qt.AlignmentFlag.AlignVCenter
            )
            self.patches.add(row)
        self.patches.finish(len(patches))

    def _fill_links(self, info_links: Sequence[InfoLink], flightclub_url: str) -> None:
        count = 0
        for link in info_links:
            host = QUrl(link.url).host()
            self.links.add(LinkButton(link.title.strip() or host or link.url, host, link.url, "page"))
            count += 1
        if flightclub_url.strip():
            self.links.add(
                LinkButton(
                    _("Flight Club"), _("Trajectory and booster recovery simulation"), flightclub_url, "page"
                )
            )
            count += 1
        self.links.finish(count)

    def _fill_timeline(self, changes: Sequence[LaunchChange], net_precision: str | None) -> None:
        entries = launch_words.timeline(changes, precision=net_precision)
        for words, seen in entries:
            self.timeline.add(_block(section_label(words), section_label(seen, muted=True), spacing=0))
        self.timeline.finish(len(entries), note=_("Oldest first, in your local time, as each run saw it."))

    def _fill_updates(self, updates: Sequence[Update]) -> None:
        ordered = launch_words.newest_first(updates)[:MAX_UPDATES]
        for update in ordered:
            parts: list[QWidget] = [section_label(launch_words.update_heading(update), muted=True)]
            if update.comment.strip():
                parts.append(section_label(update.comment.strip()))
            if web_url(update.info_url) is not None:
                more = QPushButton(_("Read more"))
                more.setAccessibleName(
                    _("Read more about the update of {heading}").format(
                        heading=launch_words.update_heading(update)
                    )
                )
                more.setToolTip(plain_tooltip(update.info_url))
                url = web_url(update.info_url)
                more.clicked.connect(lambda _checked=False, url=url: QDesktopServices.openUrl(url))
                row = QHBoxLayout()
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(more)
                row.addStretch(1)
                holder = QWidget()
                holder.setLayout(row)
                parts.append(holder)
            self.updates.add(_block(*parts))
        self.updates.finish(len(ordered), note=_("Newest first."))
