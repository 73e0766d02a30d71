"""The fault matrix: every way LL2 or a picture host can fail, run through the real pipeline on the stand-in.

Each checks the run's state, the words in the history, the notification, earlier data, and the disk outside.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from rig import Outside, RawServer, Resolver, Rig, assert_plain_words

from rocketwatch import images
from rocketwatch.cli import main
from rocketwatch.images import fetch as picture_fetch
from rocketwatch.pipeline import tasks
from rocketwatch.standin import Fault, StandIn
from rocketwatch.standin.data import format_time


def first_good_run(rig: Rig) -> tuple[list[str], dict[str, str]]:
    """A successful run of the demo data; returns (launch ids, picture files) as they are after it."""
    record = rig.runner.run()
    assert record.state == "success"
    ids, pictures = rig.launch_ids(), rig.picture_files()
    assert len(ids) == record.launches >= 10
    assert record.images["downloaded"] == record.images["distinct"] >= 8
    assert len(pictures) == 2 * record.images["distinct"]  # each picture with its thumbnail
    return ids, pictures


def closed_port_url(_standin: StandIn) -> str:
    with StandIn() as server:
        return server.api_url  # nothing listens there once the block ends


# (id, how to break it: a Fault for the stand-in or a function giving the API URL, phrase the user reads)
API_FAULTS: list[tuple[str, Any, str]] = [
    ("connection refused", closed_port_url, "Could not reach LL2 at 127.0.0.1"),
    ("DNS failure", lambda _s: "https://ll2.rocketwatch.invalid/2.3.0", "its name could not be looked up"),
    (
        "TLS to a plain-HTTP port",
        lambda s: f"https://127.0.0.1:{s.port}/2.3.0",
        "the secure (TLS) connection failed",
    ),
    ("page never answered", Fault("hang", seconds=30), "did not answer within 1 s"),
    (
        "page that never ends",
        Fault("never_ending"),  # cut off by time or by size, whichever comes first
        ("took more than 1 s to send its answer", "larger than 20 MB; RocketWatch stopped reading"),
    ),
    (
        "429 for an hour",
        Fault("rate_limit", retry_after=3600),
        "LL2's rate limit is reached; it opens again in 60 min",
    ),
    ("429 without Retry-After", Fault("rate_limit"), "LL2's rate limit is reached; it opens again in 60 s"),
    ("500", Fault("status", code=500), "LL2 answered 500 Internal Server Error"),
    ("502", Fault("status", code=502), "LL2 answered 502 Bad Gateway"),
    ("503", Fault("status", code=503), "LL2 answered 503 Service Unavailable"),
    ("HTML instead of JSON", Fault("html"), "LL2's answer is not JSON (it looks like a web page)"),
    ("malformed JSON", Fault("malformed"), "LL2's answer is not JSON (it "),
    ("truncated JSON", Fault("truncated"), "it stops part-way; the download may have been cut off"),
    (
        "JSON of the wrong shape",
        Fault("wrong_shape"),
        "LL2 answered with JSON that is not a list of launches",
    ),
    ("empty answer", Fault("empty"), "LL2's answer is not JSON (the answer was empty)"),
]


@pytest.mark.parametrize(
    ("breakage", "phrase"), [case[1:] for case in API_FAULTS], ids=[case[0] for case in API_FAULTS]
)
def test_an_api_fault_fails_the_run_in_plain_words_and_keeps_earlier_data(
    rig, standin: StandIn, outside: Outside, resolver: Resolver, breakage: Any, phrase: str | tuple[str, ...]
) -> None:
    h = rig(source={"max_rate_limit_wait": 5})
    ids, pictures = first_good_run(h)
    sent_before = len(h.sent)
    if isinstance(breakage, Fault):
        standin.set_sticky_api_fault(breakage)
        runner = h.runner
    else:
        runner = h.runner_for(api_url=breakage(standin))

    record = runner.run()

    assert record.state == "failed"
    download, pictures_task, notify, events = record.tasks
    # retries = 1; an answer that is complete but not launches (a web page, JSON of another shape) cannot
    # be fixed by asking again, nor can a rate limit closed longer than the run waits (5 s here): each
    # fails the try at once.
    at_once = isinstance(breakage, Fault) and breakage.kind in ("html", "wrong_shape", "rate_limit")
    assert (download.state, download.tries) == ("failed", 1 if at_once else 2)
    assert (pictures_task.state, notify.state, events.state) == ("skipped", "skipped", "skipped")
    [alert] = h.sent[sent_before:]  # the failure alert, and no summary
    assert alert.title == f"RocketWatch run {record.id} failed"
    for text in (download.error, record.error, alert.body):
        assert any(words in text for words in ((phrase,) if isinstance(phrase, str) else phrase)), text
    for text in (record.error, download.error, alert.body, h.logs(record.id)):
        assert_plain_words(text)
    assert h.launch_ids() == ids and h.picture_files() == pictures
    assert outside.changes() == []
    if "invalid" in str(breakage):
        # The name was "looked up" by the test's resolver only: no DNS query left the machine.
        assert set(resolver.refused) == {"ll2.rocketwatch.invalid"}


def test_a_page_that_trickles_in_is_cut_off_at_the_deadline(rig, outside: Outside) -> None:
    h = rig(pipeline={"retries": 0})
    ids = h.launch_ids()
    with RawServer(RawServer.TRICKLING_PAGE, trickle=True) as server:
        api_url = server.url.rsplit("/", 1)[0] + "/2.3.0"
        record = h.runner_for(api_url=api_url).run()

    assert record.state == "failed"
    assert record.tasks[0].error.endswith("took more than 1 s to send its answer")  # not idle, yet too slow
    [alert] = h.sent
    assert "took more than 1 s to send its answer" in alert.body
    assert_plain_words(record.error)
    assert h.launch_ids() == ids
    assert outside.changes() == []


@pytest.mark.parametrize(
    "fault",
    [Fault("rate_limit", retry_after=1), Fault("rate_limit", body_seconds=1)],
    ids=["Retry-After", "seconds in the body"],
)
def test_a_short_429_is_waited_out_and_the_run_succeeds(
    rig, standin: StandIn, outside: Outside, fault: Fault
) -> None:
    h = rig()
    standin.push_api_fault(fault)
    record = h.runner.run()

    assert record.state == "success" and record.api_requests == 2
    assert record.tasks[0].tries == 1
    assert "Waited 1 s for LL2's rate limit" in h.logs(record.id)
    upcoming = len(standin.records) - 1  # the demo list holds a launch that flew today: counted apart
    assert h.sent[-1].title == f"{upcoming} upcoming launches, {upcoming} new"
    assert outside.changes() == []


def test_an_empty_page_is_a_successful_run_that_keeps_earlier_launches(
    rig, standin: StandIn, outside: Outside
) -> None:
    h = rig()
    ids, pictures = first_good_run(h)
    standin.set_records([])
    record = h.runner.run()

    assert record.state == "success"
    assert (record.launches, record.new_launches) == (0, 0)
    assert h.sent[-1].title == "0 upcoming launches, 0 new"
    assert h.sent[-1].body == "No upcoming launches in LL2's list right now."
    assert h.launch_ids() == ids and h.picture_files() == pictures
    assert outside.changes() == []


def plain_record(number: int, net: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"many-{number:05d}",
        "name": f"Launch {number}",
        "net": format_time(net),
        "net_precision": {"abbrev": "MIN"},
        "status": {"id": 1, "name": "Go", "abbrev": "Go"},
        **extra,
    }


def test_ten_thousand_launches_store_the_one_page_asked_for_and_say_more_exist(rig, standin: StandIn) -> None:
    h = rig(source={"limit": 100})
    soon = datetime.now(UTC) + timedelta(days=2)
    standin.set_records([plain_record(n, soon + timedelta(minutes=n)) for n in range(10_000)])
    record = h.runner.run()

    assert record.state == "success"
    assert record.api_requests == 1 and standin.count(standin.upcoming_path) == 1
    assert standin.requests[0].query["limit"] == "100"
    assert record.launches == record.new_launches == 100
    assert h.store.launches.count() == 100
    assert h.launch_ids() == [f"many-{n:05d}" for n in range(100)]
    assert "LL2 lists 10000 upcoming launches in all" in h.logs(record.id)


HOSTILE_RECORDS: list[Any] = [
    {"id": "bare", "net": "2031-01-01T00:00:00Z"},  # every other field missing
    {
        "id": 7,
        "net": "2031-01-02T00:00:00Z",
        "name": 42,
        "status": "Go",
        "net_precision": "MIN",
        "launch_service_provider": [],
        "rocket": {"configuration": 5},
        "mission": "x",
        "pad": {"location": []},
        "probability": "high",
        "webcast_live": "yes",
        "image": 12,
        "window_start": 3,
        "last_updated": {},
    },
    {"id": "html", "net": "2031-01-03T00:00:00Z", "name": "<b>Bold</b> <img src=x onerror=alert(1)> &amp;"},
    {
        "id": "controls",
        "net": "2031-01-04T00:00:00Z",
        "name": "Ring\x07 \x1b]0;owned\x07\x1b[2JClear\x00 Nul\u0085 C1",
    },
    {"id": "rtl", "net": "2031-01-05T00:00:00Z", "name": "إطلاق صاروخ | שיגור"},
    {"id": "bidi", "net": "2031-01-06T00:00:00Z", "name": "Falcon \u202egpj.exe\u202c 9"},
    {"net": "2031-01-07T00:00:00Z", "name": "no id"},
    {"id": "no-net", "name": "no NET"},
    {"id": "bad-net", "net": "next Tuesday"},
    "not a record",
    None,
    [1, 2, 3],
]


def test_records_of_every_wrong_shape_are_kept_or_skipped_and_print_as_plain_text(
    rig, standin: StandIn, outside: Outside, capsys
) -> None:
    h = rig(source={"limit": 100})
    standin.set_records(HOSTILE_RECORDS)
    record = h.runner.run()

    assert record.state == "success"
    assert record.launches == 6
    log = h.logs(record.id)
    assert "Skipped 6 records LL2 sent without a usable id or NET" in log
    assert_plain_words(log)
    bare, typed = h.store.launches.get("bare"), h.store.launches.get("7")
    assert bare is not None
    assert (bare.name, bare.status_abbrev, bare.image_url) == ("Unnamed launch", "Unknown", None)
    assert typed is not None and (typed.name, typed.provider, typed.probability, typed.webcast_live) == (
        "Unnamed launch",
        "Unknown",
        None,
        False,
    )

    capsys.readouterr()
    assert main(["--home", str(h.home), "launches", "--json"]) == 0
    names = {launch["id"]: launch["name"] for launch in json.loads(capsys.readouterr().out)}
    assert names["html"] == "<b>Bold</b> <img src=x onerror=alert(1)> &amp;"  # as sent: text, not markup
    assert names["controls"] == "Ring ]0;owned[2JClear Nul C1"  # no bell, no escape: the terminal is safe
    assert names["rtl"] == "إطلاق صاروخ | שיגור"
    assert names["bidi"] == "Falcon gpj.exe 9"  # no override: it reads in the order it is stored
    assert main(["--home", str(h.home), "launches"]) == 0
    table = capsys.readouterr().out
    assert "<b>Bold</b> <img src=x onerror=alert(1)>" in table and "إطلاق صاروخ | שיגור" in table
    assert not any(char in table for char in "\x07\x1b\x00\x85\u202e\u202c")
    assert outside.changes() == []


def picture_record(number: int, image_url: str) -> dict[str, Any]:
    net = datetime.now(UTC) + timedelta(days=3, hours=number)
    return {**plain_record(number, net), "image": {"image_url": image_url}}


class SentRequests:
    """Every request any httpx client sends in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.urls: list[str] = []
        send = httpx.Client.send

        def recording_send(client: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            self.urls.append(str(request.url))
            return send(client, request, **kwargs)

        monkeypatch.setattr(httpx.Client, "send", recording_send)


def test_picture_addresses_that_must_not_be_fetched_are_refused_without_a_connection(
    rig, standin: StandIn, outside: Outside, resolver: Resolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = rig(source={"limit": 100})
    ids, pictures = first_good_run(h)
    # The API counts as public now (as the real LL2 is): pictures on private addresses are refused.
    monkeypatch.setattr(tasks, "private_api_host", lambda _url: False)
    resolver.names["pictures.intranet.example"] = "127.0.0.1"  # a name that resolves to loopback
    port = standin.port
    refused = {
        "/media/relative.jpg": "the picture address is not a full web address",
        "file:///etc/passwd": "only http and https pictures are fetched",
        "ftp://127.0.0.1/pub/rocket.jpg": "only http and https pictures are fetched",
        "data:image/png;base64,iVBORw0KGgo=": "only http and https pictures are fetched",
        f"http://127.0.0.1:{port}/media/demo/falcon-dawn.jpg?v=2": "private or local network addresses",
        f"http://localhost:{port}/media/demo/falcon-dawn.jpg": "private or local network addresses",
        f"http://[::1]:{port}/media/demo/falcon-dawn.jpg": "private or local network addresses",
        f"http://127.1:{port}/media/demo/falcon-dawn.jpg": "private or local network addresses",
        f"http://2130706433:{port}/media/demo/falcon-dawn.jpg": "private or local network addresses",
        f"http://pictures.intranet.example:{port}/media/demo/falcon-dawn.jpg": "private or local network",
        "http://10.0.0.1/rocket.jpg": "private or local network addresses",
        "http://192.168.1.20/rocket.jpg": "private or local network addresses",
        "http://169.254.169.254/latest/meta-data/": "private or local network addresses",
        "http://[fd00::1]/rocket.jpg": "private or local network addresses",
    }
    records = [picture_record(n, url) for n, url in enumerate(refused)]
    records.append({**picture_record(99, ""), "id": "no-picture"})
    standin.set_records(records)
    standin.clear_requests()
    sent = SentRequests(monkeypatch)

    record = h.runner.run()

    assert record.state == "success"
    assert record.images["failed"] == len(refused) and record.images["downloaded"] == 0
    assert sent.urls == [f"{standin.api_url}/launches/upcoming/?limit=100&mode=detailed"]  # the page only
    assert [request.path for request in standin.requests] == [standin.upcoming_path]
    log = h.logs(record.id)
    for url, reason in refused.items():
        assert reason in h.store.images.get(url).failure, url
        assert f"Picture skipped: {url}: " in log
    assert h.store.launches.get("no-picture").image_url is None
    assert set(h.launch_ids()) >= set(ids) and h.picture_files() == pictures
    assert outside.changes() == []


def test_hostile_picture_servers_are_refused_and_leave_nothing(
    rig, standin: StandIn, outside: Outside, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(picture_fetch, "MIN_DOWNLOAD_DEADLINE", 2.0)  # a trickle is given up after 2 s
    h = rig(source={"limit": 100})
    ids, pictures = first_good_run(h)
    hostile = {
        "/hostile/loop.jpg": "redirected more than 5 times",
        "/hostile/to-file.jpg": f"redirected to an address that is refused: {images.ONLY_HTTP}",
        "/hostile/to-ftp.jpg": f"redirected to an address that is refused: {images.ONLY_HTTP}",
        "/hostile/missing.jpg": "the server answered 404 Not Found",
        "/hostile/notimage.jpg": "not a picture",
        "/hostile/bomb.png": "too many pixels to open safely (30000x30000)",
        "/hostile/huge.jpg": "larger than 20 MB",
        "/hostile/hang.jpg": "timed out",
        "/hostile/trickle.jpg": "timed out",
    }
    records = [picture_record(n, standin.url(path)) for n, path in enumerate(hostile)]
    records.append(picture_record(50, standin.url("/hostile/..%2F..%2Fescape.jpg")))
    standin.set_records(records)

    record = h.runner.run()

    assert record.state == "success"
    assert (record.images["failed"], record.images["downloaded"]) == (len(hostile), 1)
    assert {path: h.store.images.get(standin.url(path)).failure for path in hostile} == hostile
    for reason in hostile.values():
        assert_plain_words(reason)
    # Its declared size was over the cap, so its body was not read (what was sent sits in socket buffers).
    assert standin.bytes_sent("/hostile/huge.jpg") < 16 * 1024 * 1024
    new_files = sorted(set(h.picture_files()) - set(pictures))
    assert [name.split("/")[0] for name in new_files] == ["images", "thumbnails"]  # the escape picture only
    assert all(".." not in name and name.split("/")[1].startswith("escape-") for name in new_files)
    assert not [p for p in h.paths.data_dir.rglob("*") if p.name.startswith(".part")]
    assert set(h.launch_ids()) >= set(ids)
    assert outside.changes() == []


@pytest.mark.parametrize(
    ("answer", "reason", "requests"),
    [
        (RawServer.BROKEN_OFF, "the download broke off before the end", 1),
        (RawServer.SELF_REDIRECT, "redirected in a loop", 1),  # refused before asking again
    ],
    ids=["breaks off", "redirects to itself"],
)
def test_a_picture_server_that_breaks_off_or_loops_is_refused_in_plain_words(
    rig, standin: StandIn, outside: Outside, answer: bytes, reason: str, requests: int
) -> None:
    h = rig()
    with RawServer(answer) as server:
        standin.set_records([picture_record(1, server.url)])
        record = h.runner.run()
        assert server.served == requests

    assert record.state == "success" and record.images["failed"] == 1
    assert h.store.images.get(server.url).failure == reason
    assert_plain_words(h.logs(record.id))
    assert not [p for p in h.paths.data_dir.rglob("*") if p.name.startswith(".part")]
    assert outside.changes() == []


def test_an_unexpected_error_in_a_task_is_told_in_plain_words(rig, monkeypatch: pytest.MonkeyPatch) -> None:
    h = rig()

    def broken(_ctx: object) -> None:
        raise KeyError("status")

    monkeypatch.setattr(tasks, "TASKS", (("download_launches", broken), *tasks.TASKS[1:]))
    record = h.runner.run()

    assert record.state == "failed"
    assert record.tasks[0].error == (
        "Something unexpected went wrong ('status'); the application log has the details"
    )
    [alert] = h.sent
    for text in (record.error, alert.body, h.logs(record.id)):
        assert_plain_words(text)
