"""The first start as a new user meets it, on a real desktop: a settings file that cannot be used brings up
a dialog (answered with the keyboard), and a second start with other options says which instance runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from desktop_session import wait_for
from helpers import write_config

from rocketwatch.standin import StandIn

pytestmark = pytest.mark.e2e

BROKEN = '# my settings\n[schedule]\nevery = "@daily"\npaused = true\n\n[pipeline]\nretries = "three"\n'
TITLE = "RocketWatch cannot use its settings"


def test_a_broken_settings_file_brings_up_a_dialog_and_defaults_keep_it_aside(
    desktop, start_app, tmp_path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(BROKEN, encoding="utf-8")
    with StandIn.demo() as standin:
        app = start_app(home, standin.api_url)
        found = wait_for(
            lambda: desktop.run("xdotool", "search", "--name", TITLE).stdout.split(),
            30,
            "the settings problem dialog",
        )
        shot = desktop.screenshot(Path(os.environ.get("ROCKETWATCH_SHOTS", tmp_path)) / "config-problem.png")
        assert shot.stat().st_size > 0
        assert app.process.poll() is None  # waiting for the user, not a silent exit
        assert "line 7" in app.log_text() and "pipeline.retries must be a whole number" in app.log_text()

        # Alt+D: Start with defaults. The broken file is kept aside and the tray icon comes up.
        desktop.run("xdotool", "windowactivate", "--sync", found[0])
        desktop.run("xdotool", "key", "--window", found[0], "alt+d")
        wait_for(
            lambda: [line for line in desktop.tray_icons() if "rocketwatch" in line.lower()],
            30,
            "RocketWatch's icon in trayer's panel",
        )
        [kept] = home.glob("config.toml.broken-*")
        assert kept.read_text(encoding="utf-8") == BROKEN
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0


def test_a_second_start_with_demo_says_which_instance_runs(desktop, start_app, tmp_path) -> None:
    home = tmp_path / "home"
    with StandIn.demo() as standin:
        write_config(home, schedule={"paused": True})
        app = start_app(home, standin.api_url)
        wait_for(lambda: app.command("run-now").returncode == 0, 30, "the first instance to answer")
        second = desktop.run(sys.executable, "-m", "rocketwatch", "--home", str(home), "--demo", timeout=30)
        assert second.returncode == 1
        assert "already running for this home" in second.stderr and "with --api-url" in second.stderr
        assert "this start with --demo" in second.stderr and "rocketwatch quit" in second.stderr
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0
