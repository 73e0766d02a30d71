"""An outside scheduler's run (Airflow's: one process per task try) as one RocketWatch run: its tries, the
hold between its tasks that keeps the tray's runs out, a clear that goes on in the same run, and a
RocketWatch retry of it that Airflow then takes as done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import RecordingNotifier, write_config

from rocketwatch.config import load_config
from rocketwatch.notify import ChainNotifier, Notification, NotifyError
from rocketwatch.paths import paths_for
from rocketwatch.pipeline import Runner, RunRefused
from rocketwatch.pipeline.outside import (
    CORE_TASKS,
    HOLD_GRACE,
    OutsideRunner,
    OutsideTaskFailed,
    OutsideTry,
    RunBusy,
    outside_task_ids,
)
from rocketwatch.standin import Fault, StandIn
from rocketwatch.store import Store

RUN = "scheduled__2026-12-03T06:00:00+00:00"


class Desktop(RecordingNotifier):
    """A desktop whose notification service can be down."""

    broken = False

    def send(self, notification: Notification) -> None:
        if self.broken:
            raise NotifyError("the notification service is not answering")
        super().send(notification)


class Home:
    """One home with a tray runner and a factory of outside runners (a new one per try, as Airflow's
    task processes are)."""

    def __init__(self, home: Path, server: StandIn, retries: int = 1) -> None:
        write_config(home, source={"api_url": server.api_url}, pipeline={"retries": retries})
        self.paths = paths_for(home)
        self.config = load_config(self.paths.config_file)
        self.store = Store.open(self.paths)
        self.desktop = Desktop()
        self.notifier = ChainNotifier([self.desktop])
        self.tray = Runner(self.paths, self.config, self.store, self.notifier)

    def outside(self, task_id: str, try_number: int = 1, max_tries: int = 1, run: str = RUN) -> str:
        store = Store.open(self.paths)
        try:
            runner = OutsideRunner(self.paths, self.config, store, self.notifier)
            return runner.run_try(OutsideTry(run, task_id, try_number, max_tries), CORE_TASKS, lock_wait=0.5)
        finally:
            store.close()

    def run(self):
        [record] = [r for r in self.store.runs.latest() if r.external_id == RUN]
        return record


@pytest.fixture
def place(home: Path, standin: StandIn):
    made = Home(home, standin)
    yield made
    made.store.close()


def test_each_task_is_a_try_of_one_run_and_the_tray_waits_between_them(place: Home) -> None:
    assert place.outside("download_launches") == "success"
    held = place.run()
    assert held.state == "running" and held.trigger == "airflow"
    assert held.held_until is not None and held.held_until > datetime.now(UTC)

    # Between Airflow's tasks no process holds the run lock; the tray's scheduled run must not slip in.
    skipped = place.tray.run("scheduled")
    assert skipped.state == "skipped" and f"Run {held.id}" in (skipped.error or "")
    with pytest.raises(RunRefused, match=f"Run {held.id} is running"):
        place.tray.retry(held.id)

    place.outside("get_pictures")
    place.outside("notify")
    done = place.run()
    assert done.state == "success" and done.held_until is None
    assert [(t.task_id, t.state, t.tries) for t in done.tasks] == [(t, "success", 1) for t in CORE_TASKS]
    assert done.images["downloaded"] == done.images["distinct"] > 0
    assert place.tray.run("scheduled").state == "success"  # once Airflow's run is over, the tray runs


def test_a_failed_try_is_held_for_airflow_retry_and_a_clear_goes_on_in_the_same_run(
    place: Home, standin: StandIn
) -> None:
    standin.set_sticky_api_fault(Fault("status", code=503))
    with pytest.raises(OutsideTaskFailed) as first:
        place.outside("download_launches", try_number=1, max_tries=1)
    assert first.value.retryable
    waiting = place.run()
    assert waiting.state == "running" and waiting.tasks[0].state == "up_for_retry"
    assert place.tray.run("scheduled").state == "skipped"  # Airflow's retry is due: the run is still on

    with pytest.raises(OutsideTaskFailed) as last:
        place.outside("download_launches", try_number=2, max_tries=1)
    assert not last.value.retryable
    failed = place.run()
    assert failed.state == "failed" and [t.state for t in failed.tasks] == ["failed", "skipped", "skipped"]
    tries = place.store.runs.tries(failed.id)
    assert [(t.try_number, t.external_try, t.state) for t in tries] == [
        (1, 1, "up_for_retry"),
        (2, 2, "failed"),
    ]
    assert all("503" in t.log for t in tries)

    standin.set_sticky_api_fault(None)
    for task_id in CORE_TASKS:  # cleared in Airflow: its tries 3 (max 4), then the rest
        place.outside(task_id, try_number=3 if task_id == "download_launches" else 1, max_tries=4)
    done = place.run()
    assert done.id == failed.id and done.state == "success" and done.retries == 1
    assert [t.tries for t in done.tasks] == [3, 1, 1]


def test_a_rocketwatch_retry_of_an_airflow_run_is_taken_as_done_by_airflow(place: Home) -> None:
    place.outside("download_launches")
    place.outside("get_pictures")
    place.desktop.broken = True
    with pytest.raises(OutsideTaskFailed):
        place.outside("notify", try_number=1, max_tries=0)
    failed = place.run()
    assert failed.state == "failed" and failed.failed_task and failed.failed_task.task_id == "notify"

    place.desktop.broken = False
    retried = place.tray.retry(failed.id)  # from RocketWatch (Run history's Retry)
    assert retried.id == failed.id and retried.state == "success" and retried.trigger == "airflow"
    tries_before = place.store.runs.tries(failed.id)

    # The user clears the failed task in Airflow too: it takes RocketWatch's outcome and does nothing again.
    assert place.outside("notify", try_number=2, max_tries=1) == "success"
    assert place.store.runs.tries(failed.id) == tries_before
    assert place.run().state == "success"


def test_a_held_run_whose_scheduler_went_away_is_interrupted_after_its_hold(place: Home) -> None:
    place.outside("download_launches")
    run = place.run()
    place.store.runs.hold(run.id, datetime.now(UTC) - timedelta(seconds=1))  # the hold ran out
    assert place.tray.run("scheduled").state == "success"
    assert place.run().state == "interrupted"
    assert timedelta(minutes=5) <= HOLD_GRACE


def test_another_outside_run_waits_for_the_one_in_progress(place: Home) -> None:
    place.outside("download_launches")
    with pytest.raises(RunBusy):
        place.outside("download_launches", run="manual__2026-12-03T07:00:00+00:00")


def test_outside_task_ids_follow_the_events_setting() -> None:
    assert outside_task_ids(False) == ("download_launches", "get_pictures", "notify")
    assert outside_task_ids(True) == ("download_launches", "get_pictures", "notify", "download_events")


def test_a_rocketwatch_retry_waits_for_an_airflow_run_between_its_tasks(
    place: Home, standin: StandIn
) -> None:
    standin.set_sticky_api_fault(Fault("status", code=503))
    earlier = place.tray.run("scheduled")  # a tray run that failed earlier (its retries used up)
    assert earlier.state == "failed"
    standin.set_sticky_api_fault(None)
    place.outside("download_launches")
    held = place.run()

    with pytest.raises(RunRefused, match=f"Run {held.id} is in progress"):
        place.tray.retry(earlier.id)  # it would change the launches between Airflow's tasks
    place.outside("get_pictures")
    place.outside("notify")
    assert place.tray.retry(earlier.id).state == "success"


def test_a_try_whose_task_process_was_killed_is_interrupted_when_airflow_tries_again(place: Home) -> None:
    place.outside("download_launches")
    run = place.run()
    place.store.runs.start_try(run.id, "get_pictures", external_try=1)  # its process killed mid-try
    assert place.tray.run("scheduled").state == "skipped"  # still held: Airflow will try again

    assert place.outside("get_pictures", try_number=2, max_tries=1) == "success"
    tries = [t for t in place.store.runs.tries(run.id) if t.task_id == "get_pictures"]
    assert [(t.try_number, t.external_try, t.state) for t in tries] == [
        (1, 1, "interrupted"),
        (2, 2, "success"),
    ]
