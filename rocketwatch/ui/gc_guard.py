"""Python's cyclic garbage collection in the GUI thread only.

The collector runs in whichever thread happens to allocate when its threshold is crossed, and the
pipeline's worker threads allocate the most (JSON pages, pictures). A Qt object that ended up in a
reference cycle (a closed dialog and a lambda connected to it) is then destroyed in that worker thread,
which Qt does not allow: the process crashes (seen as a segmentation fault while a worker parsed JSON).
So the automatic collector is switched off and a timer in the GUI thread collects instead, with the same
thresholds; reference counting still frees everything that is not in a cycle at once. pyqtgraph does the
same for the same reason (its GarbageCollector).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500  # garbage in cycles waits at most this long; a pass over young objects is microseconds


class GuiThreadCollector(QObject):
    """Switches the automatic collector off while it lives; collects on its timer, in the GUI thread."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_due)
        gc.disable()
        self.timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold, as Python itself would."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        """Automatic collection as it was before (the app is quitting: its worker threads are done)."""
        self.timer.stop()
        if self.was_enabled:
            gc.enable()
