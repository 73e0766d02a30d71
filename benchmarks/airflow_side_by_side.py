"""The same 100-launch run made by `rocketwatch run` and by Apache Airflow (`airflow dags test` on the DAG
file `rocketwatch airflow-dag` writes): wall time, the run's own time, processes and peak memory.

Run: `uv run python -m benchmarks.airflow_side_by_side [--reps N]` after `.ci/airflow-env` (or with
ROCKETWATCH_AIRFLOW_PYTHON set). Workload as scenario 1: 100 launches, 100 distinct pictures of about
200 KB, 100 ms a request; each repetition on a fresh home, so every picture is downloaded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import LATENCY_S, LAUNCH_COUNT, REPO, child_env, make_pictures, make_records
from benchmarks.idle import descendants, memory_kb
from benchmarks.standin_process import StandInProcess


def airflow_python() -> Path:
    named = os.environ.get("ROCKETWATCH_AIRFLOW_PYTHON")
    if named:
        return Path(named)
    made = subprocess.run(
        ["bash", str(REPO / ".ci" / "airflow-env")], capture_output=True, text=True, check=True
    )
    return Path(made.stdout.strip().splitlines()[-1])


def watch(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run `command`; its wall time, the most processes of its tree alive at once, and the peak of their
    summed resident memory (sampled every 20 ms from /proc)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {"processes": 0.0, "rss_mb": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            tree = _tree(process.pid)
            rss = sum(_rss_kb(pid) for pid in tree) / 1024
            peak["processes"] = max(peak["processes"], len(tree))
            peak["rss_mb"] = max(peak["rss_mb"], rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    done.set()
    sampler.join()
    if code != 0:
        raise RuntimeError(f"{command} failed ({code})")
    return {"wall_s": time.perf_counter() - started, **peak}


def _tree(root: int) -> list[int]:
    return [root, *descendants(root)]


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages counted once across the processes sharing them."""
    try:
        return memory_kb(pid)["Pss"]
    except OSError:  # the process ended meanwhile
        return 0


def _rss_kb(pid: int) -> int:
    """Resident memory from /proc/PID/status: cheap enough to sample every 20 ms (smaps_rollup walks the
    page tables of every mapping, which would slow the processes measured)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _scratch(prefix: str) -> tuple[Path, StandInProcess, Path]:
    """A scratch folder with the cold run's stand-in (100 launches and pictures) and an Airflow home."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    pictures = make_pictures(LAUNCH_COUNT)
    standin = StandInProcess(
        scratch / "standin", make_records(LAUNCH_COUNT, list(pictures)), pictures, latency=LATENCY_S
    )
    airflow_home = scratch / "airflow"
    (airflow_home / "dags").mkdir(parents=True)
    return scratch, standin, airflow_home


def last_run(home: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "rocketwatch", "--home", str(home), "history", "--json", "--limit", "1"],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    )
    [run] = json.loads(done.stdout)
    assert run["state"] == "success" and run["images"]["downloaded"] == LAUNCH_COUNT, run
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--standalone", action="store_true", help="measure `airflow standalone` instead")
    args = parser.parse_args()
    if args.standalone:
        return standalone(args.reps)
    python = airflow_python()
    scratch, standin, airflow_home = _scratch("rw-airflow-bench-")
    airflow_env = {
        **child_env(),
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(airflow_home / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    subprocess.run(
        [str(python.parent / "airflow"), "db", "migrate"], env=airflow_env, check=True, capture_output=True
    )
    results: dict[str, list[dict[str, float]]] = {"rocketwatch run": [], "airflow dags test": []}
    try:
        for rep in range(args.reps):
            for name in results:
                home = scratch / f"home-{name.split()[0]}-{rep}"
                home.mkdir()
                (home / "config.toml").write_text(
                    f'[source]\napi_url = "{standin.api_url}"\n\n[pipeline]\nimage_concurrency = 16\n'
                )
                if name == "rocketwatch run":
                    command = [sys.executable, "-m", "rocketwatch", "--home", str(home), "run"]
                    env = child_env()
                else:
                    dag = airflow_home / "dags" / "rocketwatch_dag.py"
                    subprocess.run(
                        [sys.executable, "-m", "rocketwatch", "airflow-dag", str(dag), "--home", str(home)],
                        check=True,
                        capture_output=True,
                        env=child_env(),
                    )
                    command = [str(python.parent / "airflow"), "dags", "test", "rocketwatch"]
                    env = airflow_env
                measured = watch(command, env)
                measured["run_s"] = last_run(home)["duration_s"]
                results[name].append(measured)
                print(name, {k: round(v, 3) for k, v in measured.items()}, flush=True)
    finally:
        standin.stop()
    print("\n| made by | wall time | the run itself | processes | peak memory (RSS) |")
    print("|---|---|---|---|---|")
    for name, samples in results.items():

        def median(key: str, samples: list[dict[str, float]] = samples) -> float:
            return statistics.median(sample[key] for sample in samples)

        print(
            f"| `{name}` | {median('wall_s'):.2f} s | {median('run_s'):.2f} s | "
            f"{median('processes'):.0f} | {median('rss_mb'):.0f} MB |"
        )
    return 0


def standalone(reps: int) -> int:
    """`airflow standalone` (scheduler, API server, DAG processor, triggerer; LocalExecutor) on the DAG file:
    its processes and memory once idle, and the time from `airflow dags trigger` to the run's success."""
    python = airflow_python()
    airflow = str(python.parent / "airflow")
    scratch, standin, airflow_home = _scratch("rw-airflow-standalone-")
    home = scratch / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        f'[source]\napi_url = "{standin.api_url}"\n\n[schedule]\ncatch_up = false\n'
    )
    env = {
        **child_env(),
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(airflow_home / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__API__PORT": "18793",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "http://127.0.0.1:18793/execution/",
        "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",  # it starts `airflow` commands
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rocketwatch",
            "airflow-dag",
            str(airflow_home / "dags" / "rw.py"),
            "--home",
            str(home),
        ],
        check=True,
        capture_output=True,
        env=child_env(),
    )
    log = (scratch / "standalone.log").open("w")
    server = subprocess.Popen(
        [airflow, "standalone"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            listed = subprocess.run(
                [airflow, "dags", "list", "-o", "json"], env=env, capture_output=True, text=True
            )
            if listed.returncode == 0 and '"rocketwatch"' in listed.stdout:
                break
            time.sleep(3)
        else:
            raise RuntimeError("airflow standalone did not list the DAG")
        time.sleep(20)  # let it settle
        tree = _tree(server.pid)
        idle = {"processes": len(tree), "pss_mb": sum(_pss_kb(pid) for pid in tree) / 1024}
        print("standalone idle", idle, flush=True)
        subprocess.run([airflow, "dags", "unpause", "rocketwatch"], env=env, check=True, capture_output=True)
        times = []
        for rep in range(reps):
            run_home = scratch / f"home-{rep}"
            run_home.mkdir()
            (run_home / "config.toml").write_text(
                f'[source]\napi_url = "{standin.api_url}"\n\n[pipeline]\nimage_concurrency = 16\n'
                "\n[schedule]\ncatch_up = false\n"  # no run of its own when unpaused: only the triggered ones
            )
            subprocess.run(
                [sys.executable, "-m", "rocketwatch", "airflow-dag", str(airflow_home / "dags" / "rw.py"),
                 "--home", str(run_home)],
                check=True, capture_output=True, env=child_env(),
            )  # fmt: skip
            time.sleep(12)  # the DAG processor reads the changed file (refresh 5 s)
            started = time.perf_counter()
            peak = idle["processes"]
            subprocess.run(
                [airflow, "dags", "trigger", "rocketwatch"], env=env, check=True, capture_output=True
            )
            while True:
                peak = max(peak, len(_tree(server.pid)))
                done = subprocess.run(
                    [sys.executable, "-m", "rocketwatch", "--home", str(run_home), "history", "--json"],
                    capture_output=True, text=True, env=child_env(),
                )  # fmt: skip
                runs = json.loads(done.stdout or "[]")
                if runs and runs[0]["state"] in ("success", "failed"):
                    break
                if time.perf_counter() - started > 180:
                    raise RuntimeError("the triggered run did not finish")
                time.sleep(0.2)
            took = time.perf_counter() - started
            times.append(took)
            run = runs[0]
            print("standalone run", rep, round(took, 2), run["state"], run["duration_s"], peak, flush=True)
        print(f"standalone: {idle['processes']} processes, {idle['pss_mb']:.0f} MB PSS idle; "
              f"trigger to success median {statistics.median(times):.2f} s")  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # standalone and every process it started
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
