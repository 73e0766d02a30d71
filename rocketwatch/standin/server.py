"""A stand-in for the Launch Library 2 API on 127.0.0.1, for tests, benchmarks and the demo.

A real HTTP/1.1 server (standard library) serving launch pages, images and hostile routes, with faults.
"""

from __future__ import annotations

import contextlib
import json
import logging
import select
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from rocketwatch.standin import hostile
from rocketwatch.standin.data import demo_images, demo_records

log = logging.getLogger(__name__)

FAULT_KINDS: frozenset[str] = frozenset(
    {
        "status",
        "rate_limit",
        "malformed",
        "truncated",
        "html",
        "wrong_shape",
        "empty",
        "hang",
        "never_ending",
    }
)
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
STOP_GRACE_SECONDS = 5.0
_CLIENT_GONE_ERRORS = (ConnectionError, TimeoutError, OSError)


@dataclass(frozen=True)
class Fault:
    """One way for an API request to go wrong.

    kind: one of FAULT_KINDS.
    code: status code for "status" (default 500), "html" (default 200) and "malformed",
        "truncated", "wrong_shape", "empty" (default 200).
    headers: extra response headers ("status" and "rate_limit").
    body: response body for "status" (bytes, str, or a JSON-able value) and "wrong_shape".
    retry_after: "rate_limit" only; seconds for the Retry-After header (a str is sent verbatim,
        e.g. an HTTP date); no header when None.
    body_seconds: "rate_limit" only; the N in LL2's "Expected available in N seconds." body.
    seconds: "hang" only; how long to send nothing before answering normally.
    """

    kind: str
    code: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    retry_after: float | str | None = None
    body_seconds: int | None = None
    seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {sorted(FAULT_KINDS)}")


class Headers(dict[str, str]):
    """Request headers: keys stored lower-case, looked up case-insensitively."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__((name.lower(), value) for name, value in pairs)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)


@dataclass
class RequestLog:
    """One request the stand-in received; status is None until the response starts."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int | None = None


def api_segment(version: str) -> str:
    """The collection name LL2 uses in this version: 'launches' from 2.3.0, 'launch' before."""
    return "launches" if version_tuple(version) >= (2, 3, 0) else "launch"


def version_tuple(version: str) -> tuple[int, ...]:
    """'2.3.0' -> (2, 3, 0); anything unparsable counts as the newest style."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (99,)


def read_int(text: str | None, default: int) -> int:
    """An integer query value, or the default when missing or not a number (as LL2 does)."""
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def json_bytes(value: Any) -> bytes:
    """A value as compact UTF-8 JSON."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that tracks its connections so stop() can end them, and stays quiet."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many concurrent picture downloads must not be dropped at connect

    def __init__(self, address: tuple[str, int], standin: StandIn) -> None:
        self.standin = standin
        self.connections: dict[threading.Thread, socket.socket] = {}
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name="standin-connection",
            daemon=True,
        )
        with self.connections_lock:
            self.connections[thread] = request
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            with self.connections_lock:
                self.connections.pop(threading.current_thread(), None)
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, _CLIENT_GONE_ERRORS):
            return
        log.error("LL2 stand-in failed to answer %s", client_address, exc_info=error)

    def end_connections(self) -> None:
        """Shut every open connection so its handler thread wakes up and ends."""
        with self.connections_lock:
            for conn in self.connections.values():
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)

    def join_connections(self, deadline: float) -> None:
        """Wait (until the monotonic deadline) for the handler threads to finish."""
        with self.connections_lock:
            threads = list(self.connections)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class StandIn:
    """The LL2 stand-in server. Start it with start() or a with block; stop() ends it promptly."""

    def __init__(
        self,
        records: Iterable[Mapping[str, Any]] | None = None,
        version: str = "2.3.0",
        latency: float = 0.0,
        port: int = 0,
    ) -> None:
        self.version = version
        self._port = port
        self._records: list[Mapping[str, Any]] = list(records or [])
        self._latency = float(latency)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._latency_changed = threading.Condition()
        self._stopping = threading.Event()
        self._requests: list[RequestLog] = []
        self._bytes_sent: dict[str, int] = {}
        self._in_flight = 0
        self._peak_in_flight = 0
        self._images: dict[str, tuple[bytes, str]] = {}
        self._counted_faults: deque[Fault] = deque()
        self._sticky_fault: Fault | None = None
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------------

    @classmethod
    def demo(cls, now: datetime | None = None, **kwargs: Any) -> StandIn:
        """A stand-in (not started) with the demo launches and their pictures under /media/demo/."""
        kwargs.setdefault("version", "2.3.0")
        standin = cls(records=demo_records(now), **kwargs)
        for name, body in demo_images().items():
            standin.add_image(f"/media/demo/{name}", body)
        return standin

    def start(self) -> StandIn:
        """Bind to 127.0.0.1 and serve in a background thread; returns self."""
        if self._httpd is not None:
            raise RuntimeError("this stand-in was already started")
        self._httpd = _Server(("127.0.0.1", self._port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="standin-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake every waiting response and close every connection."""
        if self._httpd is None or self._stopping.is_set():
            return
        self._stopping.set()
        with self._latency_changed:
            self._latency_changed.notify_all()
        self._httpd.shutdown()
        self._httpd.end_connections()
        self._httpd.join_connections(time.monotonic() + STOP_GRACE_SECONDS)
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True while the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    # --- addresses --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("start the stand-in first")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The value for config [source] api_url."""
        return f"{self.base_url}/{self.version}"

    @property
    def upcoming_path(self) -> str:
        """The path of the upcoming-launches page for this version."""
        return f"/{self.version}/{api_segment(self.version)}/upcoming/"

    def url(self, path: str) -> str:
        """base_url + path."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # --- data -------------------------------------------------------------------------------

    def set_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Replace the launches served (thread-safe)."""
        new_records = list(records)
        with self._lock:
            self._records = new_records

    @property
    def records(self) -> list[Mapping[str, Any]]:
        with self._lock:
            return list(self._records)

    def add_image(self, path: str, body: bytes, content_type: str = "image/jpeg") -> str:
        """Serve body at path with that content type; returns the full URL."""
        if not path.startswith("/"):
            path = "/" + path
        with self._lock:
            self._images[path] = (bytes(body), content_type)
        return self.url(path) if self._httpd is not None else path

    def image(self, path: str) -> tuple[bytes, str] | None:
        with self._lock:
            return self._images.get(path)

    @property
    def latency(self) -> float:
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        """Applies to new requests and to those still waiting out the old latency."""
        with self._latency_changed:
            self._latency = float(seconds)
            self._latency_changed.notify_all()

    # --- faults -----------------------------------------------------------------------------

    def push_api_fault(self, fault: Fault, count: int = 1) -> None:
        """The next `count` API requests get this fault (before any sticky fault)."""
        with self._lock:
            self._counted_faults.extend([fault] * count)

    def set_sticky_api_fault(self, fault: Fault | None) -> None:
        """Every API request gets this fault until set to None."""
        with self._lock:
            self._sticky_fault = fault

    def clear_faults(self) -> None:
        with self._lock:
            self._counted_faults.clear()
            self._sticky_fault = None

    def take_api_fault(self) -> Fault | None:
        with self._lock:
            if self._counted_faults:
                return self._counted_faults.popleft()
            return self._sticky_fault

    # --- observations -----------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestLog]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()
            self._bytes_sent.clear()

    def count(self, path_prefix: str = "") -> int:
        """How many requests hit paths starting with path_prefix."""
        with self._lock:
            return sum(1 for entry in self._requests if entry.path.startswith(path_prefix))

    def bytes_sent(self, path_prefix: str = "") -> int:
        """Body bytes actually written for paths starting with path_prefix."""
        with self._lock:
            return sum(n for path, n in self._bytes_sent.items() if path.startswith(path_prefix))

    @property
    def in_flight(self) -> int:
        """How many requests are being handled right now."""
        with self._lock:
            return self._in_flight

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no request is being handled (so logs and byte counts are final).

        Returns False if requests were still in flight after timeout seconds.
        """
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    @property
    def peak_in_flight(self) -> int:
        """The most requests handled at the same time so far."""
        with self._lock:
            return self._peak_in_flight

    # --- used by the handler ----------------------------------------------------------------

    @property
    def stopping(self) -> threading.Event:
        return self._stopping

    def record_request(self, entry: RequestLog) -> None:
        with self._lock:
            self._requests.append(entry)
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)

    def record_done(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._idle.notify_all()

    def record_bytes(self, path: str, n: int) -> None:
        with self._lock:
            self._bytes_sent[path] = self._bytes_sent.get(path, 0) + n

    def wait_latency(self, started: float) -> bool:
        """Wait out the latency (re-read when it changes); False if the server is stopping."""
        with self._latency_changed:
            while not self._stopping.is_set():
                remaining = started + self._latency - time.monotonic()
                if remaining <= 0:
                    return True
                self._latency_changed.wait(remaining)
        return False

    def page(self, query: Mapping[str, str]) -> dict[str, Any]:
        """The upcoming page for this query (limit/offset like LL2's LimitOffsetPagination)."""
        limit = read_int(query.get("limit"), DEFAULT_LIMIT)
        limit = DEFAULT_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
        offset = max(0, read_int(query.get("offset"), 0))
        records = self.records
        page_url = self.api_url + f"/{api_segment(self.version)}/upcoming/"
        next_url = None
        if offset + limit < len(records):
            next_url = page_url + "?" + urlencode({**query, "limit": limit, "offset": offset + limit})
        previous_url = None
        if offset > 0:
            previous_query: dict[str, Any] = {**query, "limit": limit}
            previous_query.pop("offset", None)
            if offset - limit > 0:
                previous_query["offset"] = offset - limit
            previous_url = page_url + "?" + urlencode(previous_query)
        return {
            "count": len(records),
            "next": next_url,
            "previous": previous_url,
            "results": records[offset : offset + limit],
        }

    def page_bytes(self, query: Mapping[str, str]) -> bytes:
        """The page as JSON with every "{server}" replaced by base_url."""
        text = json.dumps(self.page(query), ensure_ascii=False)
        return text.replace("{server}", self.base_url).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    """Answers one connection's requests (keep-alive) for the StandIn that owns the server."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "LL2StandIn/1.0"
    server: _Server
    entry: RequestLog

    routes: ClassVar[dict[str, str]] = {
        "/hostile/bomb.png": "bomb",
        "/hostile/huge.jpg": "huge",
        "/hostile/notimage.jpg": "not_image",
        "/hostile/hang.jpg": "hang_forever",
        "/hostile/missing.jpg": "missing",
        "/hostile/loop.jpg": "loop",
        "/hostile/to-file.jpg": "to_file",
        "/hostile/to-ftp.jpg": "to_ftp",
        "/hostile/trickle.jpg": "trickle",
        "/hostile/..%2F..%2Fescape.jpg": "escape",
        "/hostile/..%2f..%2fescape.jpg": "escape",
    }

    @property
    def standin(self) -> StandIn:
        return self.server.standin

    # --- quiet ------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        return

    # --- entry point ------------------------------------------------------------------------

    def do_GET(self) -> None:
        started = time.monotonic()
        split = urlsplit(self.path)
        self.entry = RequestLog(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=Headers(self.headers.items()),
        )
        self.standin.record_request(self.entry)
        try:
            if not self.standin.wait_latency(started):
                self.close_connection = True
                return
            self.route()
        except _CLIENT_GONE_ERRORS:
            self.close_connection = True
        finally:
            self.standin.record_done()

    def route(self) -> None:
        path = self.entry.path
        api_prefix = f"/{self.standin.version}/"
        if path.startswith(api_prefix):
            self.answer_api(path)
            return
        hostile_route = self.routes.get(path)
        if hostile_route is not None:
            getattr(self, "hostile_" + hostile_route)()
            return
        image = self.standin.image(path)
        if image is not None:
            self.send(200, image[0], image[1])
            return
        self.send_not_found()

    # --- API --------------------------------------------------------------------------------

    def answer_api(self, path: str) -> None:
        if path.rstrip("/") != self.standin.upcoming_path.rstrip("/"):
            self.send_not_found()
            return
        fault = self.standin.take_api_fault()
        if fault is None:
            self.send_page()
        else:
            self.send_fault(fault)

    def send_page(self) -> None:
        self.send(200, self.standin.page_bytes(self.entry.query), "application/json")

    def send_fault(self, fault: Fault) -> None:
        kind = fault.kind
        if kind == "status":
            self.send_status_fault(fault)
        elif kind == "rate_limit":
            self.send_rate_limit(fault)
        elif kind == "malformed":
            body = b'{"count": 3, "results": [{"id": oops this is not JSON'
            self.send(fault.code or 200, body, "application/json")
        elif kind == "truncated":
            body = self.standin.page_bytes(self.entry.query)
            self.send(fault.code or 200, body[: len(body) // 2], "application/json")
        elif kind == "html":
            self.send(fault.code or 200, hostile.HTML_PAGE, "text/html; charset=utf-8")
        elif kind == "wrong_shape":
            shape = fault.body if fault.body is not None else hostile.WRONG_SHAPE
            self.send(fault.code or 200, json_bytes(shape), "application/json")
        elif kind == "empty":
            self.send(fault.code or 200, b"", "application/json")
        elif kind == "hang":
            if self.wait_while_client_waits(fault.seconds):
                self.send_page()
            else:
                self.close_connection = True
        elif kind == "never_ending":
            self.send_never_ending()

    def send_status_fault(self, fault: Fault) -> None:
        code = fault.code or 500
        body = fault.body
        if body is None:
            body = {"detail": f"LL2 stand-in fault: HTTP {code}."}
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):
            body = json_bytes(body)
        headers = dict(fault.headers)
        content_type = headers.pop("Content-Type", headers.pop("content-type", "application/json"))
        self.send(code, body, content_type, headers)

    def send_rate_limit(self, fault: Fault) -> None:
        headers = dict(fault.headers)
        if isinstance(fault.retry_after, str):
            headers["Retry-After"] = fault.retry_after
        elif fault.retry_after is not None:
            headers["Retry-After"] = f"{fault.retry_after:g}"
        detail = "Request was throttled."
        if fault.body_seconds is not None:
            detail += f" Expected available in {fault.body_seconds} seconds."
        self.send(fault.code or 429, json_bytes({"detail": detail}), "application/json", headers)

    def send_never_ending(self) -> None:
        self.close_connection = True
        self.start_response(200, "application/json", None, {"Connection": "close"})
        self.write_body(b'{"count": 1, "next": null, "previous": null, "results": [')
        for chunk in hostile.endless_json_chunks():
            if self.standin.stopping.wait(0.002):
                return
            self.write_body(chunk)

    # --- hostile images ---------------------------------------------------------------------

    def hostile_bomb(self) -> None:
        self.send(200, hostile.bomb_png(), "image/png")

    def hostile_huge(self) -> None:
        self.start_response(200, "image/jpeg", hostile.HUGE_SIZE)
        for chunk in hostile.huge_jpeg_chunks():
            if self.standin.stopping.is_set():
                self.close_connection = True
                return
            self.write_body(chunk)

    def hostile_not_image(self) -> None:
        self.send(200, hostile.HTML_PAGE, "image/jpeg")

    def hostile_hang_forever(self) -> None:
        self.wait_while_client_waits(None)
        self.close_connection = True

    def hostile_missing(self) -> None:
        self.send_not_found()

    def hostile_loop(self) -> None:
        hop = read_int(self.entry.query.get("hop"), 0) + 1
        self.send_redirect(f"/hostile/loop.jpg?hop={hop}")

    def hostile_to_file(self) -> None:
        self.send_redirect("file:///etc/passwd")

    def hostile_to_ftp(self) -> None:
        self.send_redirect("ftp://127.0.0.1/pub/rocket.jpg")

    def hostile_trickle(self) -> None:
        self.start_response(200, "image/jpeg", hostile.TRICKLE_SIZE)
        for byte in hostile.trickle_bytes():
            self.write_body(byte)
            if self.standin.stopping.wait(hostile.TRICKLE_INTERVAL):
                self.close_connection = True
                return

    def hostile_escape(self) -> None:
        self.send(200, hostile.small_jpeg(), "image/jpeg")

    # --- plumbing ---------------------------------------------------------------------------

    def send_not_found(self) -> None:
        self.send(404, json_bytes({"detail": "Not found."}), "application/json")

    def send_redirect(self, location: str) -> None:
        self.send(302, b"", "text/plain", {"Location": location})

    def send(
        self,
        code: int,
        body: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """A complete response with a Content-Length."""
        self.start_response(code, content_type, len(body), headers)
        self.write_body(body)

    def start_response(
        self,
        code: int,
        content_type: str,
        length: int | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.entry.status = code
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def write_body(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.wfile.write(chunk)
        self.standin.record_bytes(self.entry.path, len(chunk))

    def wait_while_client_waits(self, seconds: float | None) -> bool:
        """Send nothing for `seconds` (None: until stop). False if stopped or the client left."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            step = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
            if step <= 0:
                return True
            if self.standin.stopping.wait(step):
                return False
            if self.client_left():
                return False

    def client_left(self) -> bool:
        """True when the client closed its end of the connection."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

