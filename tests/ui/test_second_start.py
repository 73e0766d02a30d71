"""A second `rocketwatch` with other options than the running one says which instance runs and what to do,
instead of silently showing the first one's windows. The second start is a real process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from rocketwatch.session import Session
from rocketwatch.ui.single_instance import InstanceServer, instance_mismatch, socket_name


@pytest.fixture
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder with a short path (socket paths are limited to about 100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="rw-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def running(qtbot, home: Path, runtime_dir: Path) -> Iterator[InstanceServer]:
    """The instance server of a RocketWatch started plainly (`rocketwatch --home HOME`)."""
    session = Session.from_options(str(home), None, False)
    server = InstanceServer(socket_name(session.home), identity=session.identity())
    assert server.listen()
    yield server
    server.close()


def second_start(qtbot, home: Path, *args: str) -> subprocess.CompletedProcess:
    """`rocketwatch --home HOME ARGS…` in a child process while this one keeps serving."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DBUS_SESSION_BUS_ADDRESS": ""}
    child = subprocess.Popen(
        [sys.executable, "-m", "rocketwatch", "--home", str(home), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    qtbot.waitUntil(lambda: child.poll() is not None, timeout=30_000)
    out, err = child.communicate()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


@pytest.mark.parametrize("options", [("--demo",), ("--api-url", "http://127.0.0.1:9/2.3.0")])
def test_a_second_start_with_other_options_says_which_instance_runs(
    qtbot, home: Path, running: InstanceServer, options: tuple[str, ...]
) -> None:
    shown: list[dict] = []
    running.request.connect(shown.append)
    result = second_start(qtbot, home, *options)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert f"already running for this home (pid {os.getpid()}) on your saved settings" in line
    assert f"this start with {' '.join(options)}" in line
    assert "Quit it first (rocketwatch quit" in line
    assert shown == []  # the running instance did not silently show its gallery


def test_a_second_start_with_the_same_options_shows_the_running_instance(
    qtbot, home: Path, running: InstanceServer
) -> None:
    with qtbot.waitSignal(running.request, timeout=30_000) as arrived:
        result = second_start(qtbot, home, "show", "history")
    assert result.returncode == 0, result.stderr
    assert arrived.args == [{"command": "show", "window": "history"}]


def test_the_words_name_both_ways_of_starting() -> None:
    plain = {"demo": False, "api_url": None}
    demo = {"demo": True, "api_url": None}
    custom = {"demo": False, "api_url": "http://127.0.0.1:9/2.3.0"}
    assert instance_mismatch(plain, {"pid": 42, **plain}) == ""
    assert instance_mismatch(demo, {"pid": 42, **demo}) == ""
    assert instance_mismatch(demo, None) == ""  # an older instance that does not say: no guessing
    assert instance_mismatch(plain, {"pid": 42, **demo}) == ""  # `rocketwatch` alone: show the one running
    words = instance_mismatch(custom, {"pid": 42, **demo})
    assert "(pid 42) with --demo" in words and "this start with --api-url http://127.0.0.1:9/2.3.0" in words
