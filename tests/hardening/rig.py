"""Helpers for the hardening tests: a runner on the stand-in, a DNS-free resolver, a watch on the disk.

Also a picture server that breaks off, and the check that text a user reads is in plain words.
"""

from __future__ import annotations

import builtins
import hashlib
import ipaddress
import re
import socket
import sqlite3
import ssl
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import RecordingNotifier, write_config

from rocketwatch.config import load_config
from rocketwatch.notify import ChainNotifier, Notification
from rocketwatch.paths import paths_for
from rocketwatch.pipeline import Runner
from rocketwatch.standin import StandIn
from rocketwatch.store import Store


class Rig:
    """A home, its store and a runner on a stand-in (like tests/pipeline's Harness), plus what users see."""

    def __init__(self, home: Path, server: StandIn, **config: Any) -> None:
        source = {"api_url": server.api_url, **config.pop("source", {})}
        pipeline = {"retries": 1, "timeout": 1, **config.pop("pipeline", {})}
        write_config(home, source=source, pipeline=pipeline, **config)
        self.home = home
        self.paths = paths_for(home)
        self.config = load_config(self.paths.config_file)
        self.store = Store.open(self.paths)
        self.recorder = RecordingNotifier()
        self.runner = self.runner_for()

    def runner_for(self, **source: Any) -> Runner:
        """A runner on this home whose [source] settings differ as given (e.g. another api_url)."""
        config = replace(self.config, source=replace(self.config.source, **source))
        return Runner(self.paths, config, self.store, ChainNotifier([self.recorder]))

    @property
    def sent(self) -> list[Notification]:
        return list(self.recorder.sent)

    def launch_ids(self) -> list[str]:
        return sorted(launch.id for launch in self.store.launches.upcoming())

    def picture_files(self) -> dict[str, str]:
        """{file name: sha256} of every file in the picture folders."""
        files: dict[str, str] = {}
        for folder in (self.paths.images_dir, self.paths.thumbnails_dir):
            if folder.is_dir():
                for file in folder.iterdir():
                    files[f"{folder.name}/{file.name}"] = hashlib.sha256(file.read_bytes()).hexdigest()
        return files

    def logs(self, run_id: int) -> str:
        return "\n".join(attempt.log for attempt in self.store.runs.tries(run_id))

    def close(self) -> None:
        self.store.close()


# --- no DNS off the machine -----------------------------------------------------------------------------
class Resolver:
    """Stands in for socket.getaddrinfo: literal addresses and localhost resolve as usual, names a test maps
    resolve to the address given, and every other name fails at once as unknown (no query is sent)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.names: dict[str, str] = {}
        self.refused: list[str] = []

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
        if name in self.names:
            return self.real(self.names[name], port, *args, **kwargs)
        if name is None or name == "localhost" or _is_literal(name):
            return self.real(host, port, *args, **kwargs)
        self.refused.append(name)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def _is_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


# --- nothing written outside the home -----------------------------------------------------------------------
class Outside:
    """Points HOME, TMPDIR and the XDG folders into tmp_path/outside; check() says what changed in
    tmp_path outside the home since the start (written, changed or removed)."""

    def __init__(self, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.home = tmp_path, home
        folder = tmp_path / "outside"
        names = ("HOME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
        for name in names:
            path = folder / name.lower()
            path.mkdir(parents=True)
            monkeypatch.setenv(name, str(path))
        monkeypatch.setattr(tempfile, "tempdir", str(folder / "tmpdir"))
        self.before = self.tree()

    def tree(self) -> dict[str, tuple[int, int]]:
        return {
            str(path.relative_to(self.root)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in self.root.rglob("*")
            if path != self.home and self.home not in path.parents and not path.is_symlink()
        }

    def changes(self) -> list[str]:
        after = self.tree()
        return sorted(
            name for name in self.before.keys() | after.keys() if self.before.get(name) != after.get(name)
        )


# --- words a user can read -------------------------------------------------------------------------------
def _exception_names() -> frozenset[str]:
    import json

    from rocketwatch import images
    from rocketwatch.ll2 import client, parse
    from rocketwatch.pipeline import context

    names = set()
    for module in (builtins, httpx, ssl, sqlite3, json, socket, images, client, parse, context):
        for name in dir(module):
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, BaseException) and name[0].isupper():
                names.add(name)
    return frozenset(
        name for name in names if re.search(r"[a-z][A-Z]|.Error$|.Exception$", name)
    )  # not the English "Error"


EXCEPTION_NAMES = _exception_names()
_TECHNICAL = re.compile(r"Traceback|File \"|line \d+, in|\[Errno|<class |errno \d+", re.IGNORECASE)


def assert_plain_words(text: str | None) -> None:
    """No traceback, no errno, no Python exception class name in text the user reads."""
    assert text is not None
    assert not _TECHNICAL.search(text), text
    found = [name for name in EXCEPTION_NAMES if re.search(rf"\b{name}\b", text)]
    assert not found, (found, text)


# --- a picture server that answers what it is told --------------------------------------------------------
class RawServer:
    """On 127.0.0.1: reads each request and answers it with the given bytes, then closes the connection.

    BROKEN_OFF promises 100 kB of JPEG and sends 1 kB; SELF_REDIRECT sends the client back to the same URL;
    with `trickle`, one more byte follows every 0.2 s for 10 s, while the client listens.
    """

    BROKEN_OFF = (
        b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n"
        + bytes.fromhex("ffd8ffe000104a464946")
        + bytes(1000)
    )
    SELF_REDIRECT = b"HTTP/1.1 302 Found\r\nLocation: /picture.jpg\r\nContent-Length: 0\r\n\r\n"

    TRICKLING_PAGE = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        b'{"count": 1, "next": null, "results": ['
    )

    def __init__(self, answer: bytes, *, trickle: bool = False) -> None:
        import threading

        self.answer = answer
        self.trickle = trickle
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}/picture.jpg"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="raw-server", daemon=True)
        self.served = 0

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                self.served += 1  # counted before answering: the client may be done before this thread
                connection.sendall(self.answer)
                deadline = time.monotonic() + 10  # then it ends: a client with no deadline fails, not hangs
                while self.trickle and time.monotonic() < deadline and not self._stop.wait(0.2):
                    try:
                        connection.sendall(b" ")
                    except OSError:  # the client gave up
                        break

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._socket.close()
