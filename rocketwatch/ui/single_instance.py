"""One RocketWatch per user and home: the first instance listens on a local socket, later ones ask it.

Protocol: the client sends one JSON object on one UTF-8 line (at most 64 KiB); the server answers one line,
{"ok": true} or {"ok": false, "error": "..."}, and closes the connection. The answer to "ping" also says how
the running instance was started ({"instance": {"pid", "demo", "api_url"}}), so that a second start with
other options can say so instead of silently showing the first one's windows.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import os
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from rocketwatch.i18n import _

log = logging.getLogger(__name__)

MAX_LINE = 64 * 1024
COMMANDS = ("show", "run-now", "cancel", "quit")
WINDOWS = ("gallery", "history", "settings")
PING = "ping"  # answered by the server itself and never emitted: a client may use it to check for an instance
LIVENESS_TIMEOUT_MS = 500
IDLE_CONNECTION_MS = 5_000

Request = dict[str, Any]


def socket_name(home: Path | None) -> str:
    """The server name for this user and home: short, stable, and different for every (user, home) pair."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment and no password entry
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    where = str(home.expanduser().resolve()) if home is not None else "default"
    digest = hashlib.sha256(f"{user}\0{where}".encode()).hexdigest()[:16]
    return f"rocketwatch-{digest}"


def server_address(name: str) -> str:
    """Where the server for `name` listens: a pipe name on Windows, else a socket path in a private folder.

    On Unix the socket lives in $XDG_RUNTIME_DIR, or else in a 0700 folder of ours inside the temp folder;
    never in the shared temp folder itself, where another user could take the name first.
    """
    if sys.platform == "win32":
        return name
    return str(_private_dir() / name)


def _private_dir() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and _is_private(Path(runtime)):
        return Path(runtime)
    folder = Path(tempfile.gettempdir()) / f"rocketwatch-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    if not _is_private(folder):
        raise OSError(
            _("{folder} is not a private folder of this user; remove it to let RocketWatch start").format(
                folder=folder
            )
        )
    return folder


def _is_private(folder: Path) -> bool:
    """A real folder (not a link) of this user that nobody else may enter."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def answer_request(line: bytes, identity: Request | None = None) -> tuple[Request, Request | None]:
    """The answer to one request line, and the request to act on (None when there is nothing to do).

    A "show" without a window means the gallery; the request passed on always names its window. A "ping"
    is answered with the instance's `identity` (how it was started), when there is one.
    """
    import json

    try:
        request = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {"ok": False, "error": "malformed request: not JSON in UTF-8"}, None
    if not isinstance(request, dict):
        return {"ok": False, "error": "malformed request: not a JSON object"}, None
    command = request.get("command")
    if command == PING:
        return ({"ok": True, "instance": identity} if identity is not None else {"ok": True}), None
    if command not in COMMANDS:
        return {"ok": False, "error": f"unknown command {command!r}"}, None
    if command == "show":
        window = request.setdefault("window", "gallery")
        if window not in WINDOWS:
            return {"ok": False, "error": f"unknown window {window!r}"}, None
    return {"ok": True}, request


class InstanceServer(QObject):
    """The first instance's end: receives requests from later `rocketwatch` processes."""

    request = Signal(dict)

    def __init__(self, name: str, parent: QObject | None = None, *, identity: Request | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.identity = {"pid": os.getpid(), **identity} if identity is not None else None
        self._server: QLocalServer | None = None

    def listen(self) -> bool:
        """Start listening; False when another live instance already owns the name.

        A socket left behind by a crashed instance is removed and the name taken over.
        Raises OSError when listening fails for any other reason.
        """
        self.close()
        address = server_address(self.name)
        server = QLocalServer(self)
        if sys.platform == "win32":
            # Only on Windows: on Unix this option makes listen() replace a live server's socket instead of
            # failing with AddressInUseError (QTBUG-48635). There the private folder keeps others out.
            server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(address):
            if server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
                raise OSError(
                    _("cannot listen on {address}: {error}").format(
                        address=address, error=server.errorString()
                    )
                )
            if _server_answers(address):
                log.info("another RocketWatch is already running (%s)", address)
                server.deleteLater()
                return False
            log.warning("removing %s, left behind by a RocketWatch that ended abruptly", address)
            QLocalServer.removeServer(address)
            if not server.listen(address):
                raise OSError(
                    _("cannot listen on {address}: {error}").format(
                        address=address, error=server.errorString()
                    )
                )
        if sys.platform != "win32":
            os.chmod(address, 0o700)
        server.newConnection.connect(self._accept)
        self._server = server
        log.debug("listening for other instances on %s", address)
        return True

    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def close(self) -> None:
        """Stop listening and remove the socket, so the next instance starts cleanly."""
        if self._server is not None:
            self._server.close()  # removes the socket file on Unix
            self._server.deleteLater()
            self._server = None

    def _accept(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            _Connection(server.nextPendingConnection(), self)


class _Connection(QObject):
    """One client connection: read a line, answer, close. A child of its socket, so it goes with it."""

    def __init__(self, socket: QLocalSocket, server: InstanceServer) -> None:
        super().__init__(socket)
        self._socket = socket
        self._server = server
        self._buffer = bytearray()
        self._answered = False
        socket.readyRead.connect(self._read)
        socket.disconnected.connect(socket.deleteLater)
        QTimer.singleShot(IDLE_CONNECTION_MS, self, self._drop_idle)
        self._read()

    def _read(self) -> None:
        data = self._socket.readAll().data()
        if self._answered:
            return
        self._buffer += data
        end = self._buffer.find(b"\n")
        if (end < 0 and len(self._buffer) > MAX_LINE) or end > MAX_LINE:
            self._answer({"ok": False, "error": f"request longer than {MAX_LINE} bytes"}, None)
        elif end >= 0:
            self._answer(*answer_request(bytes(self._buffer[:end]).rstrip(b"\r"), self._server.identity))

    def _answer(self, answer: Request, request: Request | None) -> None:
        self._answered = True
        self._buffer.clear()
        import json

        # Answer before acting, so that a "quit" does not leave the asking process without its answer.
        self._socket.write(json.dumps(answer).encode("utf-8") + b"\n")
        self._socket.flush()
        self._socket.disconnectFromServer()
        if request is not None:
            log.info("request from another instance: %s", request)
            self._server.request.emit(request)

    def _drop_idle(self) -> None:
        if not self._answered:
            log.debug("dropping a connection that sent no request")
            self._answered = True
            self._socket.abort()


def _server_answers(address: str) -> bool:
    """Whether a live server accepts connections at `address`; a stale socket file refuses them."""
    probe = QLocalSocket()
    probe.connectToServer(address)
    alive = probe.waitForConnected(LIVENESS_TIMEOUT_MS)
    probe.abort()
    return alive


def send_request(name: str, request: Request, timeout_ms: int = 1000) -> Request | None:
    """Send `request` to the running instance and return its answer; None when no instance is listening.

    Blocking, for a second `rocketwatch` process before it creates any window: needs no event loop and no
    QCoreApplication (one may exist). Not for use inside the process that runs the server: PySide6 holds
    the GIL while it waits, so the server could not answer. An instance that accepts the connection but
    does not answer within `timeout_ms` gives {"ok": false, "error": ...}.
    """
    try:
        address = server_address(name)
    except OSError:
        return None  # without our private folder, nobody can be listening in it
    socket = QLocalSocket()
    try:
        socket.connectToServer(address)
        if not socket.waitForConnected(timeout_ms):
            return None
        import json  # only once an instance answered: a first start shows its icon without json

        deadline = time.monotonic() + timeout_ms / 1000
        socket.write(json.dumps(request).encode("utf-8") + b"\n")
        if not socket.waitForBytesWritten(timeout_ms):
            return {"ok": False, "error": f"could not send the request: {socket.errorString()}"}
        received = bytearray(socket.readAll().data())
        while b"\n" not in received:
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0 or not socket.waitForReadyRead(remaining_ms):
                received += socket.readAll().data()
                break
            received += socket.readAll().data()
        line = bytes(received).split(b"\n", 1)[0]
        try:
            answer = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {"ok": False, "error": "no answer from the running instance"}
        return answer if isinstance(answer, dict) else {"ok": False, "error": "a malformed answer"}
    finally:
        socket.abort()


def _started_words(identity: Request) -> str:
    if identity.get("demo"):
        return _("with --demo")
    if identity.get("api_url"):
        return _("with --api-url {url}").format(url=identity["api_url"])
    return _("on your saved settings")


def instance_mismatch(mine: Request, theirs: Request | None) -> str:
    """What to tell a second start that asks for other options than the running instance has ('' when
    they match, when the second start gives none (`rocketwatch`: show me the one that runs), or when the
    running instance does not say how it was started)."""

    def started(identity: Request) -> tuple[bool, str]:
        return bool(identity.get("demo")), str(identity.get("api_url") or "")

    if not isinstance(theirs, dict) or started(mine) == (False, "") or started(mine) == started(theirs):
        return ""
    pid = theirs.get("pid")
    words = {"theirs": _started_words(theirs), "mine": _started_words(mine), "pid": pid}
    if pid:
        return _(
            "RocketWatch is already running for this home (pid {pid}) {theirs}, so this start {mine} would "
            "only show its windows. Quit it first (rocketwatch quit, or Quit in its tray menu), then start "
            "again; or use --home DIR to run a second one apart."
        ).format(**words)
    return _(
        "RocketWatch is already running for this home {theirs}, so this start {mine} would only show its "
        "windows. Quit it first (rocketwatch quit, or Quit in its tray menu), then start again; or use "
        "--home DIR to run a second one apart."
    ).format(**words)
