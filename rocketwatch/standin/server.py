"""A stand-in for the Launch Library 2 API on 127.0.0.1, for tests, benchmarks and the demo.

A real HTTP/1.1 server (standard library) serving launch pages, images and hostile routes, with faults.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import datetime
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

from rocketwatch.standin.data import demo_images, demo_records
from rocketwatch.standin.handler import _Handler
from rocketwatch.standin.protocol import (
    _CLIENT_GONE_ERRORS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    STOP_GRACE_SECONDS,
    Fault,
    RequestLog,
    api_segment,
    read_int,
)
from rocketwatch.standin.shapes import served_record

log = logging.getLogger(__name__)


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
        events: Iterable[Mapping[str, Any]] | None = None,
        latency: float = 0.0,
        port: int = 0,
    ) -> None:
        self.version = version
        self._port = port
        self._records: list[Mapping[str, Any]] = list(records or [])
        self._events: list[Mapping[str, Any]] = list(events or [])  # LL2 2.3.0 shape
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
        self._pages_served = 0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------------

    @classmethod
    def demo(cls, now: datetime | None = None, *, history: bool = False, **kwargs: Any) -> StandIn:
        """A stand-in (not started) with the demo launches and their pictures under /media/demo/.

        With `history`, its first page shows some launches as they were before (a NET 12 h earlier, a
        landing not yet known), so the demo app's second run records a slip and a landing; without it
        every page is the same (a rerun changes nothing)."""
        kwargs.setdefault("version", "2.3.0")
        from rocketwatch.standin.events import demo_events

        kwargs.setdefault("events", demo_events(now))
        standin = cls(records=demo_records(now, history=history), **kwargs)
        for name, body in demo_images().items():
            standin.add_image(
                f"/media/demo/{name}", body, "image/png" if name.endswith(".png") else "image/jpeg"
            )
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

    def set_events(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Replace the upcoming events served (2.3.0 shape; each version gets its own)."""
        new_events = list(events)
        with self._lock:
            self._events = new_events

    @property
    def events_path(self) -> str:
        """The path of the upcoming-events page for this version."""
        from rocketwatch.standin.events import events_segment

        return f"/{self.version}/{events_segment(self.version)}/upcoming/"

    def events_page_bytes(self, query: Mapping[str, str]) -> bytes:
        """LL2's upcoming events page (one page; `limit` honoured) with "{server}" replaced."""
        from rocketwatch.standin.events import served_event

        limit = read_int(query.get("limit"), DEFAULT_LIMIT)
        limit = DEFAULT_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
        with self._lock:
            events = list(self._events)
        page = {
            "count": len(events),
            "next": None,
            "previous": None,
            "results": [served_event(event, self.version) for event in events[:limit]],
        }
        return json.dumps(page, ensure_ascii=False).replace("{server}", self.base_url).encode("utf-8")

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
        with self._lock:
            first = self._pages_served == 0
            self._pages_served += 1
        detailed = query.get("mode") == "detailed"
        records = [
            served_record(record, self.version, detailed=detailed, first=first)
            for record in self.records[offset : offset + limit]
        ]
        total = len(self.records)
        page_url = self.api_url + f"/{api_segment(self.version)}/upcoming/"
        next_url = None
        if offset + limit < total:
            next_url = page_url + "?" + urlencode({**query, "limit": limit, "offset": offset + limit})
        previous_url = None
        if offset > 0:
            previous_query: dict[str, Any] = {**query, "limit": limit}
            previous_query.pop("offset", None)
            if offset - limit > 0:
                previous_query["offset"] = offset - limit
            previous_url = page_url + "?" + urlencode(previous_query)
        return {
            "count": total,
            "next": next_url,
            "previous": previous_url,
            "results": records,
        }

    def page_bytes(self, query: Mapping[str, str]) -> bytes:
        """The page as JSON with every "{server}" replaced by base_url."""
        text = json.dumps(self.page(query), ensure_ascii=False)
        return text.replace("{server}", self.base_url).encode("utf-8")
