"""The HTTP side of the LL2 source: one polite request for the upcoming launches, with limits.

It honours LL2's rate limit (HTTP 429), bounds every wait and read, and reports in plain words.
"""

from __future__ import annotations

import json
import math
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

from rocketwatch import USER_AGENT
from rocketwatch.http import httpx
from rocketwatch.i18n import _, ngettext
from rocketwatch.tls import verified_context

LATEST_STYLE_VERSION = (2, 3, 0)
MAX_LIMIT = 100
MAX_BODY_BYTES = 20 * 1024 * 1024
MAX_SMALL_BODY_BYTES = 64 * 1024
MAX_RATE_LIMIT_WAITS = 3
DEFAULT_RATE_LIMIT_WAIT = 60.0
MAX_DETAIL_CHARS = 200

_VERSION = re.compile(r"v?(\d{1,6}(?:\.\d{1,6}){1,3})")
_RETRY_AFTER_SECONDS = re.compile(r"\d{1,9}(?:\.\d{1,6})?")
_BODY_SECONDS = re.compile(rb"Expected available in (\d{1,9}) seconds?")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


class LL2Error(Exception):
    """Fetching from LL2 failed; the message is meant for the user. ``requests`` were spent."""

    def __init__(self, message: str, *, requests: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.requests = requests

    def __str__(self) -> str:
        return self.message


class LL2Unreachable(LL2Error):
    """No connection to LL2: refused, name lookup failed, TLS failed, or the line dropped."""


class LL2Timeout(LL2Error):
    """LL2 did not answer (or finish answering) in time."""


class LL2HTTPError(LL2Error):
    """LL2 answered with an HTTP error status."""

    def __init__(self, message: str, *, status_code: int, requests: int = 0) -> None:
        super().__init__(message, requests=requests)
        self.status_code = status_code


class RateLimited(LL2Error):
    """LL2's rate limit is reached and opens again later than we are willing to wait."""

    def __init__(self, retry_after: float, *, requests: int = 0) -> None:
        message = _("LL2's rate limit is reached; it opens again in {wait}").format(
            wait=duration_in_words(retry_after)
        )
        super().__init__(message, requests=requests)
        self.retry_after = retry_after


class LL2Cancelled(LL2Error):
    """The fetch was cancelled (the app is quitting or the user stopped the run)."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One successful fetch: the final URL, the raw body, the requests spent and the time waited."""

    url: str
    body: bytes
    requests: int
    waited_s: float


@dataclass(frozen=True, slots=True)
class _Answer:
    """The useful part of one successful HTTP exchange."""

    url: str
    body: bytes


def endpoint_for(api_url: str, what: str = "launch") -> str:
    """The upcoming-launches URL (`what` "event": upcoming events) for an API base such as
    "https://ll.thespacedevs.com/2.3.0": singular routes before 2.3.0, plural since (and for a base
    without a version)."""
    parts = urlsplit(api_url.strip())
    path = parts.path.rstrip("/")
    version = api_version(path.rsplit("/", 1)[-1])
    latest_style = version is None or version >= LATEST_STYLE_VERSION
    plural = {"launch": "launches", "event": "events"}[what]
    route = f"{plural}/upcoming/" if latest_style else f"{what}/upcoming/"
    return urlunsplit(parts._replace(path=f"{path}/{route}"))


def events_endpoint(api_url: str) -> str:
    """The upcoming-events URL: 2.2.0's /event/upcoming/, 2.3.0's /events/upcoming/."""
    return endpoint_for(api_url, "event")


def api_version(segment: str) -> tuple[int, ...] | None:
    """The version in a URL path segment ("2.2.0" -> (2, 2, 0)), or None if it is not one."""
    match = _VERSION.fullmatch(segment)
    if match is None:
        return None
    numbers = tuple(int(part) for part in match.group(1).split("."))
    return numbers + (0,) * (3 - len(numbers))


def clamp_limit(limit: int) -> int:
    """How many launches to ask for, within what LL2 accepts (1..100)."""
    return max(1, min(MAX_LIMIT, int(limit)))


def duration_in_words(seconds: float) -> str:
    """A wait as a person says it: "45 s", "14 min", "3 h", "2 days"."""
    if not math.isfinite(seconds) or seconds < 0:
        return _("an unknown time")
    if seconds < 90:
        return _("{count} s").format(count=math.ceil(seconds))
    if seconds < 2 * 3600:
        return _("{count} min").format(count=math.ceil(seconds / 60))
    if seconds < 2 * 86400:
        return _("{count} h").format(count=math.ceil(seconds / 3600))
    days = math.ceil(seconds / 86400)
    return ngettext("{count} day", "{count} days", days).format(count=days)


def rate_limit_wait(retry_after: str | None, body: bytes, now: datetime | None = None) -> float:
    """Seconds to wait after HTTP 429: Retry-After (seconds or date), else the body, else 60."""
    if retry_after:
        value = retry_after.strip()
        if _RETRY_AFTER_SECONDS.fullmatch(value):
            return float(value)
        until = _http_date(value)
        if until is not None:
            return max(0.0, (until - (now or datetime.now(UTC))).total_seconds())
    match = _BODY_SECONDS.search(body)
    if match:
        return float(match.group(1))
    return DEFAULT_RATE_LIMIT_WAIT


def _http_date(value: str) -> datetime | None:
    """An HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT") as an aware datetime, or None."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def request_headers(token: str) -> dict[str, str]:
    """Headers for every LL2 request; the token goes in only when one is set."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    return headers


def same_origin(url: str, other: str) -> bool:
    """True when both addresses have the same scheme, host and port."""
    try:
        first, second = urlsplit(url), urlsplit(other)
        return (first.scheme.lower(), first.hostname, first.port) == (
            second.scheme.lower(),
            second.hostname,
            second.port,
        )
    except ValueError:
        return False


def _host_of(url: str) -> str:
    """The host (and port) of ``url`` for messages, without any credentials."""
    parts = urlsplit(url)
    host = parts.hostname or url
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


class LL2Client:
    """Asks LL2 for upcoming launches. Use as a context manager; it owns one HTTP connection pool."""

    def __init__(
        self,
        api_url: str,
        *,
        token: str = "",
        timeout: float = 30.0,
        max_rate_limit_wait: float = 900.0,
        sleep: Callable[[float], bool] | None = None,
    ) -> None:
        token = token.strip()
        if not all("!" <= char <= "~" for char in token):
            raise LL2Error(
                _(
                    "The LL2 API token in the settings is not valid "
                    "(it has spaces or unusual characters in it)"
                )
            )
        self.api_url = api_url
        self.endpoint = endpoint_for(api_url)
        self.host = _host_of(self.endpoint)
        self.timeout = timeout
        self.max_rate_limit_wait = max_rate_limit_wait
        self._cancelled = threading.Event()
        self._sleep = sleep or self._wait
        self._requests = 0
        self._http = httpx.Client(
            headers=request_headers(token),
            timeout=httpx.Timeout(timeout),
            verify=verified_context(),
            follow_redirects=True,
            event_hooks={"request": [self._count_request]},
        )

    def __enter__(self) -> LL2Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def cancel(self) -> None:
        """Stop a fetch in progress (from any thread): waits end, reads stop at the next chunk."""
        self._cancelled.set()

    def fetch_upcoming(self, limit: int, mode: str = "normal") -> FetchResult:
        """Download one page of upcoming launches (LL2's "normal" or "detailed" mode), waiting out
        LL2's rate limit."""
        self._requests = 0
        try:
            return self._fetch(self.endpoint, {"limit": str(clamp_limit(limit)), "mode": mode})
        except LL2Error as error:
            error.requests = self._requests
            raise

    def fetch_events(self, limit: int) -> FetchResult:
        """Download LL2's next upcoming events (one request: 2.2.0's /event/upcoming/, 2.3.0's
        /events/upcoming/), waiting out LL2's rate limit."""
        self._requests = 0
        try:
            return self._fetch(events_endpoint(self.api_url), {"limit": str(clamp_limit(limit))})
        except LL2Error as error:
            error.requests = self._requests
            raise

    def fetch_next(self, next_url: str) -> FetchResult:
        """Download the page LL2 named as ``next``; only on the API's own host and scheme (the token
        must never go elsewhere). LL2Error when the address is not one to follow."""
        self._requests = 0
        if not same_origin(next_url, self.endpoint):
            raise LL2Error(
                _("LL2's next page is on another site ({host}); not followed").format(host=_host_of(next_url))
            )
        try:
            return self._fetch(next_url, None)
        except LL2Error as error:
            error.requests = self._requests
            raise

    def _fetch(self, url: str, params: dict[str, str] | None) -> FetchResult:
        """The fetch loop: one request, plus one more after each rate-limit wait."""
        waited = 0.0
        rate_limit_waits = 0
        while True:
            self._raise_if_cancelled()
            answer = self._try_once(url, params)
            if isinstance(answer, _Answer):
                return FetchResult(answer.url, answer.body, self._requests, waited)
            if answer > self.max_rate_limit_wait or rate_limit_waits >= MAX_RATE_LIMIT_WAITS:
                raise RateLimited(answer)
            if not self._sleep(answer):
                raise LL2Cancelled(_("Fetching launches from LL2 was cancelled"))
            rate_limit_waits += 1
            waited += answer

    def _try_once(self, url: str, params: dict[str, str] | None) -> _Answer | float:
        """One HTTP request: the answer, or the seconds to wait when LL2 says 429."""
        try:
            with self._http.stream("GET", url, params=params) as response:
                if response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
                    body = self._read_small(response)
                    return rate_limit_wait(response.headers.get("Retry-After"), body)
                if not response.is_success:
                    raise self._http_error(response)
                return _Answer(str(response.url), self._read_body(response))
        except httpx.ConnectTimeout as exc:
            message = _("Could not connect to LL2 at {host} within {seconds} s").format(
                host=self.host, seconds=f"{self.timeout:g}"
            )
            raise LL2Timeout(message) from exc
        except httpx.TimeoutException as exc:
            message = _("LL2 at {host} did not answer within {seconds} s").format(
                host=self.host, seconds=f"{self.timeout:g}"
            )
            raise LL2Timeout(message) from exc
        except httpx.ConnectError as exc:
            message = _("Could not reach LL2 at {host}: {reason}").format(
                host=self.host, reason=_plain_reason(exc)
            )
            raise LL2Unreachable(message) from exc
        except httpx.NetworkError as exc:
            message = _("Lost the connection to LL2 at {host}: {reason}").format(
                host=self.host, reason=_plain_reason(exc)
            )
            raise LL2Unreachable(message) from exc
        except httpx.RemoteProtocolError as exc:
            message = _("LL2 at {host} broke off its answer ({reason})").format(
                host=self.host, reason=_plain_reason(exc)
            )
            raise LL2Error(message) from exc
        except httpx.TooManyRedirects as exc:
            raise LL2Error(
                _("LL2 at {host} sent RocketWatch round in circles").format(host=self.host)
            ) from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            message = _("The LL2 address “{address}” is not a web address RocketWatch can use").format(
                address=self.api_url
            )
            raise LL2Error(message) from exc
        except httpx.HTTPError as exc:
            message = _("Could not fetch from LL2 at {host}: {reason}").format(
                host=self.host, reason=_plain_reason(exc)
            )
            raise LL2Error(message) from exc

    def _read_body(self, response: httpx.Response) -> bytes:
        """The whole body, refusing one over MAX_BODY_BYTES."""
        body = self._read_within_deadline(response, MAX_BODY_BYTES)
        if len(body) > MAX_BODY_BYTES:
            limit_mb = MAX_BODY_BYTES // (1024 * 1024)
            raise LL2Error(
                _("LL2's answer is larger than {size} MB; RocketWatch stopped reading").format(size=limit_mb)
            )
        return body

    def _read_small(self, response: httpx.Response) -> bytes:
        """The start of an error body (for its message); nothing if it cannot be read."""
        try:
            return self._read_within_deadline(response, MAX_SMALL_BODY_BYTES)
        except (LL2Timeout, httpx.HTTPError):
            return b""

    def _read_within_deadline(self, response: httpx.Response, limit: int) -> bytes:
        """Read until the end, or past ``limit`` bytes; a read that outlasts the timeout fails."""
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
            if time.monotonic() > deadline:
                message = _("LL2 at {host} took more than {seconds} s to send its answer").format(
                    host=self.host, seconds=f"{self.timeout:g}"
                )
                raise LL2Timeout(message)
            self._raise_if_cancelled()
        return b"".join(chunks)

    def _http_error(self, response: httpx.Response) -> LL2HTTPError:
        """The error for a non-success status, with LL2's own short explanation if it gave one."""
        code = response.status_code
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = _UNPRINTABLE.sub(" ", response.reason_phrase).strip()[:60]
        status = f"{code} {phrase}".rstrip()
        detail = _detail(self._read_small(response))
        if detail:
            message = _("LL2 answered {status}: {detail}").format(status=status, detail=detail)
        else:
            message = _("LL2 answered {status}").format(status=status)
        if code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN):
            message = _("{error} (check the LL2 API token in the settings)").format(error=message)
        return LL2HTTPError(message, status_code=code)

    def _count_request(self, request: httpx.Request) -> None:
        """Count each HTTP request sent (redirects included): LL2's rate limit counts them all."""
        self._requests += 1

    def _raise_if_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise LL2Cancelled(_("Fetching launches from LL2 was cancelled"))

    def _wait(self, seconds: float) -> bool:
        """Wait ``seconds``; False if cancel() interrupted the wait."""
        return not self._cancelled.wait(seconds)


def _detail(body: bytes) -> str:
    """LL2's own explanation from a JSON error body ({"detail": "..."}), shortened, or ""."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    detail = data.get("detail") if isinstance(data, dict) else None
    if not isinstance(detail, str):
        return ""
    text = _UNPRINTABLE.sub(" ", detail).strip()
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"


def _plain_reason(error: BaseException) -> str:
    """Why a connection failed, in words, from the deepest cause that explains it."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    for cause in reversed(seen):
        reason = _known_reason(cause)
        if reason:
            return reason
    return str(error) or type(error).__name__


def _known_reason(error: BaseException) -> str:
    """Plain words for the low-level errors people meet, or "" for others."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return _("its security certificate could not be verified")
    if isinstance(error, ssl.SSLError):
        return _("the secure (TLS) connection failed")
    if isinstance(error, socket.gaierror):
        return _("its name could not be looked up (is the computer offline?)")
    if isinstance(error, ConnectionRefusedError):
        return _("the connection was refused")
    if isinstance(error, ConnectionResetError):
        return _("the connection was reset")
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return ""
