"""The detail pane's words: NET in local time and UTC, webcasts, boosters and landings, updates, the slip
timeline. Pure functions; the zone is given explicitly so the tests do not depend on the machine's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rocketwatch import launch_words
from rocketwatch.ll2.model import Landing, Launch, Update, Webcast
from rocketwatch.store.launches import LaunchChange

PARIS = ZoneInfo("Europe/Paris")
NET = datetime(2020, 3, 3, 13, 0, tzinfo=UTC)  # Tue 14:00 in Paris (winter); long past, so dates show a year


def launch(precision: str | None = "MIN", net: datetime = NET) -> Launch:
    return Launch(id="l", name="L", net=net, net_precision=precision)


def change(field: str, old: str | None, new: str | None, seen: datetime, change_id: int = 1) -> LaunchChange:
    return LaunchChange("l", None, seen, field, old, new, change_id)


def test_net_shows_local_time_with_its_zone_and_utc() -> None:
    assert launch_words.net_local_and_utc(launch(), PARIS) == "Tue 03 Mar 2020 14:00 CET · 13:00 UTC"
    late = datetime(2020, 3, 3, 23, 30, tzinfo=UTC)  # already Wednesday in Paris
    assert launch_words.net_local_and_utc(launch(net=late), PARIS) == (
        "Wed 04 Mar 2020 00:30 CET · Tue 03 Mar 23:30 UTC"
    )
    assert launch_words.net_local_and_utc(launch("HR"), PARIS) == (
        "Tue 03 Mar, about 14:00 CET · about 13:00 UTC"
    )


def test_net_in_utc_is_not_said_twice_and_vague_nets_get_no_clock() -> None:
    assert launch_words.net_local_and_utc(launch(), UTC) == "Tue 03 Mar 2020 13:00 UTC"
    assert launch_words.net_local_and_utc(launch("DAY"), PARIS) == "Tue 03 Mar 2020 (time of day not set yet)"
    month = launch_words.net_local_and_utc(launch("M"), PARIS)
    assert month == "March 2020 (the exact date is not set yet)" and "UTC" not in month


def test_a_webcast_is_described_by_title_publisher_language_type_live_and_start() -> None:
    live = Webcast(
        "https://v/1",
        "Starlink Mission",
        "SpaceX",
        "English",
        "Official Webcast",
        1,
        True,
        datetime(2020, 3, 3, 12, 45, tzinfo=UTC),
    )
    assert launch_words.webcast_title(live) == "Starlink Mission"
    assert launch_words.webcast_details(live, PARIS) == (
        "LIVE · SpaceX · English · Official Webcast · starts Tue 03 Mar 2020 13:45 CET"
    )
    untitled = Webcast("https://v/2", publisher="NASASpaceflight")
    assert launch_words.webcast_title(untitled) == "NASASpaceflight"
    assert launch_words.webcast_details(untitled) == ""  # the publisher is the title already
    assert launch_words.webcast_title(Webcast("https://v/3")) == "https://v/3"


def test_boosters_and_landings_in_words() -> None:
    landed = Landing(
        "Core",
        "B1080",
        12,
        True,
        True,
        True,
        "A Shortfall of Gravitas",
        "ASOG",
        "Autonomous Spaceport Drone Ship",
        "ASDS",
    )
    assert launch_words.booster_words(landed) == "Core B1080 · flight 12 · reused"
    assert launch_words.landing_words(landed) == (
        "Landing on A Shortfall of Gravitas (ASOG), Autonomous Spaceport Drone Ship: succeeded"
    )
    waiting = Landing("Booster", "", None, False, True, None, "", "LZ-2", "", "RTLS")
    assert launch_words.booster_words(waiting) == "Booster, serial not known yet · first flight"
    assert launch_words.landing_words(waiting) == "Landing on LZ-2, RTLS: outcome not known yet"
    assert launch_words.landing_words(Landing("Core", "B1", attempt=True, success=False)) == "Landing: failed"
    assert launch_words.landing_words(Landing("Core", "B1", attempt=False)) == "No landing attempt"
    assert launch_words.landing_words(Landing("Core", "B1")) == ""  # nothing known: no line at all


def test_updates_newest_first_with_when_and_who() -> None:
    old = Update(datetime(2020, 3, 2, 5, 0, tzinfo=UTC), "Nosu", "first")
    new = Update(datetime(2020, 3, 3, 5, 0, tzinfo=UTC), "", "second")
    undated = Update(None, "Raul", "third")
    assert launch_words.newest_first([old, undated, new]) == [new, old, undated]
    assert launch_words.update_heading(old, PARIS) == "Mon 02 Mar 2020 06:00 CET · Nosu"
    assert launch_words.update_heading(new, PARIS) == "Tue 03 Mar 2020 06:00 CET"
    assert launch_words.update_heading(undated, PARIS) == "Undated · Raul"


def test_the_slip_timeline_reads_oldest_first_with_size_and_when_seen() -> None:
    seen = datetime(2020, 3, 2, 5, 0, tzinfo=UTC)  # Mon 06:00 in Paris
    later = NET + timedelta(hours=12)
    entries = launch_words.timeline(
        [
            change("status", "TBD", "Go", seen + timedelta(hours=3), 2),
            change("net", NET.isoformat(), later.isoformat(), seen, 1),
            change(
                "net",
                later.isoformat(),
                (later - timedelta(days=1, hours=2)).isoformat(),
                seen + timedelta(days=1),
                3,
            ),
            change("webcast", "false", "true", seen + timedelta(days=2), 4),
            change(
                "landing",
                "B1080: unknown; B1092: unknown",
                "B1080: success; B1092: failure",
                seen + timedelta(days=3),
                5,
            ),
            change("update", None, (seen + timedelta(days=3)).isoformat(), seen + timedelta(days=3), 6),
        ],
        PARIS,
    )
    assert entries == [
        (
            "NET moved from Tue 03 Mar 2020 14:00 to Wed 04 Mar 2020 02:00, +12 h",
            "seen Mon 02 Mar 2020 06:00 CET",
        ),
        ("Status changed from TBD to Go", "seen Mon 02 Mar 2020 09:00 CET"),
        (
            "NET moved from Wed 04 Mar 2020 02:00 to Tue 03 Mar 2020 00:00, −1 d 2 h",
            "seen Tue 03 Mar 2020 06:00 CET",
        ),
        ("Webcast went live", "seen Wed 04 Mar 2020 06:00 CET"),
        ("Landing: B1080 landed; B1092 failed to land", "seen Thu 05 Mar 2020 06:00 CET"),
        # a new LL2 update is not repeated here: the Updates section shows it
    ]


def test_net_moves_of_a_vague_launch_are_as_vague_as_its_net() -> None:
    april = datetime(2020, 4, 1, tzinfo=UTC)
    assert launch_words.change_words(change("net", NET.isoformat(), april.isoformat(), NET), PARIS, "M") == (
        "NET moved from March 2020 to April 2020, +28 d 11 h"
    )
    later = NET + timedelta(days=3)
    moved = change("net", NET.isoformat(), later.isoformat(), NET)
    assert launch_words.change_words(moved, PARIS, "Q1") == "NET moved within Q1 2020, +3 d"
    assert launch_words.change_words(moved, PARIS, "DAY") == (
        "NET moved from Tue 03 Mar 2020 to Fri 06 Mar 2020, +3 d"
    )


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("Go", "HOLD", "Status changed from Go to HOLD"),
        ("TBD", None, "Status changed from TBD to unknown"),
    ],
)
def test_status_changes_use_the_badge_words(old: str, new: str | None, words: str) -> None:
    assert launch_words.change_words(change("status", old, new, NET)) == words


def test_a_change_the_pane_does_not_know_is_still_shown_plainly() -> None:
    assert launch_words.change_words(change("landing", None, "odd text", NET)) == "Landing: odd text"
    assert launch_words.change_words(change("orbit", "LEO", "GTO", NET)) == "Orbit changed from LEO to GTO"
    assert launch_words.change_words(change("net", "garbage", None, NET)) == "NET changed"
