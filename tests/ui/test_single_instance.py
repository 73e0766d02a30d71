"""A second `rocketwatch` reaches the first over a local socket; stale sockets and bad input do no harm.

Clients run in child processes, as for real: the blocking client cannot share a process with the server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from rocketwatch.ui.single_instance import (
    MAX_LINE,
    InstanceServer,
    answer_request,
    send_request,
    server_address,
    socket_name,
)

SEND = """
import json, sys
from rocketwatch.ui.single_instance import send_request
print(json.dumps(send_request(sys.argv[1], json.loads(sys.argv[2]), timeout_ms=10_000)))
"""

RAW = """
import sys
from pathlib import Path
from PySide6.QtNetwork import QLocalSocket
socket = QLocalSocket()
socket.connectToServer(sys.argv[1])
assert socket.waitForConnected(10_000)
socket.write(Path(sys.argv[2]).read_bytes())
socket.waitForBytesWritten(10_000)
received = b""
while socket.waitForReadyRead(10_000):
    received += socket.readAll().data()
received += socket.readAll().data()
sys.stdout.write(received.decode("utf-8", "replace"))
"""

CRASH = """
import os, sys
from PySide6.QtCore import QCoreApplication
from rocketwatch.ui.single_instance import InstanceServer
app = QCoreApplication([])
server = InstanceServer(sys.argv[1])
assert server.listen()
os._exit(3)  # a crash: nothing gets cleaned up
"""


@pytest.fixture(autouse=True)
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder with a short path (socket paths are limited to about 100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="rw-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def name(tmp_path: Path) -> str:
    return socket_name(tmp_path / "home")


@pytest.fixture
def server(qtbot, name: str) -> Iterator[InstanceServer]:
    instance = InstanceServer(name)
    assert instance.listen()
    yield instance
    instance.close()


def run_child(qtbot, *args: str) -> str:
    """Run a Python child process while this one keeps serving; its standard output."""
    child = subprocess.Popen(
        [sys.executable, "-c", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    qtbot.waitUntil(lambda: child.poll() is not None, timeout=30_000)
    out, err = child.communicate()
    assert child.returncode in (0, 3), err
    return out


def ask(qtbot, name: str, request: dict) -> dict | None:
    """What a second `rocketwatch` process gets back from send_request()."""
    return json.loads(run_child(qtbot, SEND, name, json.dumps(request)))


def send_raw(qtbot, name: str, data: bytes, tmp_path: Path) -> str:
    """Bytes written straight to the socket; whatever the server answers before it closes."""
    payload = tmp_path / "payload.bin"
    payload.write_bytes(data)
    return run_child(qtbot, RAW, server_address(name), str(payload))


def test_a_request_from_another_process_arrives_as_a_signal(qtbot, server: InstanceServer, name: str) -> None:
    with qtbot.waitSignal(server.request, timeout=30_000) as arrived:
        answer = ask(qtbot, name, {"command": "show", "window": "history"})
    assert arrived.args == [{"command": "show", "window": "history"}]
    assert answer == {"ok": True}


def test_show_without_a_window_shows_the_gallery(qtbot, server: InstanceServer, name: str) -> None:
    with qtbot.waitSignal(server.request, timeout=30_000) as arrived:
        assert ask(qtbot, name, {"command": "show"}) == {"ok": True}
    assert arrived.args == [{"command": "show", "window": "gallery"}]


def test_unknown_commands_are_refused_and_not_passed_on(qtbot, server: InstanceServer, name: str) -> None:
    received: list[dict] = []
    server.request.connect(received.append)
    refused = ask(qtbot, name, {"command": "format-disk"})
    bad_window = ask(qtbot, name, {"command": "show", "window": "../../etc"})
    assert refused is not None and refused["ok"] is False and "format-disk" in refused["error"]
    assert bad_window is not None and bad_window["ok"] is False
    with qtbot.waitSignal(server.request, timeout=30_000):
        assert ask(qtbot, name, {"command": "run-now"}) == {"ok": True}
    assert received == [{"command": "run-now"}]


def test_no_instance_listening_gives_none(qtbot, name: str) -> None:
    assert ask(qtbot, name, {"command": "quit"}) is None


def test_send_request_without_an_instance_needs_no_event_loop(name: str) -> None:
    assert send_request(name, {"command": "quit"}, timeout_ms=200) is None


def test_a_second_instance_cannot_take_over_a_live_one(qtbot, server: InstanceServer, name: str) -> None:
    second = InstanceServer(name)
    assert second.listen() is False
    assert not second.is_listening()
    # The first instance still gets the requests.
    with qtbot.waitSignal(server.request, timeout=30_000):
        assert ask(qtbot, name, {"command": "run-now"}) == {"ok": True}


def test_the_socket_of_a_crashed_instance_is_recovered(qtbot, name: str) -> None:
    run_child(qtbot, CRASH, name)
    if sys.platform != "win32":
        assert Path(server_address(name)).exists(), "the crashed instance should have left its socket"
    recovered = InstanceServer(name)
    try:
        assert recovered.listen()
        with qtbot.waitSignal(recovered.request, timeout=30_000) as arrived:
            assert ask(qtbot, name, {"command": "quit"}) == {"ok": True}
        assert arrived.args == [{"command": "quit"}]
    finally:
        recovered.close()


def test_closing_lets_the_next_instance_start(qtbot, name: str) -> None:
    first = InstanceServer(name)
    assert first.listen()
    first.close()
    assert ask(qtbot, name, {"command": "quit"}) is None
    second = InstanceServer(name)
    assert second.listen()
    second.close()


@pytest.mark.parametrize(
    ("data", "expected_error"),
    [
        (b"hello there\n", "malformed"),
        (b"\xff\xfe\x00\n", "malformed"),
        (b"[1, 2, 3]\n", "not a JSON object"),
        (b'{"command": 42}\n', "unknown command"),
        (b"x" * (MAX_LINE + 10), "longer than"),
        (b'{"command": "run-now", "pad": "' + b"x" * MAX_LINE + b'"}\n', "longer than"),
    ],
    ids=["not-json", "not-utf8", "not-an-object", "command-not-a-string", "huge-no-newline", "huge-line"],
)
def test_malformed_input_is_refused_and_the_server_keeps_working(
    qtbot, server: InstanceServer, name: str, tmp_path: Path, data: bytes, expected_error: str
) -> None:
    received: list[dict] = []
    server.request.connect(received.append)
    reply = send_raw(qtbot, name, data, tmp_path)
    answer = json.loads(reply)
    assert answer["ok"] is False and expected_error in answer["error"]
    with qtbot.waitSignal(server.request, timeout=30_000):
        assert ask(qtbot, name, {"command": "run-now"}) == {"ok": True}
    assert received == [{"command": "run-now"}]


def test_deeply_nested_json_is_refused_not_a_crash() -> None:
    answer, request = answer_request(b"[" * (MAX_LINE - 1))
    assert answer["ok"] is False and request is None


def test_socket_names_differ_per_home_and_are_stable(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert socket_name(first) == socket_name(first)
    assert socket_name(first) == socket_name(tmp_path / "two" / ".." / "one")
    assert len({socket_name(first), socket_name(second), socket_name(None)}) == 3
    assert socket_name(None) == socket_name(None)
    assert all(len(socket_name(home).encode()) < 40 for home in (first, None))


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files only")
def test_without_a_runtime_dir_the_socket_is_in_a_private_folder(
    monkeypatch: pytest.MonkeyPatch, runtime_dir: Path, name: str
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setattr(tempfile, "tempdir", str(runtime_dir))
    folder = Path(server_address(name)).parent
    assert folder.parent == runtime_dir
    assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files only")
def test_a_runtime_dir_others_can_enter_is_not_used(
    monkeypatch: pytest.MonkeyPatch, runtime_dir: Path, name: str
) -> None:
    shared = runtime_dir / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    monkeypatch.setattr(tempfile, "tempdir", str(runtime_dir))
    assert Path(server_address(name)).parent != shared
