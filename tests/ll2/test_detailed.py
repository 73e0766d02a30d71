"""The detailed launch against real LL2 samples and broken input: video links, stages and landings,
patches, updates, programs, links, and the precision LL2 2.0.0 hides in tbddate/tbdtime.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rocketwatch.alerts import reminder_leads
from rocketwatch.calendar import launch_event
from rocketwatch.config import AlertsConfig
from rocketwatch.ll2.model import MAX_LANDINGS, MAX_UPDATES, MAX_WEBCASTS, Webcast, best_webcast
from rocketwatch.ll2.parse import PageError, parse_launch, parse_page, parse_page_bytes, read_launch
from rocketwatch.timefmt import countdown

V220_DETAILED = "ll2_v2.2.0_launch-upcoming_detailed_100results_wrapped_2026-08.json"
V230_SINGLE = "ll2_v2.3.0_launch-detail_detailed_single_2025-08.json"
NET = "2026-08-22T07:25:00Z"


def video(url: str, **fields: object) -> dict:
    return {"url": url, **fields}


def test_the_real_220_detailed_page_yields_every_detailed_part(ll2_fixtures_dir: Path) -> None:
    wrapped = json.loads((ll2_fixtures_dir / V220_DETAILED).read_text(encoding="utf-8"))
    page = parse_page({"count": len(wrapped["launches"]), "results": wrapped["launches"]})

    assert len(page.launches) == 100 and page.skipped == 0 and page.dropped_parts == ()
    with_webcasts = [launch for launch in page.launches if launch.webcasts]
    assert with_webcasts and all(launch.webcast_url == launch.webcasts[0].url for launch in with_webcasts)
    starlink = next(launch for launch in page.launches if launch.name.endswith("Starlink Group 15-20"))
    assert starlink.webcasts[0] == Webcast(
        url="https://www.youtube.com/watch?v=7r0RfmKbr_Q",
        title="SpaceX Starlink Group 15-20",
        publisher="The Space Devs",
        language="English",
        type="Unofficial Re-stream",
        priority=7,
        live=False,
        start=datetime(2026, 8, 22, 7, 40, 23, tzinfo=UTC),
        end=datetime(2026, 8, 22, 8, 0, 25, tzinfo=UTC),
    )
    [booster] = starlink.landings
    assert (booster.stage, booster.serial, booster.flight_number) == ("Core", "B1100", 9)
    assert booster.reused is True
    assert (booster.attempt, booster.success) == (True, True)
    assert (booster.location, booster.location_abbrev) == ("Of Course I Still Love You", "OCISLY")
    assert (booster.type, booster.type_abbrev) == ("Autonomous Spaceport Drone Ship", "ASDS")
    assert starlink.patches and starlink.patches[0].image_url.startswith("https://")
    assert starlink.updates[0].comment == "Launch success." and starlink.updates[0].author == "Cosmic_Penguin"
    times = [update.created_at for update in starlink.updates]
    assert times == sorted(times, reverse=True)  # newest first
    assert starlink.programs == ("Starlink",)
    assert starlink.info_links[0].url == "https://www.spacex.com/launches/sl-15-20"
    assert starlink.flightclub_url.startswith("https://flightclub.io/")
    assert (starlink.provider_id, starlink.location_id) == (121, 11)
    assert sum(bool(launch.landings) for launch in page.launches) == 31
    assert sum(bool(launch.patches) for launch in page.launches) == 13
    assert sum(len(launch.updates) for launch in page.launches) > 200
    assert max(len(launch.updates) for launch in page.launches) == 33


def test_the_real_230_single_launch_parses_as_a_record_with_live_flags(ll2_fixtures_dir: Path) -> None:
    record = json.loads((ll2_fixtures_dir / V230_SINGLE).read_text(encoding="utf-8"))
    dropped: Counter[str] = Counter()
    launch = read_launch(record, dropped)

    assert not isinstance(launch, str)
    [link] = launch.webcasts
    assert (link.url, link.publisher, link.priority, link.live) == (
        "https://www.youtube.com/watch?v=DTDb3eKpPiw",
        "SciNews",
        10,
        False,
    )
    assert launch.webcast_url == link.url
    assert launch.landings == () and launch.patches == () and launch.updates == ()
    assert not dropped

    record["vid_urls"][0]["live"] = True
    relive = parse_launch(record)
    assert relive is not None and relive.webcasts[0].live is True


def test_the_real_230_single_launch_served_as_a_page_is_refused_for_good(ll2_fixtures_dir: Path) -> None:
    body = (ll2_fixtures_dir / V230_SINGLE).read_bytes()

    with pytest.raises(PageError) as raised:
        parse_page_bytes(body)

    assert raised.value.retryable is False
    assert str(raised.value) == (
        "LL2 answered with JSON that is not a list of launches but a single launch "
        "(“Sputnik 8K74PS | Sputnik 1”)"
    )


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"detail": "Invalid page."}, "but an error message: “Invalid page.”"),
        ({"message": "hi", "results": "no"}, "but an object with the keys message, results"),
        ([{"id": "a", "net": NET}], "but a bare list, without the page around it"),
        (42, "but a number"),
    ],
)
def test_other_wrong_shapes_say_what_came_back(answer: object, words: str) -> None:
    with pytest.raises(PageError) as raised:
        parse_page(answer)

    assert str(raised.value).endswith(words) and raised.value.retryable is False


def test_a_web_page_is_refused_for_good_but_a_cut_off_answer_may_be_retried() -> None:
    with pytest.raises(PageError) as web:
        parse_page_bytes(b"<html><body>Maintenance</body></html>")
    with pytest.raises(PageError) as cut:
        parse_page_bytes(b'{"count": 1, "results": [{"id": "a"')

    assert web.value.retryable is False and "web page" in str(web.value)
    assert cut.value.retryable is True


def test_the_best_link_is_live_then_lowest_priority_then_soonest() -> None:
    launch = parse_launch(
        {
            "id": "v",
            "net": NET,
            "vid_urls": [
                video("https://example.org/late", priority=1, start_time="2026-08-22T07:00:00Z"),
                video("https://example.org/early", priority=1, start_time="2026-08-22T06:00:00Z"),
                video("https://example.org/low", priority=5),
                video("https://example.org/unranked"),
            ],
        }
    )
    assert launch is not None
    assert [link.url for link in launch.webcasts] == [
        "https://example.org/early",
        "https://example.org/late",
        "https://example.org/low",
        "https://example.org/unranked",
    ]
    assert launch.webcast_url == "https://example.org/early"

    live = parse_launch(
        {
            "id": "v",
            "net": NET,
            "vid_urls": [
                video("https://example.org/first", priority=1),
                video("https://example.org/live", priority=50, live=True),
            ],
        }
    )
    assert live is not None and live.webcast_url == "https://example.org/live"
    assert best_webcast(live.webcasts) == live.webcasts[0]


def test_mission_and_220_links_are_kept_once_each() -> None:
    launch = parse_launch(
        {
            "id": "v",
            "net": NET,
            "vidURLs": [video("https://example.org/a", priority=2)],
            "mission": {
                "vid_urls": [video("https://example.org/a"), video("https://example.org/b", priority=1)]
            },
        }
    )
    assert launch is not None
    assert [link.url for link in launch.webcasts] == ["https://example.org/b", "https://example.org/a"]


def test_a_broken_part_drops_only_that_part_and_is_counted() -> None:
    dropped: Counter[str] = Counter()
    launch = read_launch(
        {
            "id": "b",
            "name": "Kept",
            "net": NET,
            "vid_urls": "https://example.org/not-a-list",
            "updates": [None, {"comment": "ok", "created_on": NET}, {"comment": 5}],
            "mission_patches": [
                {"name": "ftp", "image_url": "ftp://example.org/p.png"},
                {"name": "fine", "image_url": "https://example.org/p.png"},
            ],
            "rocket": {"launcher_stage": {"not": "a list"}, "configuration": {"name": "Rocket"}},
            "program": [{"name": "Artemis"}, 7],
            "info_urls": [{"url": "javascript:alert(1)"}],
        },
        dropped,
    )

    assert not isinstance(launch, str)
    assert (launch.name, launch.rocket) == ("Kept", "Rocket")
    assert launch.webcasts == () and launch.webcast_url == ""
    assert [update.comment for update in launch.updates] == ["ok"]
    assert [patch.name for patch in launch.patches] == ["fine"]
    assert launch.landings == () and launch.programs == ("Artemis",) and launch.info_links == ()
    assert dropped == {
        "video links": 1,
        "updates": 2,
        "mission patches": 1,
        "launcher stages": 1,
        "information links": 1,
    }


def test_hostile_lists_are_cut_to_their_caps() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    page = parse_page(
        {
            "results": [
                {
                    "id": "big",
                    "net": NET,
                    "vid_urls": [video(f"https://example.org/{n}", priority=n) for n in range(200)],
                    "updates": [
                        {"comment": f"u{n}", "created_on": (start + timedelta(minutes=n)).isoformat()}
                        for n in range(500)
                    ],
                    "rocket": {
                        "launcher_stage": [
                            {"type": "Booster", "launcher": {"serial_number": f"S{n}"}} for n in range(40)
                        ]
                    },
                }
            ]
        }
    )

    [launch] = page.launches
    assert len(launch.webcasts) == MAX_WEBCASTS and launch.webcasts[0].url == "https://example.org/0"
    assert len(launch.updates) == MAX_UPDATES and launch.updates[0].comment == "u499"  # the newest kept
    assert len(launch.landings) == MAX_LANDINGS
    assert dict(page.dropped_parts) == {"video links": 180, "launcher stages": 30}


def test_230_landing_location_and_220_location_both_read() -> None:
    stage = {
        "type": "Core",
        "landing": {
            "attempt": True,
            "success": None,
            "landing_location": {"name": "Landing Zone 1", "abbrev": "LZ-1"},
            "type": {"name": "Return to Launch Site", "abbrev": "RTLS"},
        },
    }
    launch = parse_launch({"id": "l", "net": NET, "rocket": {"launcher_stage": [stage]}})
    assert launch is not None
    [landing] = launch.landings
    assert (landing.location_abbrev, landing.type_abbrev, landing.success) == ("LZ-1", "RTLS", None)


@pytest.mark.parametrize(
    ("flags", "precision"),
    [
        ({"tbddate": True, "tbdtime": True}, "M"),
        ({"tbddate": False, "tbdtime": True}, "DAY"),
        ({"tbddate": False, "tbdtime": False}, None),
        ({"tbdtime": True, "net_precision": {"abbrev": "Q3"}}, "Q3"),  # LL2's own coarser word stays
        ({"tbdtime": True, "net_precision": {"abbrev": "MIN"}}, "DAY"),
    ],
)
def test_tbd_flags_of_older_versions_become_a_vague_precision(flags: dict, precision: str | None) -> None:
    launch = parse_launch({"id": "t", "net": "2023-06-08T00:00:00Z", **flags})
    assert launch is not None and launch.net_precision == precision


def test_a_placeholder_midnight_gets_no_reminder_countdown_or_timed_event() -> None:
    now = datetime(2023, 6, 7, 12, tzinfo=UTC)
    launch = parse_launch(
        {
            "id": "t",
            "name": "Placeholder",
            "net": "2023-06-08T00:00:00Z",
            "status": {"id": 1, "name": "Go"},
            "tbdtime": True,
            "tbddate": False,
        }
    )
    assert launch is not None

    assert reminder_leads(launch, AlertsConfig()) == ()
    assert countdown(launch.net, launch.net_precision, now) is None
    event = launch_event(launch, 0, now)
    assert not isinstance(event.decoded("dtstart"), datetime)  # an all-day date, not a time
