"""The controller runs the pipeline off the GUI thread and reports through queued signals."""

from __future__ import annotations

import threading

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
