"""The run history as a Qt table model: runs newest first, paged from the store on demand,
kept live by the RunController's signals; plus how run and task states look (colour, symbol, word).
"""

from __future__ import annotations

import html
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from rocketwatch.i18n import N_, _, ngettext, pgettext
from rocketwatch.pipeline import TASK_TITLES, RunActivity
from rocketwatch.states import RunState, trigger_words
from rocketwatch.store import RunRecord
from rocketwatch.store.runs import RETRYABLE_STATES, RUNNING, RunStore
from rocketwatch.timefmt import (
    DAY_TIME_SECONDS,
    DAY_TIME_SECONDS_YEAR,
    DAY_YEAR_TIME,
    LONG,
    duration_words,
    format_moment,
    local,
)
from rocketwatch.ui.table_model import RowsTableModel

AnyIndex = QModelIndex | QPersistentModelIndex


# --- how a state looks ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateStyle:
    """A state's colour (Okabe-Ito, colour-blind safe), a symbol and a word, so it is never colour-only."""

    colour: str
    symbol: str
    english: str  # the word as marked for the catalog; `word` says it in the user's language

    @property
    def word(self) -> str:
        return _(self.english) if self.english else ""

    def label(self) -> str:
        return f"{self.symbol} {self.word}"


# The stored states are English words (machine values); a person reads their word, translated when shown.
STATE_STYLES: dict[str, StateStyle] = {
    RunState.QUEUED: StateStyle("#999999", "○", N_("queued")),
    RunState.RUNNING: StateStyle("#56B4E9", "▶", N_("running")),
    RunState.SUCCESS: StateStyle("#009E73", "✓", N_("success")),
    RunState.FAILED: StateStyle("#D55E00", "✗", N_("failed")),
    RunState.UP_FOR_RETRY: StateStyle("#E69F00", "↻", N_("up for retry")),
    RunState.SKIPPED: StateStyle("#CC79A7", "»", N_("skipped")),
    RunState.INTERRUPTED: StateStyle("#F0E442", "■", N_("interrupted")),
    RunState.CANCELLED: StateStyle("#0072B2", "⊘", N_("cancelled")),
}


def state_style(state: str) -> StateStyle:
    return STATE_STYLES.get(state, StateStyle("#999999", "?", state.replace("_", " ")))


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally (Qt would guess that text with tags is rich text)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def time_words(moment: datetime | None) -> str:
    """'Sat 22 Nov 14:30:05' (the year added when it is not this one): local time, in the user's language."""
    if moment is None:
        return ""
    when = local(moment)
    this_year = when.year == datetime.now(when.tzinfo).year
    return format_moment(when, DAY_TIME_SECONDS if this_year else DAY_TIME_SECONDS_YEAR)


def date_words(when: datetime) -> str:
    """'Sat 22 Nov 2026, 14:30' (an aware time, shown in its own zone), in the user's language."""
    return format_moment(when, DAY_YEAR_TIME)


def long_time_words(moment: datetime) -> str:
    """'Saturday 22 November 2026, 14:30:05 CET', local time, in the user's language."""
    return format_moment(local(moment), LONG)


def seconds_words(seconds: float | None) -> str:
    """'0.29 s', '12 s', '3 min 30 s' (durations of runs and tries)."""
    if seconds is None:
        return ""
    if seconds < 10:
        return _("{seconds} s").format(seconds=f"{seconds:.2f}")
    if seconds < 60:
        return _("{seconds} s").format(seconds=f"{seconds:.0f}")
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        if secs:
            return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=secs)
        return _("{minutes} min").format(minutes=minutes)
    return duration_words(timedelta(seconds=seconds))


STATE_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw state of a state or task cell (str)
RUN_ROLE = Qt.ItemDataRole.UserRole + 2  # the RunRecord of the row
RETRY_ROLE = Qt.ItemDataRole.UserRole + 3  # None: no Retry here; True/False: Retry enabled or not


class StateDelegate(QStyledItemDelegate):
    """Paints a state cell: a coloured badge holding the symbol, then the word in the palette text colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        state = index.data(STATE_ROLE)
        if not isinstance(state, str):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        style_of = state_style(state)
        rect = opt.rect.adjusted(4, 3, -4, -3)
        side = min(rect.height(), 20)
        badge = QRect(rect.left(), rect.top() + (rect.height() - side) // 2, side, side)
        fill = QColor(style_of.colour)
        group = (
            QPalette.ColorGroup.Normal
            if opt.state & QStyle.StateFlag.State_Enabled
            else QPalette.ColorGroup.Disabled
        )
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_colour = opt.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(opt.palette.color(group, QPalette.ColorRole.Mid))
        painter.setBrush(fill)
        painter.drawRoundedRect(badge.adjusted(0, 0, -1, -1), 4, 4)
        painter.setPen(contrast_colour(fill))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, style_of.symbol)
        word = text.split(" ", 1)[1] if " " in text else text
        text_rect = rect.adjusted(side + 6, 0, 0, 0)
        painter.setPen(text_colour)
        painter.setFont(opt.font)
        elided = QFontMetrics(opt.font).elidedText(word, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 24, max(size.height(), 24))


def contrast_colour(fill: QColor) -> QColor:
    """Dark or light ink, whichever reads better on `fill` (WCAG relative luminance)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    luminance = (
        0.2126 * channel(fill.redF()) + 0.7152 * channel(fill.greenF()) + 0.0722 * channel(fill.blueF())
    )
    return QColor("#000000") if luminance > 0.179 else QColor("#ffffff")


# --- the model --------------------------------------------------------------------------------


class Column(IntEnum):
    """The columns in the order they show: why a run failed sits beside its state and Retry, where it is
    seen at the window's default size (it was last, and cut to "Getting the l…")."""

    RUN = 0
    TRIGGER = 1
    STARTED = 2
    DURATION = 3
    STATE = 4
    RETRY = 5
    ERROR = 6
    DOWNLOAD_LAUNCHES = 7
    GET_PICTURES = 8
    NOTIFY = 9
    LAUNCHES = 10
    NEW = 11
    PICTURES = 12
    DOWNLOAD_EVENTS = 13  # the optional last task ([source] events): its failure leaves the run a success


# One column per task of the pipeline (tests check that this matches pipeline.TASK_IDS).
TASK_COLUMNS: dict[int, str] = {
    Column.DOWNLOAD_LAUNCHES: "download_launches",
    Column.GET_PICTURES: "get_pictures",
    Column.NOTIFY: "notify",
    Column.DOWNLOAD_EVENTS: "download_events",
}

# The task columns keep the task's id (a name, as in the logs and the command line); the tooltip says it.
HEADERS = {
    Column.RUN: N_("Run"),
    Column.TRIGGER: N_("Trigger"),
    Column.STARTED: N_("Started"),
    Column.DURATION: N_("Duration"),
    Column.STATE: N_("State"),
    Column.RETRY: N_("Retry"),
    Column.DOWNLOAD_LAUNCHES: "download_launches",
    Column.GET_PICTURES: "get_pictures",
    Column.NOTIFY: "notify",
    Column.LAUNCHES: N_("Launches"),
    Column.NEW: N_("New"),
    Column.PICTURES: N_("Pictures"),
    Column.ERROR: N_("Error"),
    Column.DOWNLOAD_EVENTS: "download_events",
}
HEADER_TIPS = {
    Column.RUN: N_("The run's number"),
    Column.TRIGGER: N_("What started the run"),
    Column.STARTED: N_("When the run started, local time"),
    Column.STATE: N_("The state of the whole run"),
    Column.RETRY: N_("Retry a failed, interrupted or cancelled run (Enter or Ctrl+R on the selected run)"),
    Column.LAUNCHES: N_("Launches in the list LL2 returned"),
    Column.NEW: N_("Launches seen for the first time"),
    Column.PICTURES: N_("Distinct launch pictures in the list"),
    Column.ERROR: N_(
        "Why the run failed, or why the active run waits to try again (the whole text on hover "
        "and below the table)"
    ),
    **{column: TASK_TITLES.get(task_id, task_id) for column, task_id in TASK_COLUMNS.items()},
}
NUMBER_COLUMNS = (Column.RUN, Column.LAUNCHES, Column.NEW, Column.PICTURES)


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


class RunTableModel(RowsTableModel):
    """Runs newest first. Only the first page is read at once; views page in more with fetchMore()."""

    PAGE_SIZE = 200
    headers = tuple(HEADERS[column] for column in Column)  # as marked; shown through headerData

    def __init__(
        self,
        runs: RunStore,
        *,
        page_size: int = PAGE_SIZE,
        active: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runs = runs
        self.page_size = page_size
        self._exhausted = False
        self._active = active
        self._progress: dict[tuple[int, str], tuple[int, int]] = {}
        self._activity: RunActivity | None = None
        self.fetchMore(QModelIndex())

    # --- Qt's model interface ----------------------------------------------------------------
    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() or self._exhausted:
            return
        page = self._runs.latest(limit=self.page_size, offset=len(self._rows))
        self._exhausted = len(page) < self.page_size
        if self._rows:  # runs written by another process shift the offsets: never show one twice
            oldest = self._rows[-1].id
            page = [record for record in page if record.id < oldest]
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if Column(section) in TASK_COLUMNS:
                return HEADERS[Column(section)]  # task ids, as in logs and the CLI
            if Column(section) == Column.LAUNCHES:
                return pgettext("how many", "Launches")  # a count here, the launch list elsewhere
            return _(HEADERS[Column(section)])
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = HEADER_TIPS.get(Column(section))
            return _(tip) if tip else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(Column):
            return None
        record = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == RUN_ROLE:
            return record
        if role == STATE_ROLE:
            return self._state(record, column)
        if role == RETRY_ROLE:
            if column != Column.RETRY or record.state not in RETRYABLE_STATES:
                return None
            return not self._active
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == Column.RETRY:
                return (
                    _("Retry run {number}").format(number=record.id)
                    if record.state in RETRYABLE_STATES
                    else ""
                )
            return self._display(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMBER_COLUMNS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    # --- cells ---------------------------------------------------------------------------------
    @staticmethod
    def _task(record: RunRecord, task_id: str) -> Any:
        return next((task for task in record.tasks if task.task_id == task_id), None)

    def _state(self, record: RunRecord, column: Column) -> str | None:
        if column == Column.STATE:
            return record.state
        if column in TASK_COLUMNS:
            task = self._task(record, TASK_COLUMNS[column])
            return task.state if task else None
        return None

    def _display(self, record: RunRecord, column: Column) -> str:
        if column == Column.RUN:
            return str(record.id)
        if column == Column.TRIGGER:
            return trigger_words(record.trigger)
        if column == Column.STARTED:
            return time_words(record.started_at or record.created_at)
        if column == Column.DURATION:
            return "" if record.state == RUNNING else seconds_words(record.duration_s)
        if column == Column.RETRY:
            return _("Retry") if record.state in RETRYABLE_STATES else ""
        if column == Column.LAUNCHES:
            return _count(record.launches)
        if column == Column.NEW:
            return _count(record.new_launches)
        if column == Column.PICTURES:
            failed = record.images.get("failed")
            text = _count(record.images.get("distinct"))
            return _("{count} ({failed} failed)").format(count=text, failed=failed) if failed else text
        if column == Column.ERROR:
            activity = self._activity_of(record)
            if activity is not None and (activity.waiting or activity.reason):
                return one_line(activity.words())
            return one_line(record.error)
        state = self._state(record, column)
        if state is None:
            return ""
        text = state_style(state).label()
        if column in TASK_COLUMNS and state == RUNNING:
            done_total = self._progress.get((record.id, TASK_COLUMNS[column]))
            if done_total:
                text += f" {done_total[0]}/{done_total[1]}"
        return text

    def _activity_of(self, record: RunRecord) -> RunActivity | None:
        activity = self._activity
        return activity if activity is not None and activity.run_id == record.id else None

    def _tooltip(self, record: RunRecord, column: Column) -> str | None:
        activity = self._activity_of(record)
        if (
            activity is not None
            and (activity.waiting or activity.reason)
            and (column == Column.ERROR or TASK_COLUMNS.get(column) == activity.task_id)
        ):
            return plain_tooltip(activity.words())
        if column in TASK_COLUMNS:
            task = self._task(record, TASK_COLUMNS[column])
            if task is None:
                return None
            tries = ngettext("{count} try", "{count} tries", task.tries).format(count=task.tries)
            lines = [
                _("{task}: {state} ({tries})").format(
                    task=task.task_id, state=state_style(task.state).word, tries=tries
                )
            ]
            if task.error:
                lines.append(task.error)
            return plain_tooltip("\n".join(lines))
        if column == Column.ERROR and record.error:
            return plain_tooltip(record.error)
        if column == Column.PICTURES and record.images.get("distinct") is not None:
            counts = record.images
            return ngettext(
                "{count} picture: {downloaded} downloaded, {cached} already kept, {failed} failed",
                "{count} pictures: {downloaded} downloaded, {cached} already kept, {failed} failed",
                counts.get("distinct") or 0,
            ).format(
                count=counts.get("distinct"),
                downloaded=counts.get("downloaded") or 0,
                cached=counts.get("cached") or 0,
                failed=counts.get("failed") or 0,
            )
        if column == Column.STARTED:
            return long_time_words(record.started_at or record.created_at)
        if column == Column.STATE and record.retries:
            return ngettext("Retried {count} time", "Retried {count} times", record.retries).format(
                count=record.retries
            )
        return None

    # --- reading runs and keeping them live ----------------------------------------------------
    def run_at(self, row: int) -> RunRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, run_id: int) -> int | None:
        row = bisect_left(self._rows, -run_id, key=lambda record: -record.id)
        return row if row < len(self._rows) and self._rows[row].id == run_id else None

    @property
    def exhausted(self) -> bool:
        """True when every run in the store has been read."""
        return self._exhausted

    def refresh_run(self, run_id: int) -> None:
        """Re-read one run: its row changes in place, or a run newer than those shown appears on top."""
        record = self._runs.get(run_id)
        if record is None:
            return
        row = self.row_of(run_id)
        if row is not None:
            self._replace(row, record)
        elif not self._rows or run_id > self._rows[-1].id or self._exhausted:
            self._insert(record)

    def refresh_newest(self) -> None:
        """Pick up runs created meanwhile (also by another process) and changes to the newest ones."""
        for record in reversed(self._runs.latest(limit=min(self.page_size, 50))):
            row = self.row_of(record.id)
            if row is None:
                if not self._rows or record.id > self._rows[-1].id or self._exhausted:
                    self._insert(record)
            elif self._rows[row] != record:
                self._replace(row, record)

    def set_active(self, active: bool) -> None:
        """While a run is active every Retry is disabled."""
        if active == self._active:
            return
        self._active = active
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.RETRY), self.index(len(self._rows) - 1, Column.RETRY), [RETRY_ROLE]
            )

    def set_activity(self, activity: RunActivity | None) -> None:
        """What the active run does now (why a try failed, when the next comes): shown in its row."""
        old, self._activity = self._activity, activity
        for run_id in {item.run_id for item in (old, activity) if item is not None}:
            row = self.row_of(run_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def set_progress(self, run_id: int, task_id: str, done: int, total: int) -> None:
        self._progress[(run_id, task_id)] = (done, total)
        row = self.row_of(run_id)
        column = next((c for c, t in TASK_COLUMNS.items() if t == task_id), None)
        if row is not None and column is not None:
            index = self.index(row, column)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def _replace(self, row: int, record: RunRecord) -> None:
        if record.state != RUNNING:
            self._progress = {key: value for key, value in self._progress.items() if key[0] != record.id}
        self._rows[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _insert(self, record: RunRecord) -> None:
        row = bisect_left(self._rows, -record.id, key=lambda item: -item.id)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, record)
        self.endInsertRows()
