"""Start at login: the per-user autostart entry on Linux/BSD (XDG), Windows (Run key) and macOS.

Each writer takes its location as an argument, so tests point it at a temporary folder or a fake.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol
from xml.parsers.expat import ExpatError

from rocketwatch.fileio import write_atomic

APP_NAME = "RocketWatch"
DESKTOP_FILE_NAME = "rocketwatch.desktop"
LAUNCH_AGENT_LABEL = "org.rocketwatch.RocketWatch"
RUN_KEY_PATH = r"Software\Microsoft\Windows\CurrentVersion\Run"


class Autostart(Protocol):
    """Turns "start RocketWatch when I log in" on and off."""

    def is_enabled(self) -> bool: ...

    def enable(self, command: Sequence[str]) -> None: ...

    def disable(self) -> None: ...

    def location(self) -> str:
        """Where the entry lives, to show the user."""
        ...


def launch_command(home: Path | None = None) -> list[str]:
    """The command that starts this RocketWatch again: the frozen app, or ``python -m``."""
    command = [sys.executable]
    if not getattr(sys, "frozen", False):  # a PyInstaller app is its own executable
        command += ["-m", "rocketwatch"]
    if home is not None:
        command += ["--home", str(Path(home).absolute())]  # login starts us in another folder
    return command


def autostart_for_platform(platform: str = sys.platform) -> Autostart:
    """The autostart writer for a platform, as ``sys.platform`` names it."""
    if platform == "win32":
        return WindowsAutostart()
    if platform == "darwin":
        return MacAutostart()
    return XdgAutostart()


# --- Linux and other XDG desktops -------------------------------------------------------------

# Characters that make the Desktop Entry spec require quoting an Exec argument.
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_EXEC_ESCAPED_IN_QUOTES = frozenset('"`$\\')
_STRING_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote_exec_argument(argument: str) -> str:
    """One argument as the Exec key wants it: quoted if needed, and % written as %%."""
    if argument and not _EXEC_RESERVED.intersection(argument):
        quoted = argument
    else:
        inner = "".join(f"\\{c}" if c in _EXEC_ESCAPED_IN_QUOTES else c for c in argument)
        quoted = f'"{inner}"'
    return quoted.replace("%", "%%")


def exec_value(command: Sequence[str]) -> str:
    """The Exec value for a command, escaped as a string value (the spec undoes that first)."""
    line = " ".join(quote_exec_argument(argument) for argument in command)
    return "".join(_STRING_ESCAPES.get(c, c) for c in line)


def desktop_entry(command: Sequence[str]) -> str:
    """The autostart .desktop file for a command."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP_NAME}",
        "Comment=Upcoming rocket launches from Launch Library 2, in your tray",
        f"Exec={exec_value(command)}",
        "Icon=rocketwatch",
        "Terminal=false",
        "Categories=Utility;",
        "X-GNOME-Autostart-enabled=true",
        "X-GNOME-Autostart-Delay=10",
        "X-KDE-autostart-after=panel",
        "X-LXQt-Need-Tray=true",
    ]
    return "\n".join(lines) + "\n"


def _desktop_entry_keys(text: str) -> dict[str, str]:
    """The keys of the [Desktop Entry] group, read leniently (the user may have edited it)."""
    keys: dict[str, str] = {}
    in_entry = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line.startswith("["):
            in_entry = line == "[Desktop Entry]"
        elif in_entry and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), value.strip())
    return keys


def xdg_config_home() -> Path:
    """$XDG_CONFIG_HOME if it is set to an absolute path (as the spec asks), else ~/.config."""
    value = os.environ.get("XDG_CONFIG_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".config"


class XdgAutostart:
    """``<config home>/autostart/rocketwatch.desktop``, per the XDG Autostart spec."""

    def __init__(self, config_home: Path | None = None) -> None:
        home = config_home if config_home is not None else xdg_config_home()
        self.path = home / "autostart" / DESKTOP_FILE_NAME

    def is_enabled(self) -> bool:
        try:
            keys = _desktop_entry_keys(self.path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return False
        hidden = keys.get("Hidden", "false").lower() == "true"
        gnome_off = keys.get("X-GNOME-Autostart-enabled", "true").lower() == "false"
        return not hidden and not gnome_off

    def enable(self, command: Sequence[str]) -> None:
        write_atomic(self.path, desktop_entry(command).encode("utf-8"))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def location(self) -> str:
        return str(self.path)


# --- Windows ----------------------------------------------------------------------------------


class RunKey(Protocol):
    """The string values under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class WinregRunKey:
    """The real Run key, through winreg (which exists only on Windows: imported when used)."""

    def get(self, name: str) -> str | None:
        if sys.platform != "win32":  # also tells the type checker which platform's winreg this is
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY_PATH) as key:
                value, _kind = winreg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        if sys.platform != "win32":  # also tells the type checker which platform's winreg this is
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        access = winreg.KEY_SET_VALUE
        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY_PATH, 0, access) as key:
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)

    def delete(self, name: str) -> None:
        if sys.platform != "win32":  # also tells the type checker which platform's winreg this is
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        access = winreg.KEY_SET_VALUE
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY_PATH, 0, access) as key:
                winreg.DeleteValue(key, name)
        except FileNotFoundError:
            pass


class WindowsAutostart:
    """The value "RocketWatch" under the current user's Run key, holding the command line."""

    def __init__(self, registry: RunKey | None = None) -> None:
        self.registry: RunKey = registry if registry is not None else WinregRunKey()

    def is_enabled(self) -> bool:
        return bool(self.registry.get(APP_NAME))

    def enable(self, command: Sequence[str]) -> None:
        self.registry.set(APP_NAME, subprocess.list2cmdline(command))

    def disable(self) -> None:
        self.registry.delete(APP_NAME)

    def location(self) -> str:
        return f"HKEY_CURRENT_USER\\{RUN_KEY_PATH}\\{APP_NAME}"


# --- macOS ------------------------------------------------------------------------------------


def launch_agent(command: Sequence[str]) -> bytes:
    """The LaunchAgent property list that starts a command when the user logs in."""
    agent = {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    return plistlib.dumps(agent, fmt=plistlib.FMT_XML)


class MacAutostart:
    """``~/Library/LaunchAgents/org.rocketwatch.RocketWatch.plist``; launchd reads it at login."""

    def __init__(self, launch_agents_dir: Path | None = None) -> None:
        folder = launch_agents_dir or Path.home() / "Library" / "LaunchAgents"
        self.path = folder / f"{LAUNCH_AGENT_LABEL}.plist"

    def is_enabled(self) -> bool:
        try:
            agent = plistlib.loads(self.path.read_bytes())
        except (OSError, ValueError, ExpatError):  # missing, or not a plist launchd would load
            return False
        return isinstance(agent, dict) and agent.get("Disabled") is not True

    def enable(self, command: Sequence[str]) -> None:
        write_atomic(self.path, launch_agent(command))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def location(self) -> str:
        return str(self.path)
