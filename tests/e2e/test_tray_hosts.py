"""The tray icon under both kinds of tray host, whenever the host comes: XEmbed (trayer) and
StatusNotifierItem (status-notifier-watcher with gtk-sni-tray-standalone), with notification-daemon.

Each test starts the app with no tray at all (a panel that comes up after the autostarted app, the usual
order at login), brings the host up, restarts or replaces it, and checks what the user would see: the item
registered on the bus with its icon, tooltip and menu, the launch name exactly as LL2 wrote it, and
screenshots of the panel, light and dark.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desktop_session import App, Desktop, dbusmenu_shown, wait_for
from helpers import write_config

from rocketwatch.standin import StandIn
from rocketwatch.ui.icons import SYMBOLIC_NAMES, resource_icon_path

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
# A launch name as LL2 could write it: an underscore (DBusMenu's mnemonic marker), an ampersand (Qt's)
# and what looks like markup.
NAME = "Falcon 9 | my_sat_2 & <b>Friends</b>"
NO_TRAY_WAIT = {"ROCKETWATCH_TRAY_WAIT": "120"}  # the app waits for the late panel, as at login


def standin_with_the_name() -> StandIn:
    standin = StandIn.demo()
    records = [dict(record) for record in standin.records]
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = min((record for record in records if record["net"] > now), key=lambda record: record["net"])
    first["name"] = NAME
    standin.set_records(records)
    return standin


def xembed_icon(desktop: Desktop) -> list[str]:
    return [line for line in desktop.tray_icons() if "rocketwatch" in line.lower()]


def our_sni_item(desktop: Desktop) -> str | None:
    """The registered item whose properties are RocketWatch's."""
    for item in desktop.sni_items():
        if "RocketWatch" in desktop.sni_properties(item):
            return item
    return None


def assert_sni_item_is_complete(desktop: Desktop, item: str) -> None:
    properties = desktop.sni_properties(item)
    assert "'Status': <'Active'>" in properties
    pixmaps = re.search(r"'IconPixmap': <\[(.*?)\]>", properties)
    assert pixmaps and "(22, 22," in pixmaps.group(1), "the icon is sent as pixmaps"
    assert "Next: " + NAME in properties.replace("\\'", "'"), "the tooltip names the next launch"
    labels = [dbusmenu_shown(label) for label in desktop.sni_menu_labels(item)]
    assert "Run now" in labels and "Quit RocketWatch" in labels
    assert any(label.startswith(f"{NAME} — ") for label in labels), labels


def wait_until_waiting_for_a_tray(app: App) -> None:
    wait_for(lambda: "No system tray yet" in app.log_text(), 30, "the app to wait for a tray")
    wait_for(lambda: [r for r in app.history() if r["state"] == "success"], 60, "the first run")


def screenshot_panel(desktop: Desktop, name: str) -> Path:
    """The whole screen, and the panel's right end at twice the size (trayer on top, the SNI bar below)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    full, panel = SCREENSHOTS / f"{name}-full.png", SCREENSHOTS / f"{name}.png"
    top = "0" if "xembed" in name else "768"

    def drawn() -> bool:
        # A panel registers before it has drawn its window and icons: wait until its end is not blank.
        desktop.screenshot(full)
        desktop.run(
            "convert",
            str(full),
            "-crop",
            f"320x32+960+{top}",
            "+repage",
            "-scale",
            "200%",
            str(panel),
            check=True,
        )
        spread = desktop.run("identify", "-format", "%[fx:standard_deviation]", str(panel)).stdout
        return float(spread or 0) > 0.02

    wait_for(drawn, 10, f"the panel drawn with its icons ({name})", interval=0.3)
    return panel


def open_sni_menu(desktop: Desktop, name: str) -> None:
    """Right-click the icon in the SNI panel (the right end of the bar) and capture the menu."""
    [bar] = desktop.run("xdotool", "search", "--onlyvisible", "--class", "gtk-sni-tray").stdout.split()[:1]
    geometry = dict(
        item.split("=") for item in desktop.run("xdotool", "getwindowgeometry", "--shell", bar).stdout.split()
    )
    x = int(geometry["X"]) + int(geometry["WIDTH"]) - 16
    y = int(geometry["Y"]) + int(geometry["HEIGHT"]) // 2

    def windows() -> set[str]:
        return set(desktop.run("xdotool", "search", "--onlyvisible", "--name", "").stdout.split())

    before = windows()
    desktop.run("xdotool", "mousemove", str(x), str(y), "click", "3", check=True)
    wait_for(lambda: windows() - before, 10, "the item's menu from the SNI panel")
    SCREENSHOTS.mkdir(exist_ok=True)
    desktop.screenshot(SCREENSHOTS / name)
    desktop.run("xdotool", "key", "Escape")


def open_xembed_menu(desktop: Desktop, icon_window: str, name: str) -> None:
    """Right-click the icon embedded in trayer and capture the QMenu it opens."""
    geometry = dict(
        item.split("=")
        for item in desktop.run("xdotool", "getwindowgeometry", "--shell", icon_window).stdout.split()
    )
    x = int(geometry["X"]) + int(geometry["WIDTH"]) // 2
    y = int(geometry["Y"]) + int(geometry["HEIGHT"]) // 2

    def menus() -> set[str]:
        return set(desktop.run("xdotool", "search", "--onlyvisible", "--class", "rocketwatch").stdout.split())

    before = menus()
    desktop.run("xdotool", "mousemove", str(x), str(y), "click", "3", check=True)
    wait_for(lambda: menus() - before, 10, "the tray menu")
    SCREENSHOTS.mkdir(exist_ok=True)
    desktop.screenshot(SCREENSHOTS / name)
    desktop.run("xdotool", "key", "Escape")


def test_sni_panel_after_the_app_then_restarted_then_replaced_by_xembed(
    bare_desktop, start_app_bare, tmp_path
) -> None:
    desktop = bare_desktop
    home = tmp_path / "home"
    notify_log = tmp_path / "notify.log"
    with standin_with_the_name() as standin, open(notify_log, "wb") as log:
        monitor = subprocess.Popen(
            ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications',member='Notify'"],
            env=desktop.env,
            stdout=log,
            stderr=subprocess.DEVNULL,
        )
        try:
            write_config(home)
            app = start_app_bare(home, standin.api_url, env=NO_TRAY_WAIT)
            wait_until_waiting_for_a_tray(app)
            assert not desktop.sni_items()

            # The panel comes up: the item registers, with its icon, tooltip and menu.
            host = desktop.start_sni_host(dark=False)
            item = wait_for(lambda: our_sni_item(desktop), 20, "RocketWatch's item with the watcher")
            assert_sni_item_is_complete(desktop, item)
            screenshot_panel(desktop, "e2e-sni-light-panel")
            open_sni_menu(desktop, "e2e-sni-menu.png")

            # The panel restarts (dark this time): the item registers again with the new watcher.
            desktop.end(*reversed(host))
            host = desktop.start_sni_host(dark=True)
            item = wait_for(lambda: our_sni_item(desktop), 20, "RocketWatch's item registered again")
            assert_sni_item_is_complete(desktop, item)
            screenshot_panel(desktop, "e2e-sni-dark-panel")

            # The desktop now offers an XEmbed tray instead: the icon moves there.
            desktop.end(*reversed(host))
            trayer = desktop.start_trayer(tint="0xeff0f1")
            wait_for(lambda: xembed_icon(desktop), 20, "RocketWatch's icon in trayer's panel")
            screenshot_panel(desktop, "e2e-xembed-light-panel-after-sni")
            desktop.end(trayer)

            # notification-daemon received the run's summary.
            wait_for(lambda: b"RocketWatch" in notify_log.read_bytes(), 10, "a Notify call from RocketWatch")
            assert app.command("quit").returncode == 0
            assert app.process.wait(20) == 0
        finally:
            monitor.terminate()
            monitor.wait(5)


def test_xembed_tray_after_the_app_then_replaced_by_an_sni_panel(
    bare_desktop, start_app_bare, tmp_path
) -> None:
    desktop = bare_desktop
    home = tmp_path / "home"
    with standin_with_the_name() as standin:
        write_config(home)
        app = start_app_bare(home, standin.api_url, env=NO_TRAY_WAIT)
        wait_until_waiting_for_a_tray(app)

        trayer = desktop.start_trayer(tint="0x202326")
        [line] = wait_for(lambda: xembed_icon(desktop), 20, "RocketWatch's icon in trayer's panel")
        screenshot_panel(desktop, "e2e-xembed-dark-panel")
        open_xembed_menu(desktop, line.split()[0], "e2e-xembed-menu.png")

        desktop.end(trayer)
        host = desktop.start_sni_host(dark=False)
        item = wait_for(lambda: our_sni_item(desktop), 20, "RocketWatch's item registered with the watcher")
        assert_sni_item_is_complete(desktop, item)
        assert not xembed_icon(desktop)

        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0
        wait_for(lambda: our_sni_item(desktop) is None, 10, "the item gone from the watcher after quitting")
        desktop.end(*reversed(host))


def test_installed_symbolic_icons_are_named_to_the_sni_host(bare_desktop, start_app_bare, tmp_path) -> None:
    # As the .deb installs them: hicolor/symbolic/apps/rocketwatch-*-symbolic.svg in a data dir.
    desktop = bare_desktop
    data = tmp_path / "share"
    apps = data / "icons/hicolor/symbolic/apps"
    apps.mkdir(parents=True)
    (data / "icons/hicolor/index.theme").write_text(
        "[Icon Theme]\nName=Hicolor\nDirectories=symbolic/apps\n\n"
        "[symbolic/apps]\nSize=16\nMinSize=8\nMaxSize=512\nType=Scalable\n",
        encoding="utf-8",
    )
    for name in SYMBOLIC_NAMES.values():
        shutil.copy(resource_icon_path(f"{name}.svg"), apps / f"{name}.svg")
    home = tmp_path / "home"
    data_dirs = f"{data}:{desktop.env.get('XDG_DATA_DIRS', '/usr/local/share:/usr/share')}"
    host = desktop.start_sni_host(dark=True, data_dirs=data_dirs)
    with standin_with_the_name() as standin:
        write_config(home)
        app = start_app_bare(home, standin.api_url, env={"XDG_DATA_DIRS": data_dirs})
        item = wait_for(lambda: our_sni_item(desktop), 30, "RocketWatch's item with the watcher")
        wait_for(lambda: [r for r in app.history() if r["state"] == "success"], 60, "the first run")
        named = "'IconName': <'rocketwatch-symbolic'>"
        properties = wait_for(
            lambda: named in desktop.sni_properties(item) and desktop.sni_properties(item),
            10,
            "the idle icon's theme name",
        )
        assert "(22, 22," in properties, "the drawn pixmaps still go along for hosts without the theme"
        screenshot_panel(desktop, "e2e-sni-dark-panel-themed-icon")
        # The same named icon in an XEmbed tray, which draws the pixmaps.
        desktop.end(*reversed(host))
        trayer = desktop.start_trayer(tint="0x202326")
        wait_for(lambda: xembed_icon(desktop), 20, "RocketWatch's icon in trayer's panel")
        screenshot_panel(desktop, "e2e-xembed-dark-panel-themed-icon")
        desktop.end(trayer)
        assert app.command("quit").returncode == 0
        assert app.process.wait(20) == 0
