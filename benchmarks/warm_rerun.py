"""Scenario 2, warm rerun: the cold run's home run again: one API request, no picture bytes,
and a small fraction of the cold run's time.
"""

from __future__ import annotations

from benchmarks.cold_run import cold_runs
from benchmarks.common import PICTURE_PREFIX, Context, Row, median, timed_run

NAME = "warm"
TITLE = "2 warm rerun"
FRACTION_GOAL = 0.2  # "a small fraction" of the cold time, made concrete: at most a fifth


def run(ctx: Context) -> list[Row]:
    cold = cold_runs(ctx, ctx.reps(7, 3), 0)
    standin = ctx.picture_standin()
    seconds: list[float] = []
    api_requests: list[int] = []
    picture_requests: list[int] = []
    picture_bytes: list[int] = []
    for _ in range(ctx.reps(7, 3)):
        standin.clear_requests()
        outcome = timed_run(cold["home"])
        standin.wait_idle()
        if outcome.state != "success":
            raise RuntimeError(f"warm rerun failed: {outcome}")
        seconds.append(outcome.seconds)
        api_requests.append(standin.count(standin.upcoming_path))
        picture_requests.append(standin.count(PICTURE_PREFIX))
        picture_bytes.append(standin.bytes_sent(PICTURE_PREFIX))
    warm, cold_median = median(seconds), median(cold["seconds"])
    reps = str(len(seconds))
    return [
        Row(
            TITLE,
            "rerun time vs cold run",
            warm,
            "s",
            cold_median,
            "cold run",
            goal=f"≤ {FRACTION_GOAL:g}x cold",
            met=warm / cold_median <= FRACTION_GOAL,
            reps=reps,
            note="same home and stand-in (100 ms per request); the API request alone is 0.1 s",
            samples=seconds,
            baseline_samples=cold["seconds"],
        ),
        Row(
            TITLE,
            "API requests per rerun",
            max(api_requests),
            "",
            goal="= 1",
            met=all(count == 1 for count in api_requests),
            reps=reps,
        ),
        Row(
            TITLE,
            "picture bytes per rerun",
            max(picture_bytes),
            "B",
            goal="= 0",
            met=all(count == 0 for count in picture_bytes),
            reps=reps,
            note=f"picture requests: {max(picture_requests)}",
        ),
    ]
