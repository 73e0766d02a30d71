"""Fuzzing with hypothesis: the LL2 parser and the store, the schedule parser, and the alert rules over time.

Properties: nothing raises what it should not, data round-trips unchanged, and no alert is ever shown twice.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from helpers import RecordingNotifier
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rocketwatch.alerts import REMINDER
from rocketwatch.config import Config, RetentionConfig
from rocketwatch.ll2.model import Launch
from rocketwatch.ll2.parse import PageError, parse_launch, parse_page_bytes
from rocketwatch.notify import ChainNotifier
from rocketwatch.paths import paths_for
from rocketwatch.pipeline.alerting import alert_run, deliver_due_alerts
from rocketwatch.pipeline.context import RunContext
from rocketwatch.pipeline.retention import prune
from rocketwatch.schedule import MISSED_CAP, ScheduleError, parse_duration, parse_every
from rocketwatch.store import Store
from rocketwatch.store.ledger import Ledger

FUZZ = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    """One store for all examples of a test (hypothesis runs many examples per test function)."""
    with (
        tempfile.TemporaryDirectory(prefix="rocketwatch-fuzz-") as folder,
        Store.open(paths_for(Path(folder))) as opened,
    ):
        yield opened


# --- the LL2 parser and the store ------------------------------------------------------------------------
KEYS = [
    "id",
    "name",
    "net",
    "status",
    "abbrev",
    "net_precision",
    "window_start",
    "window_end",
    "holdreason",
    "failreason",
    "launch_service_provider",
    "rocket",
    "configuration",
    "full_name",
    "mission",
    "description",
    "type",
    "orbit",
    "pad",
    "location",
    "country",
    "country_code",
    "probability",
    "webcast_live",
    "vid_urls",
    "url",
    "last_updated",
    "image",
    "image_url",
    "thumbnail_url",
    "credit",
    "license",
    "link",
    "results",
    "count",
    "next",
]
times = st.datetimes(
    datetime(1950, 1, 1),
    datetime(2200, 1, 1),
    timezones=st.sampled_from(
        [UTC, ZoneInfo("Asia/Kathmandu"), ZoneInfo("America/St_Johns"), ZoneInfo("Pacific/Kiritimati")]
    ),
)
time_texts = times.map(lambda moment: moment.isoformat()) | times.map(
    lambda moment: moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | time_texts
    | st.sampled_from(["http://example.org/a.jpg", "https://x/y?z=1", "javascript:alert(1)", ""])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=6)
    ),
    max_leaves=25,
)
usable_records = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=40) | st.integers(), "net": time_texts},
    optional={key: json_values for key in KEYS if key not in ("id", "net")},
)


@FUZZ
@given(json_values)
def test_any_json_answer_is_a_page_or_a_plain_page_error(value: Any) -> None:
    body = json.dumps(value).encode()
    try:
        page = parse_page_bytes(body)
    except PageError as error:
        assert str(error).startswith(("LL2's answer", "LL2 answered"))
        return
    assert len(page.launches) + page.skipped == len(value["results"])


@FUZZ
@given(
    st.binary(max_size=300) | st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass"))
)
def test_any_bytes_are_a_page_or_a_page_error(body: bytes) -> None:
    with contextlib.suppress(PageError):
        parse_page_bytes(body)


@FUZZ
@given(usable_records)
def test_a_usable_record_round_trips_through_the_store_unchanged(store: Store, record: dict) -> None:
    launch = parse_launch(json.loads(json.dumps(record)))
    if launch is None:  # a record whose id is only spaces, or whose NET falls outside the calendar in UTC
        return
    store.launches.upsert([launch], None)

    assert store.launches.get(launch.id) == launch
    assert launch.id in {stored.id for stored in store.launches.upcoming(since=launch.net)}


# --- the schedule parser -------------------------------------------------------------------------------
ZONES = [
    UTC,
    ZoneInfo("America/New_York"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Asia/Kathmandu"),
    ZoneInfo("Europe/London"),
]
afters = st.datetimes(datetime(2020, 1, 1), datetime(2035, 1, 1), timezones=st.just(UTC))
schedule_words = st.text(alphabet="0123456789*/,-@ LW#?abcdefhijlmnorstuwyADFJMNOSTW\t", max_size=40)


def cron_field(low: int, high: int) -> st.SearchStrategy[str]:
    value = st.integers(low, high).map(str)
    span = st.tuples(st.integers(low, high), st.integers(low, high)).map(lambda ab: f"{min(ab)}-{max(ab)}")
    step = st.tuples(st.sampled_from(["*", f"{low}-{high}"]), st.integers(1, high - low + 1)).map(
        lambda base_step: f"{base_step[0]}/{base_step[1]}"
    )
    single = st.just("*") | value | span | step
    return st.lists(single, min_size=1, max_size=3).map(",".join)


cron_lines = st.tuples(
    cron_field(0, 59), cron_field(0, 23), cron_field(1, 31), cron_field(1, 12), cron_field(0, 7)
).map(" ".join)


@FUZZ
@given(st.text(max_size=60) | schedule_words)
def test_any_text_is_a_schedule_or_a_schedule_error(text: str) -> None:
    try:
        schedule = parse_every(text)
    except ScheduleError:
        return
    assert schedule.describe()
    times = schedule.next_fire_times(3, datetime(2026, 3, 8, 6, tzinfo=UTC), ZoneInfo("America/New_York"))
    assert times == sorted(set(times))


@FUZZ
@given(st.text(max_size=30) | schedule_words)
def test_any_text_is_a_duration_or_a_schedule_error(text: str) -> None:
    try:
        duration = parse_duration(text)
    except ScheduleError:
        return
    assert timedelta(minutes=1) <= duration <= timedelta(days=366)


@settings(FUZZ, max_examples=150)
@given(cron_lines, afters, st.sampled_from(ZONES))
def test_a_valid_cron_line_fires_at_increasing_times(line: str, after: datetime, tz: ZoneInfo) -> None:
    try:
        schedule = parse_every(line)
    except ScheduleError as error:
        assert "never runs" in str(error), line  # e.g. "0 0 31 2 *": a valid line for no real day
        return
    times = schedule.next_fire_times(6, after, tz)

    assert len(times) == 6
    assert all(earlier < later for earlier, later in itertools.pairwise([after, *times]))
    assert schedule.describe()
    missed = schedule.missed_since(after, times[-1], tz)
    assert missed == min(6, MISSED_CAP)  # the two ways of counting fire times agree


# --- the alert rules over time ---------------------------------------------------------------------------
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
snapshots = st.fixed_dictionaries(
    {
        "advance": st.sampled_from(
            [
                timedelta(minutes=5),
                timedelta(minutes=20),
                timedelta(hours=1),
                timedelta(hours=6),
                timedelta(days=1),
                timedelta(days=9),
            ]
        ),
        "launches": st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.sampled_from(["a", "b"]),
                    "net_h": st.sampled_from(
                        [2, 3, 5, 26, 50, 51, 200]
                    ),  # hours after T0: NETs that slip back and forth
                    "status": st.sampled_from(
                        ["Go", "TBC", "TBD", "Hold", "In Flight", "Success", "Failure"]
                    ),
                    "precision": st.sampled_from(["MIN", "HR", "DAY", None]),
                    "webcast": st.booleans(),
                }
            ),
            max_size=2,
            unique_by=lambda launch: launch["id"],
        ),
        "tray_ticks": st.integers(0, 3),  # reminders delivered by the tray between two runs
    }
)


class ClaimLog:
    """Every ledger claim that succeeded, in order (wraps Ledger.claim)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.claims: list[tuple[str, str, str | None, int | None, datetime | None]] = []
        claim = Ledger.claim

        def recording_claim(ledger: Ledger, key: str, **kwargs: Any) -> bool:
            won = claim(ledger, key, **kwargs)
            if won:
                self.claims.append(
                    (
                        key,
                        kwargs["kind"],
                        kwargs.get("launch_id"),
                        kwargs.get("lead_s"),
                        kwargs.get("fire_at"),
                    )
                )
            return won

        monkeypatch.setattr(Ledger, "claim", recording_claim)


@settings(FUZZ, max_examples=80)
@given(st.lists(snapshots, min_size=1, max_size=12))
def test_no_alert_is_ever_shown_twice_whatever_ll2_says_over_time(steps: list[dict[str, Any]]) -> None:
    config = replace(
        Config(), alerts=replace(Config().alerts, webcast=True), retention=RetentionConfig(keep_runs_days=1)
    )
    recorder = RecordingNotifier()
    notifier = ChainNotifier([recorder])
    with pytest.MonkeyPatch.context() as monkeypatch, tempfile.TemporaryDirectory() as folder:
        claims = ClaimLog(monkeypatch)
        paths = paths_for(Path(folder))
        with Store.open(paths) as store:
            now = T0 - timedelta(days=1)
            for step in steps:
                for _tick in range(step["tray_ticks"]):  # the tray's reminder wake-ups in between
                    now += step["advance"] / (step["tray_ticks"] + 1)
                    deliver_due_alerts(store, config, notifier, now)
                now += step["advance"] / (step["tray_ticks"] + 1)
                launches = [snapshot_launch(item) for item in step["launches"]]
                visible = [launch for launch in launches if launch.net >= now - timedelta(days=1)]  # as LL2
                run_id = store.runs.create("scheduled", ("download_launches", "notify"), 1, now=now)
                store.launches.upsert(visible, run_id, now=now)
                alert_run(RunContext(run_id, paths, config, store, notifier, now=lambda at=now: at))
                store.runs.finish(run_id, "success")
                prune(store, paths, config.retention, now, current_run=run_id)

    keys = [claim[0] for claim in claims.claims]
    for kind in sorted({claim[1] for claim in claims.claims}):
        event(f"{kind} alerts shown")
    assert len(keys) == len(set(keys))  # the ledger never got the same alert twice
    assert len(recorder.sent) == len(keys)  # and nothing was shown without being claimed first
    reminders: dict[tuple[str, int], list[datetime]] = {}
    for _key, kind, launch_id, lead_s, fire_at in claims.claims:
        if kind == REMINDER:
            assert launch_id and lead_s and fire_at
            reminders.setdefault((launch_id, lead_s), []).append(fire_at)
    for (launch_id, lead_s), fire_times in reminders.items():
        # One reminder per (launch, lead, fire time): another only once the NET moved by over half the lead.
        ordered = sorted(fire_times)
        gaps = [later - earlier for earlier, later in itertools.pairwise(ordered)]
        assert all(gap > timedelta(seconds=lead_s) / 2 for gap in gaps), (launch_id, lead_s, ordered)


def snapshot_launch(item: dict[str, Any]) -> Launch:
    return Launch(
        id=item["id"],
        name=f"Launch {item['id'].upper()}",
        net=T0 + timedelta(hours=item["net_h"]),
        net_precision=item["precision"],
        status_abbrev=item["status"],
        status_name=item["status"],
        webcast_live=item["webcast"],
        webcast_url="https://example.org/live",
    )
