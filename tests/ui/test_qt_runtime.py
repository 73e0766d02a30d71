"""Guards against Qt binding bugs that would crash a tray app that runs for weeks."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    changed = Signal(object)
    active = Signal(bool)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12 on")
def test_emitting_signals_does_not_leak_references_to_true(qtbot) -> None:
    # PySide6 6.12.0 dropped a reference to True on every emit(); Python 3.11 then aborted with
    # "bool_dealloc: deallocating True or False" after a few hundred run events.
    emitter = Emitter()
    received: list[object] = []
    emitter.changed.connect(received.append)
    emitter.active.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.changed.emit(1)
        emitter.active.emit(False)
    assert len(received) == 400
    assert sys.getrefcount(True) >= before - 5
