"""Tests for the LL2 stand-in: pages, versions, faults, hostile images, demo data and shutdown.

Every test talks to a real server on 127.0.0.1 with httpx.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from rocketwatch.standin import Fault, StandIn, demo_records, load_fixture_records
from rocketwatch.standin.hostile import HUGE_SIZE

DEADLINE_SECONDS = 10.0


def make_records(n: int) -> list[dict[str, Any]]:
    return [{"id": f"launch-{i:03d}", "name": f"Rocket | Mission {i}"} for i in range(n)]


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll condition until it holds; fail after DEADLINE_SECONDS."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def server() -> Iterator[StandIn]:
    with StandIn(records=make_records(25)) as srv:
        yield srv


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as http:
        yield http


def upcoming(srv: StandIn) -> str:
    return srv.api_url + "/launches/upcoming/"


# --- pages and routes -----------------------------------------------------------------------


def test_default_page_has_ten_launches_and_links_to_the_next(server: StandIn, client: httpx.Client) -> None:
    page = client.get(upcoming(server)).json()

    assert page["count"] == 25
    assert [r["id"] for r in page["results"]] == [f"launch-{i:03d}" for i in range(10)]
    assert page["previous"] is None
    assert page["next"].startswith(upcoming(server))


def test_following_next_links_walks_every_launch_once(server: StandIn, client: httpx.Client) -> None:
    seen: list[str] = []
    url: str | None = upcoming(server) + "?limit=7&mode=normal"
    while url is not None:
        page = client.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]

    assert seen == [f"launch-{i:03d}" for i in range(25)]
    assert server.count(server.upcoming_path) == 4
    assert server.requests[-1].query == {"limit": "7", "offset": "21", "mode": "normal"}


def test_limit_is_capped_at_one_hundred(client: httpx.Client) -> None:
    with StandIn(records=make_records(150)) as srv:
        page = client.get(upcoming(srv), params={"limit": 500}).json()

    assert len(page["results"]) == 100
    assert page["count"] == 150


def test_offset_past_the_end_gives_an_empty_page(server: StandIn, client: httpx.Client) -> None:
    page = client.get(upcoming(server), params={"offset": 40}).json()

    assert page["results"] == []
    assert page["next"] is None
    assert page["previous"] is not None


@pytest.mark.parametrize(
    ("version", "right", "wrong"),
    [
        ("2.0.0", "launch", "launches"),
        ("2.2.0", "launch", "launches"),
        ("2.3.0", "launches", "launch"),
    ],
)
def test_each_version_answers_on_its_own_path_only(
    version: str, right: str, wrong: str, client: httpx.Client
) -> None:
    with StandIn(records=make_records(3), version=version) as srv:
        good = client.get(f"{srv.api_url}/{right}/upcoming/")
        bad = client.get(f"{srv.api_url}/{wrong}/upcoming/")

    assert good.status_code == 200
    assert len(good.json()["results"]) == 3
    assert bad.status_code == 404
    assert bad.json() == {"detail": "Not found."}


@pytest.mark.parametrize("path", ["/", "/2.3.0/agencies/", "/2.2.0/launches/upcoming/", "/x.jpg"])
def test_unknown_paths_are_not_found(path: str, server: StandIn, client: httpx.Client) -> None:
    response = client.get(server.url(path))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_server_token_becomes_the_base_url(client: httpx.Client) -> None:
    record = {"id": "a", "image": {"image_url": "{server}/media/a.jpg"}, "name": "{server}"}
    with StandIn(records=[record]) as srv:
        srv.add_image("/media/a.jpg", b"\xff\xd8picture", "image/jpeg")
        launch = client.get(upcoming(srv)).json()["results"][0]
        picture = client.get(launch["image"]["image_url"])

    assert launch["image"]["image_url"] == f"{srv.base_url}/media/a.jpg"
    assert launch["name"] == srv.base_url
    assert picture.content == b"\xff\xd8picture"
    assert picture.headers["content-type"] == "image/jpeg"


def test_set_records_changes_what_is_served(server: StandIn, client: httpx.Client) -> None:
    server.set_records(make_records(2))

    assert client.get(upcoming(server)).json()["count"] == 2


# --- faults ---------------------------------------------------------------------------------


def test_status_fault_sends_its_code_headers_and_body(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("status", code=503, headers={"X-Why": "maintenance"}, body="down"))

    response = client.get(upcoming(server))

    assert response.status_code == 503
    assert response.headers["x-why"] == "maintenance"
    assert response.text == "down"


def test_rate_limit_fault_says_when_to_come_back(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("rate_limit", retry_after=30, body_seconds=1200))

    response = client.get(upcoming(server))

    assert response.status_code == 429
    assert response.headers["retry-after"] == "30"
    assert response.json() == {"detail": "Request was throttled. Expected available in 1200 seconds."}


def test_rate_limit_fault_without_hints_has_no_retry_after(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("rate_limit"))

    response = client.get(upcoming(server))

    assert response.status_code == 429
    assert "retry-after" not in response.headers
    assert "Expected available" not in response.json()["detail"]


@pytest.mark.parametrize("kind", ["malformed", "truncated", "html", "empty"])
def test_body_faults_are_not_json(kind: str, server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault(kind))

    response = client.get(upcoming(server))

    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_truncated_fault_is_the_first_half_of_the_real_page(server: StandIn, client: httpx.Client) -> None:
    whole = client.get(upcoming(server)).content
    server.push_api_fault(Fault("truncated"))

    cut = client.get(upcoming(server)).content

    assert cut == whole[: len(whole) // 2]


def test_html_fault_is_an_html_page(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("html"))

    response = client.get(upcoming(server))

    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_empty_fault_has_no_body(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("empty"))

    response = client.get(upcoming(server))

    assert response.content == b""
    assert server.wait_idle()
    assert server.bytes_sent(server.upcoming_path) == 0


def test_wrong_shape_fault_is_json_without_a_results_list(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("wrong_shape"))

    document = client.get(upcoming(server)).json()

    assert not isinstance(document.get("results"), list)


def test_hang_fault_sends_nothing(server: StandIn) -> None:
    server.push_api_fault(Fault("hang", seconds=60))

    with httpx.Client(timeout=0.3) as impatient, pytest.raises(httpx.ReadTimeout):
        impatient.get(upcoming(server))


def test_short_hang_then_answers_normally(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("hang", seconds=0.05))

    assert client.get(upcoming(server)).json()["count"] == 25


def test_never_ending_fault_keeps_sending(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("never_ending"))
    received = 0

    with client.stream("GET", upcoming(server)) as response:
        assert "content-length" not in response.headers
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > 2_000_000:
                break

    assert received > 2_000_000


def test_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("gremlins")


def test_counted_fault_hits_only_the_next_requests(server: StandIn, client: httpx.Client) -> None:
    server.push_api_fault(Fault("status", code=500), count=2)

    codes = [client.get(upcoming(server)).status_code for _ in range(3)]

    assert codes == [500, 500, 200]


def test_sticky_fault_lasts_until_cleared(server: StandIn, client: httpx.Client) -> None:
    server.set_sticky_api_fault(Fault("status", code=502))
    server.push_api_fault(Fault("rate_limit"))
    during = [client.get(upcoming(server)).status_code for _ in range(4)]
    server.set_sticky_api_fault(None)

    assert during == [429, 502, 502, 502]
    assert client.get(upcoming(server)).status_code == 200


def test_faults_do_not_touch_pictures(standin: StandIn, client: httpx.Client) -> None:
    standin.set_sticky_api_fault(Fault("status", code=500))

    picture = client.get(standin.url("/media/demo/falcon-noon.jpg"))

    assert picture.status_code == 200


# --- observations ---------------------------------------------------------------------------


def test_request_log_records_what_the_client_sent(server: StandIn, client: httpx.Client) -> None:
    client.get(upcoming(server), params={"limit": 5}, headers={"User-Agent": "RocketWatch/test"})
    client.get(server.url("/nowhere"))

    first, second = server.requests
    assert (first.method, first.path, first.query, first.status) == (
        "GET",
        server.upcoming_path,
        {"limit": "5"},
        200,
    )
    assert first.headers["User-Agent"] == "RocketWatch/test"
    assert first.headers["user-agent"] == "RocketWatch/test"
    assert (second.path, second.status) == ("/nowhere", 404)
    assert server.count("/2.3.0/") == 1
    assert server.count("") == 2


def test_bytes_sent_counts_body_bytes(standin: StandIn, client: httpx.Client) -> None:
    body = client.get(standin.url("/media/demo/h3-cherry.jpg")).content

    assert standin.wait_idle()
    assert standin.bytes_sent("/media/demo/") == len(body)
    assert standin.bytes_sent("/2.3.0/") == 0


def test_latency_holds_api_and_picture_requests_concurrently(standin: StandIn) -> None:
    standin.latency = 60
    urls = [upcoming(standin)] * 2 + [standin.url("/media/demo/falcon-dawn.jpg")] * 2
    codes: list[int] = []

    def fetch(url: str) -> None:
        with httpx.Client(timeout=DEADLINE_SECONDS) as http:
            codes.append(http.get(url).status_code)

    threads = [threading.Thread(target=fetch, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    wait_until(lambda: standin.in_flight == 4, "four requests in flight")
    assert codes == []
    standin.latency = 0
    for thread in threads:
        thread.join(DEADLINE_SECONDS)

    assert standin.peak_in_flight == 4
    assert codes == [200, 200, 200, 200]


# --- hostile pictures -----------------------------------------------------------------------


def test_bomb_is_small_but_declares_a_giant_picture(server: StandIn, client: httpx.Client) -> None:
    body = client.get(server.url("/hostile/bomb.png")).content

    assert len(body) < 10_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(body))


def test_huge_picture_stops_when_the_client_leaves(server: StandIn, client: httpx.Client) -> None:
    with client.stream("GET", server.url("/hostile/huge.jpg")) as response:
        assert int(response.headers["content-length"]) == HUGE_SIZE
        first = next(response.iter_bytes())

    assert server.wait_idle(), "the server never noticed the client left"

    assert first.startswith(b"\xff\xd8")
    assert server.bytes_sent("/hostile/huge.jpg") < HUGE_SIZE // 4


def test_not_image_is_html_with_200(server: StandIn, client: httpx.Client) -> None:
    response = client.get(server.url("/hostile/notimage.jpg"))

    assert response.status_code == 200
    assert b"<html>" in response.content


def test_missing_picture_is_404(server: StandIn, client: httpx.Client) -> None:
    assert client.get(server.url("/hostile/missing.jpg")).status_code == 404


def test_redirect_loop_never_ends(server: StandIn, client: httpx.Client) -> None:
    with pytest.raises(httpx.TooManyRedirects):
        client.get(server.url("/hostile/loop.jpg"), follow_redirects=True)


@pytest.mark.parametrize(
    ("path", "scheme"), [("/hostile/to-file.jpg", "file:"), ("/hostile/to-ftp.jpg", "ftp:")]
)
def test_redirects_to_other_schemes(path: str, scheme: str, server: StandIn, client: httpx.Client) -> None:
    response = client.get(server.url(path))

    assert response.status_code == 302
    assert response.headers["location"].startswith(scheme)
    with pytest.raises(httpx.UnsupportedProtocol):
        client.get(server.url(path), follow_redirects=True)


def test_traversal_named_picture_is_a_real_jpeg(server: StandIn, client: httpx.Client) -> None:
    response = client.get(server.url("/hostile/..%2F..%2Fescape.jpg"))

    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as picture:
        assert picture.format == "JPEG"


def test_trickle_sends_a_byte_at_a_time(server: StandIn, client: httpx.Client) -> None:
    received = b""
    with client.stream("GET", server.url("/hostile/trickle.jpg")) as response:
        for chunk in response.iter_raw():
            received += chunk
            if len(received) >= 2:
                break

    assert received[:2] == b"\xff\xd8"


def test_client_disconnects_leave_no_tracebacks(
    server: StandIn,
    client: httpx.Client,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.push_api_fault(Fault("never_ending"))
    for url in (server.url("/hostile/huge.jpg"), upcoming(server)):
        with client.stream("GET", url) as response:
            next(response.iter_bytes())

    assert server.wait_idle(), "the server never noticed the clients left"

    assert capfd.readouterr().err == ""
    assert caplog.records == []


# --- stopping -------------------------------------------------------------------------------


def hang_fault(srv: StandIn) -> str:
    srv.push_api_fault(Fault("hang", seconds=600))
    return upcoming(srv)


def never_ending_fault(srv: StandIn) -> str:
    srv.push_api_fault(Fault("never_ending"))
    return upcoming(srv)


@pytest.mark.parametrize(
    "prepare",
    [
        hang_fault,
        never_ending_fault,
        lambda srv: srv.url("/hostile/hang.jpg"),
        lambda srv: srv.url("/hostile/trickle.jpg"),
    ],
    ids=["hang", "never_ending", "hang.jpg", "trickle.jpg"],
)
def test_stop_ends_responses_still_in_progress(prepare: Callable[[StandIn], str]) -> None:
    srv = StandIn(records=make_records(3)).start()
    url = prepare(srv)
    outcome: list[str] = []

    def fetch() -> None:
        try:
            with httpx.Client(timeout=600) as http, http.stream("GET", url) as response:
                for _ in response.iter_bytes():
                    pass
            outcome.append("ended")
        except httpx.HTTPError as error:
            outcome.append(type(error).__name__)

    fetcher = threading.Thread(target=fetch)
    fetcher.start()
    wait_until(lambda: srv.in_flight == 1, "the request to be in progress")
    srv.stop()
    fetcher.join(DEADLINE_SECONDS)

    assert not srv.running
    assert not fetcher.is_alive()
    assert outcome != []


def test_stop_without_requests_and_twice(server: StandIn) -> None:
    server.stop()
    server.stop()

    assert not server.running
    with pytest.raises(httpx.ConnectError), httpx.Client() as http:
        http.get(upcoming(server))


# --- demo data ------------------------------------------------------------------------------


def test_demo_launches_lie_ahead_of_now_except_the_recent_success() -> None:
    now = datetime(2031, 7, 14, 9, 30, tzinfo=UTC)
    records = demo_records(now)
    nets = {r["name"]: datetime.fromisoformat(r["net"].replace("Z", "+00:00")) for r in records}
    past = [r for r in records if nets[r["name"]] <= now]
    upcoming_nets = sorted(net for net in nets.values() if net > now)

    assert 14 <= len(records) <= 16
    assert [r["status"]["abbrev"] for r in past] == ["Success"]
    assert now - nets[past[0]["name"]] < timedelta(hours=24)
    assert upcoming_nets[0] - now < timedelta(hours=12)


def test_demo_launches_cover_the_cases_the_app_must_show() -> None:
    records = demo_records()
    statuses = {r["status"]["abbrev"] for r in records}
    precisions = {r["net_precision"]["abbrev"] for r in records}
    image_urls = [r["image"]["image_url"] for r in records if r["image"] is not None]

    assert {"Go", "TBC", "TBD", "Hold", "Success"} <= statuses
    assert {"M", "Q3"} <= precisions
    assert sum(r["image"] is None for r in records) == 1
    assert len(image_urls) - len(set(image_urls)) == 1
    assert len({r["launch_service_provider"]["name"] for r in records}) >= 5
    assert len({r["pad"]["name"] for r in records}) >= 5


def test_demo_window_moves_with_the_net() -> None:
    launch = demo_records(datetime(2030, 1, 1, tzinfo=UTC))[3]
    later = demo_records(datetime(2030, 1, 2, tzinfo=UTC))[3]

    for name in ("net", "window_start", "window_end", "last_updated"):
        before = datetime.fromisoformat(launch[name].replace("Z", "+00:00"))
        after = datetime.fromisoformat(later[name].replace("Z", "+00:00"))
        assert after - before == timedelta(days=1)


def test_demo_pictures_are_served_and_decode(standin: StandIn, client: httpx.Client) -> None:
    page = client.get(upcoming(standin), params={"limit": 100}).json()
    urls = {r["image"]["image_url"] for r in page["results"] if r["image"]}

    assert len(urls) >= 10
    for url in sorted(urls):
        assert url.startswith(standin.url("/media/demo/"))
        response = client.get(url)
        assert response.headers["content-type"] == "image/jpeg"
        assert len(response.content) < 80_000
        with Image.open(io.BytesIO(response.content)) as picture:
            picture.load()
            assert picture.size == (800, 450)


# --- sample files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("ll2_v2.0.0_*.json", 10),
        ("ll2_v2.2.0_*normal*.json", 5),
        ("ll2_v2.2.0_*detailed*.json", 100),
        ("ll2_v2.3.0_launches-upcoming*.json", 10),
    ],
)
def test_real_samples_load_in_every_wrapping(pattern: str, expected: int, ll2_fixtures_dir: Path) -> None:
    (sample,) = ll2_fixtures_dir.glob(pattern)

    records = load_fixture_records(sample)

    assert len(records) == expected
    assert all(isinstance(r.get("id"), str) and r.get("net") for r in records)


def test_real_sample_is_served_by_its_version(ll2_fixtures_dir: Path, client: httpx.Client) -> None:
    (sample,) = ll2_fixtures_dir.glob("ll2_v2.2.0_*normal*.json")
    with StandIn(load_fixture_records(sample), version="2.2.0") as srv:
        page = client.get(srv.api_url + "/launch/upcoming/").json()

    assert [r["id"] for r in page["results"]] == [r["id"] for r in load_fixture_records(sample)]


def test_unknown_wrapping_is_refused(tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text('{"data": {"launches": 3}}', encoding="utf-8")

    with pytest.raises(ValueError, match="LL2 page"):
        load_fixture_records(odd)


# --- command line ---------------------------------------------------------------------------


def test_command_line_serves_the_demo_until_terminated(client: httpx.Client) -> None:
    command = [sys.executable, "-m", "rocketwatch.standin", "--demo"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            api_url = process.stdout.readline().strip()
            page = client.get(api_url + "/launches/upcoming/").json()
        finally:
            process.send_signal(signal.SIGTERM)
            code = process.wait(DEADLINE_SECONDS)

    assert page["count"] == len(demo_records())
    assert code == 0


# --- detailed shapes -----------------------------------------------------------------------------


DETAILED_RECORD = {
    "id": "d1",
    "name": "Detailed",
    "net": "2026-03-02T12:00:00Z",
    "vid_urls": [{"url": "https://example.org/v", "priority": 1, "live": True}],
    "info_urls": [{"url": "https://example.org/i"}],
    "updates": [{"comment": "hello"}],
    "mission_patches": [{"image_url": "https://example.org/p.png"}],
    "rocket": {"configuration": {"name": "R"}, "launcher_stage": [{"type": "Core"}]},
    "mission": {"name": "M", "vid_urls": [{"url": "https://example.org/m"}]},
}


@pytest.mark.parametrize(("version", "mode"), [("2.3.0", "normal"), ("2.2.0", "normal"), ("2.3.0", None)])
def test_normal_mode_leaves_the_detailed_parts_out(
    version: str, mode: str | None, client: httpx.Client
) -> None:
    with StandIn(records=[DETAILED_RECORD], version=version) as srv:
        params = {"mode": mode} if mode else {}
        [served] = client.get(srv.url(srv.upcoming_path), params=params).json()["results"]

    assert not {"vid_urls", "vidURLs", "info_urls", "updates", "mission_patches"} & set(served)
    assert "launcher_stage" not in served["rocket"] and "vid_urls" not in served["mission"]
    assert served["rocket"]["configuration"] == {"name": "R"}


def test_detailed_mode_uses_each_versions_names(client: httpx.Client) -> None:
    with (
        StandIn(records=[DETAILED_RECORD], version="2.2.0") as old,
        StandIn(records=[DETAILED_RECORD], version="2.3.0") as new,
    ):
        [v220] = client.get(old.url(old.upcoming_path), params={"mode": "detailed"}).json()["results"]
        [v230] = client.get(new.url(new.upcoming_path), params={"mode": "detailed"}).json()["results"]

    assert v220["vidURLs"] == [{"url": "https://example.org/v", "priority": 1}]  # 2.2.0 has no live flag
    assert v220["infoURLs"] and "vid_urls" not in v220 and "info_urls" not in v220
    assert v230["vid_urls"] == DETAILED_RECORD["vid_urls"] and "vidURLs" not in v230
    assert v230["rocket"]["launcher_stage"] == [{"type": "Core"}]


def test_the_demo_serves_its_before_version_first_then_the_current_one(client: httpx.Client) -> None:
    with StandIn.demo(history=True) as srv:
        first = client.get(srv.url(srv.upcoming_path), params={"mode": "detailed"}).json()["results"]
        later = client.get(srv.url(srv.upcoming_path), params={"mode": "detailed"}).json()["results"]
        patch = client.get(srv.url("/media/demo/patch-starlink.png"))

    pairs = zip(first, later, strict=True)
    moved = [(a["name"], a["net"], b["net"]) for a, b in pairs if a["net"] != b["net"]]
    assert len(moved) == 1 and "Starlink Group 14-21" in moved[0][0]
    assert all("x_demo_before" not in served for served in first + later)
    assert patch.status_code == 200 and patch.headers["content-type"] == "image/png"
