"""Scenario 2b, the process around a headless run: `rocketwatch --version` against a bare `python -c pass`
through the same interpreter, and the wall time of a whole `rocketwatch run` process against the run's
own duration (what it records), so what start-up and shut-down add is visible.
"""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

from benchmarks.cold_run import CONCURRENCY
from benchmarks.common import LAUNCH_COUNT, Context, Row, child_env, median, python_command, write_config

NAME = "process"
TITLE = "2 process"
OUTSIDE_GOAL_S = 0.3


def _wall(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stdout


def run(ctx: Context) -> list[Row]:
    env = child_env()
    bare: list[float] = []
    version: list[float] = []
    _wall(python_command("-m", "rocketwatch", "--version"), env)  # fills the bytecode cache
    for _ in range(ctx.reps(21, 9)):  # interleaved, so drift in the machine's load hits both alike
        bare.append(_wall(python_command("-c", "pass"), env)[0])
        version.append(_wall(python_command("-m", "rocketwatch", "--version"), env)[0])

    standin = ctx.picture_standin()
    walls: list[float] = []
    inside: list[float] = []
    for rep in range(ctx.reps(5, 3) + 1):  # the first run fills the bytecode cache and is not counted
        home = ctx.new_home("process")
        write_config(home, standin.api_url, image_concurrency=CONCURRENCY)
        seconds, out = _wall(python_command("-m", "rocketwatch", "--home", str(home), "run", "--json"), env)
        record: dict[str, Any] = json.loads(out)
        if record.get("state") != "success" or record["images"].get("downloaded") != LAUNCH_COUNT:
            raise RuntimeError(f"the headless run did not download every picture: {record}")
        if rep:
            walls.append(seconds)
            inside.append(float(record["duration_s"]))
    outside = [wall - run_s for wall, run_s in zip(walls, inside, strict=True)]
    return [
        Row(
            TITLE,
            "rocketwatch --version vs python -c pass",
            median(version),
            "s",
            median(bare),
            "python -c pass",
            goal="≤ 2x bare",
            met=median(version) <= 2 * median(bare),
            reps=f"{len(version)}/{len(bare)}",
            samples=version,
            baseline_samples=bare,
            note="python -m rocketwatch --version and python -c pass, same interpreter, interleaved",
        ),
        Row(
            TITLE,
            "rocketwatch run process vs the run inside it",
            median(walls),
            "s",
            median(inside),
            "run's own duration",
            goal=f"≤ run + {OUTSIDE_GOAL_S} s",
            met=median(outside) <= OUTSIDE_GOAL_S,
            reps=str(len(walls)),
            samples=walls,
            baseline_samples=inside,
            note=(
                f"python -m rocketwatch --home H run --json, fresh home, the cold-run stand-in and "
                f"image_concurrency {CONCURRENCY}; outside the run (median of the differences): "
                f"{median(outside):.3f} s"
            ),
        ),
    ]
