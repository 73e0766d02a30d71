"""The launch gallery window: a searchable grid of launch cards with a detail pane beside it.

It follows the RunController: reloads when data changes, shows run progress, and has Run now (F5).
Stars (Watch this launch, S) are written to the store here and announced with watch_changed.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QByteArray, QEvent, QItemSelection, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from rocketwatch.config import Config
from rocketwatch.i18n import N_, _, ngettext
from rocketwatch.pipeline import RunActivity
from rocketwatch.states import RunState
from rocketwatch.store import RunRecord
from rocketwatch.ui.controller import RunController
from rocketwatch.ui.gallery_empty import EmptyState
from rocketwatch.ui.launch_card import LaunchCardDelegate, LaunchGridView
from rocketwatch.ui.launch_detail import LaunchDetail, plain_label
from rocketwatch.ui.launch_model import LaunchFilterModel, LaunchListModel
from rocketwatch.ui.run_progress import RunProgressLine
from rocketwatch.ui.status_style import STATUS_ORDER, status_dot_icon, status_style
from rocketwatch.ui.thumbnails import PictureLoader
from rocketwatch.ui.watch_star import WATCH_TEXT, WATCH_TIP, star_icon, watch_message
from rocketwatch.ui.window_state import restore_geometry, save_geometry, window_settings

TITLE = N_("Launches")  # the platform adds " — RocketWatch" (the application's display name)
STATE_KEY = "gallery"
OFFLINE_HINT = N_(
    "Check the network connection, or try `rocketwatch --demo` to look around with sample launches."
)
SOON = timedelta(minutes=2)  # within this of a NET the countdown shows seconds: repaint every second
EVENTS_ITEM = "@events"  # the filter's "Events" entry: LL2's upcoming events instead of the launches
WATCHED_ITEM = "@watched"  # the filter's "Watched" entry (LL2 status abbreviations never start with @)
# The filter's entries for launches still to come and those of the last 24 hours (launch_model.RECENT).
PERIOD_ITEMS = {"@upcoming": "upcoming", "@recent": "recent"}


class GalleryWindow(QMainWindow):
    """Upcoming launches as cards; the selected one in detail."""

    first_paint = Signal()  # the grid painted for the first time (for benchmarks)
    watch_changed = Signal()  # a launch was starred or unstarred: the tray app plans its reminders again

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._stale = False
        self._shown = False
        self._active = False  # a run of this app is active
        self._selected_id: str | None = None
        self._last_tick_minute: datetime | None = None
        self.setWindowTitle(_(TITLE))
        self.setMinimumSize(720, 480)

        self.loader = PictureLoader(parent=self)
        self.model = LaunchListModel(controller.store, self.loader, self, alerts=controller.config.alerts)
        self.proxy = LaunchFilterModel(self.model, self)

        self._build_actions()
        self._build_toolbar()
        self._build_body()
        self._build_status_bar()

        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(1000)
        self.countdown_timer.timeout.connect(self._tick)

        controller.data_changed.connect(self._on_data_changed)
        controller.active_changed.connect(self._on_active_changed)
        controller.run_event.connect(self.progress_line.show_event)
        controller.run_finished.connect(self._on_run_finished)
        controller.config_changed.connect(self._on_config_changed)
        controller.activity_changed.connect(self._on_activity)

        self._reload()
        self._on_active_changed(controller.is_active())
        self._on_activity(controller.activity)
        if not restore_geometry(self, STATE_KEY, controller.paths):
            self.resize(1180, 760)
        splitter_state = window_settings(controller.paths).value(f"{STATE_KEY}/splitter")
        if isinstance(splitter_state, QByteArray | bytes):
            self.splitter.restoreState(QByteArray(splitter_state))

    # --- building -----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        reload_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
        self.run_action = QAction(reload_icon, _("Run now"), self)
        self.run_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.run_action.setToolTip(_("Get the next launches and their pictures now (F5)"))
        self.run_action.triggered.connect(self.run_now)
        self.addAction(self.run_action)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_search)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self._on_escape)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(_("Launches"))
        toolbar.setObjectName("gallery-toolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.run_action)
        run_button = toolbar.widgetForAction(self.run_action)
        if run_button is not None:
            run_button.setAccessibleName(_("Run now"))
        toolbar.addSeparator()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search name, provider, place, mission…  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search launches"))
        self.search.setMinimumWidth(220)
        self.search.setMaximumWidth(520)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._focus_grid)
        toolbar.addWidget(self.search)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(_("Filter by status or watched"))
        self.status_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_filter.currentIndexChanged.connect(self._on_status_filter)
        toolbar.addWidget(self.status_filter)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _build_body(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        self.progress_line = RunProgressLine()
        self.progress_line.cancel_button.clicked.connect(self.cancel_run)
        layout.addWidget(self.progress_line)

        self.pages = QStackedWidget()
        self.empty_state = EmptyState()
        self.empty_state.run_button.clicked.connect(self.run_now)
        self.empty_state.cancel_button.clicked.connect(self.cancel_run)
        self.pages.addWidget(self.empty_state)

        self.view = LaunchGridView()
        self.delegate = LaunchCardDelegate(self.view)
        self.delegate.star_clicked.connect(self.toggle_watching)
        self.view.setItemDelegate(self.delegate)
        self.view.setModel(self.proxy)
        self.view.first_paint.connect(self.first_paint)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.model.set_thumbnail_size(self.delegate.geometry.picture, self.view.devicePixelRatioF())

        store = self.controller.store
        self.detail = LaunchDetail(
            self.loader,
            self.controller.paths.images_dir,
            changes_for=lambda launch_id: store.launches.changes(launch_id=launch_id),
            picture_for=lambda url: store.images.paths_for(url)[0],
        )
        self.detail.watch_toggled.connect(self._on_watch_action)
        self.detail.unmute_requested.connect(self._on_unmute)
        self.watch_action = QAction(
            star_icon(self.palette(), 16, self.devicePixelRatioF()), _(WATCH_TEXT), self
        )
        self.watch_action.setCheckable(True)
        self.watch_action.setEnabled(False)
        self.watch_action.setShortcut(QKeySequence(Qt.Key.Key_S))
        self.watch_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.watch_action.setToolTip(_(WATCH_TIP))
        self.watch_action.triggered.connect(self._on_watch_action)
        self.view.addAction(self.watch_action)  # S on the selected card, and its context menu
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("gallery-splitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([760, 420])
        self.pages.addWidget(self.splitter)
        from rocketwatch.ui.event_section import EventsPage

        self.events_page = EventsPage(store, self.loader)  # the filter's "Events" entry shows it
        self.pages.addWidget(self.events_page)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(body)
        self.setTabOrder(self.search, self.status_filter)
        self.setTabOrder(self.status_filter, self.view)
        self.setTabOrder(self.view, self.detail)

    def _build_status_bar(self) -> None:
        self.count_label = plain_label(wrap=False, selectable=False)
        self.count_label.setAccessibleName(_("Launches shown"))
        self.statusBar().addPermanentWidget(self.count_label)
        for signal in (
            self.proxy.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_count)

    # --- public -------------------------------------------------------------------------------
    @Slot()
    def run_now(self) -> None:
        self.controller.run_now()

    @Slot()
    def cancel_run(self) -> None:
        if self.controller.cancel():
            self.progress_line.cancelling()
            self.empty_state.cancel_button.setEnabled(False)

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def show_launch(self, launch_id: str) -> None:
        """Select that launch, show its details and bring the window to the front."""
        if self.status_filter.currentData() == EVENTS_ITEM:
            self.status_filter.setCurrentIndex(0)  # back from the events to the launches
        if self._stale:
            self._reload()
        if self.model.row_of(launch_id) is not None and self.proxy.row_of(launch_id) is None:
            self.search.clear()  # the filters hide it: show everything again
            self.status_filter.setCurrentIndex(0)
        row = self.proxy.row_of(launch_id)
        if row is not None:
            self._select_row(row)
        else:  # older than the gallery's window of time: show what the store knows
            launch = self.controller.store.launches.get(launch_id)
            if launch is not None:
                self.view.clearSelection()
                self.pages.setCurrentWidget(self.splitter)
                self._selected_id = launch.id
                self.detail.show_launch(
                    launch,
                    self.controller.store.images.paths_for(launch.image_url)[0],
                    watching=self.model.is_starred(launch.id),
                )
                self._sync_watch_controls()
        if self.isMinimized():
            self.showNormal()
        else:
            self.show()
        self.raise_()
        self.activateWindow()

    def selected_launch_id(self) -> str | None:
        return self._selected_id

    @Slot(str)
    def toggle_watching(self, launch_id: str) -> None:
        self.set_watching(launch_id, not self.model.is_starred(launch_id))

    def set_watching(self, launch_id: str, watching: bool) -> None:
        """Star (watch) or unstar a launch: written to the store, its card and the detail pane repainted
        in place, then watch_changed so the reminders are planned again."""
        stars = self.controller.store.stars
        try:
            if watching:
                stars.star(launch_id)
            else:
                stars.unstar(launch_id)
        except sqlite3.Error as error:
            self.statusBar().showMessage(
                _("The star could not be saved: {error}").format(error=error), 15_000
            )
            self._sync_watch_controls()
            return
        self.model.set_starred(launch_id, watching)
        self._sync_watch_controls()
        self._update_watched_item()
        row = self.model.row_of(launch_id)
        name = self.model.launch_at(row).name if row is not None else _("this launch")
        still = row is not None and self.model.is_watched_row(row)
        self.statusBar().showMessage(watch_message(name, watching, still_watched=still), 6_000)
        self.watch_changed.emit()

    @Slot(bool)
    def _on_watch_action(self, checked: bool) -> None:
        """S, the context menu or the detail pane's button: the selected launch (the one in the pane)."""
        if self._selected_id is not None:
            self.set_watching(self._selected_id, checked)

    def _sync_watch_controls(self) -> None:
        """The detail pane's button and the S action follow the selected launch's star."""
        selected = self._selected_id
        watching = selected is not None and self.model.is_starred(selected)
        self.watch_action.setEnabled(selected is not None)
        self.watch_action.setChecked(watching)
        if selected is not None and self.detail.launch is not None and self.detail.launch.id == selected:
            self.detail.set_watching(watching)
            self.detail.set_muted(self.model.is_muted(selected))

    def set_muted(self, launch_id: str, muted: bool) -> None:
        """Mute or unmute a launch's alerts: written to the store, its card and the detail pane repainted,
        then watch_changed so the reminders are planned again."""
        mutes = self.controller.store.mutes
        try:
            if muted:
                mutes.mute(launch_id)
            else:
                mutes.unmute(launch_id)
        except sqlite3.Error as error:
            self.statusBar().showMessage(
                _("The change could not be saved: {error}").format(error=error), 15_000
            )
            return
        self.show_muted(launch_id, muted)
        self.watch_changed.emit()

    def show_muted(self, launch_id: str, muted: bool) -> None:
        """A mute made elsewhere (a notification's button) shown on the card and in the pane."""
        self.model.set_muted(launch_id, muted)
        self._sync_watch_controls()
        row = self.model.row_of(launch_id)
        name = self.model.launch_at(row).name if row is not None else _("this launch")
        message = _("Muted: no more alerts for {name}") if muted else _("Unmuted: alerts for {name} again")
        self.statusBar().showMessage(message.format(name=name), 6_000)

    @Slot()
    def _on_unmute(self) -> None:
        if self._selected_id is not None:
            self.set_muted(self._selected_id, False)

    @Slot(object)
    def _on_config_changed(self, config: Config) -> None:
        self.model.set_alerts_config(config.alerts)
        self._update_watched_item()

    # --- reloading ----------------------------------------------------------------------------
    @Slot()
    def _on_data_changed(self) -> None:
        if self.isVisible():
            self._reload()
        else:
            self._stale = True  # read again when the window is shown

    def _reload(self) -> None:
        self._stale = False
        keep = self._selected_id
        self.model.reload()
        self.events_page.reload()
        self._fill_status_filter()
        self._show_page()
        row = self.proxy.row_of(keep) if keep else None
        if row is not None:
            self._select_row(row, scroll=False)
        elif keep is not None and self.model.row_of(keep) is None:
            self._selected_id = None
            self.detail.clear()
        self._sync_watch_controls()
        self._update_count()

    def _select_row(self, row: int, *, scroll: bool = True) -> None:
        index = self.proxy.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.selectionModel().select(index, self.view.selectionModel().SelectionFlag.ClearAndSelect)
        if scroll:
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._show_detail(index)

    def _fill_status_filter(self) -> None:
        counts = self.model.status_counts()
        current = self.status_filter.currentData()
        statuses = [*STATUS_ORDER, *sorted(set(counts) - set(STATUS_ORDER))]
        dpr = self.devicePixelRatioF()
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        self.status_filter.addItem(_("All statuses ({count})").format(count=sum(counts.values())), None)
        self.status_filter.addItem(star_icon(self.palette(), 12, dpr), self._watched_words(), WATCHED_ITEM)
        recent = self.model.recent_count()
        self.status_filter.addItem(
            _("Upcoming ({count})").format(count=self.model.rowCount() - recent), "@upcoming"
        )
        self.status_filter.addItem(_("Recent, last 24 hours ({count})").format(count=recent), "@recent")
        for abbrev in statuses:
            self.status_filter.addItem(
                status_dot_icon(abbrev, 12, dpr),
                f"{_(status_style(abbrev).word)} ({counts.get(abbrev, 0)})",
                abbrev,
            )
        events = self.events_page.model.rowCount()
        if events or current == EVENTS_ITEM:
            self.status_filter.addItem(
                _("Events: dockings, spacewalks… ({count})").format(count=events), EVENTS_ITEM
            )
        found = self.status_filter.findData(current) if current is not None else 0
        self.status_filter.setCurrentIndex(max(0, found))
        self.status_filter.blockSignals(False)
        if current is not None and found < 0:
            self.proxy.set_status(None)
            self.proxy.set_period(None)

    def _watched_words(self) -> str:
        return _("Watched ({count})").format(count=self.model.watched_count())

    def _update_watched_item(self) -> None:
        found = self.status_filter.findData(WATCHED_ITEM)
        if found >= 0:
            self.status_filter.setItemText(found, self._watched_words())
        self._update_count()

    # --- filters and selection ----------------------------------------------------------------
    @Slot(str)
    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._after_filter()

    @Slot(int)
    def _show_page(self) -> None:
        """The events section, the launch grid, or the empty state when there are no launches."""
        if self.status_filter.currentData() == EVENTS_ITEM:
            self.pages.setCurrentWidget(self.events_page)
        elif self.model.rowCount() == 0:
            self.pages.setCurrentWidget(self.empty_state)
        else:
            self.pages.setCurrentWidget(self.splitter)

    def show_events(self) -> None:
        """Show the Events section (the filter's Events entry)."""
        found = self.status_filter.findData(EVENTS_ITEM)
        if found >= 0:
            self.status_filter.setCurrentIndex(found)

    def _on_status_filter(self, _index: int) -> None:
        chosen = self.status_filter.currentData()
        self._show_page()
        if chosen == EVENTS_ITEM:
            self._update_count()
            return
        self.proxy.set_watched_only(chosen == WATCHED_ITEM)
        self.proxy.set_period(PERIOD_ITEMS.get(chosen))
        self.proxy.set_status(None if chosen == WATCHED_ITEM or chosen in PERIOD_ITEMS else chosen)
        self._after_filter()

    def _after_filter(self) -> None:
        if self.proxy.rowCount() == 0 and self.model.rowCount() > 0:
            words = self.search.text().strip()
            if self.proxy.watched_only and not words:
                self.view.empty_text = _(
                    "No watched launches.\nStar a launch (select it and press S) or "
                    "choose what to watch in Settings, Alerts."
                )
            elif words:
                self.view.empty_text = _(
                    "No launches match “{search}”.\nClear the search (Esc) or choose another filter."
                ).format(search=words)
            else:
                self.view.empty_text = _(
                    "No launches match this status.\nClear the search (Esc) or choose another filter."
                )
        else:
            self.view.empty_text = ""
        if self._selected_id is not None:
            row = self.proxy.row_of(self._selected_id)
            if row is not None:
                self.view.scrollTo(self.proxy.index(row, 0))
        self.view.viewport().update()

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._show_detail(indexes[0])

    def _show_detail(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        source_row = self.proxy.mapToSource(index).row()
        row = self.model.row_at(source_row)
        self._selected_id = row.launch.id
        self.detail.show_launch(row.launch, row.picture, watching=self.model.is_starred(row.launch.id))
        self._sync_watch_controls()

    @Slot()
    def _update_count(self) -> None:
        if self.status_filter.currentData() == EVENTS_ITEM:
            events = self.events_page.model.rowCount()
            self.count_label.setText(ngettext("{count} event", "{count} events", events).format(count=events))
            return
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if shown == total:
            text = ngettext("{count} launch", "{count} launches", total).format(count=total)
        else:
            text = ngettext(
                "Showing {shown} of {total} launch", "Showing {shown} of {total} launches", total
            ).format(shown=shown, total=total)
        recent = self.model.recent_count()
        if recent and shown == total:  # the last day's launches come after the upcoming ones: say so
            text = _("{upcoming} upcoming, then {recent} recent (last 24 hours)").format(
                upcoming=total - recent, recent=recent
            )
        self.count_label.setText(text)

    @Slot()
    def _focus_grid(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)  # focus alone makes a current card, unselected
        if not self.view.selectionModel().hasSelection() and self.proxy.rowCount():
            self._select_row(0)

    @Slot()
    def _on_escape(self) -> None:
        if self.search.hasFocus() and self.search.text():
            self.search.clear()
        else:
            self.close()

    # --- runs ---------------------------------------------------------------------------------
    @Slot(bool)
    def _on_active_changed(self, active: bool) -> None:
        self._active = active
        self.run_action.setEnabled(not active)
        self.run_action.setToolTip(
            _("A run is in progress; cancel it or wait for it to end")
            if active
            else _("Get the next launches and their pictures now (F5)")
        )
        self.empty_state.run_button.setEnabled(not active)
        self.empty_state.run_button.setText(_("Running…") if active else _("Run now"))
        self.empty_state.cancel_button.setVisible(active)
        self.empty_state.cancel_button.setEnabled(active)
        if active:
            self.empty_state.set_problem("")
        self.progress_line.set_active(active)

    @Slot(object)
    def _on_activity(self, activity: RunActivity | None) -> None:
        """What the active run (of this app or another process) does: why its last try failed and when
        the next try comes, in the progress line and, before any launch is kept, in the empty state."""
        if activity is not None and not self._active:
            self.empty_state.cancel_button.hide()
        self._show_waiting(self.progress_line.set_activity(activity, own=self._active))

    def _show_waiting(self, words: str) -> None:
        """A run waiting to try again says why in the empty state too (no launch is shown to say it)."""
        if words:
            self.empty_state.set_problem(f"{words}\n{_(OFFLINE_HINT)}")

    @Slot(object)
    def _on_run_finished(self, record: RunRecord) -> None:
        self.progress_line.run_finished()
        if record.state == RunState.FAILED:
            problem = (
                _("The last run failed: {error}").format(error=record.error)
                if record.error
                else _("The last run failed.")
            )
            self.empty_state.set_problem(
                f"{problem}\n{_(OFFLINE_HINT)}"
                if record.tasks and record.tasks[0].state == RunState.FAILED
                else problem
            )
            self.statusBar().showMessage(problem, 15_000)
        elif record.state == RunState.CANCELLED:
            message = _("Run {number} was cancelled; Run history can retry it.").format(number=record.id)
            self.empty_state.set_problem(message)
            self.statusBar().showMessage(message, 15_000)
        elif record.state == RunState.SUCCESS:
            self.statusBar().showMessage(_("Launches updated"), 5_000)

    # --- countdown ----------------------------------------------------------------------------
    @Slot()
    def _tick(self) -> None:
        """Repaint the visible cards when a countdown they show changes (each minute, or each second
        close to a NET); only the viewport is updated, never the model."""
        now = datetime.now(UTC)
        minute = now.replace(second=0, microsecond=0)
        if minute != self._last_tick_minute or self.model.countdown_due(now, SOON):
            self._last_tick_minute = minute
            if self.pages.currentWidget() is self.splitter:
                self.view.viewport().update()
            self.detail.tick(now)
        self._show_waiting(self.progress_line.tick(now))  # "(in 30 s)" counts down

    # --- window events ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._reload()
        super().showEvent(event)
        self._shown = True
        self._last_tick_minute = None
        self._tick()
        self.countdown_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.countdown_timer.stop()
        self._save_state()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_state()
        super().closeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:
            self.model.set_thumbnail_size(self.delegate.geometry.picture, self.view.devicePixelRatioF())
        return super().event(event)

    def _save_state(self) -> None:
        if not self._shown:  # never shown: keep what was saved
            return
        save_geometry(self, STATE_KEY, self.controller.paths)
        settings = window_settings(self.controller.paths)
        settings.setValue(f"{STATE_KEY}/splitter", self.splitter.saveState())
        settings.sync()
