"""The iCalendar export: read back by icalendar and by vobject (an independent parser), stable UIDs.

Launches are hand-made and stored in a real store; the file is what a calendar app would import.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import vobject
from icalendar import Calendar

from rocketwatch.calendar import export_ics, vague_span
from rocketwatch.cli import main
from rocketwatch.config import AlertsConfig
from rocketwatch.ll2.model import Launch
from rocketwatch.paths import paths_for
from rocketwatch.store import Store

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def launch(launch_id: str, net: datetime, precision: str | None = "MIN", **fields: object) -> Launch:
    values: dict = {
        "name": f"Falcon 9 | {launch_id}",
        "provider": "SpaceX",
        "rocket": "Falcon 9 Block 5",
        "pad": "SLC-40",
        "location": "Cape Canaveral SFS, FL, USA",
        "status_abbrev": "Go",
        "status_name": "Go for Launch",
        "mission_name": f"Mission {launch_id}",
        "mission_description": f'Carries the {launch_id} payload; 50% more, "quoted".',
    }
    return Launch(id=launch_id, net=net, net_precision=precision, **{**values, **fields})


LAUNCHES = [
    launch(
        "exact",
        NOW + 5 * H,
        window_start=NOW + 5 * H,
        window_end=NOW + 7 * H + 30 * timedelta(minutes=1),
        webcast_url="https://example.org/watch?v=1&t=2",
    ),
    launch("instant", NOW + 6 * H, window_start=NOW + 6 * H, window_end=NOW + 6 * H),
    launch("old-api", NOW + 8 * H, precision=None),
    launch("hour", NOW + 30 * H, precision="HR", status_abbrev="TBC"),
    launch("day", datetime(2026, 3, 9, 23, 30, tzinfo=UTC), precision="DAY", status_abbrev="TBD"),
    launch("month", datetime(2026, 5, 15, tzinfo=UTC), precision="M", status_abbrev="TBD"),
    launch("quarter", datetime(2026, 8, 20, tzinfo=UTC), precision="Q3", status_abbrev="TBD"),
    launch("half", datetime(2026, 11, 2, tzinfo=UTC), precision="H2", status_abbrev="TBD"),
    launch("year", datetime(2027, 6, 1, tzinfo=UTC), precision="Y", status_abbrev="TBD"),
    launch("rocketlab", NOW + 9 * H, provider="Rocket Lab", location="Mahia, NZ", pad="LC-1A"),
    launch("starred", NOW + 10 * H, provider="Firefly"),
    launch("long-gone", NOW - 60 * 24 * H),
]
WATCH = AlertsConfig(watch_providers=("spacex",))


@pytest.fixture
def store(home: Path, local_zone) -> Iterator[Store]:
    local_zone("UTC")
    opened = Store.open(paths_for(home))
    opened.launches.upsert(LAUNCHES, None, now=NOW)
    opened.stars.star("starred")
    yield opened
    opened.close()


def events(path: Path) -> dict[str, object]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_one_event_per_watched_launch_with_stable_uids(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "out" / "launches.ics"
    count = export_ics(store, path, WATCH, now=NOW)
    expected = {
        f"{name}@rocketwatch"
        for name in (
            "exact",
            "instant",
            "old-api",
            "hour",
            "day",
            "month",
            "quarter",
            "half",
            "year",
            "starred",
        )
    }
    assert count == len(expected) and set(events(path)) == expected  # not Rocket Lab's, not 60 days ago
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["version"]) == "2.0" and "RocketWatch" in str(calendar["prodid"])

    export_ics(store, path, WATCH, now=NOW + H)
    assert set(events(path)) == expected
    assert [p.name for p in path.parent.iterdir()] == ["launches.ics"]  # written whole, no temp left


def test_exact_nets_are_timed_events_lasting_the_window(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "launches.ics"
    export_ics(store, path, WATCH, now=NOW)
    found = events(path)
    exact = found["exact@rocketwatch"]
    assert exact.decoded("dtstart") == NOW + 5 * H
    assert exact.decoded("duration") == timedelta(hours=2, minutes=30)
    assert str(exact["summary"]) == "Falcon 9 | exact"
    assert str(exact["url"]) == "https://example.org/watch?v=1&t=2"
    assert str(exact["location"]) == "SLC-40, Cape Canaveral SFS, FL, USA"
    assert "Carries the exact payload" in str(exact["description"])
    assert exact.decoded("dtstamp") == NOW and str(exact["status"]) == "CONFIRMED"
    assert found["instant@rocketwatch"].decoded("duration") == H  # no window: one hour
    assert found["old-api@rocketwatch"].decoded("dtstart") == NOW + 8 * H
    hour = found["hour@rocketwatch"]
    assert hour.decoded("dtstart") == NOW + 30 * H and str(hour["status"]) == "TENTATIVE"


@pytest.mark.parametrize(
    ("launch_id", "first", "end", "summary"),
    [
        ("day", date(2026, 3, 9), date(2026, 3, 10), "Falcon 9 | day"),
        ("month", date(2026, 5, 1), date(2026, 6, 1), "NET May 2026: Falcon 9 | month"),
        ("quarter", date(2026, 7, 1), date(2026, 10, 1), "NET Q3 2026: Falcon 9 | quarter"),
        ("half", date(2026, 7, 1), date(2027, 1, 1), "NET H2 2026: Falcon 9 | half"),
        ("year", date(2027, 1, 1), date(2028, 1, 1), "NET 2027: Falcon 9 | year"),
    ],
)
def test_vague_nets_are_all_day_spans(
    store: Store, tmp_path: Path, launch_id: str, first: date, end: date, summary: str
) -> None:
    path = tmp_path / "launches.ics"
    export_ics(store, path, WATCH, now=NOW)
    event = events(path)[f"{launch_id}@rocketwatch"]
    assert event.decoded("dtstart") == first and event.decoded("dtend") == end
    assert not isinstance(event.decoded("dtstart"), datetime)
    assert str(event["summary"]) == summary


def test_a_day_is_the_launch_day_in_local_time(local_zone) -> None:
    local_zone("Asia/Seoul")
    late_evening_utc = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    assert vague_span(late_evening_utc, "DAY") == (date(2026, 3, 10), date(2026, 3, 11))
    assert vague_span(datetime(2026, 12, 30, tzinfo=UTC), "Q4") == (date(2026, 10, 1), date(2027, 1, 1))


def test_a_second_parser_reads_the_same_events(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "launches.ics"
    count = export_ics(store, path, WATCH, now=NOW)
    parsed = vobject.readOne(path.read_text(encoding="utf-8"))
    by_uid = {event.uid.value: event for event in parsed.vevent_list}
    assert len(by_uid) == count
    exact = by_uid["exact@rocketwatch"]
    assert exact.dtstart.value == NOW + 5 * H
    assert exact.duration.value == timedelta(hours=2, minutes=30)
    assert exact.location.value == "SLC-40, Cape Canaveral SFS, FL, USA"
    assert exact.description.value.splitlines()[4] == 'Carries the exact payload; 50% more, "quoted".'
    assert by_uid["quarter@rocketwatch"].dtstart.value == date(2026, 7, 1)


def test_sequence_goes_up_when_a_launch_changes(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "launches.ics"
    export_ics(store, path, WATCH, now=NOW)
    assert int(events(path)["exact@rocketwatch"]["sequence"]) == 0
    moved = launch("exact", NOW + 7 * H, window_start=NOW + 7 * H, window_end=NOW + 8 * H)
    store.launches.upsert([moved], None, now=NOW + H)
    export_ics(store, path, WATCH, now=NOW + H)
    exact = events(path)["exact@rocketwatch"]
    assert int(exact["sequence"]) == 1 and exact.decoded("dtstart") == NOW + 7 * H
    assert int(events(path)["instant@rocketwatch"]["sequence"]) == 0


def sequence_after(store: Store, path: Path, changed: Launch, launch_id: str) -> tuple[int, object]:
    """Export, store `changed` as LL2's newer record of the launch, export again: (SEQUENCE, event)."""
    export_ics(store, path, WATCH, now=NOW)
    before = int(events(path)[f"{launch_id}@rocketwatch"]["sequence"])
    store.launches.upsert([changed], None, now=NOW + H)
    export_ics(store, path, WATCH, now=NOW + H)
    event = events(path)[f"{launch_id}@rocketwatch"]
    return int(event["sequence"]) - before, event


def test_a_day_only_net_that_becomes_timed_goes_up_a_sequence(store: Store, tmp_path: Path) -> None:
    # LL2 gives the same NET, now to the minute: the all-day event becomes a timed one.
    day_net = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    timed = launch("day", day_net, precision="MIN", status_abbrev="Go")
    step, event = sequence_after(store, tmp_path / "launches.ics", timed, "day")
    assert step == 1
    assert event.decoded("dtstart") == day_net


def exact_with(**changes: object) -> Launch:
    """The "exact" launch of LAUNCHES as LL2 might send it later, with these fields changed."""
    return replace(next(item for item in LAUNCHES if item.id == "exact"), **changes)


@pytest.mark.parametrize(
    ("changed", "why"),
    [
        (exact_with(window_end=NOW + 9 * H), "the window ends later"),
        (exact_with(net=NOW + 4 * H, window_start=NOW + 4 * H), "it starts earlier"),
        (exact_with(status_abbrev="TBD"), "on hold: the event becomes tentative"),
        (exact_with(status_abbrev="Success", status_name="Launch Successful"), "the launch's status changed"),
        (exact_with(net_precision="HR"), "now known to the hour only"),
    ],
)
def test_a_new_start_end_or_status_goes_up_a_sequence(
    store: Store, tmp_path: Path, changed: Launch, why: str
) -> None:
    step, _ = sequence_after(store, tmp_path / "launches.ics", changed, "exact")
    assert step == 1, why


def test_nothing_to_announce_keeps_the_sequence_wherever_the_file_goes(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "launches.ics"
    step, _ = sequence_after(store, path, exact_with(mission_description="More"), "exact")
    assert step == 0
    # The SEQUENCE is remembered by RocketWatch, not read from the old file: a new file says the same.
    store.launches.upsert([exact_with(net=NOW + 6 * H, window_start=NOW + 6 * H)], None, now=NOW + 2 * H)
    export_ics(store, tmp_path / "first.ics", WATCH, now=NOW + 2 * H)
    export_ics(store, tmp_path / "second.ics", WATCH, now=NOW + 3 * H)
    first, second = events(tmp_path / "first.ics"), events(tmp_path / "second.ics")
    assert int(first["exact@rocketwatch"]["sequence"]) == int(second["exact@rocketwatch"]["sequence"]) == 1


def test_a_net_known_to_the_hour_says_so(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "launches.ics"
    export_ics(store, path, WATCH, now=NOW)
    hour = events(path)["hour@rocketwatch"]
    assert str(hour["summary"]) == "Falcon 9 | hour (time to the hour)"
    assert "Time known only to the hour: about 18:00 UTC" in str(hour["description"])
    exact = events(path)["exact@rocketwatch"]
    assert str(exact["summary"]) == "Falcon 9 | exact" and "only to the hour" not in str(exact["description"])


def test_export_ics_command(store: Store, home: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "mine.ics"
    assert main(["--home", str(home), "export-ics", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Wrote ") and str(target) in out
    assert len(events(target)) == int(out.split()[1])
