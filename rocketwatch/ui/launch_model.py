"""The launches the gallery shows, as a Qt list model, and the proxy that searches and filters them.

Everything a card paints is worked out once at load time; painting never touches the database or a file.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Slot,
)

from rocketwatch import timefmt
from rocketwatch.alerts import is_watched, watched
from rocketwatch.config import AlertsConfig
from rocketwatch.i18n import _
from rocketwatch.ll2.model import Launch, is_recent
from rocketwatch.store import Store
from rocketwatch.ui.status_style import status_style
from rocketwatch.ui.thumbnails import CardPictures, PictureLoader

RECENT = timedelta(hours=24)  # launches this far in the past still show, with their outcome
DEFAULT_THUMBNAIL_SIZE = QSize(240, 135)

AnyIndex = QModelIndex | QPersistentModelIndex


class LaunchRole(IntEnum):
    LAUNCH = Qt.ItemDataRole.UserRole + 1  # the Launch value
    ID = Qt.ItemDataRole.UserRole + 2
    NAME = Qt.ItemDataRole.UserRole + 3
    PROVIDER = Qt.ItemDataRole.UserRole + 4
    NET_TEXT = Qt.ItemDataRole.UserRole + 5  # timefmt.net_label: precision respected
    COUNTDOWN = Qt.ItemDataRole.UserRole + 6  # "in 5 h 12 min", or None when the NET is vague
    STATUS = Qt.ItemDataRole.UserRole + 7  # LL2 abbrev: "Go", "TBC", ...
    STATUS_WORD = Qt.ItemDataRole.UserRole + 8  # the badge's word
    NET_SORT = Qt.ItemDataRole.UserRole + 9  # NET as POSIX seconds (float)
    LOCATION = Qt.ItemDataRole.UserRole + 10
    MISSION = Qt.ItemDataRole.UserRole + 11
    PICTURE_PATH = Qt.ItemDataRole.UserRole + 12  # str of the kept picture, or None
    THUMBNAIL_PATH = Qt.ItemDataRole.UserRole + 13
    SEARCH_TEXT = Qt.ItemDataRole.UserRole + 14
    HAS_COUNTDOWN = Qt.ItemDataRole.UserRole + 15
    STARRED = Qt.ItemDataRole.UserRole + 16  # the user starred it (bool)
    WATCHED = Qt.ItemDataRole.UserRole + 17  # starred or matching what the alerts watch (bool)
    RECENT = Qt.ItemDataRole.UserRole + 18  # it already happened (ll2.model.is_recent): shown last
    MUTED = Qt.ItemDataRole.UserRole + 19  # the user muted its alerts (bool)


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)


@dataclass(frozen=True, slots=True)
class LaunchRow:
    """A launch with what its card needs, computed once at load time."""

    launch: Launch
    net_text: str
    net_sort: float
    search_text: str
    picture: Path | None
    thumbnail: Path | None
    recent: bool = False

    @property
    def has_countdown(self) -> bool:
        return timefmt.has_countdown(self.launch.net_precision)

    @property
    def card_picture(self) -> Path | None:
        """The file a card shows: the thumbnail, else the picture itself (decoded smaller)."""
        return self.thumbnail or self.picture


def launch_row(
    launch: Launch, paths: dict[str, tuple[Path | None, Path | None]], *, recent: bool = False
) -> LaunchRow:
    picture, thumbnail = paths.get(launch.image_url or "", (None, None))
    words = (
        launch.name,
        launch.provider,
        launch.location,
        launch.pad,
        launch.country,
        launch.rocket,
        launch.mission_name,
        launch.mission_type,
        launch.orbit,
        _(status_style(launch.status_abbrev).word),
    )
    net_text = timefmt.net_label(launch.net, launch.net_precision, zone=True)
    return LaunchRow(
        launch=launch,
        net_text=_("Recent · {net}").format(net=net_text) if recent else net_text,
        net_sort=launch.net.timestamp(),
        search_text=" ".join(word for word in words if word).casefold(),
        picture=picture,
        thumbnail=thumbnail,
        recent=recent,
    )


class LaunchListModel(QAbstractListModel):
    """Stored launches from about a day ago onwards, one row per launch: the upcoming ones soonest first,
    then the recent ones (those that already happened, LL2 keeps them a day) latest first; which are
    starred and which are watched (alerts.is_watched: starred, or matching the [alerts] watch lists)."""

    def __init__(
        self,
        store: Store,
        loader: PictureLoader,
        parent: QObject | None = None,
        *,
        alerts: AlertsConfig | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._loader = loader
        self._alerts = alerts or AlertsConfig()
        self._starred: frozenset[str] = frozenset()
        self._muted: frozenset[str] = frozenset()
        self._watched: set[str] = set()
        self._rows: list[LaunchRow] = []
        self._row_by_id: dict[str, int] = {}
        self._countdown_nets: list[float] = []
        self._pictures = CardPictures(loader, QSize(DEFAULT_THUMBNAIL_SIZE))
        loader.ready.connect(self._on_picture)

    # --- loading ------------------------------------------------------------------------------
    def reload(self, now: datetime | None = None) -> None:
        """Read the launches again (one query for launches, one for all picture paths)."""
        now = now or datetime.now(UTC)
        launches = self._store.launches.upcoming(since=now - RECENT)
        paths = self._store.images.kept_paths() if launches else {}
        self._starred = self._store.stars.starred()
        self._muted = self._store.mutes.muted()
        recent = [launch for launch in launches if is_recent(launch, now)]
        recent_ids = {launch.id for launch in recent}
        upcoming = [launch for launch in launches if launch.id not in recent_ids]
        self.set_rows(
            [
                *(launch_row(launch, paths) for launch in upcoming),
                *(launch_row(launch, paths, recent=True) for launch in reversed(recent)),
            ]
        )

    def set_rows(self, rows: list[LaunchRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._row_by_id = {row.launch.id: number for number, row in enumerate(rows)}
        self._countdown_nets = sorted(row.net_sort for row in rows if row.has_countdown)
        self._watched = self._watched_ids(rows)
        self._pictures.forget_rows()
        self._loader.forget_failures()  # a run may have fetched pictures that were missing
        self.endResetModel()

    def set_thumbnail_size(self, size: QSize, dpr: float) -> None:
        """The box (logical pixels) and device pixel ratio card pictures are decoded for."""
        if not self._pictures.resize(size, dpr):
            return
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [_DECORATION])

    # --- stars and what is watched ------------------------------------------------------------
    def set_alerts_config(self, alerts: AlertsConfig) -> None:
        """New watch lists: the watched rows are worked out again (the stars stay)."""
        if alerts == self._alerts:
            return
        self._alerts = alerts
        self._watched = self._watched_ids(self._rows)
        if self._rows:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._rows) - 1), [int(LaunchRole.WATCHED), _ACCESSIBLE]
            )

    def set_starred(self, launch_id: str, starred: bool) -> None:
        """Show a star set or cleared (the window has written it to the store): that card only."""
        self._starred = self._starred | {launch_id} if starred else self._starred - {launch_id}
        number = self._row_by_id.get(launch_id)
        if number is None:
            return
        if is_watched(self._rows[number].launch, self._alerts, self._starred):
            self._watched.add(launch_id)
        else:
            self._watched.discard(launch_id)
        index = self.index(number)
        self.dataChanged.emit(index, index, [int(LaunchRole.STARRED), int(LaunchRole.WATCHED), _ACCESSIBLE])

    def set_muted(self, launch_id: str, muted: bool) -> None:
        """Show a launch muted or unmuted (written to the store already): that card only."""
        self._muted = self._muted | {launch_id} if muted else self._muted - {launch_id}
        number = self._row_by_id.get(launch_id)
        if number is not None:
            index = self.index(number)
            self.dataChanged.emit(index, index, [int(LaunchRole.MUTED), _ACCESSIBLE])

    def is_muted(self, launch_id: str) -> bool:
        return launch_id in self._muted

    def is_starred(self, launch_id: str) -> bool:
        return launch_id in self._starred

    def is_watched_row(self, row: int) -> bool:
        return self._rows[row].launch.id in self._watched

    def watched_count(self) -> int:
        return len(self._watched)

    def _watched_ids(self, rows: list[LaunchRow]) -> set[str]:
        return {launch.id for launch in watched((row.launch for row in rows), self._alerts, self._starred)}

    # --- questions the window asks ------------------------------------------------------------
    def row_of(self, launch_id: str) -> int | None:
        return self._row_by_id.get(launch_id)

    def row_at(self, row: int) -> LaunchRow:
        return self._rows[row]

    def launch_at(self, row: int) -> Launch:
        return self._rows[row].launch

    def status_counts(self) -> Counter[str]:
        return Counter(row.launch.status_abbrev for row in self._rows)

    def recent_count(self) -> int:
        return sum(row.recent for row in self._rows)

    def countdown_due(self, now: datetime, within: timedelta) -> bool:
        """True when some launch with a countdown has its NET within `within` of now."""
        centre, reach = now.timestamp(), within.total_seconds()
        at = bisect.bisect_left(self._countdown_nets, centre - reach)
        return at < len(self._countdown_nets) and self._countdown_nets[at] <= centre + reach

    # --- QAbstractListModel -------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        row = self._rows[index.row()]
        launch = row.launch
        if role == _DISPLAY or role == LaunchRole.NAME:
            return launch.name
        if role == _DECORATION:
            return self._thumbnail(index.row(), row)
        if role == LaunchRole.NET_TEXT:
            return row.net_text
        if role == LaunchRole.COUNTDOWN:
            return timefmt.countdown(launch.net, launch.net_precision, datetime.now(UTC))
        if role == LaunchRole.STATUS:
            return launch.status_abbrev
        if role == LaunchRole.STATUS_WORD:
            return _(status_style(launch.status_abbrev).word)
        if role == LaunchRole.PROVIDER:
            return launch.provider
        if role == LaunchRole.LAUNCH:
            return launch
        if role == LaunchRole.ID:
            return launch.id
        if role == LaunchRole.NET_SORT:
            return row.net_sort
        if role == LaunchRole.LOCATION:
            return launch.location
        if role == LaunchRole.MISSION:
            return launch.mission_name
        if role == LaunchRole.PICTURE_PATH:
            return str(row.picture) if row.picture else None
        if role == LaunchRole.THUMBNAIL_PATH:
            return str(row.card_picture) if row.card_picture else None
        if role == LaunchRole.SEARCH_TEXT:
            return row.search_text
        if role == LaunchRole.HAS_COUNTDOWN:
            return row.has_countdown
        if role == LaunchRole.STARRED:
            return launch.id in self._starred
        if role == LaunchRole.WATCHED:
            return launch.id in self._watched
        if role == LaunchRole.RECENT:
            return row.recent
        if role == LaunchRole.MUTED:
            return launch.id in self._muted
        if role == _ACCESSIBLE:
            when = timefmt.countdown(launch.net, launch.net_precision, datetime.now(UTC)) or row.net_text
            parts = [_("Recent")] if row.recent else []
            parts += [launch.name, _(status_style(launch.status_abbrev).word), launch.provider, when]
            if launch.id in self._starred:
                parts.append(_("Starred: watching"))
            if launch.id in self._muted:
                parts.append(_("Muted: no alerts"))
            return ". ".join(parts)
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in LaunchRole})
        return names

    # --- pictures -----------------------------------------------------------------------------
    def _thumbnail(self, number: int, row: LaunchRow) -> Any:
        return self._pictures.pixmap(number, row.card_picture, row.picture)

    @Slot(str)
    def _on_picture(self, key: str) -> None:
        for number in self._pictures.rows_ready(key):
            if number < len(self._rows):
                index = self.index(number)
                self.dataChanged.emit(index, index, [_DECORATION])


class LaunchFilterModel(QSortFilterProxyModel):
    """Launches matching the search words (all of them, anywhere), the chosen status and, when asked,
    only the watched ones; by NET."""

    def __init__(self, source: LaunchListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._launches = source
        self._terms: tuple[str, ...] = ()
        self._status: str | None = None
        self._watched_only = False
        self._period: str | None = None  # "upcoming", "recent" or None (both)
        self.setSourceModel(source)
        self.setSortRole(LaunchRole.NET_SORT)
        self.setDynamicSortFilter(True)
        # No sort() by default: the source rows already come soonest first (the store orders by NET),
        # and sorting 1,000 rows here would cost ~12,000 Python data() calls on every reload.
        # sort_by_net(descending=True) turns the order round when a view wants latest first.

    def sort_by_net(self, *, descending: bool = False) -> None:
        if descending:
            self.sort(0, Qt.SortOrder.DescendingOrder)
        else:
            self.sort(-1)  # the source's own order: NET ascending

    @property
    def search(self) -> str:
        return " ".join(self._terms)

    @property
    def status(self) -> str | None:
        return self._status

    def set_search(self, text: str) -> None:
        terms = tuple(text.casefold().split())
        if terms != self._terms:
            self.beginFilterChange()
            self._terms = terms
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_status(self, abbrev: str | None) -> None:
        if abbrev != self._status:
            self.beginFilterChange()
            self._status = abbrev or None
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def watched_only(self) -> bool:
        return self._watched_only

    def set_watched_only(self, on: bool) -> None:
        if on != self._watched_only:
            self.beginFilterChange()
            self._watched_only = on
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def period(self) -> str | None:
        return self._period

    def set_period(self, period: str | None) -> None:
        """Only the upcoming launches, only the recent ones, or (None) both."""
        if period != self._period:
            self.beginFilterChange()
            self._period = period
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def is_filtering(self) -> bool:
        return bool(self._terms) or self._status is not None or self._watched_only or self._period is not None

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if source_parent.isValid() or source_row >= self._launches.rowCount():
            return False
        row = self._launches.row_at(source_row)
        if self._status is not None and row.launch.status_abbrev != self._status:
            return False
        if self._watched_only and not self._launches.is_watched_row(source_row):
            return False
        if self._period is not None and row.recent != (self._period == "recent"):
            return False
        return all(term in row.search_text for term in self._terms)

    def launch_at(self, row: int) -> Launch:
        return self._launches.launch_at(self.mapToSource(self.index(row, 0)).row())

    def row_of(self, launch_id: str) -> int | None:
        source_row = self._launches.row_of(launch_id)
        if source_row is None:
            return None
        index = self.mapFromSource(self._launches.index(source_row))
        return index.row() if index.isValid() else None
