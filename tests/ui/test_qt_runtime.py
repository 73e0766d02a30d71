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


def test_modules_imported_after_pyside_leave_no_source_in_memory(tmp_path, monkeypatch) -> None:
    # PySide6 reads the source of every module imported after it (is "PySide6" in it?) and its
    # inspect.getsource kept each file in linecache for good: 12.6 MB of a tray app idling after a run.
    import linecache

    import rocketwatch.ui  # noqa: F401  # where the lighter check is installed

    feature = sys.modules["PySide6.support.feature"]
    (tmp_path / "rw_probe_plain.py").write_text("VALUE = 1\n" + "# filler line\n" * 2000, encoding="utf-8")
    (tmp_path / "rw_probe_qt.py").write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("rw_probe_plain", "rw_probe_qt"):
        monkeypatch.delitem(sys.modules, name, raising=False)
        __import__(name)  # through builtins.__import__, which PySide6 replaced, as a module's import is
    assert not any(path.startswith(str(tmp_path)) for path in linecache.cache)
    # The answers PySide6 itself would give: -1 "ignore this module", 0 "uses PySide6, no feature".
    assert feature.pyside_feature_dict["rw_probe_plain"] == -1
    assert feature.pyside_feature_dict["rw_probe_qt"] == 0
