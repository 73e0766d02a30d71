"""The detail pane of the run history: the selected run's task tries, each try's log text and the
notifications the run caused (run_alerts.py).

Everything here is plain text (logs and errors are data); the log is selectable and copyable.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rocketwatch.i18n import N_, _
from rocketwatch.pipeline import TASK_TITLES, RunActivity
from rocketwatch.states import RunState, trigger_words
from rocketwatch.store import RunRecord, Store, TaskTry
from rocketwatch.timefmt import CLOCK_SECONDS, format_moment, local
from rocketwatch.ui.run_alerts import RunAlerts
from rocketwatch.ui.run_model import (
    STATE_ROLE,
    StateDelegate,
    one_line,
    plain_tooltip,
    seconds_words,
    state_style,
    time_words,
)
from rocketwatch.ui.table_model import RowsTableModel

AnyIndex = QModelIndex | QPersistentModelIndex
TryKey = tuple[str, int]  # (task id, try number)


class TryColumn(IntEnum):
    TASK = 0
    TRY = 1
    STATE = 2
    STARTED = 3
    DURATION = 4
    ERROR = 5


TRY_HEADERS = (N_("Task"), N_("Try"), N_("State"), N_("Started"), N_("Duration"), N_("Error"))


def try_key(task_try: TaskTry) -> TryKey:
    return task_try.task_id, task_try.try_number


class TryTableModel(RowsTableModel):
    """The tries of one run, in pipeline order, each task's tries in the order they ran."""

    headers = TRY_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._next_try: tuple[TryKey, str] | None = None  # the try up for retry, and when the next comes

    def set_next_try(self, key: TryKey | None, words: str = "") -> None:
        """Say in that try's row when the next try comes (None: no try waits)."""
        old, self._next_try = self._next_try, (key, words) if key is not None else None
        for item in (old, self._next_try):
            row = self.row_of(item[0]) if item is not None else None
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(TryColumn) - 1))

    def _next_words(self, task_try: TaskTry) -> str:
        if (
            self._next_try is not None
            and self._next_try[0] == try_key(task_try)
            and task_try.state == RunState.UP_FOR_RETRY
        ):
            return self._next_try[1]
        return ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        task_try = self.row_object(index)
        if task_try is None:
            return None
        column = TryColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(task_try, column)
        if role == STATE_ROLE and column == TryColumn.STATE:
            return task_try.state
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TryColumn.TASK:
                title = TASK_TITLES.get(task_try.task_id)
                return _(title) if title else None
            if column == TryColumn.STARTED:
                return time_words(task_try.started_at)
            if column == TryColumn.ERROR and task_try.error:
                after = self._next_words(task_try)
                return plain_tooltip(f"{task_try.error}\n{after}" if after else task_try.error)
            if column == TryColumn.STATE and task_try.error:
                return plain_tooltip(task_try.error)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TryColumn.TRY:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _display(self, task_try: TaskTry, column: TryColumn) -> str:
        if column == TryColumn.TASK:
            return task_try.task_id
        if column == TryColumn.TRY:
            return str(task_try.try_number)
        if column == TryColumn.STATE:
            return state_style(task_try.state).label()
        if column == TryColumn.STARTED:
            return format_moment(local(task_try.started_at), CLOCK_SECONDS)
        if column == TryColumn.DURATION:
            if task_try.finished_at is None:
                return ""
            return seconds_words((task_try.finished_at - task_try.started_at).total_seconds())
        after = self._next_words(task_try)
        return f"{after} · {one_line(task_try.error)}" if after else one_line(task_try.error)

    def try_at(self, row: int) -> TaskTry | None:
        return self.at(row)

    def row_of(self, key: TryKey) -> int | None:
        return next((row for row, task_try in enumerate(self._rows) if try_key(task_try) == key), None)

    def set_tries(self, tries: list[TaskTry]) -> None:
        """Show these tries; when only the newest ones are new, rows are changed and appended in place."""
        old_keys = [try_key(t) for t in self._rows]
        new_keys = [try_key(t) for t in tries]
        if new_keys[: len(old_keys)] != old_keys:
            self.beginResetModel()
            self._rows = list(tries)
            self.endResetModel()
            return
        kept = len(old_keys)
        changed = [row for row in range(kept) if self._rows[row] != tries[row]]
        self._rows[:kept] = tries[:kept]
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(TryColumn) - 1))
        if len(tries) > kept:
            self.beginInsertRows(QModelIndex(), kept, len(tries) - 1)
            self._rows.extend(tries[kept:])
            self.endInsertRows()


class RunDetail(QWidget):
    """The selected run's summary, its tries and the log of the selected try."""

    try_selected = Signal(object)  # the TaskTry shown, or None

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._run_id: int | None = None
        self._shown_key: TryKey | None = None
        self._activity: RunActivity | None = None
        self._record: RunRecord | None = None

        self.title = QLabel(_("No run selected"))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title.setFont(title_font)
        self.title.setAccessibleName(_("Selected run"))
        self.summary = QLabel(_("Select a run to see the tries of its tasks and their logs."))
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName(_("Selected run details"))

        self.tries = TryTableModel(self)
        self.tries_view = QTableView()
        self.tries_view.setModel(self.tries)
        self.tries_view.setAccessibleName(_("Tries of the selected run"))
        self.tries_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tries_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tries_view.setItemDelegateForColumn(TryColumn.STATE, StateDelegate(self.tries_view))
        self.tries_view.verticalHeader().hide()
        # A try's error wraps in its cell (it was cut to "Could not rea"); rows grow to hold it.
        self.tries_view.setWordWrap(True)
        self.tries_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tries_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tries_view.setShowGrid(False)
        self.tries_view.setAlternatingRowColors(True)
        self.tries_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.tries_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TryColumn.ERROR, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(True)
        self.tries_view.selectionModel().currentRowChanged.connect(self._show_current_try)

        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)  # a long line is read whole
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setAccessibleName(_("Log of the selected try"))
        self.log.setPlaceholderText(_("The log of the selected try shows here."))

        self.log_title = QLabel(_("Log"))
        self.log_title.setTextFormat(Qt.TextFormat.PlainText)
        self.log_title.setBuddy(self.log)
        self.copy_button = QPushButton(_("&Copy log"))
        self.copy_button.setAccessibleName(_("Copy log"))
        self.copy_button.setToolTip(_("Copy the whole log of the selected try"))
        self.copy_button.clicked.connect(self.copy_log)
        self.copy_button.setEnabled(False)

        log_bar = QHBoxLayout()
        log_bar.addWidget(self.log_title, 1)
        log_bar.addWidget(self.copy_button)
        log_pane = QWidget()
        log_layout = QVBoxLayout(log_pane)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addLayout(log_bar)
        log_layout.addWidget(self.log, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tries_view)
        splitter.addWidget(log_pane)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([600, 600])  # the tries with their errors, and the log: half each
        self.alerts = RunAlerts(store)
        below = QSplitter(Qt.Orientation.Vertical)  # the tries and the log, then the notifications
        below.addWidget(splitter)
        below.addWidget(self.alerts)
        below.setStretchFactor(0, 2)
        below.setStretchFactor(1, 1)
        below.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        heading = QVBoxLayout()
        heading.setContentsMargins(6, 6, 6, 2)
        heading.setSpacing(2)
        heading.addWidget(self.title)
        heading.addWidget(self.summary)
        layout.addLayout(heading)
        layout.addWidget(below, 1)

    @property
    def run_id(self) -> int | None:
        return self._run_id

    def show_run(self, record: RunRecord | None) -> None:
        """Show a run (None clears the pane); its newest try is selected."""
        changed = record is None or record.id != self._run_id
        self._run_id = record.id if record else None
        if changed:
            self._shown_key = None
            self.tries.set_tries([])
        self._update_summary(record)
        self.refresh(select_newest=changed)
        self.alerts.show_run(self._run_id)
        self.set_activity(self._activity)

    def refresh(self, *, select_newest: bool = False) -> None:
        """Re-read the shown run's tries (a small read); the log grows in place, keeping any selection.

        Whoever watches the newest try keeps watching the newest one as the run moves on.
        """
        if self._run_id is None:
            self.tries.set_tries([])
            self._show_try(None)
            return
        newest = self.tries.try_at(self.tries.rowCount() - 1)
        select_newest = select_newest or (newest is not None and try_key(newest) == self._shown_key)
        tries = self._store.runs.tries(self._run_id)
        self.tries.set_tries(tries)
        row = None if select_newest or self._shown_key is None else self.tries.row_of(self._shown_key)
        if row is None and tries:
            row = len(tries) - 1
        if row is None:
            self._show_try(None)
            return
        index = self.tries.index(row, 0)
        if self.tries_view.currentIndex().row() != row:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.tries_view.selectionModel().setCurrentIndex(index, flags)
        else:
            self._show_try(self.tries.try_at(row))

    def update_run(self, record: RunRecord) -> None:
        """The shown run changed (a task moved on): new summary and tries."""
        if record.id == self._run_id:
            self._update_summary(record)
            self.refresh()
            self.alerts.refresh()  # the notify task claims its notifications before it succeeds

    def set_activity(self, activity: RunActivity | None) -> None:
        """What the active run does now; said in the summary while that run is shown."""
        self._activity = activity
        if self._record is not None:
            self._update_summary(self._record)
        waiting = activity is not None and activity.waiting and activity.run_id == self._run_id
        if waiting and activity is not None and activity.next_try_at is not None:
            when = format_moment(local(activity.next_try_at), CLOCK_SECONDS)
            words = _("Next try at {time}").format(time=when)
            self.tries.set_next_try((activity.task_id, activity.try_number), words)
        else:
            self.tries.set_next_try(None)

    def copy_log(self) -> None:
        QGuiApplication.clipboard().setText(self.log.toPlainText())

    # --- internals -------------------------------------------------------------------------------
    def _update_summary(self, record: RunRecord | None) -> None:
        self._record = record
        if record is None:
            self.title.setText(_("No run selected"))
            self.summary.setText(_("Select a run to see the tries of its tasks and their logs."))
            return
        title = _("Run {number}").format(number=record.id)
        self.title.setText(f"{title}  ·  {state_style(record.state).label()}")
        parts = [
            _("{trigger} run").format(trigger=trigger_words(record.trigger)),
            _("started {time}").format(time=time_words(record.started_at or record.created_at)),
        ]
        if record.duration_s is not None:
            parts.append(_("took {duration}").format(duration=seconds_words(record.duration_s)))
        if record.retries:
            parts.append(_("retried {count}×").format(count=record.retries))
        text = "  ·  ".join(parts)
        activity = self._activity
        if activity is not None and activity.run_id == record.id and (activity.waiting or activity.reason):
            text += "\n" + one_line(activity.words())
        elif record.error:
            text += "\n" + one_line(record.error)
        self.summary.setText(text)

    def _show_current_try(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_try(self.tries.try_at(current.row()) if current.isValid() else None)

    def _show_try(self, task_try: TaskTry | None) -> None:
        key = try_key(task_try) if task_try else None
        text = task_try.log if task_try else ""
        old = self.log.toPlainText()
        if key is not None and key == self._shown_key and text.startswith(old) and old:
            if len(text) > len(old):
                self._append(text[len(old) :])
        elif text != old or key != self._shown_key:
            self.log.setPlainText(text)
        self._shown_key = key
        if task_try is None:
            self.log_title.setText(_("Log"))
            placeholder = (
                _("No task of this run has started, so there is no log.")
                if self._run_id is not None
                else _("The log of the selected try shows here.")
            )
            self.log.setPlaceholderText(placeholder)
        else:
            self.log_title.setText(
                _("Log of {task}, try {number}").format(task=task_try.task_id, number=task_try.try_number)
            )
            self.log.setPlaceholderText(_("This try wrote nothing to its log."))
        self.copy_button.setEnabled(bool(text))
        self.try_selected.emit(task_try)

    def _append(self, extra: str) -> None:
        """Add text at the end without moving the user's selection; follow the end if it was in view."""
        bar = self.log.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        cursor = QTextCursor(self.log.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(extra)
        if at_end:
            bar.setValue(bar.maximum())
