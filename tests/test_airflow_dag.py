"""The Airflow side without Airflow: the app never imports it, `airflow-dag` writes a DAG file that names
the home, and RocketWatch's settings map to Airflow's schedule, catch-up and retries."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import write_config

from rocketwatch.airflow import dag_settings, zone_name
from rocketwatch.cli import main
from rocketwatch.config import Config, PipelineConfig, ScheduleConfig, SourceConfig

REPO = Path(__file__).resolve().parents[1]


def test_the_app_never_imports_airflow(tmp_path: Path) -> None:
    """Every module of the app, the tray included, imported with an `airflow` that refuses to be imported;
    then `rocketwatch airflow-dag` runs in the same process."""
    trap = tmp_path / "trap" / "airflow"
    trap.mkdir(parents=True)
    (trap / "__init__.py").write_text("raise ImportError('RocketWatch imported airflow')\n")
    script = textwrap.dedent(
        f"""
        import importlib, pkgutil, sys
        sys.path.insert(0, {str(trap.parent)!r})
        import rocketwatch
        names = [m.name for m in pkgutil.walk_packages(rocketwatch.__path__, "rocketwatch.")
                 if m.name != "rocketwatch.airflow" and not m.name.endswith("__main__")]
        for name in names:
            importlib.import_module(name)
        from rocketwatch.cli import main
        assert main(["--home", {str(tmp_path / "home")!r}, "airflow-dag", {str(tmp_path / "dag.py")!r}]) == 0
        assert "airflow" not in sys.modules and "rocketwatch.airflow" not in sys.modules
        print(len(names))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 50  # the whole app was imported, not a corner of it
    assert (tmp_path / "dag.py").is_file()


def test_airflow_dag_writes_a_file_that_builds_the_dag_on_this_home(tmp_path: Path, capsys) -> None:
    home = tmp_path / "my home"
    write_config(home, schedule={"every": "0 6 * * *"})
    dags = tmp_path / "dags"
    dags.mkdir()
    assert main(["airflow-dag", str(dags / "rocketwatch.py"), "--home", str(home)]) == 0
    text = (dags / "rocketwatch.py").read_text()
    assert "from rocketwatch.airflow import build_dag" in text
    assert f"dag = build_dag(home={str(home.resolve())!r})" in text
    compile(text, "rocketwatch.py", "exec")
    assert str(dags / "rocketwatch.py") in capsys.readouterr().out


def test_airflow_dag_refuses_a_schedule_airflow_could_not_be_given(tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    write_config(home, schedule={"every": "sometimes"})
    assert main(["--home", str(home), "airflow-dag", str(tmp_path / "dag.py")]) == 2
    assert not (tmp_path / "dag.py").exists()


@pytest.mark.parametrize(
    ("every", "cron", "interval"),
    [
        ("@daily", "0 0 * * *", None),
        ("@hourly", "0 * * * *", None),
        ("30 6 * * 1-5", "30 6 * * 1-5", None),
        ("2h", None, timedelta(hours=2)),
        ("1h30m", None, timedelta(minutes=90)),
    ],
)
def test_schedules_map_to_airflow_timetables(
    every: str, cron: str | None, interval: timedelta | None
) -> None:
    settings = dag_settings(Config(schedule=ScheduleConfig(every=every)), ZoneInfo("Europe/Paris"))
    assert (settings.cron, settings.interval, settings.timezone) == (cron, interval, "Europe/Paris")


def test_catch_up_retries_and_events_map_to_airflow() -> None:
    config = Config(
        schedule=ScheduleConfig(catch_up=False, paused=True),
        pipeline=PipelineConfig(retries=5, retry_delay=20, max_retry_delay=300),
        source=SourceConfig(events=True),
    )
    settings = dag_settings(config, ZoneInfo("UTC"))
    # Airflow's catch-up would run every missed interval; RocketWatch's is at most one run, now.
    assert settings.catchup is False and settings.run_immediately is False and settings.paused
    assert (settings.retries, settings.retry_delay, settings.max_retry_delay) == (
        5,
        timedelta(seconds=20),
        timedelta(seconds=300),
    )
    assert settings.task_ids[-1] == "download_events"
    assert dag_settings(Config(), ZoneInfo("UTC")).run_immediately is True  # the default catch_up = true


def test_a_zone_without_a_name_is_read_in_utc() -> None:
    from datetime import timezone

    assert zone_name(ZoneInfo("America/New_York")) == "America/New_York"
    assert zone_name(timezone(timedelta(hours=5, minutes=30))) == "UTC"
