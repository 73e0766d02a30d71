"""RocketWatch's pipeline run by a real Apache Airflow 3: the DAG file `rocketwatch airflow-dag` writes,
`airflow dags test rocketwatch` against the LL2 stand-in, and the run as `rocketwatch history` shows it.

Airflow lives in its own environment (.ci/airflow-env makes it; ROCKETWATCH_AIRFLOW_PYTHON names its
python). Without one the tests skip, unless ROCKETWATCH_REQUIRE_E2E=1, where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write_config

from rocketwatch.paths import paths_for
from rocketwatch.standin import Fault, StandIn
from rocketwatch.store import Store

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
RESUME = Path(__file__).with_name("airflow_resume.py")


def _airflow_python() -> Path | None:
    named = os.environ.get("ROCKETWATCH_AIRFLOW_PYTHON")
    if named:
        return Path(named)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rocketwatch-airflow"
    found = sorted(cache.glob("airflow-3*/bin/python"))
    return found[-1] if found and (found[-1].parent / "airflow").exists() else None


@pytest.fixture
def airflow(tmp_path: Path):
    """Runs Airflow commands in a fresh AIRFLOW_HOME (its own SQLite metadata database)."""
    python = _airflow_python()
    if python is None or not python.exists():
        message = "no Airflow environment: run .ci/airflow-env, or set ROCKETWATCH_AIRFLOW_PYTHON"
        if os.environ.get("ROCKETWATCH_REQUIRE_E2E") == "1":
            pytest.fail(message)
        pytest.skip(message)
    airflow_home = tmp_path / "airflow"
    dags = airflow_home / "dags"
    dags.mkdir(parents=True)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "PYTHONPATH": str(REPO),  # rocketwatch from this checkout, in Airflow's environment
    }

    def run(*args: str, check: bool = True, script: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = [str(python), str(script), *args] if script else [str(python.parent / "airflow"), *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
        if check and done.returncode != 0:
            raise AssertionError(
                f"{command} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    run("db", "migrate")
    run.dags = dags  # type: ignore[attr-defined]
    return run


def rocketwatch(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rocketwatch", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def history(home: Path) -> list[dict]:
    return json.loads(rocketwatch(home, "history", "--json").stdout)


def write_dag(airflow, home: Path) -> Path:
    dag_file = airflow.dags / "rocketwatch_dag.py"
    subprocess.run(
        [sys.executable, "-m", "rocketwatch", "airflow-dag", str(dag_file), "--home", str(home)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return dag_file


def test_airflow_run_is_one_rocketwatch_run_with_its_pictures(airflow, standin: StandIn, home: Path) -> None:
    write_config(
        home,
        source={"api_url": standin.api_url},
        pipeline={"retries": 1, "retry_delay": 1, "max_retry_delay": 2},
    )
    write_dag(airflow, home)

    airflow("dags", "test", "rocketwatch")

    runs = history(home)
    assert len(runs) == 1
    run = runs[0]
    assert (run["trigger"], run["state"]) == ("airflow", "success")
    assert [(t["task_id"], t["state"], t["tries"]) for t in run["tasks"]] == [
        ("download_launches", "success", 1),
        ("get_pictures", "success", 1),
        ("notify", "success", 1),
    ]
    assert run["external_run_id"].startswith("manual__")
    assert run["launches"] == len(standin.records) and run["api_requests"] == 1
    pictures = sorted(p for p in paths_for(home).images_dir.iterdir() if p.is_file())
    assert run["images"]["downloaded"] == run["images"]["distinct"] == len(pictures) > 0


def test_airflow_retries_are_tries_and_a_clear_finishes_the_same_run(
    airflow, standin: StandIn, home: Path
) -> None:
    write_config(
        home,
        source={"api_url": standin.api_url},
        pipeline={"retries": 1, "retry_delay": 1, "max_retry_delay": 2},
    )
    write_dag(airflow, home)
    standin.set_sticky_api_fault(Fault("status", code=503))  # LL2 is down

    airflow("dags", "test", "rocketwatch", "2026-01-02T03:04:05+00:00", check=False)

    [failed] = history(home)
    assert (failed["trigger"], failed["state"]) == ("airflow", "failed")
    assert [(t["task_id"], t["state"], t["tries"]) for t in failed["tasks"]] == [
        ("download_launches", "failed", 2),  # Airflow's first try and its one retry
        ("get_pictures", "skipped", 0),
        ("notify", "skipped", 0),
    ]
    with Store.open(paths_for(home)) as store:
        tries = store.runs.tries(failed["run_id"])
    assert [(t.try_number, t.external_try, t.state) for t in tries] == [
        (1, 1, "up_for_retry"),
        (2, 2, "failed"),
    ]
    assert all("503" in t.log for t in tries), [t.log for t in tries]

    standin.set_sticky_api_fault(None)  # LL2 is back; the user clears the failed task in Airflow
    airflow("tasks", "clear", "rocketwatch", "-t", "download_launches", "--downstream", "--yes")
    airflow("rocketwatch", failed["external_run_id"], script=RESUME)

    [done] = history(home)
    assert done["run_id"] == failed["run_id"] and done["external_run_id"] == failed["external_run_id"]
    assert done["state"] == "success" and done["retries"] == 1
    assert [(t["task_id"], t["state"], t["tries"]) for t in done["tasks"]] == [
        ("download_launches", "success", 3),
        ("get_pictures", "success", 1),
        ("notify", "success", 1),
    ]
    assert done["images"]["downloaded"] > 0
