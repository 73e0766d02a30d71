"""Whether this process can show windows: a desktop session (X11 or Wayland) that answers, found before Qt
is asked, because Qt aborts the whole process (exit 134) when its platform cannot connect. No Qt here.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rocketwatch.i18n import _

HEADLESS_WORDS = "rocketwatch run, history, retry, launches, reminders, schedule, export-ics"


def desktop_problem(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str:
    """Why no window can be shown here ('' when a desktop session is reachable), found before Qt is asked:
    Qt aborts the process (exit 134) when its platform cannot connect."""
    if platform in ("win32", "darwin"):
        return ""
    wanted = environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    if wanted and wanted not in ("xcb", "wayland", "wayland-egl"):
        return ""  # offscreen, vnc, eglfs…: a platform that needs no desktop session
    wayland, display = environ.get("WAYLAND_DISPLAY", ""), environ.get("DISPLAY", "")
    if wanted != "xcb" and wayland and _wayland_reachable(wayland, environ):
        return ""
    if not wanted.startswith("wayland") and display and _x_display_reachable(display):
        return ""
    if not wayland and not display:
        reason = _("neither DISPLAY nor WAYLAND_DISPLAY is set")
    else:
        unreachable = [
            f"{name}={value}" for name, value in (("WAYLAND_DISPLAY", wayland), ("DISPLAY", display)) if value
        ]
        if len(unreachable) == 2:
            reason = _("{first} and {second} cannot be reached").format(
                first=unreachable[0], second=unreachable[1]
            )
        else:
            reason = _("{setting} cannot be reached").format(setting=unreachable[0])
    return _("no desktop session found ({reason}); the headless commands still work: {commands}").format(
        reason=reason, commands=HEADLESS_WORDS
    )


def _wayland_reachable(name: str, environ: Mapping[str, str]) -> bool:
    path = Path(name) if os.path.isabs(name) else Path(environ.get("XDG_RUNTIME_DIR", "/nonexistent")) / name
    return _connects(socket.AF_UNIX, str(path))


def _x_display_reachable(display: str) -> bool:
    """Whether an X server answers at DISPLAY (`:0`, `:1.0`, `host:10.0`, a socket path on macOS)."""
    host, _colon, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return True  # a form we do not know: let Qt decide
    if host.startswith("/"):
        return _connects(socket.AF_UNIX, display)
    if host and host != "unix":
        return _connects(socket.AF_INET, (host, 6000 + int(number)))
    path = f"/tmp/.X11-unix/X{number}"
    return _connects(socket.AF_UNIX, path) or (
        sys.platform.startswith("linux") and _connects(socket.AF_UNIX, "\0" + path)
    )


def _connects(family: int, address: Any) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            probe.connect(address)
        return True
    except (OSError, ValueError):
        return False
