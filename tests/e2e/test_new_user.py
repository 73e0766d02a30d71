"""A new user's first session, scripted: a fresh home, the real app as a subprocess on a desktop under Xvfb
with trayer and dunst, keyboard and mouse through xdotool, a screenshot of every window touched.

The screenshots go to the test's tmp dir and to screenshots/ (git-ignored), to be looked at.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desktop_session import App, Desktop, wait_for
from PIL import Image

from rocketwatch.paths import paths_for
from rocketwatch.standin import StandIn
from rocketwatch.store import Store

# The tray menu from the bottom (Quit, About, Settings…, Pause, Export calendar…, Run history, Open gallery,
# Cancel the run): Up presses from the menu's opening, which selects nothing. tests/ui/test_tray.py checks
# this order against the real menu.
UP_TO_SETTINGS, UP_TO_HISTORY, UP_TO_CANCEL = 3, 6, 8

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


class User:
    """What a person at this desktop does: look, click, type; each step waits for what it causes."""

    def __init__(self, desktop: Desktop, app: App, shots: Path) -> None:
        self.desktop, self.app, self.shots = desktop, app, shots
        self.taken: list[Path] = []

    def xdotool(self, *args: str) -> str:
        result = self.desktop.run("xdotool", *args)
        assert result.returncode == 0, f"xdotool {' '.join(args)}: {result.stderr}"
        return result.stdout

    def icon(self) -> str:
        lines = wait_for(
            lambda: [line for line in self.desktop.tray_icons() if "rocketwatch" in line.lower()],
            30,
            "RocketWatch's tray icon",
        )
        return lines[0].split()[0]

    def icon_geometry(self) -> tuple[int, int, int, int]:
        geometry = dict(
            item.split("=") for item in self.xdotool("getwindowgeometry", "--shell", self.icon()).split()
        )
        return int(geometry["X"]), int(geometry["Y"]), int(geometry["WIDTH"]), int(geometry["HEIGHT"])

    def icon_centre(self) -> tuple[int, int]:
        x, y, width, height = self.icon_geometry()
        return x + width // 2, y + height // 2

    def icon_pixels(self) -> bytes:
        """The tray icon as the screen shows it now (its badge shows the last run's state)."""
        x, y, width, height = self.icon_geometry()
        with Image.open(self.desktop.screenshot(self.shots / "work" / "screen.png")) as screen:
            return screen.convert("RGB").crop((x, y, x + width, y + height)).tobytes()

    def click_icon(self, button: int = 1) -> None:
        x, y = self.icon_centre()
        self.xdotool("mousemove", str(x), str(y), "click", str(button))

    def hover_icon(self) -> None:
        """Rest the pointer on the icon until its tooltip shows."""
        before = self.windows()
        x, y = self.icon_centre()
        self.xdotool("mousemove", str(x - 3), str(y), "mousemove", str(x), str(y))
        wait_for(lambda: self.windows() - before, 10, "the tray icon's tooltip")

    def windows(self) -> set[str]:
        result = self.desktop.run("xdotool", "search", "--onlyvisible", "--class", "rocketwatch")
        return set(result.stdout.split())

    def menu(self, ups: int) -> None:
        """Right-click the icon and choose the item `ups` from the bottom with the arrow keys."""
        before = self.windows()
        self.click_icon(3)
        wait_for(lambda: self.windows() - before, 10, "the tray menu")
        self.key(*["Up"] * ups)

    def key(self, *keys: str) -> None:
        self.xdotool("key", "--delay", "40", *keys)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "40", text)

    def window(self, title: str) -> str:
        """Wait until the window with this title is on screen and drawn; its id."""
        found = wait_for(
            lambda: self.desktop.run(
                "xdotool", "search", "--onlyvisible", "--name", f"^{title}( — RocketWatch)?$"
            ).stdout.split(),
            15,
            f"the window “{title}”",
        )
        wait_for(lambda: self.drawn(found[0]), 10, f"the window “{title}” drawn")
        return found[0]

    def drawn(self, window: str) -> bool:
        geometry = dict(
            item.split("=") for item in self.xdotool("getwindowgeometry", "--shell", window).split()
        )
        x, y = int(geometry["X"]), int(geometry["Y"])
        box = (x, y, x + min(int(geometry["WIDTH"]), 400), y + min(int(geometry["HEIGHT"]), 200))
        with Image.open(self.desktop.screenshot(self.shots / "work" / "screen.png")) as screen:
            colours = screen.convert("RGB").crop(box).getcolors(400 * 200)
        return colours is not None and len(colours) > 5

    def closed(self, title: str) -> None:
        wait_for(
            lambda: (
                self.desktop.run(
                    "xdotool", "search", "--onlyvisible", "--name", f"^{title}( — RocketWatch)?$"
                ).returncode
                != 0
            ),
            10,
            f"the window “{title}” to close",
        )

    def click_in(self, window: str, x: int, y: int) -> None:
        self.xdotool("mousemove", "--window", window, str(x), str(y), "click", "1")

    def shot(self, name: str) -> Path:
        path = self.desktop.screenshot(self.shots / f"{len(self.taken) + 1:02d}-{name}.png")
        self.taken.append(path)
        return path

    def runs(self) -> list[dict]:
        return self.app.history()


def starred(home: Path) -> set[str]:
    with Store.open(paths_for(home)) as store:
        return set(store.stars.starred())


def test_a_new_users_first_session(desktop, start_app, tmp_path) -> None:
    shots = tmp_path / "shots"
    (shots / "work").mkdir(parents=True)
    home = tmp_path / "fresh-home"  # does not exist yet: the app makes it
    standin = StandIn.demo().start()
    port = standin.api_url.split(":")[2].split("/")[0]
    try:
        desktop.notifications()  # nothing left over from other tests
        app = start_app(home, standin.api_url)
        user = User(desktop, app, shots)

        # The first run happens by itself.
        [first] = wait_for(lambda: [r for r in user.runs() if r["state"] == "success"], 60, "the first run")
        assert first["trigger"] == "first_start"
        now = datetime.now(UTC)
        cards = [
            launch["id"]
            for launch in json.loads(app.command("launches", "--json").stdout)
            if datetime.fromisoformat(launch["net"]) >= now
        ]  # upcoming first in the gallery

        # A click on the tray icon opens the gallery.
        user.click_icon()
        gallery = user.window("Launches")
        user.shot("gallery")
        # The keyboard: from the search field to the cards, one card to the right, S stars it.
        user.key("Tab", "Tab", "Right")
        user.shot("gallery-selected")
        user.key("s")
        assert wait_for(lambda: starred(home), 10, "the star to be saved") == {cards[1]}
        user.shot("gallery-starred")
        idle_icon = user.icon_pixels()  # the first run long over: the icon without a badge

        # Settings from the tray menu; the Pipeline tab and its Retries with the keyboard; OK.
        user.menu(UP_TO_SETTINGS)
        user.shot("tray-menu-settings")
        user.key("Return")
        user.window("Settings")
        user.key("alt+p", "alt+r", "ctrl+a")
        user.type("2")
        user.shot("settings-pipeline")
        user.key("Return")
        user.closed("Settings")
        config = (home / "config.toml").read_text(encoding="utf-8")
        assert tomllib.loads(config) == {"pipeline": {"retries": 2}}, config
        assert "127.0.0.1" not in config

        # LL2 refuses: Run now (F5 in the gallery) waits to try again and says why, in the tooltip and
        # the gallery.
        standin.stop()
        user.click_in(gallery, 300, 20)  # the gallery again (its search field), then F5
        user.key("F5")
        waiting = wait_for(
            lambda: [
                r for r in user.runs() if r["state"] == "running" and r["tasks"][0]["state"] == "up_for_retry"
            ],
            20,
            "the run waiting",
        )
        assert "Could not reach LL2" in waiting[0]["tasks"][0]["error"]
        user.shot("gallery-waiting")
        assert user.icon_pixels() != idle_icon  # the badge says a run is going on
        user.hover_icon()
        user.shot("tray-tooltip-waiting")

        # Cancel it from the tray menu.
        user.menu(UP_TO_CANCEL)
        user.shot("tray-menu-cancel")
        user.key("Return")
        [cancelled] = wait_for(
            lambda: [r for r in user.runs()[:1] if r["state"] == "cancelled"], 15, "the run cancelled"
        )
        wait_for(lambda: user.icon_pixels() == idle_icon, 10, "the tray icon back to idle")
        user.shot("cancelled")

        # LL2 answers again; Retry from Run history with the mouse; the badge goes back to idle.
        standin = StandIn.demo(port=int(port)).start()
        desktop.notifications()  # the first run's notifications leave the screen
        user.menu(UP_TO_HISTORY)
        user.key("Return")
        history = user.window("Run history")
        user.click_in(history, 40, 61)  # the newest run: the cancelled one
        user.shot("history-cancelled")
        user.click_in(history, 128, 14)  # the toolbar's Retry run
        [retried] = wait_for(
            lambda: [r for r in user.runs()[:1] if r["state"] == "success"], 30, "the retried run to succeed"
        )
        assert (retried["run_id"], retried["retries"]) == (cancelled["run_id"], 1)
        wait_for(lambda: user.icon_pixels() == idle_icon, 10, "the tray icon back to idle")
        user.shot("history-retried")
        user.key("Escape")
        user.closed("Run history")
        user.click_in(gallery, 300, 20)
        user.key("Escape")
        user.closed("Launches")

        # The retried run's summary is on screen; a click on it (dunst's default action) opens the gallery.
        wait_for(
            lambda: desktop.run("dunstctl", "count", "displayed").stdout.strip() not in ("", "0"),
            15,
            "the retried run's summary on screen",
        )
        user.shot("summary-notification")
        assert desktop.run("dunstctl", "action", "0").returncode == 0
        user.window("Launches")
        user.shot("gallery-from-notification")
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0
    finally:
        standin.stop()
        SCREENSHOTS.mkdir(exist_ok=True)
        for path in shots.glob("*.png"):
            shutil.copy(path, SCREENSHOTS / f"new-user-{path.name}")
