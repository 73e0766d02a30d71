"""Scenario 4, start-up: process start to tray icon shown for `python -m rocketwatch` under Xvfb with trayer,
against benchmarks/bare_tray.py, alternating; plus what `-X importtime` shows loads before the icon.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, Context, Row, Skipped, median, timed_run, wait_until, write_config
from benchmarks.desktop import Desktop, end

NAME = "startup"
TITLE = "4 start-up"
BARE = REPO / "benchmarks" / "bare_tray.py"
# Modules that should load only when first needed, not before the tray icon shows.
LAZY = (
    "PIL",
    "httpx",
    "apscheduler",
    "rocketwatch.ui.gallery",
    "rocketwatch.ui.history",
    "rocketwatch.ui.settings",
    "rocketwatch.images",
    "rocketwatch.ll2.client",
    "icalendar",
    "plyer",
    "cron_descriptor",
    "tomlkit",
    "rocketwatch.standin",
    "rocketwatch.pipeline",
)


def app_command(home: Path, api_url: str, *python_options: str) -> list[str]:
    return [sys.executable, *python_options, "-m", "rocketwatch", "--home", str(home), "--api-url", api_url]


def bare_command(*python_options: str) -> list[str]:
    return [sys.executable, *python_options, str(BARE)]


def prepared_home(ctx: Context) -> tuple[Path, str]:
    """A home that already had a run (so the app starts no first run), and the stand-in's API URL."""
    if "startup_home" not in ctx.cache:
        standin = ctx.picture_standin()
        home = ctx.new_home("tray")
        write_config(home, standin.api_url)
        outcome = timed_run(home)
        if outcome.state != "success":
            raise RuntimeError(f"could not prepare the tray app's home: {outcome}")
        ctx.cache["startup_home"] = (home, standin.api_url)
    return ctx.cache["startup_home"]


def time_to_icon(desktop: Desktop, command: list[str], mark: Path, log_name: str) -> float:
    """Seconds from just before the process starts to the time it wrote into the mark file."""
    mark.unlink(missing_ok=True)
    env = dict(desktop.env, ROCKETWATCH_STARTUP_MARK=str(mark))
    started = time.time()
    process = desktop.spawn(command, log_name, env=env, cwd=REPO)
    try:
        text = wait_until(
            lambda: mark.exists() and mark.read_text(encoding="utf-8").strip(),
            60,
            f"the tray icon of {log_name}",
            0.005,
        )
        shown = float(str(text).splitlines()[0])
        wait_until(lambda: desktop.tray_icons(), 10, "an icon embedded in trayer", 0.05)
        return shown - started
    finally:
        end(process)
        wait_until(lambda: not desktop.tray_icons(), 10, "trayer to drop the icon", 0.05)


@dataclass
class Import:
    self_us: int
    cumulative_us: int
    name: str
    depth: int


def parse_importtime(lines: list[str]) -> list[Import]:
    imports = []
    for line in lines:
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|", 2)
        depth = (len(name) - len(name.lstrip()) - 1) // 2  # " " + two spaces per level + name
        imports.append(Import(int(self_us), int(cumulative_us), name.strip(), depth))
    return imports


def importer_chain(imports: list[Import], index: int) -> list[str]:
    """The module at index and who imported it, up to a top-level import (importtime lists children first;
    a top-level entry was imported by __main__ or by a function while the program ran)."""
    chain = [imports[index].name]
    depth = imports[index].depth
    for entry in imports[index + 1 :]:
        if entry.depth < depth:
            chain.append(entry.name)
            depth = entry.depth
            if depth == 0:
                break
    return chain


def imports_before_icon(desktop: Desktop, home: Path, api_url: str, mark: Path) -> dict[str, Any]:
    """Run the app once with -X importtime; split the import lines at the moment the icon showed."""
    mark.unlink(missing_ok=True)
    env = dict(desktop.env, ROCKETWATCH_STARTUP_MARK=str(mark))
    process = subprocess.Popen(
        app_command(home, api_url, "-X", "importtime"),
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    stamped: list[tuple[float, str]] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            stamped.append((time.time(), line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        text = wait_until(
            lambda: mark.exists() and mark.read_text(encoding="utf-8").strip(),
            60,
            "the tray icon (importtime run)",
            0.005,
        )
        shown = float(str(text).splitlines()[0])
        time.sleep(2.0)  # let whatever loads just after the icon show up in the log too
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        reader.join(5)
        wait_until(lambda: not desktop.tray_icons(), 10, "trayer to drop the icon", 0.05)
    before = parse_importtime([line for stamp, line in stamped if stamp <= shown])
    after = parse_importtime([line for stamp, line in stamped if stamp > shown])
    by_package: defaultdict[str, int] = defaultdict(int)
    for entry in before:
        by_package[entry.name.split(".")[0]] += entry.self_us
    early = {}
    for lazy in LAZY:
        index = next(
            (i for i, entry in enumerate(before) if entry.name == lazy or entry.name.startswith(lazy + ".")),
            None,
        )
        if index is not None:
            # The importer chain of the outermost module of that package (the last one listed).
            outer = max(
                i for i, entry in enumerate(before) if entry.name == lazy or entry.name.startswith(lazy + ".")
            )
            early[lazy] = " <- ".join(importer_chain(before, outer)[:6])
    return {
        "modules_before": len(before),
        "self_ms_before": sum(entry.self_us for entry in before) / 1000,
        "top_packages_ms": {
            name: round(us / 1000, 1)
            for name, us in sorted(by_package.items(), key=lambda item: -item[1])[:12]
        },
        "lazy_loaded_early": early,
        "modules_after": [entry.name for entry in after if entry.depth == 0][:40],
    }


def run(ctx: Context) -> list[Row] | Skipped:
    desktop = ctx.desktop()
    if desktop is None:
        return Skipped(TITLE, f"skipped: desktop tools missing: {', '.join(ctx.cache['desktop_missing'])}")
    home, api_url = prepared_home(ctx)
    marks = ctx.scratch / "marks"
    marks.mkdir(exist_ok=True)
    app: list[float] = []
    bare: list[float] = []
    reps = ctx.reps(7, 3)
    for rep in range(reps + 1):  # the first pair warms the disk cache and is not counted
        bare_s = time_to_icon(desktop, bare_command(), marks / f"bare-{rep}", "bare-tray")
        app_s = time_to_icon(desktop, app_command(home, api_url), marks / f"app-{rep}", "rocketwatch-startup")
        if rep:
            bare.append(bare_s)
            app.append(app_s)
    imports = imports_before_icon(desktop, home, api_url, marks / "importtime")
    ctx.cache["startup_imports"] = imports
    app_median, bare_median = median(app), median(bare)
    early = imports["lazy_loaded_early"]
    top = ", ".join(f"{name} {ms:g} ms" for name, ms in list(imports["top_packages_ms"].items())[:8])
    return [
        Row(
            TITLE,
            "process start to tray icon",
            app_median,
            "s",
            bare_median,
            "bare tray",
            goal="≤ 1.5x bare",
            met=app_median / bare_median <= 1.5,
            reps=f"{len(app)}+{len(bare)}",
            note="alternating bare/app, after one discarded pair; Xvfb + trayer, QT_QPA_PLATFORM=xcb",
            samples=app,
            baseline_samples=bare,
        ),
        Row(
            TITLE,
            "modules imported before the icon",
            imports["modules_before"],
            "",
            goal="no window/Pillow/httpx/APScheduler",
            met=not any(
                name in early
                for name in (
                    "PIL",
                    "httpx",
                    "apscheduler",
                    "rocketwatch.ui.gallery",
                    "rocketwatch.ui.history",
                    "rocketwatch.ui.settings",
                )
            ),
            reps="1",
            note=(
                f"-X importtime, self time {imports['self_ms_before']:.0f} ms before the icon; "
                f"by package: {top}. "
                + (
                    "Loaded before the icon though needed later: "
                    + "; ".join(f"{name} ({chain})" for name, chain in early.items())
                    if early
                    else "None of the lazy modules loaded before the icon."
                )
            ),
        ),
    ]
