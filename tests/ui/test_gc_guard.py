"""Garbage in reference cycles is collected in the GUI thread, never in a pipeline thread (where a Qt
object freed by the collector crashes the process)."""

from __future__ import annotations

import gc
import threading

from rocketwatch.ui.gc_guard import GuiThreadCollector


class Cycle:
    """An object in a reference cycle that says in which thread it was freed."""

    def __init__(self, freed_in: list[threading.Thread]) -> None:
        self.freed_in = freed_in
        self.me = self

    def __del__(self) -> None:
        self.freed_in.append(threading.current_thread())


def test_cycles_dropped_in_a_worker_thread_are_freed_in_the_gui_thread(qtbot) -> None:
    collector = GuiThreadCollector(interval_ms=20)
    try:
        assert not gc.isenabled()
        freed_in: list[threading.Thread] = []

        def worker() -> None:
            Cycle(freed_in)
            for _ in range(20 * gc.get_threshold()[0]):  # enough new cycles to start many collections
                garbage: list[object] = []
                garbage.append(garbage)

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert freed_in == []  # the worker's allocations started no collection
        qtbot.waitUntil(lambda: bool(freed_in), timeout=5_000)
        assert freed_in == [threading.main_thread()]
    finally:
        collector.stop()


def test_stopping_leaves_the_collector_as_it_found_it(qtbot) -> None:
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        collector = GuiThreadCollector()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()
