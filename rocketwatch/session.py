"""One RocketWatch session: the home and its paths, the settings as saved, this invocation's one-time
overrides (--api-url, --demo and its local stand-in), and the store and runner built from them.

Built once by the command line and used by the headless commands and the tray app alike. The settings
in force are always the saved ones with the overrides laid on top, so an override is never written back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from rocketwatch import APP_ID, i18n
from rocketwatch.config import CHECKS, Config, ConfigError, read_config
from rocketwatch.i18n import N_, _
from rocketwatch.paths import Paths, home_from_env, paths_for

if TYPE_CHECKING:
    import sqlite3

    from rocketwatch.pipeline import RunEvent, Runner
    from rocketwatch.standin import StandIn
    from rocketwatch.store import Store

DEMO_PORT = 47_474  # a fixed port keeps the demo's picture URLs (and so the picture cache) stable


@dataclass(frozen=True, slots=True)
class Overrides:
    """Settings for this invocation only; never saved. `api_url` is set by --api-url or by the demo."""

    api_url: str | None = None
    origin: str = ""  # "--api-url" or "--demo": where the override came from, in the user's words

    def apply(self, config: Config) -> Config:
        """The saved settings with these overrides on top: the settings in force."""
        if self.api_url is None:
            return config
        return replace(config, source=replace(config.source, api_url=self.api_url))

    def note(self, saved: Config) -> str:
        """What Settings says about them: '' when this session uses the saved settings."""
        if self.api_url is None or self.api_url == saved.source.api_url:
            return ""
        return _(
            "This session uses {address} (from {origin}); your saved setting is {saved}, used again at "
            "the next start without {origin}."
        ).format(address=self.api_url, origin=self.origin, saved=saved.source.api_url)


def api_url_override(url: str) -> str:
    """A --api-url value, checked; ConfigError when it is not an http(s) URL (an empty one included)."""
    problem = CHECKS["source.api_url"](url.strip())
    if problem:
        raise ConfigError(_("--api-url {problem} (found {value})").format(problem=problem, value=repr(url)))
    return url.strip().rstrip("/")


@dataclass
class Session:
    """What a command works with. `saved_config` is the file's settings; `config` the ones in force."""

    home: Path | None
    paths: Paths
    saved_config: Config
    overrides: Overrides = Overrides()
    demo: bool = False
    config_warnings: list[str] = field(default_factory=list)  # unknown keys in the config file
    standin: StandIn | None = None

    @classmethod
    def from_options(cls, home: str | None, api_url: str | None, demo: bool) -> Session:
        """The session for these command-line options, with the settings not read yet (see load())."""
        where = home_from_env(home)
        if demo and where is None:
            where = Path(platformdirs.user_data_dir(APP_ID, appauthor=False)) / "demo"
        i18n.setup()  # the desktop's language until the settings say otherwise (see load())
        overrides = Overrides(api_url_override(api_url), "--api-url") if api_url is not None else Overrides()
        return cls(where, paths_for(where), Config(), overrides, demo)

    @property
    def config(self) -> Config:
        """The settings in force: the saved ones with this session's overrides on top."""
        return self.overrides.apply(self.saved_config)

    def load(self) -> None:
        """Read the config file; ConfigError when it cannot be used (see config.read_config)."""
        self.saved_config, self.config_warnings = read_config(self.paths.config_file)
        i18n.setup(self.saved_config.general.language)

    def start_demo(self) -> None:
        """With --demo, serve the bundled launches on 127.0.0.1 and point this session at them (once)."""
        if not self.demo or self.standin is not None:
            return
        from rocketwatch.standin import StandIn

        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        # A new demo home first sees some launches as they were before (a NET 12 h earlier, a landing not
        # yet known), so its next run, in this process or the next, records a slip and a landing.
        history = not self.paths.database.exists()
        try:
            self.standin = StandIn.demo(now=now, port=DEMO_PORT, history=history).start()
        except OSError:
            self.standin = StandIn.demo(now=now, history=history).start()
        self.overrides = Overrides(self.standin.api_url, "--demo")

    def stop_demo(self) -> None:
        if self.standin is not None:
            self.standin.stop()
            self.standin = None

    def open_store(self) -> Store:
        from rocketwatch.store import Store

        return Store.open(self.paths)

    def make_runner(
        self,
        store: Store,
        *,
        on_event: Callable[[RunEvent], None] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> Runner:
        """A runner on the settings in force, notifying through the desktop (the log when there is none)."""
        from rocketwatch.notify import default_notifier
        from rocketwatch.pipeline import Runner

        return Runner(self.paths, self.config, store, default_notifier(), on_event=on_event, now=now)

    def identity(self) -> dict[str, str | bool | None]:
        """How this session was started, for a second start to compare with (see ui.single_instance)."""
        return {
            "demo": self.demo,
            "api_url": self.overrides.api_url if self.overrides.origin == "--api-url" else None,
        }


def storage_words(error: OSError | sqlite3.Error, paths: Paths, command: str | None) -> str:
    """One line for a data folder, file or database that cannot be used, with advice fitting the command
    (None: the tray app)."""
    import sqlite3  # loaded by whatever raised the error; not at start-up

    from rocketwatch.fileio import disk_full_words, is_disk_full

    folder = paths.data_dir
    if is_disk_full(error):
        return disk_full_words(in_run=command in ("run", "retry"))
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        reason = _("the database was busy for too long (another RocketWatch may be using it)")
        advice = _("try again in a moment")
    elif isinstance(error, OSError):
        what = error.filename or folder
        reason = _("cannot read or write {file} ({reason})").format(
            file=what, reason=(error.strerror or str(error)).lower()
        )
        advice = _(
            "check the permissions of that folder, or keep RocketWatch's files elsewhere with --home DIR"
        )
    else:
        reason = _("cannot use the database {file} ({error})").format(file=paths.database, error=error)
        advice = _(
            "check the permissions of that folder, or keep RocketWatch's files elsewhere with --home DIR"
        )
    after = {
        "run": N_("nothing was run"),
        "retry": N_("the run was not retried"),
        None: N_("RocketWatch cannot start"),
    }.get(command)
    if after:
        return _("{reason}; {outcome}; {advice}").format(reason=reason, outcome=_(after), advice=advice)
    return _("{reason}; {advice}").format(reason=reason, advice=advice)
