"""Scenario 3, real-sample dedupe: LL2's 2.2.0 detailed sample (100 launches sharing far fewer pictures),
its picture URLs pointed at the stand-in: a cold run makes exactly one request per distinct picture URL.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, Context, Row, Skipped, median, small_jpeg, timed_run, write_config

NAME = "dedupe"
TITLE = "3 real-sample dedupe"
SAMPLE = "ll2_v2.2.0_launch-upcoming_detailed_100results_wrapped_2026-08.json"
SAMPLE_PREFIX = "/samples"


def samples_dir() -> Path:
    """shared/fixtures/ll2 beside the repository, or $ROCKETWATCH_LL2_FIXTURES (as the tests find it)."""
    override = os.environ.get("ROCKETWATCH_LL2_FIXTURES")
    return Path(override) if override else REPO.parent / "shared" / "fixtures" / "ll2"


def localize_pictures(records: list[dict[str, Any]]) -> dict[str, bytes]:
    """Point every picture and patch URL of the records at the stand-in (as tests/helpers does);
    returns a made-up picture for each distinct path."""
    pattern = re.compile(r"^https?://[^/]+(/.*)$")
    pictures: dict[str, bytes] = {}

    def rewrite(url: object) -> object:
        if not isinstance(url, str) or not (match := pattern.match(url)):
            return url
        path = SAMPLE_PREFIX + match.group(1)
        if path not in pictures:
            pictures[path] = small_jpeg(path, (640, 360))
        return "{server}" + path

    for record in records:
        image = record.get("image")
        if isinstance(image, dict):
            image["image_url"] = rewrite(image.get("image_url"))
            image["thumbnail_url"] = rewrite(image.get("thumbnail_url"))
        else:
            record["image"] = rewrite(image)
        for patch in record.get("mission_patches") or []:
            if isinstance(patch, dict):
                patch["image_url"] = rewrite(patch.get("image_url"))
    return pictures


def distinct_picture_urls(records: list[dict[str, Any]], base_url: str) -> int:
    """Distinct picture and mission patch URLs of the launches the app's own parser keeps from this page."""
    from rocketwatch.ll2.parse import parse_page_bytes

    page = json.dumps({"count": len(records), "next": None, "previous": None, "results": records})
    parsed = parse_page_bytes(page.replace("{server}", base_url).encode("utf-8"))
    pictures = {launch.image_url for launch in parsed.launches if launch.image_url}
    return len(pictures | {patch.image_url for launch in parsed.launches for patch in launch.patches})


def run(ctx: Context) -> list[Row] | Skipped:
    from benchmarks.standin_process import StandInProcess
    from rocketwatch.standin import load_fixture_records

    sample = samples_dir() / SAMPLE
    if not sample.is_file():
        return Skipped(
            TITLE, f"skipped: the real LL2 sample is not at {sample} (or set ROCKETWATCH_LL2_FIXTURES)"
        )
    records = load_fixture_records(sample)
    pictures = localize_pictures(records)
    standin = StandInProcess(ctx.scratch / "standin-samples", records, pictures, version="2.2.0", latency=0.1)
    try:
        distinct = distinct_picture_urls(records, standin.base_url)
        requests: list[int] = []
        seconds: list[float] = []
        for _ in range(ctx.reps(3, 2)):
            home = ctx.new_home("dedupe")
            write_config(home, standin.api_url)
            standin.clear_requests()
            outcome = timed_run(home)
            standin.wait_idle()
            if outcome.state != "success":
                raise RuntimeError(f"the sample run failed: {outcome}")
            requests.append(standin.count(SAMPLE_PREFIX))
            seconds.append(outcome.seconds)
    finally:
        standin.stop()
    reps = str(len(requests))
    return [
        Row(
            TITLE,
            "picture requests vs distinct URLs",
            median(requests),
            "",
            distinct,
            "distinct URLs",
            goal="= distinct",
            met=all(count == distinct for count in requests),
            reps=reps,
            note=f"{len(records)} launches in the sample, {len(pictures)} distinct picture paths in it "
            "(launch images, thumbnails and mission patches)",
            samples=[float(count) for count in requests],
        ),
        Row(
            TITLE,
            "run time (information)",
            median(seconds),
            "s",
            reps=reps,
            samples=seconds,
            note="1.6 MB page, 100 ms per request",
        ),
    ]
