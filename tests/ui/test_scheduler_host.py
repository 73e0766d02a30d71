"""The scheduler host fires runs on the user's schedule, once on first start, once to catch up,
and keeps working when jobs are added or rescheduled from other threads.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from rocketwatch.store.database import to_text
from rocketwatch.ui.controller import RunController
from rocketwatch.ui.scheduler_host import MAIN_JOB_ID, SchedulerHost

PARIS = ZoneInfo("Europe/Paris")
TASKS = ("download_launches", "get_pictures", "notify")


class FakeClock:
    """A wall clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class _Marker(QObject):
    posted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.delivered = False
        self.posted.connect(self.deliver, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def deliver(self) -> None:
        self.delivered = True


def drain(qtbot) -> None:
    """Deliver every queued signal posted so far: queued events arrive in the order they were posted."""
    marker = _Marker()
    marker.posted.emit()
    qtbot.waitUntil(lambda: marker.delivered, timeout=5_000)


def add_finished_run(controller: RunController) -> datetime:
    """Record a successful run that started now; returns its start as the store has it."""
    run_id = controller.store.runs.create("manual", TASKS, pid=1)
    controller.store.runs.finish(run_id, "success")
    started = controller.store.runs.last_started()
    assert started is not None
    return started


def with_schedule(controller: RunController, **changes: object):
    config = controller.config
    return replace(config, schedule=replace(config.schedule, **changes))


@pytest.fixture
def make_host(qtbot) -> Iterator[Callable[..., SchedulerHost]]:
    """make_host(controller, **options) -> SchedulerHost, shut down after the test."""
    hosts: list[SchedulerHost] = []

    def make(controller: RunController, **options: object) -> SchedulerHost:
        host = SchedulerHost(controller, **options)  # type: ignore[arg-type]
        hosts.append(host)
        return host

    yield make
    for host in hosts:
        host.shutdown()


def collect(host: SchedulerHost) -> tuple[list[str], list[datetime | None]]:
    fires: list[str] = []
    next_fires: list[datetime | None] = []
    host.fire.connect(fires.append)
    host.next_fire_changed.connect(next_fires.append)
    return fires, next_fires


# --- starting ---------------------------------------------------------------------------------


def test_first_start_with_an_empty_store_fires_one_first_start_run(qtbot, make_controller, make_host) -> None:
    controller = make_controller(schedule={"every": "@hourly"})
    host = make_host(controller, tz=PARIS)
    fires, _ = collect(host)
    host.start()
    drain(qtbot)
    assert fires == ["first_start"]


def test_start_after_missed_fire_times_catches_up_exactly_once(qtbot, make_controller, make_host) -> None:
    controller = make_controller(schedule={"every": "@hourly"})
    last = add_finished_run(controller)
    clock = FakeClock(last + timedelta(hours=2, minutes=30))  # two or three hourly runs were missed
    host = make_host(controller, clock=clock, tz=PARIS)
    fires, _ = collect(host)
    host.start()
    drain(qtbot)
    drain(qtbot)
    assert fires == ["catch_up"]
    # The missed times are not run again by the schedule: the next run is on the next hour.
    next_fire = host.next_fire_time()
    assert next_fire is not None
    assert clock.now < next_fire <= clock.now + timedelta(hours=1)


def test_with_catch_up_off_missed_fire_times_start_no_run(qtbot, make_controller, make_host) -> None:
    controller = make_controller(schedule={"every": "@hourly", "catch_up": False})
    last = add_finished_run(controller)
    clock = FakeClock(last + timedelta(hours=2, minutes=30))
    host = make_host(controller, clock=clock, tz=PARIS)
    fires, _ = collect(host)
    host.start()
    clock.advance(timedelta(hours=5))
    host.check_wake()
    drain(qtbot)
    assert fires == []
    assert host.next_fire_time() is not None


def test_a_paused_schedule_has_no_next_run_and_fires_nothing(qtbot, make_controller, make_host) -> None:
    controller = make_controller(schedule={"every": "@hourly", "paused": True})
    host = make_host(controller, tz=PARIS)
    fires, next_fires = collect(host)
    host.start()
    drain(qtbot)
    assert fires == []  # not even the first-start run
    assert next_fires == [None]
    assert host.next_fire_time() is None

    controller.set_paused(False)
    resumed = host.next_fire_time()
    assert resumed is not None
    assert next_fires == [None, resumed]

    controller.set_paused(True)
    assert host.next_fire_time() is None
    assert next_fires == [None, resumed, None]


# --- what the schedule says -------------------------------------------------------------------


def test_changing_the_expression_reschedules_at_once(qtbot, make_controller, make_host) -> None:
    # A Wednesday at 10:17 in Paris, a week or so ahead of the real clock (so nothing fires for real).
    base = (datetime.now(PARIS) + timedelta(days=7)).replace(hour=10, minute=17, second=0, microsecond=0)
    base += timedelta(days=(2 - base.weekday()) % 7)
    controller = make_controller(schedule={"every": "@daily"})
    host = make_host(controller, clock=FakeClock(base), tz=PARIS)
    _, next_fires = collect(host)
    host.start()
    midnight = datetime.combine(base.date() + timedelta(days=1), time(0), tzinfo=PARIS)
    assert host.next_fire_time() == midnight

    controller.apply_config(with_schedule(controller, every="@hourly"))
    eleven = base.replace(minute=0) + timedelta(hours=1)
    assert host.next_fire_time() == eleven
    assert next_fires == [midnight, eleven]


def test_a_weekly_cron_line_next_runs_on_sunday_at_six_local_time(
    qtbot, make_controller, make_host, monkeypatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    controller = make_controller(schedule={"every": "0 6 * * 0"})
    host = make_host(controller)  # no tz given: the local one
    before = datetime.now(UTC)
    host.start()
    next_fire = host.next_fire_time()
    assert next_fire is not None
    local = next_fire.astimezone(ZoneInfo("America/New_York"))
    assert (local.weekday(), local.hour, local.minute) == (6, 6, 0)  # Sunday 06:00
    assert next_fire.utcoffset() == local.utcoffset()  # given in local time
    assert before < next_fire <= before + timedelta(days=7)


def test_an_interval_counts_from_the_last_run_start(qtbot, make_controller, make_host) -> None:
    controller = make_controller(schedule={"every": "6h"})
    last = add_finished_run(controller)
    host = make_host(controller, clock=FakeClock(last + timedelta(hours=2)), tz=PARIS)
    fires, _ = collect(host)
    host.start()
    drain(qtbot)
    assert host.next_fire_time() == last + timedelta(hours=6)
    assert fires == []  # nothing was missed


# --- sleep and wake ---------------------------------------------------------------------------


def test_after_the_clock_jumps_past_fire_times_one_catch_up_run_fires(
    qtbot, make_controller, make_host
) -> None:
    controller = make_controller(schedule={"every": "@hourly"})
    last = add_finished_run(controller)
    clock = FakeClock(last)
    host = make_host(controller, clock=clock, tz=PARIS)
    fires, _ = collect(host)
    host.start()
    host.check_wake()  # no jump: nothing to do
    drain(qtbot)
    assert fires == []

    clock.advance(timedelta(hours=3))  # the computer slept through three hourly runs
    host.check_wake()
    host.check_wake()  # still awake: no second catch-up
    drain(qtbot)
    assert fires == ["catch_up"]
    next_fire = host.next_fire_time()
    assert next_fire is not None
    assert clock.now < next_fire <= clock.now + timedelta(hours=1)


# --- other threads ----------------------------------------------------------------------------


def test_reschedule_from_a_plain_thread_still_fires_in_the_gui_thread(
    qtbot, make_controller, make_host
) -> None:
    controller = make_controller(schedule={"every": "@daily", "paused": True})
    # A clock 59 s behind: a 1-minute interval counted from "now" falls due about a second from now.
    host = make_host(controller, clock=lambda: datetime.now(UTC) - timedelta(seconds=59), tz=PARIS)
    threads: list[str] = []
    host.fire.connect(lambda trigger: threads.append(f"{trigger} in {threading.current_thread().name}"))
    host.start()
    every_minute = with_schedule(controller, every="1m", paused=False)

    def from_worker() -> None:
        controller.apply_config(every_minute, write=False)
        host.reschedule()

    worker = threading.Thread(target=from_worker, name="worker")
    with qtbot.waitSignal(host.fire, timeout=10_000):
        worker.start()
        worker.join()
    assert threads == [f"scheduled in {threading.main_thread().name}"]


def test_a_date_job_added_from_a_plain_thread_runs_in_the_gui_thread(
    qtbot, make_controller, make_host
) -> None:
    controller = make_controller(schedule={"paused": True})
    host = make_host(controller, tz=PARIS)
    host.start()
    calls: list[str] = []

    def add() -> None:
        when = datetime.now(UTC) + timedelta(seconds=0.3)
        host.add_date_job("reminder", when, lambda: calls.append(threading.current_thread().name))

    worker = threading.Thread(target=add, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(calls), timeout=10_000)
    assert calls == [threading.main_thread().name]


def test_a_removed_date_job_does_not_run(qtbot, make_controller, make_host) -> None:
    controller = make_controller(schedule={"paused": True})
    host = make_host(controller, tz=PARIS)
    host.start()
    calls: list[str] = []
    now = datetime.now(UTC)
    host.add_date_job("first", now + timedelta(seconds=0.2), lambda: calls.append("first"))
    host.add_date_job("second", now + timedelta(seconds=0.4), lambda: calls.append("second"))
    host.remove_job("first")
    qtbot.waitUntil(lambda: bool(calls), timeout=10_000)
    assert calls == ["second"]


# --- shutting down ----------------------------------------------------------------------------


def test_start_and_shutdown_warn_nothing_and_nothing_fires_afterwards(
    qtbot, make_controller, make_host
) -> None:
    controller = make_controller(schedule={"every": "@hourly"})
    host = make_host(controller, tz=PARIS)
    fires, next_fires = collect(host)
    calls: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        host.start()
        host.add_date_job("reminder", datetime.now(UTC) + timedelta(seconds=0.2), lambda: calls.append("x"))
        host.shutdown()
    assert [str(warning.message) for warning in caught] == []
    assert next_fires[-1] is None
    assert host.next_fire_time() is None

    later: list[bool] = []
    QTimer.singleShot(600, lambda: later.append(True))  # well after the reminder was due
    qtbot.waitUntil(lambda: bool(later), timeout=10_000)
    assert calls == []
    assert fires == []  # the queued first-start run was dropped too


def test_a_timer_that_fires_late_becomes_one_catch_up_run_not_a_scheduled_one(
    qtbot, make_controller, make_host
) -> None:
    controller = make_controller(schedule={"every": "@hourly"})
    add_finished_run(controller)
    host = make_host(controller, tz=PARIS)
    fires, _ = collect(host)
    host.start()
    drain(qtbot)
    assert fires == []
    # As after a sleep the heartbeat has not noticed yet: the last run was three hours ago and the
    # scheduler's timer only now finds its fire time, long past.
    now = datetime.now(UTC)
    controller.store.db.execute("UPDATE runs SET started_at = ?", (to_text(now - timedelta(hours=3)),))
    host._scheduler.modify_job(MAIN_JOB_ID, next_run_time=now - timedelta(hours=2, minutes=1))
    qtbot.waitUntil(lambda: bool(fires), timeout=10_000)
    drain(qtbot)
    assert fires == ["catch_up"]
    next_fire = host.next_fire_time()
    assert next_fire is not None
    assert now < next_fire <= now + timedelta(hours=1)
