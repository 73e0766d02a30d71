"""Scenario 8, the detailed page: LL2's real 100-launch 2.2.0 detailed sample against the same launches
in normal mode (the stand-in leaves the detailed parts out): page size, parse time and peak memory.

One parse per run is the app's rule; this measures what that one parse costs, in the same process.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from benchmarks.common import Context, Row, Skipped, median
from benchmarks.dedupe import SAMPLE, localize_pictures, samples_dir

NAME = "detailed"
TITLE = "8 detailed page"
PARSE_TIME_GOAL = 4.0  # a detailed page may take at most this many times the normal page's parse time
PARSE_MS_GOAL = 50.0  # and at most this long on the development machine (issue 17)


def parse_seconds(body: bytes, reps: int) -> list[float]:
    from rocketwatch.ll2.parse import parse_page_bytes

    seconds = []
    for _ in range(reps):
        gc.collect()
        started = time.perf_counter()
        parse_page_bytes(body)
        seconds.append(time.perf_counter() - started)
    return seconds


def peak_bytes(body: bytes) -> int:
    """The most memory (traced Python allocations) that one parse holds at once, the page aside."""
    from rocketwatch.ll2.parse import parse_page_bytes

    gc.collect()
    tracemalloc.start()
    try:
        page = parse_page_bytes(body)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del page
    return peak


def run(ctx: Context) -> list[Row] | Skipped:
    from rocketwatch.ll2.client import MAX_BODY_BYTES
    from rocketwatch.ll2.parse import parse_page_bytes
    from rocketwatch.standin import StandIn, load_fixture_records

    sample = samples_dir() / SAMPLE
    if not sample.is_file():
        return Skipped(
            TITLE, f"skipped: the real LL2 sample is not at {sample} (or set ROCKETWATCH_LL2_FIXTURES)"
        )
    records = load_fixture_records(sample)
    localize_pictures(records)
    with StandIn(records=records, version="2.2.0") as standin:  # started: page URLs need its port
        detailed = standin.page_bytes({"limit": "100", "mode": "detailed"})
        normal = standin.page_bytes({"limit": "100", "mode": "normal"})
    launches = len(parse_page_bytes(detailed).launches)
    reps = ctx.reps(15, 5)
    detailed_s, normal_s = parse_seconds(detailed, reps), parse_seconds(normal, reps)
    peaks = [peak_bytes(detailed) for _ in range(ctx.reps(3, 1))]
    normal_peaks = [peak_bytes(normal) for _ in range(ctx.reps(3, 1))]
    ratio = median(detailed_s) / median(normal_s)
    return [
        Row(
            TITLE,
            "page size",
            len(detailed),
            "B",
            len(normal),
            "normal mode",
            goal="< 20 MB (read limit)",
            met=len(detailed) < MAX_BODY_BYTES,
            reps="1",
            note=f"{launches} launches of LL2's real 2.2.0 detailed sample; normal mode is the same launches "
            "without video links, updates, patches, stages and links",
        ),
        Row(
            TITLE,
            "parse time (once per run)",
            median(detailed_s) * 1000,
            "ms",
            median(normal_s) * 1000,
            "normal mode",
            goal=f"≤ {PARSE_MS_GOAL:g} ms, ≤ {PARSE_TIME_GOAL:g}x normal",
            met=ratio <= PARSE_TIME_GOAL and median(detailed_s) * 1000 <= PARSE_MS_GOAL,
            ratio=ratio,
            reps=str(reps),
            samples=[s * 1000 for s in detailed_s],
            baseline_samples=[s * 1000 for s in normal_s],
        ),
        Row(
            TITLE,
            "peak memory of the parse",
            median(peaks) / 1e6,
            "MB",
            median(normal_peaks) / 1e6,
            "normal mode",
            reps=str(len(peaks)),
            samples=[p / 1e6 for p in peaks],
            note="tracemalloc peak while parse_page_bytes decodes and reads the page (Python allocations)",
        ),
    ]
