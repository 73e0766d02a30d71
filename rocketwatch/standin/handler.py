"""The stand-in's request handler: LL2 pages per API version, pictures, hostile routes and faults.

One instance answers one keep-alive connection for the StandIn that owns the server.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from rocketwatch.standin import hostile
from rocketwatch.standin.protocol import _CLIENT_GONE_ERRORS, Fault, Headers, RequestLog, json_bytes, read_int

if TYPE_CHECKING:
    from rocketwatch.standin.server import StandIn, _Server


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
        events = path.rstrip("/") == self.standin.events_path.rstrip("/")
        if path.rstrip("/") != self.standin.upcoming_path.rstrip("/") and not events:
            self.send_not_found()
            return
        fault = self.standin.take_api_fault()
        if fault is not None:
            self.send_fault(fault)
        elif events:
            self.send(200, self.standin.events_page_bytes(self.entry.query), "application/json")
        else:
            self.send_page()

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
            return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except OSError:
            return True
