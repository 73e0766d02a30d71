"""RocketWatch in Korean on a real desktop: on a Korean locale (LANG=ko_KR.UTF-8) the run's notifications
and the tray menu; on an English one, Korean chosen in Settings and Restart now. Screenshots for a person to
look at in screenshots/ko/."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from desktop_session import wait_for
from helpers import write_config
from test_new_user import UP_TO_SETTINGS, User
from test_tray_app import rocketwatch_icon

from rocketwatch.standin import StandIn

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "ko"
HANGUL = re.compile("[\uac00-\ud7a3]")
KOREAN_DESKTOP = {"LANG": "ko_KR.UTF-8", "LANGUAGE": "ko", "LC_ALL": "", "LC_MESSAGES": ""}


def test_a_korean_desktop_gets_a_korean_notification_and_tray_menu(desktop, start_app, tmp_path) -> None:
    home = tmp_path / "home"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with StandIn.demo() as standin:
        write_config(home)  # [general] language = "system": the desktop's
        desktop.notifications()  # empty dunst's history of earlier tests
        app = start_app(home, standin.api_url, env=KOREAN_DESKTOP)
        [line] = wait_for(lambda: rocketwatch_icon(desktop), 30, "RocketWatch's icon in trayer's panel")
        wait_for(lambda: [r for r in app.history() if r["state"] == "success"], 60, "the first run")
        desktop.screenshot(SCREENSHOTS / "notification.png")  # dunst's bubble, still on screen

        def from_rocketwatch() -> list[dict]:
            return [n for n in desktop.notifications() if n.get("appname") == "RocketWatch"]

        notifications = wait_for(from_rocketwatch, 20, "RocketWatch's notifications in dunst")
        # The run summary and the launch reminders, each in Korean (a reminder's title is the launch's name).
        for notification in notifications:
            assert HANGUL.search(notification["summary"] + notification["body"]), notification
        assert any(HANGUL.search(notification["summary"]) for notification in notifications)
        # The history's JSON stays English whatever the language (machine output).
        assert app.history()[0]["state"] == "success"

        assert desktop.open_tray_menu(line.split()[0])
        desktop.screenshot(SCREENSHOTS / "tray-menu.png")
        desktop.run("xdotool", "key", "Escape")
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0


def test_korean_chosen_in_settings_shows_after_restart_now(desktop, start_app, tmp_path) -> None:
    home = tmp_path / "home"
    with StandIn.demo() as standin:
        write_config(home)
        app = start_app(home, standin.api_url)  # the test desktop speaks English
        (tmp_path / "work").mkdir()
        user = User(desktop, app, tmp_path)
        user.icon()
        wait_for(lambda: [r for r in app.history() if r["state"] == "success"], 60, "the first run")
        user.menu(UP_TO_SETTINGS)
        user.key("Return")
        user.window("Settings")
        user.key("alt+g", "alt+u", "End")  # the General tab, its Language list, its last choice: 한국어
        user.key("alt+r")  # Restart now
        assert app.process.wait(20) == 0  # this one quit as Quit does...
        try:
            saved = tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))
            assert saved["general"]["language"] == "ko"
            user.icon()  # ...and a new one took its place in the tray
            assert app.command("show").returncode == 0
            user.window("발사 목록")  # the gallery, "Launches", in Korean
            desktop.screenshot(SCREENSHOTS / "after-restart.png")
        finally:
            app.command("quit")
        wait_for(lambda: not rocketwatch_icon(desktop), 20, "the restarted RocketWatch to quit")
