"""Scenario 1, cold run: a full Runner.run() in a fresh home, 100 launches and 100 pictures of ~200 KB,
100 ms added to every request, 16 pictures in flight; against a sequential httpx baseline and the network
floor.
"""

from __future__ import annotations

import math
import time
from typing import Any

import httpx

from benchmarks.common import (
    LATENCY_S,
    LAUNCH_COUNT,
    PICTURE_PREFIX,
    Context,
    Row,
    median,
    timed_run,
    write_config,
)

NAME = "cold"
TITLE = "1 cold run"
BIG_BODY = 64 * 1024 * 1024
CONCURRENCY = 16  # image_concurrency of the measured runs (issue 17's workload)


def loopback_throughput(ctx: Context) -> float:
    """Bytes per second for one big body from a stand-in with no latency (median of 3 downloads)."""
    if "throughput" not in ctx.cache:
        from benchmarks.standin_process import StandInProcess

        body = bytes(range(256)) * (BIG_BODY // 256)
        standin = StandInProcess(ctx.scratch / "standin-throughput", [], {"/big.bin": body}, latency=0.0)
        speeds = []
        try:
            with httpx.Client(timeout=30) as client:
                for _ in range(4):
                    started = time.perf_counter()
                    received = 0
                    with client.stream("GET", standin.url("/big.bin")) as response:
                        for chunk in response.iter_raw(1024 * 1024):
                            received += len(chunk)
                    seconds = time.perf_counter() - started
                    if received != len(body):
                        raise RuntimeError(f"throughput download got {received} of {len(body)} bytes")
                    speeds.append(received / seconds)
        finally:
            standin.stop()
        ctx.cache["throughput"] = median(speeds[1:])  # the first download warms the connection up
    return ctx.cache["throughput"]


def sequential_baseline(standin: Any, folder: Any) -> float:
    """The straightforward approach: one synchronous client, the page, then each picture in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        response = client.get(standin.api_url + "/launches/upcoming/", params={"limit": LAUNCH_COUNT})
        response.raise_for_status()
        for record in response.json()["results"]:
            url = record["image"]["image_url"]
            picture = client.get(url)
            picture.raise_for_status()
            (folder / url.rsplit("/", 1)[-1]).write_bytes(picture.content)
    return time.perf_counter() - started


def cold_runs(ctx: Context, reps: int, baseline_reps: int = 0) -> dict[str, Any]:
    """`reps` cold runs in fresh homes, alternating with `baseline_reps` sequential downloads.

    Cached for the warm-rerun scenario: seconds, baseline seconds, bytes sent, the last home."""
    if "cold" in ctx.cache:
        return ctx.cache["cold"]
    standin = ctx.picture_standin()
    seconds: list[float] = []
    baseline: list[float] = []
    picture_bytes = page_bytes = 0
    home = None
    for rep in range(reps):
        home = ctx.new_home("cold")
        write_config(home, standin.api_url, image_concurrency=CONCURRENCY)
        standin.clear_requests()
        outcome = timed_run(home)
        standin.wait_idle()
        if outcome.state != "success" or outcome.images.get("downloaded") != LAUNCH_COUNT:
            raise RuntimeError(f"cold run did not download every picture: {outcome}")
        requests = standin.count(PICTURE_PREFIX)
        if requests != LAUNCH_COUNT:
            raise RuntimeError(f"cold run made {requests} picture requests, expected {LAUNCH_COUNT}")
        seconds.append(outcome.seconds)
        picture_bytes = standin.bytes_sent(PICTURE_PREFIX)
        page_bytes = standin.bytes_sent(standin.upcoming_path)
        if rep < baseline_reps:  # alternate with the baseline so drift hits both alike
            standin.clear_requests()
            baseline.append(sequential_baseline(standin, ctx.scratch / f"sequential-{rep}"))
    result = {
        "seconds": seconds,
        "picture_bytes": picture_bytes,
        "page_bytes": page_bytes,
        "home": home,
        "baseline": baseline,
    }
    ctx.cache["cold"] = result
    return result


def run(ctx: Context) -> list[Row]:
    throughput = loopback_throughput(ctx)
    result = cold_runs(ctx, ctx.reps(7, 3), ctx.reps(3, 1))
    standin = ctx.picture_standin()
    concurrency = CONCURRENCY
    transfer = (result["picture_bytes"] + result["page_bytes"]) / throughput
    round_trips = math.ceil(LAUNCH_COUNT / concurrency)
    floor = LATENCY_S + round_trips * LATENCY_S + transfer
    cold = median(result["seconds"])
    sequential = median(result["baseline"])
    latency_ms = LATENCY_S * 1000
    floor_note = (
        f"floor = {latency_ms:.0f} ms page + {round_trips} x {latency_ms:.0f} ms picture "
        f"round trips (image_concurrency {concurrency}) + "
        f"{(result['picture_bytes'] + result['page_bytes']) / 1e6:.1f} MB at "
        f"{throughput / 1e6:,.0f} MB/s ({transfer * 1000:.0f} ms)"
    )
    return [
        Row(
            TITLE,
            "full run vs sequential httpx",
            cold,
            "s",
            sequential,
            "sequential",
            goal="≥12x faster (ratio ≤ 0.083)",
            met=sequential / cold >= 12,
            reps=f"{len(result['seconds'])}/{len(result['baseline'])}",
            note=f"peak concurrent requests at the stand-in: {standin.peak_in_flight()}",
            samples=result["seconds"],
            baseline_samples=result["baseline"],
        ),
        Row(
            TITLE,
            "full run vs network floor",
            cold,
            "s",
            floor,
            "floor",
            goal="≤ 1.2x floor",
            met=cold / floor <= 1.2,
            reps=str(len(result["seconds"])),
            note=floor_note,
            samples=result["seconds"],
        ),
        Row(
            TITLE,
            "loopback throughput",
            throughput / 1e6,
            "MB/s",
            reps="3",
            note="one 64 MiB body from the stand-in (own process, no latency), httpx streaming",
        ),
    ]
