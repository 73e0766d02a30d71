"""The icons a user sees: the app icon, the tray icon in each state on light and dark panels, the renders.

Also the desktop entry and AppStream file that point the application menu and software centre at them.
"""

from __future__ import annotations

import configparser
import itertools
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette
from PySide6.QtSvg import QSvgRenderer

from rocketwatch import __version__
from rocketwatch.resources import resource_path
from rocketwatch.ui.icons import (
    FAILED_VERMILLION,
    HICOLOR_SIZES,
    INK_ON_DARK_PANEL,
    INK_ON_LIGHT_PANEL,
    RUNNING_BLUE,
    SYMBOLIC_NAMES,
    TRAY_STATES,
    app_icon,
    resource_icon_path,
    tray_icon,
)


def image_of(icon: QIcon, size: int) -> QImage:
    pixmap = icon.pixmap(QSize(size, size))
    assert not pixmap.isNull()
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


def visible_pixels(image: QImage) -> list[QColor]:
    colours = (image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width()))
    return [colour for colour in colours if colour.alpha() > 200]


def count_near(image: QImage, target: str, tolerance: int = 40) -> int:
    wanted = QColor(target)
    return sum(
        1
        for colour in visible_pixels(image)
        if abs(colour.red() - wanted.red())
        + abs(colour.green() - wanted.green())
        + abs(colour.blue() - wanted.blue())
        <= tolerance
    )


@pytest.mark.parametrize("dark_panel", [False, True], ids=["light-panel", "dark-panel"])
@pytest.mark.parametrize("state", TRAY_STATES)
def test_every_state_draws_at_tray_sizes(qapp, state: str, dark_panel: bool) -> None:
    icon = tray_icon(state, dark_panel)
    for size in (16, 22, 32):
        image = image_of(icon, size)
        assert image.size() == QSize(size, size)
        # Something substantial is drawn, not a speck: at least a fifth of the square.
        assert len(visible_pixels(image)) > size * size / 5


@pytest.mark.parametrize("dark_panel", [False, True], ids=["light-panel", "dark-panel"])
def test_the_three_states_look_different(qapp, dark_panel: bool) -> None:
    images = {state: image_of(tray_icon(state, dark_panel), 22) for state in TRAY_STATES}
    for first, second in itertools.combinations(TRAY_STATES, 2):
        assert images[first] != images[second], f"{first} and {second} look the same"


@pytest.mark.parametrize("dark_panel", [False, True], ids=["light-panel", "dark-panel"])
def test_running_is_blue_and_failed_is_vermillion(qapp, dark_panel: bool) -> None:
    idle, running, failed = (image_of(tray_icon(state, dark_panel), 22) for state in TRAY_STATES)
    assert count_near(idle, RUNNING_BLUE) == count_near(idle, FAILED_VERMILLION) == 0
    assert count_near(running, RUNNING_BLUE) >= 12 and count_near(running, FAILED_VERMILLION) == 0
    assert count_near(failed, FAILED_VERMILLION) >= 12 and count_near(failed, RUNNING_BLUE) == 0


def badge_disc(image: QImage) -> QImage:
    """The badge's disc in the bottom-right corner (without its moat), the rest made transparent."""
    size = image.width()
    radius = size * (0.5 if size <= 24 else 0.45) / 2
    centre = size - radius
    disc = QImage(image)
    for y in range(size):
        for x in range(size):
            if (x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2 > (radius * 0.8) ** 2:
                disc.setPixelColor(x, y, QColor(0, 0, 0, 0))
    return disc


def test_the_failed_badge_carries_a_white_mark(qapp) -> None:
    # Shape, not only colour, tells "failed" from "running": a filled disc with a white "!".
    running, failed = (badge_disc(image_of(tray_icon(state, False), 32)) for state in ("running", "failed"))
    assert count_near(failed, "#ffffff") >= 6
    assert count_near(running, "#ffffff") == 0


def test_light_and_dark_panel_variants_differ_in_their_dominant_colour(qapp) -> None:
    for state in TRAY_STATES:
        on_light = image_of(tray_icon(state, dark_panel=False), 22)
        on_dark = image_of(tray_icon(state, dark_panel=True), 22)
        assert count_near(on_light, INK_ON_LIGHT_PANEL) > count_near(on_light, INK_ON_DARK_PANEL), (
            f"{state}: the rocket should be dark on a light panel"
        )
        assert count_near(on_dark, INK_ON_DARK_PANEL) > count_near(on_dark, INK_ON_LIGHT_PANEL), (
            f"{state}: the rocket should be light on a dark panel"
        )


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: QColor, second: QColor) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def on_panel(icon: QImage, panel: str) -> QImage:
    """The icon as the panel shows it: composited over the panel's colour."""
    shown = QImage(icon.size(), QImage.Format.Format_ARGB32)
    shown.fill(QColor(panel))
    painter = QPainter(shown)
    painter.drawImage(0, 0, icon)
    painter.end()
    return shown


@pytest.mark.parametrize("panel", ["#000000", "#2b2b2b", "#dcdcdc", "#ffffff"])
@pytest.mark.parametrize("dark_guess", [False, True], ids=["guessed-light", "guessed-dark"])
@pytest.mark.parametrize("state", TRAY_STATES)
def test_the_rocket_and_its_badge_read_on_any_panel_whatever_was_guessed(
    qapp, state, dark_guess, panel
) -> None:
    # A StatusNotifierItem host does not say its panel's colour: the guess can be wrong.
    icon = image_of(tray_icon(state, dark_guess), 22)
    shown = on_panel(icon, panel)
    background = QColor(panel)
    drawn = [(x, y) for y in range(22) for x in range(22) if icon.pixelColor(x, y).alpha() > 128]
    standing_out = {(x, y) for x, y in drawn if contrast(shown.pixelColor(x, y), background) >= 3}
    # The rocket's outline at least stands out at 3:1 or more (a dark rocket alone on black: none does).
    assert len(standing_out) >= 60, f"{len(standing_out)} pixels stand out"
    if state != "idle":
        badge = RUNNING_BLUE if state == "running" else FAILED_VERMILLION
        assert count_near(badge_disc(icon), badge) >= 10
        # Blue and vermillion keep at least 2.5:1 from any of these panels (3:1 is not reachable for
        # one colour against both near-black and light grey); the failed disc's rim adds the ink's.
        assert contrast(QColor(badge), background) >= 2.5


def test_the_icon_names_its_installed_symbolic_variant_for_the_panel_theme(qapp, monkeypatch) -> None:
    # Where the package installed rocketwatch-*-symbolic.svg, an SNI host gets its name (IconName).
    monkeypatch.setattr(QIcon, "hasThemeIcon", staticmethod(lambda name: True))
    for state in TRAY_STATES:
        icon = tray_icon(state, False)
        assert icon.name() == SYMBOLIC_NAMES[state]
        assert not image_of(icon, 22).isNull()
    monkeypatch.setattr(QIcon, "hasThemeIcon", staticmethod(lambda name: False))
    assert tray_icon("idle", False).name() == ""  # not installed: pixmaps only, no broken name


def test_the_installed_symbolic_icons_exist_for_every_state() -> None:
    for name in SYMBOLIC_NAMES.values():
        renderer = QSvgRenderer(str(resource_icon_path(f"{name}.svg")))
        assert renderer.isValid(), name


def test_without_a_hint_the_application_palette_decides(qapp) -> None:
    original = qapp.palette()
    try:
        for window, dark in (("#202326", True), ("#eff0f1", False)):
            palette = QPalette(original)
            palette.setColor(QPalette.ColorRole.Window, QColor(window))
            qapp.setPalette(palette)
            assert image_of(tray_icon("idle"), 22) == image_of(tray_icon("idle", dark), 22)
    finally:
        qapp.setPalette(original)


def test_an_unknown_state_is_an_error(qapp) -> None:
    with pytest.raises(ValueError, match="sleeping"):
        tray_icon("sleeping")


def test_the_app_icon_is_full_colour_at_any_size(qapp) -> None:
    icon = app_icon()
    assert not icon.isNull()
    for size in (16, 48, 256):
        assert image_of(icon, size).size() == QSize(size, size)
    pixels = visible_pixels(image_of(icon, 64))
    hues = {colour.hslHue() // 30 for colour in pixels if colour.hslSaturation() > 120}
    assert len(hues) >= 3, "the app icon should be in colour (sky, rocket, flame)"


def test_the_rendered_pngs_exist_and_load() -> None:
    for size in HICOLOR_SIZES:
        path = resource_icon_path(f"hicolor/{size}x{size}/apps/rocketwatch.png")
        image = QImage(str(path))
        assert not image.isNull(), path
        assert image.size() == QSize(size, size)
    notification = QImage(str(resource_icon_path("rocketwatch.png")))
    assert notification.size() == QSize(256, 256)
    assert QImage(str(resource_icon_path("hicolor/256x256/apps/rocketwatch.png"))) == notification


def test_the_desktop_entry_and_metainfo_point_at_the_app_and_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(resource_path("rocketwatch.desktop"), encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Name"] == "RocketWatch" and desktop["Type"] == "Application"
    assert desktop["Exec"] == "rocketwatch"
    assert resource_icon_path(f"hicolor/48x48/apps/{desktop['Icon']}.png").is_file()

    component = ET.parse(resource_path("org.rocketwatch.RocketWatch.metainfo.xml")).getroot()
    assert component.findtext("id") == "org.rocketwatch.RocketWatch"
    assert component.findtext("launchable") == "rocketwatch.desktop"
    releases = component.findall("releases/release")
    assert __version__ in [release.get("version") for release in releases]
