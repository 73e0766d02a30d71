"""The real tray app on a real X server with a tray host and a notification daemon."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from desktop_session import Desktop, wait_for
from helpers import write_config

from rocketwatch.standin import StandIn

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def rocketwatch_icon(desktop: Desktop) -> list[str]:
    return [line for line in desktop.tray_icons() if "rocketwatch" in line.lower()]


def tray_pid(home: Path, api_url: str) -> int:
    """The process id of the tray app started with this home and server (not its commands)."""
    wanted = ["-m", "rocketwatch", "--home", str(home), "--api-url", api_url]
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().split(b"\0")[1:-1] == [
                word.encode() for word in wanted
            ]:
                return int(entry.name)
        except OSError:  # a process that just ended
            continue
    raise AssertionError(f"no tray app with {wanted}")


def child_pids(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_tray_app_first_start_notification_second_instance_and_quit(desktop, start_app, tmp_path) -> None:
    home = tmp_path / "home"
    with StandIn.demo() as standin:
        write_config(home)
        desktop.notifications()  # empty dunst's history of earlier tests
        app = start_app(home, standin.api_url)

        # The tray icon is embedded in the tray host.
        wait_for(lambda: rocketwatch_icon(desktop), 30, "RocketWatch's icon in trayer's panel")

        # The first start with an empty store runs once at once.
        runs = wait_for(lambda: [r for r in app.history() if r["state"] == "success"], 60, "the first run")
        assert runs[0]["trigger"] == "first_start"

        # dunst received the summary from RocketWatch naming the next launch.
        def summary() -> list[dict]:
            return [
                n
                for n in desktop.notifications()
                if n.get("appname") == "RocketWatch" and "upcoming launch" in n.get("summary", "")
            ]

        [notification] = wait_for(summary, 20, "the run summary from RocketWatch in dunst")
        launches = app.command("launches", "--json").stdout
        next_name = notification["body"].split("Next: ", 1)[1].split(" in ")[0]
        assert next_name and next_name in launches

        # The run happened in a process of its own, which has ended: the tray app itself never loaded
        # the picture library (nor the HTTP client), so it stays small while it idles for days.
        pid = tray_pid(home, standin.api_url)
        wait_for(lambda: not child_pids(pid), 10, "the run's process to end")
        assert "/PIL/" not in Path(f"/proc/{pid}/maps").read_text()

        # A second rocketwatch hands over to the first and exits 0 at once; the gallery appears.
        started = time.monotonic()
        second = app.command(timeout=10)
        assert second.returncode == 0, second.stderr
        assert time.monotonic() - started < 5
        found = wait_for(
            lambda: desktop.run("xdotool", "search", "--name", "^Launches$").stdout.split(),
            15,
            "the gallery window",
        )
        # The title bar names the app once: Qt adds the application's name to the window's own title.
        title = desktop.run("xprop", "-id", found[0], "_NET_WM_NAME").stdout
        assert title.strip().endswith('= "Launches — RocketWatch"'), title
        SCREENSHOTS.mkdir(exist_ok=True)
        desktop.screenshot(SCREENSHOTS / "e2e-gallery.png")

        # `rocketwatch quit` ends the first process cleanly.
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0
        assert not rocketwatch_icon(desktop)
        assert all(run["state"] != "running" for run in app.history())


def test_every_minute_schedule_runs_with_trigger_scheduled(desktop, start_app, tmp_path) -> None:
    home = tmp_path / "home"
    with StandIn.demo() as standin:
        write_config(home, schedule={"every": "*/1 * * * *"})
        app = start_app(home, standin.api_url)
        wait_for(
            lambda: [r for r in app.history() if r["trigger"] == "scheduled" and r["state"] == "success"],
            75,
            "a scheduled run",
        )
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0


def test_missed_fire_times_give_exactly_one_catch_up_run(desktop, start_app, tmp_path) -> None:
    home = tmp_path / "home"
    with StandIn.demo() as standin:
        write_config(home, schedule={"every": "@hourly"})
        # A run three hours ago, as if the app had been closed since: three fire times were missed.
        from rocketwatch.paths import paths_for
        from rocketwatch.store import Store

        with Store.open(paths_for(home)) as store:
            run_id = store.runs.create("scheduled", ("download_launches",), 1)
            store.runs.finish(run_id, "success")
            store.db.execute(
                "UPDATE runs SET created_at = datetime('now', '-3 hours') || '.000+00:00',"
                " started_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', '-3 hours') || '.000+00:00'"
            )
        app = start_app(home, standin.api_url)
        wait_for(
            lambda: [r for r in app.history() if r["trigger"] == "catch_up" and r["state"] == "success"],
            45,
            "the catch-up run",
        )
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0
        triggers = [run["trigger"] for run in app.history()]
        assert triggers.count("catch_up") == 1
        assert "first_start" not in triggers


def test_tray_menu_opens_on_right_click_and_is_captured(desktop, start_app, tmp_path) -> None:
    home = tmp_path / "home"
    with StandIn.demo() as standin:
        write_config(home)
        app = start_app(home, standin.api_url)
        [line] = wait_for(lambda: rocketwatch_icon(desktop), 30, "RocketWatch's icon in trayer's panel")
        wait_for(lambda: [r for r in app.history() if r["state"] == "success"], 60, "the first run")
        assert desktop.open_tray_menu(line.split()[0])
        SCREENSHOTS.mkdir(exist_ok=True)
        desktop.screenshot(SCREENSHOTS / "e2e-tray-menu.png")
        desktop.run("xdotool", "key", "Escape")
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0


def test_rocketwatch_cancel_stops_a_run_waiting_for_an_unreachable_ll2(desktop, start_app, tmp_path) -> None:
    """Offline first start: the run waits to try again; `rocketwatch cancel` ends it as cancelled at once,
    and the windows opened meanwhile say why it waited."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{probe.getsockname()[1]}/2.3.0"
    home = tmp_path / "home"
    write_config(home, pipeline={"retries": 3, "retry_delay": 600, "max_retry_delay": 600})
    app = start_app(home, unreachable)
    wait_for(lambda: rocketwatch_icon(desktop), 30, "RocketWatch's icon in trayer's panel")

    def waiting() -> list[dict]:
        return [
            run
            for run in app.history()
            if run["state"] == "running" and run["tasks"][0]["state"] == "up_for_retry"
        ]

    [run] = wait_for(waiting, 60, "the first run waiting to try again")
    assert "Could not reach LL2" in run["tasks"][0]["error"]
    assert app.command("show", "gallery").returncode == 0
    wait_for(
        lambda: desktop.run("xdotool", "search", "--name", "^Launches$").returncode == 0,
        15,
        "the gallery window",
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    desktop.screenshot(SCREENSHOTS / "e2e-gallery-waiting.png")

    started = time.monotonic()
    result = app.command("cancel")
    assert result.returncode == 0, result.stderr
    cancelled = wait_for(
        lambda: [r for r in app.history() if r["run_id"] == run["run_id"] and r["state"] == "cancelled"],
        15,
        "the run cancelled",
    )
    assert time.monotonic() - started < 15
    assert cancelled[0]["tasks"][0]["state"] == "cancelled"
    assert app.command("quit").returncode == 0
    assert app.process.wait(20) == 0
