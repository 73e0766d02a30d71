"""Scenario 5, idle: the tray app after its first run, left alone: PSS and RSS, CPU time over the window,
processes and threads; the bare tray program idles beside it over the same window as the baseline.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import Context, Row, Skipped, median, wait_until, write_config
from benchmarks.desktop import end
from benchmarks.startup import app_command, bare_command

NAME = "idle"
TITLE = "5 idle"
SAMPLE_EVERY_S = 5.0
BRIEF_WINDOW_S = 10.0  # the baselines (the bare tray, the app started again without a run)
SETTLE_S = 3.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> dict[str, int]:
    """Rss, Pss and Uss (private pages) in kB, from /proc/PID/smaps_rollup."""
    values = {"Uss": 0}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0])
        elif key in ("Private_Clean", "Private_Dirty"):
            values["Uss"] += int(rest.split()[0])
    return values


def cpu_ticks(pid: int) -> int:
    """utime + stime of the process (all its threads), in clock ticks, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat, counted after the name


def cpu_ns(pid: int) -> int:
    """Time on a CPU (ns) summed over the live threads, from schedstat: finer than clock ticks."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def thread_names(pid: int) -> list[str]:
    names = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return sorted(names)


def last_run_state(database: Path) -> str | None:
    if not database.exists():
        return None
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as conn:
            row = conn.execute("SELECT state, finished_at FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row and row[1] else None


@dataclass
class Watch:
    """What sampling one idle process over a window saw."""

    pss: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    uss: list[float] = field(default_factory=list)
    processes: list[int] = field(default_factory=list)
    threads: list[int] = field(default_factory=list)
    cpu_percent: float = 0.0  # from /proc/PID/stat clock ticks
    cpu_percent_fine: float = 0.0  # from schedstat (ns)
    seconds: float = 0.0
    thread_names: list[str] = field(default_factory=list)


def watch(pid: int, window_s: float, every_s: float = SAMPLE_EVERY_S) -> Watch:
    """Sample memory, processes and threads every `every_s` and the CPU time over `window_s`."""
    seen = Watch()
    ticks, nanoseconds = cpu_ticks(pid), cpu_ns(pid)
    began = time.monotonic()
    while True:
        memory = memory_kb(pid)
        seen.pss.append(memory["Pss"] / 1024)
        seen.rss.append(memory["Rss"] / 1024)
        seen.uss.append(memory["Uss"] / 1024)
        seen.processes.append(1 + len(descendants(pid)))
        seen.threads.append(len(thread_names(pid)))
        elapsed = time.monotonic() - began
        if elapsed >= window_s:
            break
        time.sleep(min(every_s, window_s - elapsed))
    seen.seconds = time.monotonic() - began
    seen.cpu_percent = 100 * (cpu_ticks(pid) - ticks) / CLOCK_TICKS / seen.seconds
    seen.cpu_percent_fine = 100 * (cpu_ns(pid) - nanoseconds) / 1e9 / seen.seconds
    seen.thread_names = thread_names(pid)
    return seen


def idle_after_start(
    ctx: Context, command: list[str], log_name: str, window_s: float, home: Path | None = None
) -> Watch:
    """Start a program on the desktop, wait for its tray icon (and, with a fresh `home`, for the app's
    first run to finish), let it settle, then watch it idle for `window_s`."""
    desktop = ctx.desktop()
    mark = ctx.scratch / "marks" / log_name
    mark.parent.mkdir(exist_ok=True)
    mark.unlink(missing_ok=True)
    process = desktop.spawn(command, log_name, env=dict(desktop.env, ROCKETWATCH_STARTUP_MARK=str(mark)))
    try:
        wait_until(mark.exists, 60, f"the tray icon of {log_name}")
        if home is not None:
            state = wait_until(
                lambda: last_run_state(home / "rocketwatch.sqlite3"), 120, "the app's first run", 0.2
            )
            if state != "success":
                raise RuntimeError(f"the tray app's first run ended {state}")
        time.sleep(SETTLE_S)  # the summary notification and the last thumbnails settle
        return watch(process.pid, window_s)
    finally:
        end(process)


def run(ctx: Context) -> list[Row] | Skipped:
    if ctx.desktop() is None:
        return Skipped(TITLE, f"skipped: desktop tools missing: {', '.join(ctx.cache['desktop_missing'])}")
    window_s = 20.0 if ctx.quick else 60.0
    standin = ctx.picture_standin()
    home = ctx.new_home("idle")
    write_config(home, standin.api_url)
    command = app_command(home, standin.api_url)
    # One at a time: a process's PSS shrinks while another maps the same libraries (Qt, Python).
    app = idle_after_start(ctx, command, "rocketwatch-idle", window_s, home=home)
    again = idle_after_start(ctx, command, "rocketwatch-idle-no-run", BRIEF_WINDOW_S)
    bare = idle_after_start(ctx, bare_command(), "bare-tray-idle", BRIEF_WINDOW_S)
    window = f"{app.seconds:.0f} s window" + (" (--quick: shortened from 60 s)" if ctx.quick else "")
    count = str(len(app.pss))
    names = app.thread_names
    return [
        Row(
            TITLE,
            "PSS after the first run",
            median(app.pss),
            "MB",
            median(bare.pss),
            "bare tray",
            goal="≤ 80 MB",
            met=median(app.pss) <= 80,
            reps=count,
            note=f"smaps_rollup every {SAMPLE_EVERY_S:g} s over the {window}, the app alone on the desktop; "
            f"max {max(app.pss):.1f} MB; private (USS) {median(app.uss):.1f} MB. The same home started "
            f"again (no run in that process): PSS {median(again.pss):.1f} MB, USS "
            f"{median(again.uss):.1f} MB. Bare tray sampled alone for {bare.seconds:.0f} s",
            samples=app.pss,
            baseline_samples=bare.pss,
        ),
        Row(
            TITLE,
            "RSS after the first run",
            median(app.rss),
            "MB",
            median(bare.rss),
            "bare tray",
            reps=count,
            samples=app.rss,
            baseline_samples=bare.rss,
        ),
        Row(
            TITLE,
            "CPU while idle (% of one core)",
            app.cpu_percent,
            "%",
            bare.cpu_percent,
            "bare tray",
            goal="< 0.2 %",
            met=app.cpu_percent < 0.2 and app.cpu_percent_fine < 0.2,
            reps="1",
            ratio=app.cpu_percent_fine / bare.cpu_percent_fine if bare.cpu_percent_fine else None,
            note=f"/proc/PID/stat utime+stime over the {window} (clock ticks of {1000 / CLOCK_TICKS:g} ms); "
            f"schedstat: app {app.cpu_percent_fine:.4f} %, bare {bare.cpu_percent_fine:.4f} % over "
            f"{bare.seconds:.0f} s (ratio from these)",
        ),
        Row(
            TITLE,
            "processes (app + children)",
            max(app.processes),
            "",
            goal="= 1",
            met=max(app.processes) == 1,
            reps=count,
        ),
        Row(
            TITLE,
            "threads (information)",
            max(app.threads),
            "",
            reps=count,
            note="app threads at the end: "
            + ", ".join(
                f"{name} x{names.count(name)}" if names.count(name) > 1 else name
                for name in dict.fromkeys(names)
            ),
        ),
    ]
