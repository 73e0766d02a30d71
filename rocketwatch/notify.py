"""Notifier backends (plyer, notify-send, the log) behind one interface, tried in order.

Each backend cuts titles and bodies to what its platform accepts and reports where a message went.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, Protocol

from rocketwatch import APP_NAME
from rocketwatch.i18n import _

log = logging.getLogger(__name__)

SubjectKind = Literal["run", "launch", "gallery"]
OPEN_ACTION = "default"  # the freedesktop name of a click on the notification itself
# The buttons of a launch alert (keys reported back by the desktop when one is pressed).
WATCH_ACTION, SNOOZE_ACTION, MUTE_ACTION = "watch", "snooze", "mute"


@dataclass(frozen=True, slots=True)
class Subject:
    """What a notification is about, so that a click can open it: a run, a launch, or the gallery."""

    kind: SubjectKind
    ref: str = ""

    @classmethod
    def run(cls, run_id: int) -> Subject:
        return cls("run", str(run_id))

    @classmethod
    def launch(cls, launch_id: str) -> Subject:
        return cls("launch", launch_id)

    @classmethod
    def gallery(cls) -> Subject:
        return cls("gallery")


@dataclass(frozen=True, slots=True)
class NotificationAction:
    """A button in the notification: `key` comes back when it is pressed, `label` is what it says."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Notification:
    title: str
    body: str
    icon: Path | None = None
    urgent: bool = False
    subject: Subject | None = None  # what a click opens (backends that can report clicks use it)
    actions: tuple[NotificationAction, ...] = ()  # buttons besides the click, where the desktop has them


class NotifyError(RuntimeError):
    """A backend could not deliver; the next backend is tried."""


class Notifier(Protocol):
    name: str

    def send(self, notification: Notification) -> None:
        """Deliver or raise NotifyError."""


def cut(text: str, limit: int) -> str:
    """Text shortened to `limit` characters, with an ellipsis when something was cut."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


class LogNotifier:
    """The last resort: the notification goes to the application log."""

    name = "log"

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or log

    def send(self, notification: Notification) -> None:
        self.logger.info("Notification: %s — %s", notification.title, notification.body)


class NotifySendNotifier:
    """Linux notifications through `notify-send` (what plyer uses without dbus-python).

    plyer's own notify-send path ignores the exit status and the icon, and under Flatpak it builds a
    gdbus command line from the raw text; this backend passes the text as separate arguments and
    checks the result.
    """

    name = "notify-send"
    title_limit, body_limit = 120, 1000

    def __init__(
        self, executable: str | None = None, run: Callable[..., subprocess.CompletedProcess] | None = None
    ) -> None:
        self.executable = shutil.which("notify-send") if executable is None else executable
        self._run = run or subprocess.run

    def send(self, notification: Notification) -> None:
        if not self.executable:
            raise NotifyError(_("notify-send is not installed"))
        args = [
            self.executable,
            "--app-name",
            APP_NAME,
            "--expire-time",
            "10000",
            "--urgency",
            "critical" if notification.urgent else "normal",
        ]
        if notification.icon:
            args += ["--icon", str(notification.icon)]
        # "--" ends the options, so a title starting with "-" is text, not a flag.
        args += ["--", cut(notification.title, self.title_limit), cut(notification.body, self.body_limit)]
        try:
            result = self._run(args, capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NotifyError(_("notify-send failed: {error}").format(error=error)) from error
        if result.returncode != 0:
            reason = (result.stderr or "").strip() or result.returncode
            raise NotifyError(_("notify-send failed: {error}").format(error=reason))


class PlyerNotifier:
    """plyer's native notifications: Windows balloons, macOS, Linux over dbus-python."""

    name = "plyer"
    # Windows' NOTIFYICONDATA holds 64 characters of title and 256 of text; plyer raises beyond.
    limits: ClassVar[dict[str, tuple[int, int]]] = {"win32": (63, 255)}

    def __init__(self, platform: str = sys.platform) -> None:
        self.platform = platform

    def send(self, notification: Notification) -> None:
        title_limit, body_limit = self.limits.get(self.platform, (120, 1000))
        icon = str(notification.icon) if notification.icon else ""
        if self.platform == "win32":
            # plyer's Windows balloon loads only .ico files and swallows the error for anything else.
            icon = windows_icon()
        try:
            from plyer import notification as plyer_notification

            plyer_notification.notify(
                title=cut(notification.title, title_limit),
                message=cut(notification.body, body_limit),
                app_name=APP_NAME,
                app_icon=icon,
                timeout=10,
            )
        except Exception as error:  # plyer raises whatever its backend raises
            raise NotifyError(_("plyer could not notify: {error}").format(error=error)) from error


def windows_icon() -> str:
    """The app's .ico (made by the Windows build) for plyer's balloon, or no icon."""
    from rocketwatch.resources import resource_path

    try:
        icon = resource_path("icons", "rocketwatch.ico")
    except FileNotFoundError:
        return ""
    return str(icon) if icon.is_file() else ""


class ChainNotifier:
    """Tries each backend in order; `send` returns the name of the one that delivered."""

    def __init__(self, backends: Sequence[Notifier]) -> None:
        self.backends = list(backends)

    @property
    def name(self) -> str:
        return " > ".join(backend.name for backend in self.backends)

    def send(self, notification: Notification) -> str:
        for backend in self.backends:
            try:
                backend.send(notification)
            except NotifyError as error:
                log.warning("Notification backend %s failed: %s", backend.name, error)
                continue
            return backend.name
        raise NotifyError(_("no notification backend could deliver"))

    def insert(self, index: int, backend: Notifier) -> None:
        self.backends.insert(index, backend)


def _has_dbus_python() -> bool:
    try:
        import dbus  # noqa: F401
    except ImportError:
        return False
    return True


def desktop_backends(platform: str = sys.platform, env: dict[str, str] | None = None) -> list[Notifier]:
    """The native backends that can work here, best first (may be empty on a headless machine)."""
    env = dict(os.environ) if env is None else env
    if platform == "win32":
        return [PlyerNotifier(platform)]
    if platform == "darwin":
        # plyer's macOS backend needs pyobjus and a signed bundle; Qt's own tray message (the next
        # backend in the chain) uses the native notification centre instead.
        return []
    if not env.get("DBUS_SESSION_BUS_ADDRESS"):
        return []
    backends: list[Notifier] = []
    if _has_dbus_python() and not os.path.isdir("/app"):
        backends.append(PlyerNotifier(platform))
    if shutil.which("notify-send"):
        backends.append(NotifySendNotifier())
    return backends


def default_notifier() -> ChainNotifier:
    """Desktop backends, then the log (the tray app inserts its own tray message before the log)."""
    return ChainNotifier([*desktop_backends(), LogNotifier()])
