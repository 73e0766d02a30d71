"""The controller runs the pipeline off the GUI thread and reports through queued signals."""

from __future__ import annotations

import threading

import pytest

from rocketwatch.standin import Fault


def test_run_now_runs_off_the_gui_thread_and_reports_back(qtbot, make_controller) -> None:
    controller = make_controller()
    threads: set[str] = set()
    controller.run_event.connect(lambda _event: threads.add(threading.current_thread().name))
    with qtbot.waitSignal(controller.run_finished, timeout=20_000) as finished:
        assert controller.run_now()
    assert finished.args[0].state == "success"
    # Slots run in the GUI thread although the run happened in the worker.
    assert threads == {threading.main_thread().name}
    qtbot.waitUntil(lambda: not controller.is_active())
    assert controller.store.launches.count() == 10


def test_run_now_while_active_records_a_skipped_run(qtbot, make_controller, standin) -> None:
    controller = make_controller()
    standin.latency = 0.5
    finished = []
    controller.run_finished.connect(finished.append)
    with qtbot.waitSignal(controller.run_started, timeout=10_000):
        controller.run_now("scheduled")
    assert not controller.run_now("manual")
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=30_000)
    assert [record.state for record in finished] == ["skipped", "success"]
    assert finished[0].trigger == "manual"


def test_a_skip_recorded_as_the_worker_ends_never_runs_in_the_gui_thread(
    qtbot, make_controller, standin, monkeypatch
) -> None:
    """The worker has released the run lock but its thread is still ending: a Run now then is recorded
    as skipped; it must not take the free lock and run the pipeline in the GUI thread."""
    controller = make_controller()
    monkeypatch.setattr(controller, "is_active", lambda: True)
    requests = standin.count("/2.3.0/")

    assert not controller.run_now("manual")

    [record] = controller.store.runs.latest(limit=1)
    assert (record.state, record.trigger) == ("skipped", "manual")
    assert standin.count("/2.3.0/") == requests  # no request: nothing ran


def test_retry_of_a_failed_run_turns_it_into_a_success(qtbot, make_controller, standin) -> None:
    controller = make_controller(pipeline={"retries": 0})
    standin.set_sticky_api_fault(Fault("status", code=503))
    with qtbot.waitSignal(controller.run_finished, timeout=20_000) as failed:
        controller.run_now()
    assert failed.args[0].state == "failed"
    qtbot.waitUntil(lambda: not controller.is_active())
    standin.set_sticky_api_fault(None)
    with qtbot.waitSignal(controller.run_finished, timeout=20_000) as retried:
        assert controller.retry(failed.args[0].id)
    assert (retried.args[0].id, retried.args[0].state) == (failed.args[0].id, "success")


def closed_port() -> int:
    """A loopback port with nothing listening on it: LL2 cannot be reached."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_run_waiting_to_try_again_says_why_and_until_when_and_cancels_at_once(
    qtbot, make_controller
) -> None:
    controller = make_controller(
        source={"api_url": f"http://127.0.0.1:{closed_port()}/2.3.0"},
        pipeline={"retries": 2, "retry_delay": 600, "max_retry_delay": 600},
    )
    with qtbot.waitSignal(
        controller.activity_changed,
        timeout=20_000,
        check_params_cb=lambda activity: activity is not None and activity.waiting,
    ):
        controller.run_now()
    activity = controller.activity
    assert activity.task_id == "download_launches" and (activity.try_number, activity.tries_allowed) == (1, 3)
    assert "Could not reach LL2" in activity.reason
    assert "Trying again at" in activity.words() and "(in 10 min)" in activity.words()
    with qtbot.waitSignal(controller.run_finished, timeout=5_000) as finished:
        assert controller.cancel()
    record = finished.args[0]
    assert record.state == "cancelled" and record.tasks[0].state == "cancelled"
    qtbot.waitUntil(lambda: controller.activity is None and not controller.is_active())
    assert not controller.cancel()  # nothing left to cancel


def test_runs_of_another_process_are_noticed_within_seconds(qtbot, make_controller, standin) -> None:
    """A run written by another process (here: a second store and runner on the same home) reaches
    the controller through the database, without any event of its own."""
    from helpers import RecordingNotifier

    from rocketwatch.notify import ChainNotifier
    from rocketwatch.pipeline import Runner
    from rocketwatch.store import Store

    controller = make_controller()
    controller.start_watching()
    changed = []
    controller.runs_changed.connect(changed.append)
    other = Store.open(controller.paths)
    try:
        runner = Runner(controller.paths, controller.config, other, ChainNotifier([RecordingNotifier()]))
        with qtbot.waitSignal(controller.data_changed, timeout=6_000):
            record = runner.run("manual")
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: changed and changed[-1] is not None and changed[-1].state == "success", timeout=6_000
    )
    assert changed[-1].id == record.id
    assert not controller.check_store()  # nothing new since: no refresh


def test_a_run_is_over_for_whoever_hears_that_it_is(qtbot, make_controller) -> None:
    """When active_changed(False) arrives the run is over for is_active() too, so a Retry pressed at once
    (the history checks is_active() first) is not refused as "a run is in progress"."""
    controller = make_controller()
    heard: list[tuple[bool, bool]] = []
    controller.active_changed.connect(lambda active: heard.append((active, controller.is_active())))
    ended = {"timeout": 20_000, "check_params_cb": lambda active: not active}
    with qtbot.waitSignal(controller.active_changed, **ended):
        controller.run_now()
    assert heard == [(True, True), (False, False)]


# A fault in the run's process while it gets the pictures: the process dies (SIGABRT, as a crash in a
# picture library would), or an error escapes the runner itself and the process ends without a record.
CRASHES = {
    "process killed": (
        "tasks.TASKS = (tasks.TASKS[0], ('get_pictures', lambda ctx: os.abort()), *tasks.TASKS[2:])"
    ),
    "error in the runner": (
        "import rocketwatch.pipeline.runner as runner\n"
        "real_task = runner.Runner._run_task\n"
        "def task(self, ctx, task_id, function):\n"
        "    if task_id == 'get_pictures':\n"
        "        raise RuntimeError('a bug')\n"
        "    return real_task(self, ctx, task_id, function)\n"
        "runner.Runner._run_task = task"
    ),
}


@pytest.mark.parametrize("crash", CRASHES)
def test_a_run_whose_process_crashes_is_interrupted_and_the_app_goes_on(
    qtbot, make_controller, monkeypatch, crash: str
) -> None:
    """A fault in the run's process ends that process, not the tray app: the run shows as interrupted at
    once, retryable, and the next run works."""
    import sys

    from rocketwatch.pipeline import child

    script = (
        "import os, rocketwatch.pipeline.tasks as tasks\n"
        f"{CRASHES[crash]}\n"
        "from rocketwatch.pipeline.child import child_main\n"
        "child_main()\n"
    )
    controller = make_controller()
    real_command = child.child_command
    monkeypatch.setattr(child, "child_command", lambda: [sys.executable, "-c", script])
    with qtbot.waitSignal(controller.run_finished, timeout=20_000) as crashed:
        assert controller.run_now()
    record = crashed.args[0]
    assert record.state == "interrupted"
    assert record.tasks[0].state == "success" and record.tasks[1].state in ("interrupted", "queued")
    qtbot.waitUntil(lambda: not controller.is_active())

    monkeypatch.setattr(child, "child_command", real_command)
    with qtbot.waitSignal(controller.run_finished, timeout=20_000) as retried:
        assert controller.retry(record.id)
    assert (retried.args[0].id, retried.args[0].state) == (record.id, "success")
