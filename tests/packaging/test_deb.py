"""The Linux package as a user meets it: build the .deb, install it, use the installed app, purge it.

Installs and purges a package on this machine, so it runs only as root with ROCKETWATCH_TEST_PACKAGE=1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop_session import Desktop, wait_for

from rocketwatch import __version__
from rocketwatch.ui.icons import SYMBOLIC_NAMES

REPO = Path(__file__).resolve().parents[2]
INSTALL_DIR = Path("/opt/rocketwatch")
COMMAND = "/usr/bin/rocketwatch"


def _skip_reason() -> str | None:
    if os.environ.get("ROCKETWATCH_TEST_PACKAGE") != "1":
        return "installs and purges the .deb on this machine: set ROCKETWATCH_TEST_PACKAGE=1 to run it"
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return "installing a .deb needs root on Linux"
    missing = [tool for tool in ("dpkg", "dpkg-deb", "apt-get") if shutil.which(tool) is None]
    if not os.environ.get("ROCKETWATCH_DEB") and shutil.which("uv") is None:
        missing.append("uv")
    return f"missing {', '.join(missing)}" if missing else None


SKIP_REASON = _skip_reason()
pytestmark = [pytest.mark.packaging, pytest.mark.skipif(SKIP_REASON is not None, reason=str(SKIP_REASON))]


def run(*command: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)


def install(deb: Path) -> None:
    if run("dpkg", "-i", str(deb)).returncode != 0:  # missing dependencies: let apt bring them
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        fixed = run("apt-get", "install", "-f", "-y", "--no-install-recommends", timeout=600, env=env)
        assert fixed.returncode == 0, fixed.stdout[-3000:] + fixed.stderr[-3000:]
    status = run("dpkg-query", "-W", "-f=${Status} ${Version}", "rocketwatch").stdout
    assert status == f"install ok installed {__version__}"


def purge() -> None:
    result = run("dpkg", "--purge", "rocketwatch")
    assert result.returncode == 0, result.stderr


def tree(folder: Path) -> dict[str, tuple[int, float]]:
    """Every path under `folder` with its size and modification time."""
    return {str(path): (path.lstat().st_size, path.lstat().st_mtime) for path in folder.rglob("*")}


def tray_icon(desktop: Desktop) -> list[str]:
    return [line for line in desktop.tray_icons() if "rocketwatch" in line.lower()]


def test_deb_installs_runs_shows_its_tray_icon_and_purges_cleanly(
    desktop: Desktop, deb: Path, tmp_path: Path
) -> None:
    purge()  # a package left behind by an interrupted run
    install(deb)
    try:
        files = run("dpkg", "-L", "rocketwatch").stdout.splitlines()
        owned = [path for path in files if os.path.lexists(path) and not os.path.isdir(path)]

        # The desktop integration is where desktops look for it.
        icons = "/usr/share/icons/hicolor"
        for path in (
            "/usr/bin/rocketwatch",
            "/usr/share/applications/rocketwatch.desktop",
            "/usr/share/metainfo/org.rocketwatch.RocketWatch.metainfo.xml",
            f"{icons}/scalable/apps/rocketwatch.svg",
            *(f"{icons}/{n}x{n}/apps/rocketwatch.png" for n in (16, 32, 48, 128, 256)),
            *(f"{icons}/symbolic/apps/{name}.svg" for name in SYMBOLIC_NAMES.values()),
        ):
            assert path in owned, path
        before = tree(INSTALL_DIR)

        # The installed app knows its version and what it was built from (build.py's build info).
        version = run(COMMAND, "--version")
        head = run("git", "-C", str(REPO), "rev-parse", "HEAD").stdout.strip()
        assert version.returncode == 0, version.stderr
        assert re.fullmatch(
            rf"RocketWatch {re.escape(__version__)} \((release|package built from) commit "
            rf"{head[:12]}(, not a release)?\)\n",
            version.stdout,
        ), version.stdout

        # A headless run with a desktop bus: the summary goes through notify-send (here a stand-in that
        # keeps its environment), which must not inherit the bundle's library path.
        home, fake_bin, seen = tmp_path / "cli-home", tmp_path / "bin", tmp_path / "notify-send.env"
        fake_bin.mkdir()
        (fake_bin / "notify-send").write_text(f'#!/bin/sh\nenv > "{seen}"\n')
        (fake_bin / "notify-send").chmod(0o755)
        env = {key: value for key, value in os.environ.items() if key != "LD_LIBRARY_PATH"}
        env.update(PATH=f"{fake_bin}:{env['PATH']}", DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
        result = run(COMMAND, "--home", str(home), "--demo", "run", "--json", env=env)
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        assert record["state"] == "success"
        assert record["launches"] > 0 and record["images"]["downloaded"] > 0
        assert "LD_LIBRARY_PATH=" not in seen.read_text(), "programs it starts would load bundled libraries"

        schedule = run(
            COMMAND, "--home", str(home), "schedule", "--every", "0 6 * * 0", "--count", "3", "--json"
        )
        assert schedule.returncode == 0, schedule.stderr
        words = json.loads(schedule.stdout)
        assert "06:00" in words["description"] and len(words["next"]) == 3

        # It speaks Korean on a Korean locale (the compiled catalog is in the bundle), with Qt's own words.
        korean_env = {key: value for key, value in env.items() if not key.startswith(("LANGUAGE", "LC_"))}
        korean = run(
            COMMAND,
            "--home",
            str(home),
            "schedule",
            "--every",
            "0 6 * * 1-5",
            env=korean_env | {"LANG": "ko_KR.UTF-8"},
        )
        assert "06:00, 월요일부터 금요일" in korean.stdout, korean.stdout + korean.stderr
        assert any(path.endswith("/translations/qtbase_ko.qm") for path in owned)
        assert any(path.endswith("/locale/ko/LC_MESSAGES/rocketwatch.mo") for path in owned)

        # The installed tray app starts, shows its icon, runs once at first start, and quits when asked.
        tray_home = tmp_path / "tray-home"
        started = time.monotonic()
        app = desktop.start(COMMAND, "--home", str(tray_home), "--demo", log_name="installed-app")
        wait_for(lambda: tray_icon(desktop), 30, "the installed RocketWatch's icon in trayer's panel")
        print(f"installed app: tray icon after {time.monotonic() - started:.1f} s")

        def history() -> list[dict]:
            listed = desktop.run(COMMAND, "--home", str(tray_home), "history", "--json", timeout=30)
            return json.loads(listed.stdout) if listed.returncode == 0 and listed.stdout else []

        runs = wait_for(lambda: [r for r in history() if r["state"] == "success"], 60, "the first run")
        assert runs[0]["trigger"] == "first_start"
        assert desktop.run(COMMAND, "--home", str(tray_home), "quit", timeout=30).returncode == 0
        assert app.wait(20) == 0
        assert not tray_icon(desktop)

        assert tree(INSTALL_DIR) == before, "the app wrote into its install folder"
    finally:
        purge()

    left = [path for path in owned if os.path.lexists(path)]
    assert not left, f"files left after purge: {left[:10]}"
    assert not INSTALL_DIR.exists()
    assert (tray_home / "rocketwatch.sqlite3").is_file(), "purging the package must keep the user's data"
