"""Scenario 6, growth: the cold run and the idle tray at 10, 100 and 1,000 launches (pages of 100), each
with one distinct picture per launch, so the cost per launch is visible. The floor of each cold run is
measured the same way as scenario 1's: the page round trips (one after another), the picture round trips
at 16 in flight, and the bytes at loopback speed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from benchmarks.cold_run import CONCURRENCY, loopback_throughput
from benchmarks.common import LATENCY_S, PICTURE_PREFIX, Context, Row, make_pictures, make_records, median

NAME = "growth"
TITLE = "6 growth"
SIZES = (10, 100, 1000)
PAGE_SIZE = 100


def _write_config(home: Path, api_url: str, launches: int) -> None:
    import tomlkit

    document = {
        "source": {
            "api_url": api_url,
            "limit": min(launches, PAGE_SIZE),
            "pages": math.ceil(launches / PAGE_SIZE),
        },
        "pipeline": {"image_concurrency": CONCURRENCY},
    }
    (home / "config.toml").write_text(tomlkit.dumps(document), encoding="utf-8")


def _one_size(ctx: Context, launches: int, throughput: float) -> dict[str, Any]:
    from benchmarks.common import timed_run
    from benchmarks.standin_process import StandInProcess

    pictures = make_pictures(launches)
    records = make_records(launches, list(pictures))
    standin = StandInProcess(ctx.scratch / f"standin-growth-{launches}", records, pictures, latency=LATENCY_S)
    try:
        seconds: list[float] = []
        for _ in range(ctx.reps(3, 1)):
            home = ctx.new_home(f"growth-{launches}")
            _write_config(home, standin.api_url, launches)
            standin.clear_requests()
            outcome = timed_run(home)
            standin.wait_idle()
            if outcome.state != "success" or outcome.images.get("downloaded") != launches:
                raise RuntimeError(f"the run at {launches} launches did not get every picture: {outcome}")
            seconds.append(outcome.seconds)
        pages = math.ceil(launches / PAGE_SIZE)
        sent = standin.bytes_sent(PICTURE_PREFIX) + standin.bytes_sent(standin.upcoming_path)
        transfer = sent / throughput
        floor = pages * LATENCY_S + math.ceil(launches / CONCURRENCY) * LATENCY_S + transfer
        idle = None
        if ctx.desktop() is not None:
            from benchmarks.idle import idle_after_start
            from benchmarks.startup import app_command

            home = ctx.new_home(f"growth-idle-{launches}")
            _write_config(home, standin.api_url, launches)
            idle = idle_after_start(
                ctx,
                app_command(home, standin.api_url),
                f"rocketwatch-growth-{launches}",
                20.0 if ctx.quick else 30.0,
                home=home,
            )
        return {"seconds": seconds, "floor": floor, "idle": idle}
    finally:
        standin.stop()


def run(ctx: Context) -> list[Row]:
    throughput = loopback_throughput(ctx)
    results = {launches: _one_size(ctx, launches, throughput) for launches in SIZES}
    rows: list[Row] = []
    for launches, result in results.items():
        cold = median(result["seconds"])
        rows.append(
            Row(
                TITLE,
                f"cold run, {launches:,} launches and pictures",
                cold,
                "s",
                result["floor"],
                "floor",
                reps=str(len(result["seconds"])),
                samples=result["seconds"],
                note=f"{math.ceil(launches / PAGE_SIZE)} page(s) of up to {PAGE_SIZE}, "
                f"image_concurrency {CONCURRENCY}, {LATENCY_S * 1000:.0f} ms a request",
            )
        )
        idle = result["idle"]
        if idle is not None:
            rows.append(
                Row(
                    TITLE,
                    f"idle PSS / CPU after the first run, {launches:,} launches",
                    median(idle.pss),
                    "MB",
                    reps=str(len(idle.pss)),
                    samples=idle.pss,
                    note=f"CPU {idle.cpu_percent_fine:.3f} % of a core over {idle.seconds:.0f} s; "
                    f"max {max(idle.pss):.1f} MB; {max(idle.processes)} process(es)",
                )
            )
    small, big = results[SIZES[1]], results[SIZES[2]]
    per_launch = (median(big["seconds"]) - median(small["seconds"])) / (SIZES[2] - SIZES[1])
    rows.append(
        Row(
            TITLE,
            "cold run per launch (100 -> 1,000)",
            per_launch * 1000,
            "ms",
            (big["floor"] - small["floor"]) / (SIZES[2] - SIZES[1]) * 1000,
            "floor per launch",
            reps="—",
        )
    )
    if small["idle"] is not None and big["idle"] is not None:
        per_launch_kb = (median(big["idle"].pss) - median(small["idle"].pss)) * 1024 / (SIZES[2] - SIZES[1])
        rows.append(Row(TITLE, "idle PSS per launch (100 -> 1,000)", per_launch_kb, "kB", reps="—"))
    return rows
