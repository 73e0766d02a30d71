"""The gallery's Events section: LL2's upcoming events as cards like the launches' (same delegate, same
picture cache and loader) and a detail pane in plain text, with the event's webcast link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget

from rocketwatch import timefmt
from rocketwatch.i18n import _
from rocketwatch.ll2.events import Event
from rocketwatch.ll2.model import Launch
from rocketwatch.store import Store
from rocketwatch.ui.detail_sections import web_url
from rocketwatch.ui.launch_card import LaunchCardDelegate, LaunchGridView
from rocketwatch.ui.launch_detail import PICTURE_BOX, PictureView, plain_label
from rocketwatch.ui.launch_model import LaunchRole
from rocketwatch.ui.thumbnails import CardPictures, Fit, PictureLoader

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class EventRow:
    event: Event
    card: Launch  # the event as the card delegate paints a launch: type on the badge, place below
    picture: Path | None
    card_picture: Path | None


def event_card(event: Event) -> Launch:
    return Launch(
        id=event.id,
        name=event.name,
        net=event.date,
        net_precision=event.date_precision,
        status_abbrev=event.type,
        provider=event.location or _("Location not known"),
        image_url=event.image_url or None,
    )


class EventListModel(QAbstractListModel):
    """Stored upcoming events, soonest first, with the roles the launch card delegate reads."""

    def __init__(self, store: Store, loader: PictureLoader, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._rows: list[EventRow] = []
        self._pictures = CardPictures(loader, QSize(240, 135))
        loader.ready.connect(self._on_picture)

    def reload(self) -> None:
        self.beginResetModel()
        events = self._store.events.upcoming()
        kept = self._store.images.kept_paths() if events else {}  # one query, as for the launches
        rows = []
        for event in events:
            picture, thumbnail = kept.get(event.image_url, (None, None)) if event.image_url else (None, None)
            rows.append(EventRow(event, event_card(event), picture, thumbnail or picture))
        self._rows = rows
        self._pictures.forget_rows()
        self.endResetModel()

    def set_thumbnail_size(self, size: QSize, dpr: float) -> None:
        self._pictures.resize(size, dpr)

    def row_at(self, number: int) -> EventRow:
        return self._rows[number]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        event = row.event
        if role in (Qt.ItemDataRole.DisplayRole, LaunchRole.NAME):
            return event.name
        if role == LaunchRole.LAUNCH:
            return row.card
        if role == LaunchRole.ID:
            return event.id
        if role == LaunchRole.NET_TEXT:
            return timefmt.net_label(event.date, event.date_precision)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(index.row(), row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            when = timefmt.countdown(
                event.date, event.date_precision, datetime.now(UTC)
            ) or timefmt.net_label(event.date, event.date_precision)
            return f"{event.type}: {event.name}. {event.location}. {when}"
        if role in (LaunchRole.STARRED, LaunchRole.WATCHED, LaunchRole.MUTED, LaunchRole.RECENT):
            return False
        return None

    def _thumbnail(self, number: int, row: EventRow) -> Any:
        return self._pictures.pixmap(number, row.card_picture, row.picture)

    @Slot(str)
    def _on_picture(self, key: str) -> None:
        for number in self._pictures.rows_ready(key):
            if number < len(self._rows):
                index = self.index(number)
                self.dataChanged.emit(index, index, [int(Qt.ItemDataRole.DecorationRole)])


class EventDetail(QScrollArea):
    """One event in plain text: picture, name, type and date, place, what it is, the webcast button."""

    def __init__(self, loader: PictureLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._event: Event | None = None
        self._picture_path: Path | None = None
        self._key = ""
        self.setWidgetResizable(True)
        self.setAccessibleName(_("Event details"))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.setSpacing(8)
        self.picture = PictureView()
        self.picture.setAccessibleName(_("Event picture"))
        layout.addWidget(self.picture)
        self.name = plain_label()
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(11.0, self.font().pointSizeF() * 1.45))
        self.name.setFont(font)
        self.name.setAccessibleName(_("Event name"))
        layout.addWidget(self.name)
        self.when = plain_label()
        self.when.setAccessibleName(_("Type and date"))
        layout.addWidget(self.when)
        self.place = plain_label()
        self.place.setAccessibleName(_("Event location"))
        layout.addWidget(self.place)
        buttons = QHBoxLayout()
        self.webcast_button = QPushButton(_("Watch webcast"))
        self.webcast_button.setAccessibleName(_("Watch the event's webcast in the browser"))
        self.webcast_button.clicked.connect(self._open_webcast)
        buttons.addWidget(self.webcast_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.description = plain_label()
        self.description.setAccessibleName(_("About the event"))
        layout.addWidget(self.description)
        layout.addStretch(1)
        self.setWidget(body)
        loader.ready.connect(self._on_picture)

    @property
    def shown_event(self) -> Event | None:
        """The LL2 event the pane shows (not `event`: that name is QWidget's event handler)."""
        return self._event

    def show_event(self, event: Event, picture: Path | None) -> None:
        self._event, self._picture_path = event, picture
        self.name.setText(event.name)
        countdown = timefmt.countdown(event.date, event.date_precision, datetime.now(UTC))
        label = timefmt.net_label(event.date, event.date_precision)
        self.when.setText(f"{event.type} · {label}" + (f" ({countdown})" if countdown else ""))
        self.place.setText(event.location or _("Location not known"))
        self.place.setVisible(True)
        self.description.setText(event.description)
        self.webcast_button.setVisible(web_url(event.webcast_url) is not None)
        self._show_picture()

    def _show_picture(self) -> None:
        if self._event is None:
            return
        if self._picture_path is None:
            self.picture.set_picture(None, self._event.location)
            return
        dpr = self.devicePixelRatioF()
        self._key = self._loader.key_for(self._picture_path, PICTURE_BOX, dpr, Fit.CONTAIN)
        self.picture.set_picture(
            self._loader.pixmap(self._picture_path, PICTURE_BOX, dpr, Fit.CONTAIN), self._event.location
        )

    @Slot(str)
    def _on_picture(self, key: str) -> None:
        if key == self._key:
            self._show_picture()

    @Slot()
    def _open_webcast(self) -> None:
        url = web_url(self._event.webcast_url) if self._event else None
        if url is not None:
            QDesktopServices.openUrl(url)


class EventsPage(QSplitter):
    """The Events section of the gallery: the cards beside the selected event's details."""

    count_changed = Signal(int)

    def __init__(self, store: Store, loader: PictureLoader, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("gallery-events")
        self.model = EventListModel(store, loader, self)
        self.view = LaunchGridView()
        self.view.setAccessibleName(_("Upcoming events"))
        self.delegate = LaunchCardDelegate(self.view)
        self.delegate.stars = False  # events are watched by type ([alerts] event_types), not starred
        self.view.setItemDelegate(self.delegate)
        self.view.setModel(self.model)
        self.model.set_thumbnail_size(self.delegate.geometry.picture, self.view.devicePixelRatioF())
        self.detail = EventDetail(loader)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.addWidget(self.view)
        self.addWidget(self.detail)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self.setChildrenCollapsible(False)
        self.setSizes([760, 420])

    def reload(self) -> None:
        keep = self.detail.shown_event.id if self.detail.shown_event else None
        self.model.reload()
        self.view.empty_text = (
            ""
            if self.model.rowCount()
            else _(
                "No events stored.\nTurn them on in the config file ([source] events = true), then Run now."
            )
        )
        rows = [n for n in range(self.model.rowCount()) if self.model.row_at(n).event.id == keep]
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(rows[0] if rows else 0))
        self.count_changed.emit(self.model.rowCount())

    @Slot(QModelIndex, QModelIndex)
    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            row = self.model.row_at(current.row())
            self.detail.show_event(row.event, row.picture)
