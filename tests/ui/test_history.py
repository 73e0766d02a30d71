"""The run history window: the lazy run model, live rows, Retry by mouse and keyboard, tries and logs.

Offscreen Qt; runs go to the demo stand-in through the controller fixtures.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from rocketwatch.pipeline import TASK_IDS
from rocketwatch.standin import Fault
from rocketwatch.ui.history import DEFAULT_SIZE, HistoryWindow
from rocketwatch.ui.run_detail import TryColumn
from rocketwatch.ui.run_model import RETRY_ROLE, Column, RunTableModel

RUN_TIMEOUT = 20_000


def make_window(qtbot, controller) -> HistoryWindow:
    window = HistoryWindow(controller)
    qtbot.addWidget(window)
    return window


def show_active(qtbot, window: HistoryWindow) -> None:
    """Show the window and wait until it has the keyboard (shortcuts need an active window)."""
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()


def cell(window: HistoryWindow, row: int, column: Column) -> str:
    return window.model.index(row, column).data() or ""


def wait_idle(qtbot, controller) -> None:
    qtbot.waitUntil(lambda: not controller.is_active(), timeout=RUN_TIMEOUT)


def failed_run(qtbot, make_controller, standin):
    """A controller whose store holds one run that failed (LL2 answered 500); the fault is cleared after."""
    controller = make_controller(pipeline={"retries": 0})
    standin.set_sticky_api_fault(Fault("status", code=500))
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT) as finished:
        controller.run_now()
    assert finished.args[0].state == "failed"
    wait_idle(qtbot, controller)
    standin.set_sticky_api_fault(None)
    return controller, finished.args[0].id


def insert_runs(controller, count: int) -> int:
    """`count` finished runs written with raw SQL in one transaction; returns the newest run id."""
    moment = "2026-01-01T00:00:00.000+00:00"
    with controller.store.db.transaction() as tx:
        first = tx.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0] + 1
        ids = range(first, first + count)
        tx.executemany(
            "INSERT INTO runs (id, trigger, state, created_at, started_at, finished_at, launches,"
            " new_launches) VALUES (?, 'scheduled', 'success', ?, ?, ?, 10, 0)",
            [(i, moment, moment, moment) for i in ids],
        )
        tx.executemany(
            "INSERT INTO tasks (run_id, task_id, position, state, tries) VALUES (?, ?, ?, 'success', 1)",
            [(i, task_id, position) for i in ids for position, task_id in enumerate(TASK_IDS)],
        )
    return first + count - 1


def test_run_model_passes_the_model_tester(qtmodeltester, qtbot, make_controller, standin) -> None:
    controller, _run_id = failed_run(qtbot, make_controller, standin)
    insert_runs(controller, 30)
    model = RunTableModel(controller.store.runs, page_size=10)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() >= 10
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert [header for header in headers if header in TASK_IDS] == list(TASK_IDS)  # one cell per task


def test_failed_run_shows_failed_cells_and_an_enabled_retry(qtbot, make_controller, standin) -> None:
    controller, run_id = failed_run(qtbot, make_controller, standin)
    window = make_window(qtbot, controller)
    assert cell(window, 0, Column.RUN) == str(run_id)
    assert "failed" in cell(window, 0, Column.STATE)
    assert "failed" in cell(window, 0, Column.DOWNLOAD_LAUNCHES)
    assert "skipped" in cell(window, 0, Column.GET_PICTURES)
    assert "500" in cell(window, 0, Column.ERROR) and "\n" not in cell(window, 0, Column.ERROR)
    assert window.model.index(0, Column.RETRY).data(RETRY_ROLE) is True


def test_clicking_retry_reruns_the_failed_run_and_its_row_turns_success(
    qtbot, make_controller, standin
) -> None:
    controller, run_id = failed_run(qtbot, make_controller, standin)
    window = make_window(qtbot, controller)
    window.show()
    qtbot.waitExposed(window)
    rect = window.retry_delegate.button_rect(window.table.visualRect(window.model.index(0, Column.RETRY)))
    with qtbot.waitSignal(controller.run_started, timeout=RUN_TIMEOUT) as started:
        qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert started.args == [run_id]
    qtbot.waitUntil(lambda: "success" in cell(window, 0, Column.STATE), timeout=RUN_TIMEOUT)
    assert window.model.rowCount() == 1  # the same row changed; no new run
    assert "success" in cell(window, 0, Column.NOTIFY)
    assert cell(window, 0, Column.ERROR) == ""
    qtbot.waitUntil(lambda: "Retrying" not in window.statusBar().currentMessage())
    assert window.statusBar().currentMessage() == f"Run {run_id} succeeded"


def test_enter_on_the_selected_failed_run_retries_it(qtbot, make_controller, standin) -> None:
    controller, run_id = failed_run(qtbot, make_controller, standin)
    window = make_window(qtbot, controller)
    show_active(qtbot, window)
    window.table.setFocus()
    window.table.selectRow(0)
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT) as finished:
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert (finished.args[0].id, finished.args[0].state) == (run_id, "success")
    qtbot.waitUntil(lambda: "success" in cell(window, 0, Column.STATE))


def test_retry_is_disabled_while_a_run_is_active(qtbot, make_controller, standin) -> None:
    controller, run_id = failed_run(qtbot, make_controller, standin)
    window = make_window(qtbot, controller)
    window.show()
    qtbot.waitExposed(window)
    standin.latency = 0.5
    with qtbot.waitSignal(controller.run_started, timeout=RUN_TIMEOUT):
        controller.run_now()
    failed_row = window.model.row_of(run_id)
    assert failed_row == 1  # the new run appeared on top
    index = window.model.index(failed_row, Column.RETRY)
    assert index.data(RETRY_ROLE) is False
    window.table.selectRow(failed_row)
    assert not window.retry_action.isEnabled()
    assert not window.run_now_action.isEnabled()
    started: list[int] = []
    controller.run_started.connect(started.append)
    rect = window.retry_delegate.button_rect(window.table.visualRect(index))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    wait_idle(qtbot, controller)
    qtbot.waitUntil(lambda: index.data(RETRY_ROLE) is True)
    assert started == []
    assert "failed" in cell(window, failed_row, Column.STATE)
    assert window.retry_action.isEnabled()


def test_a_refused_retry_tells_the_user(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    window.show()
    with qtbot.waitSignal(ran_controller.retry_refused, timeout=RUN_TIMEOUT):
        window.retry(1)  # a successful run cannot be retried
    qtbot.waitUntil(lambda: "only failed, interrupted or cancelled" in window.statusBar().currentMessage())
    box = window.findChild(QMessageBox)
    assert box is not None and "only failed, interrupted or cancelled" in box.text()


def test_ten_thousand_runs_open_with_one_page_and_scrolling_loads_more(qtbot, make_controller) -> None:
    controller = make_controller()
    newest = insert_runs(controller, 10_000)
    window = make_window(qtbot, controller)
    page = window.model.page_size
    with qtbot.waitSignal(window.first_paint):
        window.show()
    assert window.model.rowCount() == page
    assert cell(window, 0, Column.RUN) == str(newest)
    assert window.model.canFetchMore(QModelIndex())
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.rowCount() >= 2 * page)
    assert cell(window, 2 * page - 1, Column.RUN) == str(newest - 2 * page + 1)
    loaded = window.model.rowCount()
    # A new run appears on top, without reloading the rows already shown.
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT):
        controller.run_now()
    qtbot.waitUntil(lambda: "success" in cell(window, 0, Column.STATE), timeout=RUN_TIMEOUT)
    assert cell(window, 0, Column.RUN) == str(newest + 1)
    assert window.model.rowCount() == loaded + 1


def test_paging_to_the_end_shows_every_run_once(qtbot, make_controller) -> None:
    controller = make_controller()
    insert_runs(controller, 25)
    model = RunTableModel(controller.store.runs, page_size=10)
    insert_runs(controller, 3)  # written meanwhile, e.g. by `rocketwatch run` in a terminal
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    ids = [model.run_at(row).id for row in range(model.rowCount())]
    assert ids == list(range(25, 0, -1))
    model.refresh_newest()
    assert [model.run_at(row).id for row in range(3)] == [28, 27, 26]
    assert model.rowCount() == 28


def test_selecting_a_run_shows_its_tries_and_log(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    window.show()
    window.table.selectRow(0)
    tries = window.detail.tries
    assert [tries.index(row, TryColumn.TASK).data() for row in range(tries.rowCount())] == list(TASK_IDS)
    assert "success" in tries.index(0, TryColumn.STATE).data()
    window.detail.tries_view.selectRow(0)
    log = window.detail.log
    assert "Asking" in log.toPlainText() and "launches" in log.toPlainText()
    assert log.isReadOnly()
    window.detail.copy_button.click()
    assert QGuiApplication.clipboard().text() == log.toPlainText()


def test_the_log_of_a_failed_try_shows_the_error_as_plain_text(qtbot, make_controller, standin) -> None:
    controller = make_controller(pipeline={"retries": 0})
    standin.set_sticky_api_fault(Fault("status", code=500, body="<b>Internal</b> <i>error</i>"))
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT):
        controller.run_now()
    wait_idle(qtbot, controller)
    window = make_window(qtbot, controller)
    window.show()
    assert window.detail.tries.rowCount() == 1
    assert "failed" in window.detail.tries.index(0, TryColumn.STATE).data()
    assert "500" in window.detail.log.toPlainText()
    assert "500" in window.detail.summary.text()
    assert window.detail.summary.textFormat() == Qt.TextFormat.PlainText


def test_f5_starts_a_run_and_escape_closes(qtbot, make_controller) -> None:
    controller = make_controller()
    window = make_window(qtbot, controller)
    show_active(qtbot, window)
    assert window.windowTitle() == "Run history"  # Qt adds " — RocketWatch": the app is named once
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and "success" in cell(window, 0, Column.STATE))
    wait_idle(qtbot, controller)
    # The new run was selected and its newest try followed as the run moved on.
    assert window.detail.title.text().startswith("Run 1")
    qtbot.waitUntil(lambda: window.detail.log_title.text() == "Log of download_events, try 1")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_geometry_is_remembered(qtbot, make_controller) -> None:
    controller = make_controller()
    window = make_window(qtbot, controller)
    window.show()
    window.resize(900, 555)
    window.close()
    again = make_window(qtbot, controller)
    assert again.size().height() == 555


@pytest.mark.parametrize("state", ["queued", "running", "up_for_retry", "interrupted", "cancelled"])
def test_every_state_has_a_word_besides_its_colour(qtbot, make_controller, state) -> None:
    controller = make_controller()
    run_id = insert_runs(controller, 1)
    controller.store.db.execute("UPDATE tasks SET state = ? WHERE run_id = ?", (state, run_id))
    model = RunTableModel(controller.store.runs)
    text = model.index(0, Column.DOWNLOAD_LAUNCHES).data()
    assert state.replace("_", " ") in text and not text[0].isalnum()


def test_every_state_has_its_own_symbol_and_colour() -> None:
    from rocketwatch.store.runs import RUN_STATES
    from rocketwatch.ui.run_model import state_style

    styles = [state_style(state) for state in RUN_STATES]
    assert len({style.symbol for style in styles}) == len(RUN_STATES)
    assert len({style.colour for style in styles}) == len(RUN_STATES)


def closed_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_waiting_run_says_why_in_its_row_and_can_be_cancelled_then_retried(
    qtbot, make_controller, standin
) -> None:
    controller = make_controller(
        source={"api_url": f"http://127.0.0.1:{closed_port()}/2.3.0"},
        pipeline={"retries": 2, "retry_delay": 600, "max_retry_delay": 600},
    )
    window = make_window(qtbot, controller)
    window.show()
    assert not window.cancel_action.isEnabled()
    with qtbot.waitSignal(
        controller.activity_changed,
        timeout=RUN_TIMEOUT,
        check_params_cb=lambda activity: activity is not None and activity.waiting,
    ):
        controller.run_now()
    qtbot.waitUntil(lambda: "Trying again at" in cell(window, 0, Column.ERROR))
    error = cell(window, 0, Column.ERROR)
    assert "Could not reach LL2" in error and "failed (try 1 of 3)" in error
    assert "Trying again at" in window.activity.text() and "Run 1:" in window.activity.text()
    assert "Could not reach LL2" in window.detail.summary.text()
    window.table.selectRow(0)  # the waiting run's tries: the failed one says when the next comes
    tries = window.detail.tries
    qtbot.waitUntil(lambda: tries.rowCount() == 1 and "Next try at" in tries.index(0, TryColumn.ERROR).data())
    assert "Could not reach LL2" in tries.index(0, TryColumn.ERROR).data()
    assert "up for retry" in cell(window, 0, Column.DOWNLOAD_LAUNCHES)
    assert window.cancel_action.isEnabled() and not window.run_now_action.isEnabled()

    with qtbot.waitSignal(controller.run_finished, timeout=5_000):
        window.cancel_action.trigger()
    wait_idle(qtbot, controller)
    qtbot.waitUntil(lambda: "cancelled" in cell(window, 0, Column.STATE))
    assert cell(window, 0, Column.STATE).startswith("⊘")
    assert "Trying again" not in cell(window, 0, Column.ERROR)
    assert "Trying again" not in window.activity.text()
    assert "Next try at" not in (tries.index(0, TryColumn.ERROR).data() or "")
    assert window.model.index(0, Column.RETRY).data(RETRY_ROLE) is True
    assert window.statusBar().currentMessage() == "Run 1 was cancelled"

    controller.apply_config(
        replace(controller.config, source=replace(controller.config.source, api_url=standin.api_url)),
        write=False,
    )
    window.table.selectRow(0)
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT) as retried:
        window.retry_action.trigger()
    assert (retried.args[0].id, retried.args[0].state) == (1, "success")


# --- the notifications a run caused ----------------------------------------------------------------


def alert_rows(window: HistoryWindow) -> list[dict[str, str]]:
    """The rows of the detail pane's notification table, by column heading."""
    model = window.detail.alerts.model
    headings = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    return [
        {heading: model.index(row, column).data() for column, heading in enumerate(headings)}
        for row in range(model.rowCount())
    ]


def test_the_detail_lists_the_notifications_of_the_selected_run(
    qtbot, qtmodeltester, ran_controller, recorder
) -> None:
    window = make_window(qtbot, ran_controller)
    window.show()
    window.table.selectRow(0)
    alerts = window.detail.alerts
    qtmodeltester.check(alerts.model)
    assert alerts.pages.currentWidget() is alerts.view and alerts.view.isVisible()
    rows = alert_rows(window)
    assert alerts.title.text() == f"Notifications ({len(rows)})"
    # The demo's first run learns of launches within a day: late reminders, then the run's summary.
    kinds = [row["Kind"] for row in rows]
    assert kinds[-1] == "Run summary" and len(kinds) >= 2
    assert all(kind == "Reminder, 24 hours before (sent late)" for kind in kinds[:-1])
    assert {row["What happened"] for row in rows} == {"sent"}
    assert {row["Shown by"] for row in rows} == {"recorder"}
    shown = sorted((row["Title"], row["Message"]) for row in rows)
    assert shown == sorted((n.title, n.body.splitlines()[0]) for n in recorder.sent)  # what was shown
    assert rows[0]["Message"].startswith("Launches in ")
    assert all(len(row["Time"]) == 8 and row["Time"].count(":") == 2 for row in rows)


def test_a_landing_alert_is_listed_in_the_words_of_its_kind(qtbot, make_controller) -> None:
    """The demo's second run learns a booster landed: the notification table names it, not "Landing"."""
    from rocketwatch.standin import StandIn

    with StandIn.demo(history=True) as server:
        controller = make_controller(source={"api_url": server.api_url, "limit": 100})
        for _run in range(2):
            with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT):
                controller.run_now()
            wait_idle(qtbot, controller)
    window = make_window(qtbot, controller)
    window.show()
    window.table.selectRow(0)  # the second run
    landing = [row for row in alert_rows(window) if row["Kind"] == "Landing outcome"]
    assert [row["Message"] for row in landing] == ["Booster B1082 landed on Of Course I Still Love You"]


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("landing", "Landing outcome"),
        ("update", "LL2 update"),
        ("webcast", "Webcast live"),
        ("slip", "Time change"),
    ],
)
def test_every_launch_alert_kind_has_words(kind: str, words: str) -> None:
    from rocketwatch.store import LedgerEntry
    from rocketwatch.ui.run_alerts import kind_words

    entry = LedgerEntry(
        f"{kind}:x", kind, "Launch", "text", 1, "x", datetime.now().astimezone(), "sent", "log"
    )
    assert kind_words(entry) == words


def test_alerts_in_quiet_hours_are_listed_as_not_shown(qtbot, make_controller, recorder) -> None:
    now = datetime.now().astimezone()
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    controller = make_controller(alerts={"quiet_hours": f"{start:%H:%M}-{end:%H:%M}"})
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT):
        controller.run_now()
    wait_idle(qtbot, controller)
    window = make_window(qtbot, controller)
    window.show()
    rows = alert_rows(window)
    reminders = [row for row in rows if row["Kind"].startswith("Reminder")]
    assert reminders and {row["What happened"] for row in reminders} == {"quiet hours: not shown"}
    assert {row["Shown by"] for row in reminders} == {""}
    assert [n.title for n in recorder.sent] == [row["Title"] for row in rows if row["Kind"] == "Run summary"]


def test_notifications_kept_by_a_setting_say_which_setting(qtbot, make_controller, recorder, standin) -> None:
    controller = make_controller(
        notifications={"run_summary": False, "failure_alerts": False}, pipeline={"retries": 0}
    )
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT):
        controller.run_now()
    wait_idle(qtbot, controller)
    standin.set_sticky_api_fault(Fault("status", code=500))
    with qtbot.waitSignal(controller.run_finished, timeout=RUN_TIMEOUT):
        controller.run_now()
    wait_idle(qtbot, controller)
    standin.set_sticky_api_fault(None)
    window = make_window(qtbot, controller)
    window.show()
    window.table.selectRow(0)  # the failed run
    [failure] = alert_rows(window)
    assert (failure["Kind"], failure["What happened"]) == ("Run failed", "failure alerts off: not shown")
    window.table.selectRow(1)
    rows = alert_rows(window)
    summary = next(row for row, cells in enumerate(rows) if cells["Kind"] == "Run summary")
    assert rows[summary]["What happened"] == "run summaries off: not shown"
    state = window.detail.alerts.model.index(summary, 3)
    assert "Run summaries are turned off" in state.data(Qt.ItemDataRole.ToolTipRole)
    assert all("quiet hours" not in row["What happened"] for row in rows)
    assert not any(n.title.endswith(" new") or "failed" in n.title for n in recorder.sent)


def test_a_run_without_notifications_says_so(qtbot, make_controller) -> None:
    controller = make_controller()
    insert_runs(controller, 1)
    window = make_window(qtbot, controller)
    window.show()
    window.table.selectRow(0)
    alerts = window.detail.alerts
    assert alerts.model.rowCount() == 0
    assert alerts.pages.currentWidget() is alerts.empty and alerts.empty.isVisible()
    assert alerts.empty.text() == "No notifications for this run"


def test_at_its_default_size_every_column_of_a_failed_run_shows_and_the_error_is_early(
    qtbot, make_controller, standin
) -> None:
    controller, run_id = failed_run(qtbot, make_controller, standin)
    window = make_window(qtbot, controller)
    window.resize(DEFAULT_SIZE)
    window.show()
    qtbot.waitExposed(window)
    header = window.table.horizontalHeader()
    assert header.length() <= window.table.viewport().width()  # no column behind a sideways scroll
    model = window.model
    headings = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert headings.index("Error") < headings.index("download_launches")  # beside State and Retry
    assert window.model.headerData(Column.RETRY, Qt.Orientation.Horizontal) == "Retry"
    error = window.model.index(0, Column.ERROR)
    record = controller.store.runs.get(run_id)
    assert html.escape(record.error) in error.data(Qt.ItemDataRole.ToolTipRole)  # the whole text on hover
    assert record.error in window.detail.summary.text()


def test_a_long_try_error_wraps_and_log_lines_wrap(qtbot, make_controller, standin) -> None:
    controller, _run_id = failed_run(qtbot, make_controller, standin)
    window = make_window(qtbot, controller)
    window.resize(DEFAULT_SIZE)
    window.show()
    qtbot.waitExposed(window)
    view = window.detail.tries_view
    row = window.detail.tries.rowCount() - 1
    error = window.detail.tries.index(row, TryColumn.ERROR).data()
    metrics = view.fontMetrics()
    assert metrics.horizontalAdvance(error) > view.columnWidth(TryColumn.ERROR)  # too long for one line
    assert view.rowHeight(row) >= 2 * metrics.lineSpacing()  # so it wraps, not "Could not rea…"
    log = window.detail.log
    log.setPlainText("x " * 2000)
    assert log.horizontalScrollBar().maximum() == 0  # a long line wraps: nothing to scroll sideways to


def test_the_notification_list_shows_every_row_of_a_run(qtbot, ran_controller) -> None:
    window = make_window(qtbot, ran_controller)
    window.resize(DEFAULT_SIZE)
    window.show()
    qtbot.waitExposed(window)
    window.table.selectRow(0)
    view = window.detail.alerts.view
    rows = view.model().rowCount()
    assert rows >= 3
    last = rows - 1
    qtbot.waitUntil(lambda: view.rowViewportPosition(last) + view.rowHeight(last) <= view.viewport().height())
    assert view.horizontalHeader().length() <= view.viewport().width()
