"""The run history window: every run newest first, one coloured cell per task, Retry on failed runs,
and the tries and logs of the selected run; kept live by the RunController's signals, no polling.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTableView,
    QToolBar,
    QWidget,
)

from rocketwatch.config import Config
from rocketwatch.i18n import N_, _, ngettext
from rocketwatch.pipeline import RunActivity, RunEvent
from rocketwatch.states import TRIGGER_WORDS, RunState
from rocketwatch.store import RunRecord
from rocketwatch.store.runs import RETRYABLE_STATES
from rocketwatch.ui.controller import RunController
from rocketwatch.ui.run_detail import RunDetail
from rocketwatch.ui.run_model import (
    RETRY_ROLE,
    RUN_ROLE,
    TASK_COLUMNS,
    Column,
    RunTableModel,
    StateDelegate,
    state_style,
    time_words,
)
from rocketwatch.ui.window_state import restore_geometry, save_geometry

AnyIndex = QModelIndex | QPersistentModelIndex
GEOMETRY_KEY = "history"
TITLE = N_("Run history")  # the platform adds " — RocketWatch" (the application's display name)
DEFAULT_SIZE = QSize(1340, 720)  # every column of a run, its error included, shows at this size
ROW_EVENTS = ("task_state", "run_finished", "run_skipped")


def default_size(window: QWidget) -> QSize:
    """DEFAULT_SIZE, or less on a screen too small for it."""
    screen = window.screen()
    if screen is None:
        return DEFAULT_SIZE
    available = screen.availableGeometry().size()
    return DEFAULT_SIZE.boundedTo(QSize(available.width() - 40, available.height() - 60))


def retry_label() -> str:
    """The words on the Retry button of a run's row."""
    return "↻ " + _("Retry")


class RetryDelegate(QStyledItemDelegate):
    """Paints a Retry button in the rows of failed, interrupted and cancelled runs; reports clicks on it."""

    retry_clicked = Signal(int)  # run id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pressed: QPersistentModelIndex | None = None

    @staticmethod
    def button_rect(cell: QRect) -> QRect:
        return cell.adjusted(3, 2, -3, -2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        enabled = index.data(RETRY_ROLE)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if enabled is None:
            return
        button = QStyleOptionButton()
        button.rect = self.button_rect(opt.rect)
        button.text = retry_label()
        button.palette = opt.palette
        button.fontMetrics = opt.fontMetrics
        button.state = QStyle.StateFlag.State_Raised
        if enabled:
            button.state |= QStyle.StateFlag.State_Enabled
            if opt.state & QStyle.StateFlag.State_MouseOver:
                button.state |= QStyle.StateFlag.State_MouseOver
            if self._pressed is not None and self._pressed == index:
                button.state |= QStyle.StateFlag.State_Sunken
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        width = option.fontMetrics.horizontalAdvance(retry_label()) + 28
        return QSize(width, max(option.fontMetrics.height() + 12, 26))

    def editorEvent(
        self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem, index: AnyIndex
    ) -> bool:
        if index.data(RETRY_ROLE) is not True or not isinstance(event, QMouseEvent):
            self._pressed = None
            return False
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        inside = self.button_rect(option.rect).contains(event.position().toPoint())
        if event.type() == QEvent.Type.MouseButtonPress and inside:
            self._pressed = QPersistentModelIndex(index)
            return False  # the press still selects the row
        if event.type() == QEvent.Type.MouseButtonRelease:
            was_pressed = self._pressed is not None and self._pressed == index
            self._pressed = None
            if inside and was_pressed:
                record = index.data(RUN_ROLE)
                if isinstance(record, RunRecord):
                    self.retry_clicked.emit(record.id)
                return True
        return False


class RunTable(QTableView):
    """The table of runs; tells when it first painted (for benchmarks) and when Enter asks for a retry."""

    first_paint = Signal()
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_paint.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.retry_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class HistoryWindow(QMainWindow):
    """The Run history window (its title names the app once: Qt adds the application's name)."""

    first_paint = Signal()  # emitted once, when the table of runs first paints

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._asked_retry = False
        self._active = controller.is_active()
        self.setWindowTitle(_(TITLE))
        self.setMinimumSize(720, 420)

        self.model = RunTableModel(controller.store.runs, active=controller.is_active(), parent=self)
        self.table = RunTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Runs, newest first"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setMouseTracking(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(max(self.fontMetrics().height() + 14, 28))
        self.table.first_paint.connect(self.first_paint)
        self.table.retry_requested.connect(self.retry_selected)
        state_delegate = StateDelegate(self.table)
        for column in (Column.STATE, *TASK_COLUMNS):
            self.table.setItemDelegateForColumn(column, state_delegate)
        self.retry_delegate = RetryDelegate(self.table)
        self.retry_delegate.retry_clicked.connect(self.retry)
        self.table.setItemDelegateForColumn(Column.RETRY, self.retry_delegate)
        self._size_columns()
        self._show_events_column(controller.config)
        controller.config_changed.connect(self._show_events_column)

        self.detail = RunDetail(controller.store)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self._build_actions()
        self.activity = QLabel()
        self.activity.setTextFormat(Qt.TextFormat.PlainText)
        self.activity.setAccessibleName(_("Activity"))
        self.statusBar().addPermanentWidget(self.activity)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        controller.run_event.connect(self._on_run_event)
        controller.run_started.connect(self._on_run_started)
        controller.run_finished.connect(self._on_run_finished)
        controller.active_changed.connect(self._on_active_changed)
        controller.retry_refused.connect(self._on_retry_refused)
        controller.data_changed.connect(self.model.refresh_newest)
        self._waiting_timer = QTimer(self)
        self._waiting_timer.setInterval(20_000)
        self._waiting_timer.timeout.connect(self._count_down)
        controller.activity_changed.connect(self._on_activity)
        controller.runs_changed.connect(self._on_runs_changed)
        self._on_active_changed(controller.is_active())
        self._on_activity(controller.activity)

        if not restore_geometry(self, GEOMETRY_KEY, controller.paths):
            self.resize(default_size(self))
        if self.model.rowCount():
            self.table.selectRow(0)

    # --- building -----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.run_now_action = QAction("▶ " + _("&Run now"), self)
        self.run_now_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.run_now_action.setToolTip(_("Start a run now (F5)"))
        self.run_now_action.triggered.connect(lambda: self.controller.run_now())
        self.retry_action = QAction("↻ " + _("Re&try run"), self)
        self.retry_action.setShortcut(QKeySequence("Ctrl+R"))
        self.retry_action.setToolTip(
            _("Retry the selected failed, interrupted or cancelled run (Ctrl+R or Enter)")
        )
        self.retry_action.triggered.connect(self.retry_selected)
        self.cancel_action = QAction("⊘ " + _("Ca&ncel run"), self)
        self.cancel_action.setShortcut(QKeySequence("Ctrl+Shift+X"))
        self.cancel_action.setToolTip(_("Stop the active run; it can be retried afterwards (Ctrl+Shift+X)"))
        self.cancel_action.triggered.connect(self.cancel_run)
        self.copy_action = QAction(_("&Copy log"), self)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.triggered.connect(self.detail.copy_log)
        close_action = QAction(_("Close"), self)
        close_action.setShortcuts(
            [QKeySequence(Qt.Key.Key_Escape), QKeySequence(QKeySequence.StandardKey.Close)]
        )
        close_action.triggered.connect(self.close)
        toolbar = QToolBar(_(TITLE))
        toolbar.setObjectName("history-toolbar")
        toolbar.setAccessibleName(_("Run history actions"))
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.run_now_action)
        toolbar.addAction(self.retry_action)
        toolbar.addAction(self.cancel_action)
        self.addToolBar(toolbar)
        for action in (self.copy_action, close_action):
            self.addAction(action)
        for action, name in (
            (self.run_now_action, _("Run now")),
            (self.retry_action, _("Retry run")),
            (self.cancel_action, _("Cancel run")),
        ):
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(name)

    def _show_events_column(self, config: Config) -> None:
        """The download_events column shows only while events are asked for ([source] events)."""
        self.table.setColumnHidden(Column.DOWNLOAD_EVENTS, not config.source.events)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        model = self.model

        def title(column: Column) -> str:
            return str(model.headerData(column, Qt.Orientation.Horizontal))

        # The widest of the column's header and a typical value, in the language shown: Korean words
        # are wider than their English ones, and a header is never cut.
        widths = {
            Column.RUN: ("00000", title(Column.RUN)),
            Column.TRIGGER: (*(_(words) for words in TRIGGER_WORDS.values()), title(Column.TRIGGER)),
            Column.STARTED: (time_words(datetime(2000, 11, 25, 20, 0, tzinfo=UTC)) + "_",),
            Column.DURATION: (_("{minutes} min {seconds} s").format(minutes=59, seconds=59),),
            Column.STATE: ("__ " + state_style("interrupted").word + "_", "__ " + title(Column.STATE)),
            Column.RETRY: ("__" + retry_label() + "__",),
            Column.LAUNCHES: (title(Column.LAUNCHES) + "_",),
            Column.NEW: (title(Column.NEW) + "__",),
            Column.PICTURES: (
                _("{count} ({failed} failed)").format(count=10, failed=0),
                title(Column.PICTURES),
            ),
            Column.ERROR: ("Getting the launch list fro",),
        }
        for column, samples in widths.items():
            self.table.setColumnWidth(column, max(map(metrics.horizontalAdvance, samples)) + 16)
        for task_column, task_id in TASK_COLUMNS.items():
            samples = (
                f"_ {task_id}",
                "__ " + state_style("up_for_retry").word,
                "__ " + state_style("running").word + " 0/00",
            )
            self.table.setColumnWidth(task_column, max(map(metrics.horizontalAdvance, samples)) + 14)

    # --- what the user does --------------------------------------------------------------------
    def selected_run(self) -> RunRecord | None:
        index = self.table.currentIndex()
        return self.model.run_at(index.row()) if index.isValid() else None

    def show_run(self, run_id: int) -> bool:
        """Select that run (reading older pages as needed) and show its detail; False when it is unknown."""
        self.model.refresh_newest()
        row = self.model.row_of(run_id)
        while row is None and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
            row = self.model.row_of(run_id)
        if row is None:
            self.statusBar().showMessage(_("Run {number} is no longer in the history.").format(number=run_id))
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def retry_selected(self) -> None:
        record = self.selected_run()
        if record is not None and record.state in RETRYABLE_STATES:
            self.retry(record.id)

    def retry(self, run_id: int) -> None:
        if self.controller.is_active():
            self.statusBar().showMessage(_("A run is in progress; retry when it has finished."))
            return
        self._asked_retry = True
        self.statusBar().showMessage(_("Retrying run {number}…").format(number=run_id))
        self.controller.retry(run_id)

    def cancel_run(self) -> None:
        if self.controller.cancel():
            self.statusBar().showMessage(_("Cancelling the run…"))
            self.cancel_action.setEnabled(False)

    # --- what the controller reports ----------------------------------------------------------
    def _on_run_event(self, event: RunEvent) -> None:
        if event.kind in ROW_EVENTS:
            self.model.refresh_run(event.run_id)
        elif event.kind == "progress" and event.task_id and event.done is not None and event.total:
            self.model.set_progress(event.run_id, event.task_id, event.done, event.total)
        if event.run_id == self.detail.run_id and event.kind != "progress":
            row = self.model.row_of(event.run_id)
            record = self.model.run_at(row) if row is not None else None
            if event.kind == "log" or record is None:
                self.detail.refresh()
            else:
                self.detail.update_run(record)
        self._update_actions()

    def _on_run_started(self, run_id: int) -> None:
        self._asked_retry = False
        self.model.refresh_run(run_id)
        row = self.model.row_of(run_id)
        if row is not None and not self.table.currentIndex().isValid():
            self.table.selectRow(row)  # an empty history: follow the first run
        self._update_status()

    def _on_run_finished(self, record: RunRecord) -> None:
        self.model.refresh_run(record.id)
        if record.id == self.detail.run_id:
            self.detail.update_run(record)
        self._say_finished(record)
        self._update_status()

    def _say_finished(self, record: RunRecord) -> None:
        """Replace "Retrying run 4…" or "Cancelling the run…" with how the run ended."""
        if record.state == RunState.SKIPPED:
            return
        sentence = {
            RunState.SUCCESS: _("Run {number} succeeded"),
            RunState.FAILED: _("Run {number} failed"),
            RunState.CANCELLED: _("Run {number} was cancelled"),
            RunState.INTERRUPTED: _("Run {number} was interrupted"),
        }.get(record.state)
        if sentence is None:
            sentence = _("Run {number}: {state}")
        self.statusBar().showMessage(
            sentence.format(number=record.id, state=state_style(record.state).word), 10_000
        )

    def _on_runs_changed(self, record: RunRecord | None) -> None:
        """A run of another process (`rocketwatch run` or `retry`) started, moved on or ended."""
        self.model.refresh_newest()
        if self.detail.run_id is not None:
            row = self.model.row_of(self.detail.run_id)
            shown = self.model.run_at(row) if row is not None else None
            if shown is not None:
                self.detail.update_run(shown)
        if record is not None and record.finished_at is not None:
            self._say_finished(record)
        self._update_status()

    def _on_activity(self, activity: RunActivity | None) -> None:
        self.model.set_activity(activity)
        self.detail.set_activity(activity)
        self._update_status()
        # "Trying again at 20:24 (in 10 min)": the minutes count down while the run waits
        if activity is not None and activity.waiting:
            self._waiting_timer.start()
        else:
            self._waiting_timer.stop()

    def _count_down(self) -> None:
        if self.isVisible():
            self._on_activity(self.controller.activity)

    def _on_active_changed(self, active: bool) -> None:
        self._active = active
        self.model.set_active(active)
        self.run_now_action.setEnabled(not active)
        self.run_now_action.setToolTip(
            _("A run is in progress; cancel it or wait for it to end")
            if active
            else _("Start a run now (F5)")
        )
        self.cancel_action.setEnabled(active)
        self._update_status()

    def _on_retry_refused(self, reason: str) -> None:
        self.statusBar().showMessage(reason)
        if self._asked_retry and self.isVisible():
            box = QMessageBox(
                QMessageBox.Icon.Information,
                _("Retry not started"),
                reason,
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        self._asked_retry = False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_run(self.model.run_at(current.row()) if current.isValid() else None)
        self._update_actions()

    def _update_status(self) -> None:
        count = self.controller.store.runs.count()
        runs = ngettext("{count} run", "{count} runs", count).format(count=count)
        activity = self.controller.activity
        if activity is not None:
            if activity.waiting or activity.reason:
                words = _("Run {number}: {activity}").format(
                    number=activity.run_id, activity=activity.words()
                )
            else:
                words = _("Run {number}: in progress…").format(number=activity.run_id)
            self.activity.setText(f"{words}  ·  {runs}")
        else:
            active = self._active
            self.activity.setText(_("A run is in progress…") + f"  ·  {runs}" if active else runs)
        self._update_actions()

    def _update_actions(self) -> None:
        record = self.selected_run()
        retryable = record is not None and record.state in RETRYABLE_STATES
        # active_changed(False) arrives while the worker thread is still ending: trust the signal
        self.retry_action.setEnabled(retryable and not self._active)

    # --- window life ---------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        # Runs started by another process (`rocketwatch run`) appear when the window is shown again.
        self.model.refresh_newest()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        save_geometry(self, GEOMETRY_KEY, self.controller.paths)
        super().closeEvent(event)
