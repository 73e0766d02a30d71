"""Tests for rocketwatch.autostart: "Start at login" entries, written to temporary places.

The .desktop Exec line is read back with a parser written here from the Desktop Entry spec.
"""

from __future__ import annotations

import configparser
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from rocketwatch.autostart import (
    MacAutostart,
    WindowsAutostart,
    XdgAutostart,
    autostart_for_platform,
    launch_command,
)

AWKWARD_ARGUMENTS = [
    "/opt/Rocket Watch/bin/python3",
    "-m",
    "rocketwatch",
    "--home",
    '/home/ann/My "launch" $HOME `log` back\\slash 100% ~ #1 (a|b) & c; d * e? <f>',
    "",
    "tab\tand 'single' quotes",
    "~/no-spaces;$HOME|it's*(here)",
    "Überwachung/ракета/ロケット",
]


# --- a reader for the Exec key, from the Desktop Entry spec --------------------------------------

EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def unescape_string_value(value: str) -> str:
    """Undo the escapes of a string value: \\s \\n \\t \\r \\\\ (done before unquoting)."""
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            escaped = next(chars)
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[escaped])
        else:
            out.append(char)
    return "".join(out)


def split_exec(value: str) -> list[str]:
    """Split an Exec value into arguments, refusing anything the spec does not allow."""
    arguments: list[str] = []
    current: list[str] | None = None
    quoted = False
    chars = iter(unescape_string_value(value))
    for char in chars:
        if quoted:
            if char == '"':
                quoted = False
            elif char == "\\":
                escaped = next(chars)
                assert escaped in '"`$\\', f"\\{escaped} is not a valid escape inside quotes"
                current.append(escaped)
            else:
                current.append(char)
        elif char == " ":
            if current is not None:
                arguments.append("".join(current))
            current = None
        elif char == '"':
            assert current is None, "a quote must enclose a whole argument"
            current, quoted = [], True
        else:
            assert char not in EXEC_RESERVED, f"reserved {char!r} outside quotes"
            current = (current or []) + [char]
    assert not quoted, "unterminated quote"
    if current is not None:
        arguments.append("".join(current))
    return [expand_field_codes(argument) for argument in arguments]


def expand_field_codes(argument: str) -> str:
    out, chars = [], iter(argument)
    for char in chars:
        if char == "%":
            code = next(chars)
            assert code == "%", f"unexpected field code %{code}"
        out.append(char)
    return "".join(out)


def read_desktop_file(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


# --- XDG -----------------------------------------------------------------------------------------


def test_xdg_enable_and_disable(tmp_path: Path) -> None:
    autostart = XdgAutostart(config_home=tmp_path)
    assert not autostart.is_enabled()
    autostart.enable(["/usr/bin/rocketwatch"])
    assert autostart.is_enabled()
    assert autostart.location() == str(tmp_path / "autostart" / "rocketwatch.desktop")
    assert [p.name for p in (tmp_path / "autostart").iterdir()] == ["rocketwatch.desktop"]
    autostart.disable()
    assert not autostart.is_enabled()
    assert not (tmp_path / "autostart" / "rocketwatch.desktop").exists()
    autostart.disable()  # already off: nothing to do


def test_desktop_file_has_the_keys_desktops_read(tmp_path: Path) -> None:
    autostart = XdgAutostart(config_home=tmp_path)
    autostart.enable(["/usr/bin/rocketwatch"])
    entry = read_desktop_file(Path(autostart.location()))
    assert entry == {
        "Type": "Application",
        "Name": "RocketWatch",
        "Comment": entry["Comment"],
        "Exec": "/usr/bin/rocketwatch",
        "Icon": "rocketwatch",
        "Terminal": "false",
        "Categories": "Utility;",
        "X-GNOME-Autostart-enabled": "true",
        "X-GNOME-Autostart-Delay": "10",
        "X-KDE-autostart-after": "panel",
        "X-LXQt-Need-Tray": "true",
    }
    assert entry["Comment"]


def test_desktop_exec_round_trips_awkward_paths(tmp_path: Path) -> None:
    autostart = XdgAutostart(config_home=tmp_path)
    autostart.enable(AWKWARD_ARGUMENTS)
    exec_value = read_desktop_file(Path(autostart.location()))["Exec"]
    assert split_exec(exec_value) == AWKWARD_ARGUMENTS
    assert exec_value.startswith('"/opt/Rocket Watch/bin/python3" -m rocketwatch --home "')


def test_desktop_exec_starts_rocketwatch(tmp_path: Path) -> None:
    home = tmp_path / "a home with spaces"
    autostart = XdgAutostart(config_home=tmp_path)
    autostart.enable(launch_command(home))
    command = split_exec(read_desktop_file(Path(autostart.location()))["Exec"])
    assert command == [sys.executable, "-m", "rocketwatch", "--home", str(home)]
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "RocketWatch" in done.stdout


def test_enable_replaces_an_older_entry(tmp_path: Path) -> None:
    autostart = XdgAutostart(config_home=tmp_path)
    autostart.enable(["/old/rocketwatch"])
    autostart.enable(["/new/rocketwatch"])
    assert read_desktop_file(Path(autostart.location()))["Exec"] == "/new/rocketwatch"


@pytest.mark.parametrize("switched_off", ["Hidden=true", "X-GNOME-Autostart-enabled=false", "Hidden = True"])
def test_an_entry_switched_off_by_the_desktop_is_not_enabled(tmp_path: Path, switched_off: str) -> None:
    path = tmp_path / "autostart" / "rocketwatch.desktop"
    path.parent.mkdir()
    path.write_text(f"[Desktop Entry]\nType=Application\nExec=rocketwatch\n{switched_off}\n")
    assert not XdgAutostart(config_home=tmp_path).is_enabled()


def test_hidden_in_another_group_does_not_count(tmp_path: Path) -> None:
    path = tmp_path / "autostart" / "rocketwatch.desktop"
    path.parent.mkdir()
    path.write_text("[Desktop Entry]\nExec=rocketwatch\n\n[Desktop Action x]\nHidden=true\n")
    assert XdgAutostart(config_home=tmp_path).is_enabled()


def test_config_home_follows_xdg_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    expected = tmp_path / "config" / "autostart" / "rocketwatch.desktop"
    assert XdgAutostart().location() == str(expected)


@pytest.mark.parametrize("value", ["", "relative/config"])
def test_config_home_ignores_unset_or_relative_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", value)
    expected = tmp_path / ".config" / "autostart" / "rocketwatch.desktop"
    assert XdgAutostart().location() == str(expected)


# --- Windows -------------------------------------------------------------------------------------


class FakeRunKey:
    """The Run key as a dict."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_enable_and_disable() -> None:
    registry = FakeRunKey()
    registry.set("SomethingElse", "C:\\other.exe")
    autostart = WindowsAutostart(registry)
    assert not autostart.is_enabled()
    autostart.enable(["C:\\RocketWatch\\RocketWatch.exe"])
    assert autostart.is_enabled()
    assert registry.values["RocketWatch"] == "C:\\RocketWatch\\RocketWatch.exe"
    autostart.disable()
    assert not autostart.is_enabled()
    assert registry.values == {"SomethingElse": "C:\\other.exe"}
    autostart.disable()
    assert autostart.location().endswith("\\CurrentVersion\\Run\\RocketWatch")


def test_windows_command_line_quotes_paths_with_spaces() -> None:
    registry = FakeRunKey()
    command = ["C:\\Program Files\\RocketWatch\\RocketWatch.exe", "--home", "D:\\Ann Lee\\rw"]
    WindowsAutostart(registry).enable(command)
    assert registry.values["RocketWatch"] == (
        '"C:\\Program Files\\RocketWatch\\RocketWatch.exe" --home "D:\\Ann Lee\\rw"'
    )


# --- macOS ---------------------------------------------------------------------------------------


def test_mac_enable_and_disable(tmp_path: Path) -> None:
    autostart = MacAutostart(launch_agents_dir=tmp_path / "LaunchAgents")
    assert not autostart.is_enabled()
    command = ["/Applications/Rocket Watch.app/Contents/MacOS/RocketWatch", "--home", "/tmp/x"]
    autostart.enable(command)
    assert autostart.is_enabled()
    path = tmp_path / "LaunchAgents" / "org.rocketwatch.RocketWatch.plist"
    assert autostart.location() == str(path)
    assert plistlib.loads(path.read_bytes()) == {
        "Label": "org.rocketwatch.RocketWatch",
        "ProgramArguments": command,
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    autostart.disable()
    assert not autostart.is_enabled()
    assert not path.exists()


def test_mac_broken_agent_is_not_enabled(tmp_path: Path) -> None:
    (tmp_path / "org.rocketwatch.RocketWatch.plist").write_text("<plist><dict><key>")
    assert not MacAutostart(launch_agents_dir=tmp_path).is_enabled()


# --- choosing and launching ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "kind"),
    [
        ("linux", XdgAutostart),
        ("freebsd14", XdgAutostart),
        ("darwin", MacAutostart),
        ("win32", WindowsAutostart),
    ],
)
def test_autostart_for_platform(platform: str, kind: type) -> None:
    assert isinstance(autostart_for_platform(platform), kind)


def test_launch_command_from_source(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert launch_command() == [sys.executable, "-m", "rocketwatch"]
    with_home = [sys.executable, "-m", "rocketwatch", "--home", str(tmp_path)]
    assert launch_command(tmp_path) == with_home


def test_launch_command_of_a_frozen_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/RocketWatch/RocketWatch")
    assert launch_command() == ["/opt/RocketWatch/RocketWatch"]


def test_launch_command_makes_a_relative_home_absolute(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # At login the app starts in another folder, so "--home data" would point elsewhere.
    monkeypatch.chdir(tmp_path)
    assert launch_command(Path("data"))[-2:] == ["--home", str(tmp_path / "data")]
