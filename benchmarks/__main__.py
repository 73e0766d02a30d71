"""`python -m benchmarks [--only NAME] [--quick]`: run the scenarios, print the table, write the JSON.

Results go to benchmarks/results/latest.json (git-ignored); notes below the table say what bounds each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from benchmarks import cold_run, dedupe, detailed, growth, http2, idle, process, startup, warm_rerun, windows
from benchmarks.common import Context, Row, Skipped, scratch_folder, to_json

SCENARIOS: tuple[ModuleType, ...] = (
    cold_run,
    warm_rerun,
    process,
    dedupe,
    startup,
    idle,
    windows,
    growth,
    http2,
    detailed,
)
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    names = ", ".join(module.NAME for module in SCENARIOS)
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only this scenario (repeat, or separate with commas): {names}",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and a 20 s idle window")
    parser.add_argument(
        "--json",
        type=Path,
        default=RESULTS,
        metavar="FILE",
        help="where to write the results (default: benchmarks/results/latest.json)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (homes, logs)")
    return parser.parse_args(argv)


def chosen(only: list[str] | None) -> list[ModuleType]:
    if not only:
        return list(SCENARIOS)
    wanted = {name.strip() for item in only for name in item.split(",") if name.strip()}
    unknown = wanted - {module.NAME for module in SCENARIOS}
    if unknown:
        raise SystemExit(
            f"unknown scenario(s): {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(module.NAME for module in SCENARIOS)}"
        )
    return [module for module in SCENARIOS if module.NAME in wanted]


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "%":
        return f"{value:.3f} %"
    if unit in ("", "B") and float(value).is_integer():
        return f"{int(value):,}{' B' if unit == 'B' else ''}"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}".strip()
    return f"{value:.3g} {unit}".strip()


def table(rows: list[Row | Skipped]) -> str:
    header = ("scenario", "measure", "median", "baseline", "ratio", "goal", "met?", "reps")
    lines: list[tuple[str, ...]] = [header]
    notes: list[str] = []
    for row in rows:
        if isinstance(row, Skipped):
            lines.append((row.scenario, row.reason, "", "", "", "", "—", ""))
            continue
        baseline = (
            f"{number(row.baseline, row.unit)} ({row.baseline_label})" if row.baseline is not None else "—"
        )
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "—"
        met = {True: "yes", False: "NO", None: "—"}[row.met]
        measure = row.measure
        if row.note:
            notes.append(row.note)
            measure += f" [{len(notes)}]"
        lines.append(
            (
                row.scenario,
                measure,
                number(row.value, row.unit),
                baseline,
                ratio,
                row.goal or "—",
                met,
                row.reps,
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    text = []
    for index, line in enumerate(lines):
        text.append(" | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if index == 0:
            text.append("-+-".join("-" * width for width in widths))
    text.extend(f"[{index}] {note}" for index, note in enumerate(notes, 1))
    return "\n".join(text)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    modules = chosen(args.only)
    load_before = os.getloadavg()
    started = time.perf_counter()
    rows: list[Row | Skipped] = []
    failures: list[str] = []
    with scratch_folder(keep=args.keep) as scratch:
        ctx = Context(quick=args.quick, scratch=scratch)
        try:
            for module in modules:
                print(f"running {module.TITLE} …", file=sys.stderr, flush=True)
                scenario_started = time.perf_counter()
                try:
                    result = module.run(ctx)
                except Exception as error:  # one broken scenario must not hide the others' figures
                    traceback.print_exc()
                    failures.append(f"{module.TITLE}: {error!r}")
                    result = Skipped(module.TITLE, f"FAILED: {error!r}"[:300])
                rows.extend(result if isinstance(result, list) else [result])
                took = time.perf_counter() - scenario_started
                print(f"  {module.TITLE} took {took:.1f} s", file=sys.stderr)
        finally:
            ctx.close()
        if args.keep:
            print(f"scratch folder kept at {scratch}", file=sys.stderr)
    wall = time.perf_counter() - started
    print(table(rows))
    load_after = os.getloadavg()
    print(
        f"\ntotal wall time: {wall:.1f} s{' (--quick)' if args.quick else ''}; load average (1 min) "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs"
    )
    document = {
        "command": "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:]),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "wall_time_s": round(wall, 1),
        "load_average": {"before": load_before, "after": load_after},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "context": {
            key: value
            for key, value in ctx.cache.items()
            if key in ("qt_platform", "desktop_missing", "startup_imports")
        },
        "rows": to_json(rows),
        "failures": failures,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    print(f"results written to {args.json}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
