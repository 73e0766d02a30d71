"""Tests for the LL2 HTTP client against the project's LL2 stand-in server on 127.0.0.1.

They check what LL2 (and so the user's rate budget) sees, and the messages a user would read.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from rocketwatch import USER_AGENT
from rocketwatch.ll2 import client as client_module
from rocketwatch.ll2.client import (
    FetchResult,
    LL2Cancelled,
    LL2Client,
    LL2Error,
    LL2HTTPError,
    LL2Timeout,
    LL2Unreachable,
    RateLimited,
    endpoint_for,
)
from rocketwatch.ll2.parse import PageError, parse_page_bytes
from rocketwatch.standin import Fault, StandIn

RECORDS = [
    {
        "id": "hera",
        "name": "Falcon 9 Block 5 | Hera",
        "net": "2024-10-07T14:52:00Z",
        "status": {"id": 1, "name": "Go for Launch", "abbrev": "Go"},
        "image": "{server}/media/hera.jpg",
    },
    {
        "id": "clipper",
        "name": "Falcon Heavy | Europa Clipper",
        "net": "2024-10-10T16:31:00Z",
        "status": {"id": 1, "name": "Go"},
    },
]


class FakeSleep:
    """Stands in for the client's wait: records what it was asked and returns at once."""

    def __init__(self, result: bool = True) -> None:
        self.asked: list[float] = []
        self.result = result

    def __call__(self, seconds: float) -> bool:
        self.asked.append(seconds)
        return self.result


@pytest.fixture
def server() -> Iterator[StandIn]:
    """A stand-in serving the two RECORDS as LL2 2.3.0."""
    with StandIn(records=RECORDS, version="2.3.0") as running:
        yield running


def fetch(server: StandIn, limit: int = 10, **options: object) -> FetchResult:
    """One fetch of the upcoming launches from ``server`` with a fresh client."""
    with LL2Client(server.api_url, **options) as ll2:  # type: ignore[arg-type]
        return ll2.fetch_upcoming(limit)


def fetch_error(server: StandIn, **options: object) -> LL2Error:
    """The LL2Error one fetch from ``server`` raises."""
    with pytest.raises(LL2Error) as raised:
        fetch(server, **options)
    return raised.value


# --- where the request goes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_url", "endpoint"),
    [
        ("https://ll.thespacedevs.com/2.3.0", "https://ll.thespacedevs.com/2.3.0/launches/upcoming/"),
        ("https://ll.thespacedevs.com/2.3.0/", "https://ll.thespacedevs.com/2.3.0/launches/upcoming/"),
        ("https://ll.thespacedevs.com/2.2.0", "https://ll.thespacedevs.com/2.2.0/launch/upcoming/"),
        ("https://ll.thespacedevs.com/2.0.0/", "https://ll.thespacedevs.com/2.0.0/launch/upcoming/"),
        ("https://lldev.thespacedevs.com/2.4.0", "https://lldev.thespacedevs.com/2.4.0/launches/upcoming/"),
        ("http://127.0.0.1:8000/ll2/2.2.0", "http://127.0.0.1:8000/ll2/2.2.0/launch/upcoming/"),
        ("http://127.0.0.1:8000/ll2", "http://127.0.0.1:8000/ll2/launches/upcoming/"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/launches/upcoming/"),
    ],
)
def test_endpoint_follows_the_api_version(api_url: str, endpoint: str) -> None:
    assert endpoint_for(api_url) == endpoint


@pytest.mark.parametrize(
    ("version", "path"),
    [
        ("2.0.0", "/2.0.0/launch/upcoming/"),
        ("2.2.0", "/2.2.0/launch/upcoming/"),
        ("2.3.0", "/2.3.0/launches/upcoming/"),
    ],
)
def test_each_api_version_is_asked_at_its_own_path(version: str, path: str) -> None:
    with StandIn(records=RECORDS, version=version) as server:
        result = fetch(server)

        assert [request.path for request in server.requests] == [path]
        assert [request.status for request in server.requests] == [200]
    page = parse_page_bytes(result.body)
    assert [launch.name for launch in page.launches] == [record["name"] for record in RECORDS]
    assert page.launches[0].image_url == f"{server.base_url}/media/hera.jpg"
    assert (result.requests, result.waited_s) == (1, 0.0)
    assert result.url.startswith(server.url(path))


def test_query_asks_for_normal_mode_and_keeps_recent_launches(server: StandIn) -> None:
    fetch(server, limit=5)

    assert server.requests[0].query == {"limit": "5", "mode": "normal"}


@pytest.mark.parametrize(("limit", "sent"), [(0, "1"), (-3, "1"), (100, "100"), (250, "100")])
def test_limit_stays_within_what_ll2_accepts(server: StandIn, limit: int, sent: str) -> None:
    fetch(server, limit=limit)

    assert server.requests[0].query["limit"] == sent


def test_anonymous_request_names_the_app_and_sends_no_token(server: StandIn) -> None:
    fetch(server)

    headers = server.requests[0].headers
    assert headers.get("User-Agent") == USER_AGENT
    assert headers.get("Accept") == "application/json"
    assert headers.get("Authorization") is None


def test_token_goes_in_the_authorization_header(server: StandIn) -> None:
    fetch(server, token="  s3cr3t-key ")

    assert server.requests[0].headers.get("Authorization") == "Token s3cr3t-key"


def test_token_with_a_line_break_is_refused_before_any_request(server: StandIn) -> None:
    with pytest.raises(LL2Error, match="token"):
        LL2Client(server.api_url, token="abc\r\nX-Evil: 1")

    assert server.requests == []


# --- LL2's rate limit --------------------------------------------------------------------------


def test_rate_limit_waits_what_retry_after_says_then_succeeds(server: StandIn) -> None:
    server.push_api_fault(Fault("rate_limit", retry_after=2))
    sleep = FakeSleep()

    result = fetch(server, sleep=sleep)

    assert sleep.asked == [2.0]
    assert (result.requests, result.waited_s) == (2, 2.0)
    assert [request.status for request in server.requests] == [429, 200]
    assert len(parse_page_bytes(result.body).launches) == 2


def test_rate_limit_waits_the_seconds_named_in_the_body(server: StandIn) -> None:
    server.push_api_fault(Fault("rate_limit", body_seconds=37))
    sleep = FakeSleep()

    result = fetch(server, sleep=sleep)

    assert sleep.asked == [37.0]
    assert result.requests == 2


def test_rate_limit_with_an_http_date_waits_until_then(server: StandIn) -> None:
    opens = datetime.now(UTC) + timedelta(seconds=120)
    server.push_api_fault(Fault("rate_limit", retry_after=format_datetime(opens, usegmt=True)))
    sleep = FakeSleep()

    fetch(server, sleep=sleep)

    assert len(sleep.asked) == 1
    assert 60 < sleep.asked[0] <= 120


def test_rate_limit_without_a_hint_waits_a_minute(server: StandIn) -> None:
    server.push_api_fault(Fault("rate_limit"))
    sleep = FakeSleep()

    fetch(server, sleep=sleep)

    assert sleep.asked == [60.0]


def test_rate_limit_beyond_the_cap_is_reported_not_waited(server: StandIn) -> None:
    server.push_api_fault(Fault("rate_limit", retry_after=840))
    sleep = FakeSleep()

    error = fetch_error(server, sleep=sleep, max_rate_limit_wait=600)

    assert isinstance(error, RateLimited)
    assert error.retry_after == 840
    assert str(error) == "LL2's rate limit is reached; it opens again in 14 min"
    assert error.requests == 1
    assert sleep.asked == []


def test_rate_limit_that_never_lifts_gives_up_after_three_waits(server: StandIn) -> None:
    server.set_sticky_api_fault(Fault("rate_limit", retry_after=5))
    sleep = FakeSleep()

    error = fetch_error(server, sleep=sleep)

    assert isinstance(error, RateLimited)
    assert sleep.asked == [5.0, 5.0, 5.0]
    assert error.requests == 4
    assert server.count(server.upcoming_path) == 4


def test_cancelled_wait_stops_the_fetch(server: StandIn) -> None:
    server.push_api_fault(Fault("rate_limit", retry_after=30))

    error = fetch_error(server, sleep=FakeSleep(result=False))

    assert isinstance(error, LL2Cancelled)
    assert error.requests == 1
    assert server.count(server.upcoming_path) == 1


def test_cancel_from_another_thread_ends_a_rate_limit_wait(server: StandIn) -> None:
    server.push_api_fault(Fault("rate_limit", retry_after=600))
    outcome: list[BaseException] = []
    with LL2Client(server.api_url) as ll2:

        def run() -> None:
            try:
                ll2.fetch_upcoming(10)
            except LL2Error as error:
                outcome.append(error)

        worker = threading.Thread(target=run)
        worker.start()
        deadline = time.monotonic() + 5
        while not server.requests and time.monotonic() < deadline:
            threading.Event().wait(0.01)
        ll2.cancel()
        worker.join(timeout=5)

        assert not worker.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], LL2Cancelled)


# --- failures a user reads about ---------------------------------------------------------------


def test_server_error_is_reported_with_its_status(server: StandIn) -> None:
    server.push_api_fault(Fault("status", code=500))

    error = fetch_error(server)

    assert isinstance(error, LL2HTTPError)
    assert error.status_code == 500
    assert str(error).startswith("LL2 answered 500 Internal Server Error")
    assert error.requests == 1


def test_service_unavailable_reads_plainly(server: StandIn) -> None:
    server.push_api_fault(Fault("status", code=503, body=""))

    error = fetch_error(server)

    assert str(error) == "LL2 answered 503 Service Unavailable"


def test_wrong_token_points_at_the_settings(server: StandIn) -> None:
    server.push_api_fault(Fault("status", code=401, body={"detail": "Invalid token."}))

    error = fetch_error(server, token="wrong")

    assert str(error) == (
        "LL2 answered 401 Unauthorized: Invalid token. (check the LL2 API token in the settings)"
    )


def test_no_answer_within_the_timeout_is_a_timeout(server: StandIn) -> None:
    server.push_api_fault(Fault("hang", seconds=30))

    error = fetch_error(server, timeout=0.3)

    assert isinstance(error, LL2Timeout)
    assert str(error) == f"LL2 at 127.0.0.1:{server.port} did not answer within 0.3 s"
    assert isinstance(error.__cause__, Exception)


def test_answer_that_never_ends_is_abandoned(server: StandIn) -> None:
    server.push_api_fault(Fault("never_ending"))

    error = fetch_error(server, timeout=0.5)

    assert isinstance(error, LL2Timeout) or "larger than" in str(error)
    assert error.requests == 1


def test_answer_over_the_size_cap_is_refused(server: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "MAX_BODY_BYTES", 100)

    error = fetch_error(server)

    assert "larger than" in str(error)


def test_refused_connection_says_ll2_could_not_be_reached() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]

    with LL2Client(f"http://127.0.0.1:{port}/2.3.0") as ll2, pytest.raises(LL2Error) as raised:
        ll2.fetch_upcoming(10)

    assert isinstance(raised.value, LL2Unreachable)
    assert str(raised.value) == f"Could not reach LL2 at 127.0.0.1:{port}: the connection was refused"
    assert raised.value.__cause__ is not None


@pytest.mark.parametrize("kind", ["malformed", "truncated", "html", "empty", "wrong_shape"])
def test_broken_answers_arrive_and_the_parser_refuses_them(server: StandIn, kind: str) -> None:
    server.push_api_fault(Fault(kind))

    result = fetch(server)

    assert result.requests == 1
    with pytest.raises(PageError, match="LL2"):
        parse_page_bytes(result.body)


# --- further pages ------------------------------------------------------------------------------


def test_the_next_page_is_fetched_from_the_url_ll2_gives(server: StandIn) -> None:
    with LL2Client(server.api_url, token="secret-token") as ll2:
        first = ll2.fetch_upcoming(1, "detailed")  # the stand-in holds two launches
        page = parse_page_bytes(first.body)
        assert page.next_url is not None
        second = ll2.fetch_next(page.next_url)

    assert second.requests == 1
    assert server.requests[-1].query == {"limit": "1", "mode": "detailed", "offset": "1"}
    assert [launch.id for launch in parse_page_bytes(second.body).launches] != [
        launch.id for launch in page.launches
    ]
    assert server.requests[-1].headers.get("Authorization") == "Token secret-token"


@pytest.mark.parametrize(
    "elsewhere",
    [
        "http://example.invalid/2.3.0/launches/upcoming/?offset=10",
        "https://127.0.0.1:{port}/2.3.0/launches/upcoming/?offset=10",
        "http://127.0.0.1:1/2.3.0/launches/upcoming/?offset=10",
    ],
)
def test_a_next_page_on_another_site_is_not_followed(server: StandIn, elsewhere: str) -> None:
    with LL2Client(server.api_url, token="secret-token") as ll2, pytest.raises(LL2Error) as raised:
        ll2.fetch_next(elsewhere.format(port=server.port))

    assert "next page is on another site" in str(raised.value) and raised.value.requests == 0
    assert server.requests == []
