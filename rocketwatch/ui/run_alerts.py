"""The notifications a run caused, for the run history's detail pane: kind, launch or title, the message's
first line, what became of it (sent, kept quiet, failed), through which backend, and when. Plain text.
"""

from __future__ import annotations

from datetime import timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rocketwatch.alerts import lead_words
from rocketwatch.i18n import N_, _
from rocketwatch.store import LedgerEntry, Store
from rocketwatch.store.ledger import CLAIMED, FAILED, SENT, SUPPRESSED
from rocketwatch.timefmt import CLOCK_SECONDS, format_moment, local
from rocketwatch.ui.run_model import STATE_ROLE, StateDelegate, one_line, plain_tooltip, time_words
from rocketwatch.ui.table_model import RowsTableModel

AnyIndex = QModelIndex | QPersistentModelIndex
EMPTY_TEXT = N_("No notifications for this run")


class AlertColumn(IntEnum):
    KIND = 0
    TITLE = 1
    MESSAGE = 2
    STATE = 3
    BACKEND = 4
    TIME = 5


ALERT_HEADERS = (N_("Kind"), N_("Title"), N_("Message"), N_("What happened"), N_("Shown by"), N_("Time"))
ROWS_SHOWN = 6  # the pane grows to show this many notifications without scrolling, then scrolls
LATE = timedelta(minutes=5)  # a reminder claimed this long after its planned time says so
# The ledger's kinds and states are stored machine words; these are what a person reads (translated when
# shown).
KIND_WORDS = {
    "summary": N_("Run summary"),
    "run_failed": N_("Run failed"),
    "slip": N_("Time change"),
    "status": N_("Status change"),
    "webcast": N_("Webcast live"),
    "landing": N_("Landing outcome"),
    "update": N_("LL2 update"),
    "event": N_("Event"),
}
# A ledger state in the words of the history; the run states' look (StateDelegate) gives the badge.
STATE_WORDS = {
    SENT: N_("sent"),
    SUPPRESSED: N_("quiet hours: not shown"),
    FAILED: N_("failed"),
    CLAIMED: N_("not delivered"),
}
# Why a notification was kept and not shown depends on its kind: a setting, or the quiet hours.
KEPT_WORDS = {
    "summary": N_("run summaries off: not shown"),
    "run_failed": N_("failure alerts off: not shown"),
}
KEPT_TIPS = {
    "summary": N_(
        "Run summaries are turned off in Settings (Notifications); the run still counted its launches."
    ),
    "run_failed": N_("Failure alerts are turned off in Settings (Notifications)."),
    "": N_("Launch alerts in your quiet hours are recorded, not shown (Settings, Alerts)."),
}
STATE_LOOK = {SENT: "success", SUPPRESSED: "skipped", FAILED: "failed", CLAIMED: "interrupted"}
BACKEND_WORDS = {
    "freedesktop": N_("desktop notification"),
    "plyer": N_("desktop notification"),
    "notify-send": N_("desktop notification"),
    "tray": N_("tray message"),
    "log": N_("log only"),
}


def kind_words(entry: LedgerEntry) -> str:
    """'Reminder, 1 hour before', 'Reminder, 24 hours before (sent late)', 'Time change', 'Run summary'."""
    if entry.kind == "reminder" and entry.lead_s:
        late = entry.fire_at is not None and entry.created_at - entry.fire_at > LATE
        lead = lead_words(timedelta(seconds=entry.lead_s))
        if late:
            return _("Reminder, {lead} before (sent late)").format(lead=lead)
        return _("Reminder, {lead} before").format(lead=lead)
    if entry.kind == "reminder":
        return _("Reminder")
    known = KIND_WORDS.get(entry.kind)
    return _(known) if known is not None else entry.kind.replace("_", " ").capitalize()


class AlertTableModel(RowsTableModel):
    """The ledger entries of one run, oldest first."""

    headers = ALERT_HEADERS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.row_object(index)
        if entry is None:
            return None
        column = AlertColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(entry, column)
        if role == STATE_ROLE and column == AlertColumn.STATE:
            return STATE_LOOK.get(entry.state, entry.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (AlertColumn.TITLE, AlertColumn.MESSAGE):
                return plain_tooltip(f"{entry.title}\n{entry.body}")
            if column == AlertColumn.TIME:
                return time_words(entry.delivered_at or entry.created_at)
            if column == AlertColumn.BACKEND and entry.backend:
                return plain_tooltip(_("Backend: {backend}").format(backend=entry.backend))
            if column == AlertColumn.STATE and entry.state == SUPPRESSED:
                return _(KEPT_TIPS.get(entry.kind, KEPT_TIPS[""]))
        return None

    @staticmethod
    def _display(entry: LedgerEntry, column: AlertColumn) -> str:
        if column == AlertColumn.KIND:
            return kind_words(entry)
        if column == AlertColumn.TITLE:
            return one_line(entry.title)
        if column == AlertColumn.MESSAGE:
            return one_line(entry.body.splitlines()[0] if entry.body else "")
        if column == AlertColumn.STATE:
            if entry.state == SUPPRESSED and entry.kind in KEPT_WORDS:
                return _(KEPT_WORDS[entry.kind])
            state = STATE_WORDS.get(entry.state)
            return _(state) if state is not None else entry.state
        if column == AlertColumn.BACKEND:
            backend = BACKEND_WORDS.get(entry.backend or "")
            return _(backend) if backend is not None else entry.backend or ""
        return format_moment(local(entry.delivered_at or entry.created_at), CLOCK_SECONDS)

    def entry_at(self, row: int) -> LedgerEntry | None:
        return self.at(row)

    def set_entries(self, entries: list[LedgerEntry]) -> None:
        if entries != self._rows:
            self.beginResetModel()
            self._rows = list(entries)
            self.endResetModel()


class RunAlerts(QWidget):
    """A heading, then the table of a run's notifications, or the words "No notifications for this run"."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._run_id: int | None = None
        self.model = AlertTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Notifications of the selected run"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setItemDelegateForColumn(AlertColumn.STATE, StateDelegate(self.view))
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The message takes the room left, so the columns after it stay in view (no sideways scrolling).
        header.setSectionResizeMode(AlertColumn.MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        metrics = self.fontMetrics()
        for column, sample in (
            (
                AlertColumn.KIND,
                _("Reminder, {lead} before (sent late)").format(lead=lead_words(timedelta(hours=24))),
            ),
            (AlertColumn.TITLE, "Falcon 9 Block 5 | Starlink Group 10-00"),
            (AlertColumn.MESSAGE, "Launches in 19 h 25 min — Sun 16:00 CET"),
            (AlertColumn.STATE, "__ " + _(KEPT_WORDS["run_failed"]) + "_"),
            (AlertColumn.BACKEND, _(BACKEND_WORDS["tray"]) + "_"),
            (AlertColumn.TIME, "00:00:00__"),
        ):
            self.view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 16)
        self.view.verticalHeader().setDefaultSectionSize(max(metrics.height() + 10, 24))

        self.title = QLabel(_("Notifications"))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setBuddy(self.view)
        self.empty = QLabel(_(EMPTY_TEXT))
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAccessibleName(_(EMPTY_TEXT))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.view)
        layout = self._column = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.pages, 1)
        self._fit_rows(0)

    def show_run(self, run_id: int | None) -> None:
        """Read the notifications of that run (None: none) and show them."""
        self._run_id = run_id
        entries = self._store.ledger.entries(run_id=run_id) if run_id is not None else []
        self.model.set_entries(entries)
        count = len(entries)
        self.title.setText(_("Notifications ({count})").format(count=count) if count else _("Notifications"))
        self.pages.setCurrentWidget(self.view if entries else self.empty)
        self.empty.setText(_(EMPTY_TEXT) if run_id is not None else "")
        self._fit_rows(count)

    def _fit_rows(self, count: int) -> None:
        """Be tall enough for the heading, the column headers and every row (up to ROWS_SHOWN): a run's
        three notifications all show (the list used to show two of them)."""
        rows = min(max(count, 2), ROWS_SHOWN)
        header = self.view.horizontalHeader().sizeHint().height()
        scrollbar = self.view.horizontalScrollBar().sizeHint().height()
        body = rows * self.view.verticalHeader().defaultSectionSize() + 2 * self.view.frameWidth()
        height = self.title.sizeHint().height() + self._column.spacing() + header + body + scrollbar // 2
        self.setMinimumHeight(height)

    def refresh(self) -> None:
        self.show_run(self._run_id)
