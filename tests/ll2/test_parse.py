"""Tests for the LL2 parser: real sample pages of every API version, and degenerate records.

Whatever LL2 sends, the parser must yield launches a user can read, or skip with a reason.
"""

from __future__ import annotations

import contextlib
import json
import unicodedata
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rocketwatch.ll2.model import Launch, ParsedPage
from rocketwatch.ll2.parse import (
    DESCRIPTION_LIMIT,
    MAX_SKIP_REASONS,
    TEXT_LIMIT,
    PageError,
    parse_launch,
    parse_page,
    parse_page_bytes,
)

V200 = "ll2_v2.0.0_launch-upcoming_default-mode_limit10_2023-06.json"
V220_NORMAL = "ll2_v2.2.0_launch-upcoming_normal_limit5_2025-11.json"
V220_DETAILED = "ll2_v2.2.0_launch-upcoming_detailed_100results_wrapped_2026-08.json"
V230 = "ll2_v2.3.0_launches-upcoming_normal_results-array-only_10items_2024-09.json"

NET = "2024-10-04T10:00:00Z"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def load(folder: Path, name: str) -> object:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def page_of(*records: object) -> ParsedPage:
    return parse_page({"results": list(records)})


def by_id(page: ParsedPage, launch_id: str) -> Launch:
    return next(launch for launch in page.launches if launch.id == launch_id)


# --- the real samples --------------------------------------------------------------------------


def test_v200_page_gives_ten_launches_without_precision(ll2_fixtures_dir: Path) -> None:
    page = parse_page(load(ll2_fixtures_dir, V200))

    assert len(page.launches) == 10
    assert page.skipped == 0
    assert page.count == 289
    assert page.next_url == "https://ll.thespacedevs.com/2.0.0/launch/upcoming/?limit=10&offset=10"
    assert {launch.net_precision for launch in page.launches} == {None}
    assert [launch.status_abbrev for launch in page.launches[:2]] == ["Go", "TBD"]
    crs = page.launches[0]
    assert crs.name == "Falcon 9 Block 5 | Dragon CRS-2 SpX-28"
    assert crs.provider == "SpaceX"
    assert crs.rocket == "Falcon 9 Block 5"
    assert crs.pad == "Launch Complex 39A"
    assert crs.location == "Kennedy Space Center, FL, USA"
    assert crs.country == "USA"
    assert crs.net == utc(2023, 6, 3, 16, 35)
    assert crs.probability == 30
    assert crs.orbit == "Low Earth Orbit"
    assert crs.mission_description.startswith("28th commercial resupply services mission")
    assert "\r" not in crs.mission_description
    assert "\n\nCargo Dragon 2" in crs.mission_description
    assert crs.image_url == (
        "https://spacelaunchnow-prod-east.nyc3.digitaloceanspaces.com/media/launch_images/"
        "falcon2520925_image_20210922155355.jpeg"
    )
    assert crs.thumbnail_url is None
    assert crs.last_updated is None


def test_v200_probability_minus_one_means_unknown(ll2_fixtures_dir: Path) -> None:
    page = parse_page(load(ll2_fixtures_dir, V200))

    delta = next(launch for launch in page.launches if launch.name == "Delta IV Heavy | NROL-68")
    assert delta.probability is None


def test_v220_normal_page_starts_with_a_past_success(ll2_fixtures_dir: Path) -> None:
    page = parse_page(load(ll2_fixtures_dir, V220_NORMAL))

    assert len(page.launches) == 5
    assert page.count == 350
    first = page.launches[0]
    assert first.status_abbrev == "Success"
    assert first.status_name == "Launch Successful"
    assert first.status_id == 3
    assert first.name == "Falcon 9 Block 5 | Starlink Group 11-23"
    assert first.provider == "SpaceX"
    assert first.pad == "Space Launch Complex 4E"
    assert first.location == "Vandenberg SFB, CA, USA"
    assert first.net == utc(2025, 10, 31, 20, 41, 10)
    assert first.net_precision == "SEC"
    assert first.window_start == utc(2025, 10, 31, 19, 44)
    assert first.last_updated == utc(2025, 11, 1, 0, 17, 41)
    assert first.image_url == (
        "https://thespacedevs-prod.nyc3.digitaloceanspaces.com/media/images/"
        "falcon2520925_image_20221009234147.png"
    )
    assert [launch.net_precision for launch in page.launches] == ["SEC", "SEC", "MIN", "HR", "MIN"]
    assert page.launches[1].probability == 95


def test_v220_detailed_hundred_launches_with_webcasts(ll2_fixtures_dir: Path) -> None:
    wrapped = load(ll2_fixtures_dir, V220_DETAILED)
    assert isinstance(wrapped, dict)

    page = parse_page({"results": wrapped["launches"]})

    assert len(page.launches) == 100
    assert page.skipped == 0
    assert page.count is None
    assert page.next_url is None
    starlink = page.launches[0]
    assert starlink.name == "Falcon 9 Block 5 | Starlink Group 15-20"
    assert starlink.status_abbrev == "Success"
    assert starlink.webcast_url == "https://www.youtube.com/watch?v=7r0RfmKbr_Q"
    assert starlink.net == utc(2026, 8, 22, 7, 25, 16)
    assert len({launch.id for launch in page.launches}) == 100
    assert all(launch.net.tzinfo is UTC for launch in page.launches)


def test_v230_launches_carry_image_credit_and_license(ll2_fixtures_dir: Path) -> None:
    page = parse_page({"results": load(ll2_fixtures_dir, V230)})

    assert len(page.launches) == 10
    vulcan = page.launches[0]
    assert vulcan.name == "Vulcan VC2S | Certification Flight 2"
    assert vulcan.provider == "United Launch Alliance"
    assert vulcan.rocket == "Vulcan VC2S"
    assert vulcan.pad == "Space Launch Complex 41"
    assert vulcan.location == "Cape Canaveral SFS, FL, USA"
    assert vulcan.country == "United States of America"
    assert vulcan.net == utc(2024, 10, 4, 10, 0)
    assert vulcan.net_precision == "MIN"
    assert vulcan.status_abbrev == "Go"
    assert vulcan.image_url == (
        "https://thespacedevs-prod.nyc3.digitaloceanspaces.com/media/images/vulcan_image_20240107162928.jpeg"
    )
    assert vulcan.thumbnail_url is not None
    assert vulcan.thumbnail_url.endswith("_image_thumbnail_20240305193953.jpeg")
    assert vulcan.image_credit == "United Launch Alliance"
    assert vulcan.image_license == "ULA Image Use Policy"
    assert vulcan.image_license_url == "https://www.ulalaunch.com/terms-and-conditions"
    assert [launch.country for launch in page.launches][5:7] == ["Japan", "China"]
    assert page.launches[6].net_precision == "M"


def test_samples_parse_the_same_way_twice(ll2_fixtures_dir: Path) -> None:
    body = (ll2_fixtures_dir / V220_NORMAL).read_bytes()

    assert parse_page_bytes(body) == parse_page_bytes(body)


# --- degenerate records ------------------------------------------------------------------------


def test_record_with_only_id_and_net_gets_the_unknown_values() -> None:
    launch = parse_launch({"id": "abc", "net": NET})

    assert launch == Launch(id="abc", name="Unnamed launch", net=utc(2024, 10, 4, 10, 0))


def test_record_with_every_field_missing_is_skipped() -> None:
    page = page_of({})

    assert page.launches == ()
    assert page.skipped == 1
    assert page.skip_reasons == ("record 1: it has no id",)


def test_wrong_types_everywhere_degrade_to_defaults() -> None:
    record = {
        "id": "x1",
        "net": NET,
        "name": ["not", "text"],
        "status": "Go",
        "net_precision": "MIN",
        "window_start": 12,
        "window_end": {"a": 1},
        "holdreason": 5,
        "failreason": None,
        "launch_service_provider": "SpaceX",
        "rocket": {"configuration": ["Falcon"]},
        "mission": [1, 2],
        "pad": {"name": 39, "location": "KSC", "country": "USA"},
        "probability": True,
        "webcast_live": "true",
        "vid_urls": {"url": "https://example.org"},
        "last_updated": False,
        "image": 42,
    }

    assert parse_launch(record) == Launch(id="x1", name="Unnamed launch", net=utc(2024, 10, 4, 10))


def test_probability_must_be_a_whole_percentage() -> None:
    def probability(value: object) -> int | None:
        launch = parse_launch({"id": "p", "net": NET, "probability": value})
        assert launch is not None
        return launch.probability

    assert [probability(value) for value in (0, 55, 100)] == [0, 55, 100]
    assert [probability(value) for value in (-1, 101, 50.5, "50", False, None)] == [None] * 6


def test_only_a_real_true_means_the_webcast_is_live() -> None:
    live = parse_launch({"id": "w", "net": NET, "webcast_live": True})
    maybe = parse_launch({"id": "w", "net": NET, "webcast_live": 1})

    assert live is not None and live.webcast_live is True
    assert maybe is not None and maybe.webcast_live is False


def test_webcast_url_is_the_first_web_address_in_the_video_links() -> None:
    launch = parse_launch(
        {
            "id": "v",
            "net": NET,
            "vid_urls": [
                {"url": "javascript:alert(1)"},
                {"title": "no url"},
                "ftp://example.org/video",
                "https://example.org/watch",
                {"url": "https://example.org/second"},
            ],
        }
    )

    assert launch is not None
    assert launch.webcast_url == "https://example.org/watch"


def test_status_without_abbrev_takes_the_short_name_for_its_id() -> None:
    tbc = parse_launch({"id": "s", "net": NET, "status": {"id": 8, "name": "To Be Confirmed"}})
    odd = parse_launch({"id": "s", "net": NET, "status": {"id": 99, "name": "Scrubbed"}})

    assert tbc is not None and (tbc.status_abbrev, tbc.status_name) == ("TBC", "To Be Confirmed")
    assert odd is not None and (odd.status_abbrev, odd.status_name) == ("Scrubbed", "Scrubbed")


def test_html_stays_literal_and_control_characters_are_removed() -> None:
    launch = parse_launch(
        {
            "id": "h",
            "net": NET,
            "name": "<b>Falcon</b>\x00 9\x1b[31m | <script>alert(1)</script>",
            "mission": {"description": "Line one\r\nLine\ttwo\x07\x00<a href='x'>link</a>"},
            "pad": {"name": "Pad\nA"},
        }
    )

    assert launch is not None
    assert launch.name == "<b>Falcon</b> 9[31m | <script>alert(1)</script>"
    assert launch.mission_description == "Line one\nLine\ttwo<a href='x'>link</a>"
    assert launch.pad == "Pad A"


def test_huge_texts_are_capped() -> None:
    launch = parse_launch(
        {
            "id": "big",
            "net": NET,
            "name": "N" * 1_000_000,
            "mission": {"description": "D" * 1_000_000, "name": "M" * 5_000},
        }
    )

    assert launch is not None
    assert len(launch.name) == TEXT_LIMIT
    assert launch.name.endswith("…")
    assert len(launch.mission_name) == TEXT_LIMIT
    assert len(launch.mission_description) == DESCRIPTION_LIMIT


def test_integer_id_becomes_text() -> None:
    launch = parse_launch({"id": 1234, "net": NET})

    assert launch is not None
    assert launch.id == "1234"


@pytest.mark.parametrize("bad_id", [None, "", "   ", True, 1.5, ["a"], {"id": "a"}])
def test_record_without_a_usable_id_is_skipped(bad_id: object) -> None:
    assert parse_launch({"id": bad_id, "net": NET}) is None


def test_naive_net_is_taken_as_utc_and_offsets_are_converted() -> None:
    naive = parse_launch({"id": "n", "net": "2024-10-04T10:00:00"})
    offset = parse_launch({"id": "o", "net": "2024-10-04T12:00:00+02:00"})

    assert naive is not None and naive.net == utc(2024, 10, 4, 10)
    assert offset is not None and offset.net == utc(2024, 10, 4, 10)
    assert offset.net.utcoffset() is not None


def test_bad_net_skips_the_record_with_a_reason() -> None:
    page = page_of(
        {"id": "good", "net": NET, "name": "Kept"},
        {"id": "bad-date", "net": "next Tuesday"},
        {"id": "no-date"},
        "not a record",
    )

    assert [launch.name for launch in page.launches] == ["Kept"]
    assert page.skipped == 3
    assert page.skip_reasons == (
        "record 2: launch “bad-date” has a NET that is not a date: “next Tuesday”",
        "record 3: launch “no-date” has no NET",
        "record 4: not a launch record (a text)",
    )


def test_skip_reasons_are_kept_short() -> None:
    page = page_of(*({"id": str(number)} for number in range(100)))

    assert page.skipped == 100
    assert len(page.skip_reasons) == MAX_SKIP_REASONS


def test_image_urls_are_kept_as_given_but_empty_means_none() -> None:
    relative = parse_launch({"id": "i", "net": NET, "image": "  /media/rocket.png  "})
    empty = parse_launch({"id": "i", "net": NET, "image": {"image_url": " ", "thumbnail_url": ""}})
    missing = parse_launch({"id": "i", "net": NET, "image": None})

    assert relative is not None and relative.image_url == "/media/rocket.png"
    assert empty is not None and (empty.image_url, empty.thumbnail_url) == (None, None)
    assert missing is not None and missing.image_url is None


def test_page_count_and_next_are_optional() -> None:
    page = parse_page({"results": [], "count": "many", "next": 7})

    assert page == ParsedPage(launches=(), skipped=0, count=None, next_url=None)


@pytest.mark.parametrize(
    "data",
    [None, [], [{"id": "a", "net": NET}], {"results": {"id": "a"}}, {"launches": []}, "results"],
)
def test_json_that_is_not_a_page_is_refused_in_plain_words(data: object) -> None:
    with pytest.raises(PageError, match="LL2 answered with JSON that is not a list of launches"):
        parse_page(data)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "the answer was empty"),
        (b"<!DOCTYPE html><html><body>Bad gateway</body></html>", "it looks like a web page"),
        (b'{"count": 1, "results": [{"id": "a", "net": "2024-', "it stops part-way"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    ],
)
def test_answer_that_is_not_json_is_refused_in_plain_words(body: bytes, why: str) -> None:
    with pytest.raises(PageError, match="LL2's answer is not JSON") as raised:
        parse_page_bytes(body)

    assert why in str(raised.value)


def test_parse_page_bytes_reads_a_page() -> None:
    body = json.dumps({"count": 1, "results": [{"id": "a", "net": NET, "name": "Hera"}]}).encode()

    page = parse_page_bytes(body)

    assert [launch.name for launch in page.launches] == ["Hera"]
    assert page.count == 1


# --- anything at all ---------------------------------------------------------------------------

LL2_KEYS = [
    "id", "name", "net", "status", "abbrev", "net_precision", "window_start", "window_end",
    "holdreason", "failreason", "launch_service_provider", "rocket", "configuration", "full_name",
    "mission", "description", "type", "orbit", "pad", "location", "country", "country_code",
    "probability", "webcast_live", "vid_urls", "vidURLs", "url", "last_updated", "image",
    "image_url", "thumbnail_url", "credit", "license", "link", "results", "count", "next",
    "updates", "comment", "created_on", "created_by", "info_url", "mission_patches", "launcher_stage",
    "launcher", "serial_number", "landing", "landing_location", "success", "attempt", "reused",
    "launcher_flight_number", "program", "info_urls", "infoURLs", "priority", "live", "start_time",
    "end_time", "language", "publisher", "title", "tbddate", "tbdtime", "weather_concerns", "hashtag",
    "flightclub_url",
]  # fmt: skip

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from([NET, "2024-10-04T10:00:00", "9999-12-31T23:59:59-01:00", "0001-01-01+01:00"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(LL2_KEYS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=30,
)
records = st.dictionaries(st.sampled_from(LL2_KEYS), json_values, max_size=12) | json_values
usable_records = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z0-9-]{1,36}", fullmatch=True), "net": st.just(NET)},
    optional={key: json_values for key in LL2_KEYS if key not in ("id", "net")},
)
FUZZ = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(records)
def test_any_record_gives_a_launch_or_none_and_the_same_each_time(record: object) -> None:
    launch = parse_launch(record)

    assert launch is None or isinstance(launch, Launch)
    assert parse_launch(record) == launch
    if launch is not None:
        assert launch.id
        assert launch.net.utcoffset() is not None and launch.net.utcoffset().total_seconds() == 0
        assert len(launch.name) <= TEXT_LIMIT


@FUZZ
@given(usable_records)
def test_any_record_with_id_and_net_gives_clean_typed_fields(record: dict[str, object]) -> None:
    launch = parse_launch(record)

    assert launch is not None
    as_given = {"image_url", "thumbnail_url"}  # checked by the image downloader, not here
    for field in fields(Launch):
        value = getattr(launch, field.name)
        if field.name in as_given:
            continue
        if isinstance(value, datetime):
            assert value.utcoffset() == timedelta(0)
        if isinstance(value, str):
            kept = "\n\t" if field.name == "mission_description" else ""
            assert not any(unicodedata.category(char) == "Cc" and char not in kept for char in value)
    assert launch.probability is None or 0 <= launch.probability <= 100
    assert launch.webcast_url == "" or launch.webcast_url.lower().startswith(("http://", "https://"))
    links = [link.url for link in launch.webcasts] + [patch.image_url for patch in launch.patches]
    assert all(url.lower().startswith(("http://", "https://")) for url in links)
    for part in (*launch.webcasts, *launch.landings, *launch.patches, *launch.updates, *launch.info_links):
        for field in fields(part):
            value = getattr(part, field.name)
            kept = "\n\t" if field.name == "comment" else ""
            if isinstance(value, str):
                assert not any(unicodedata.category(char) == "Cc" and char not in kept for char in value)


@FUZZ
@given(json_values | st.fixed_dictionaries({"results": st.lists(records, max_size=5)}))
def test_any_json_page_gives_a_page_or_a_page_error(data: object) -> None:
    try:
        page = parse_page(data)
    except PageError:
        return
    assert isinstance(page, ParsedPage)
    assert len(page.launches) + page.skipped == len(data["results"])  # type: ignore[index]


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_give_a_page_or_a_page_error(body: bytes) -> None:
    with contextlib.suppress(PageError):
        parse_page_bytes(body)
