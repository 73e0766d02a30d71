"""Settings: the TOML file the user owns, its defaults and validation, and where files live.

Missing keys take defaults; an invalid value is a ConfigError naming the key and the file.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
import tomlkit
from tomlkit.exceptions import TOMLKitError

from rocketwatch import APP_ID, APP_NAME
from rocketwatch.fileio import write_atomic

DEFAULT_API_URL = "https://ll.thespacedevs.com/2.3.0"
DEV_API_URL = "https://lldev.thespacedevs.com/2.3.0"
SOURCE_MODES = ("detailed", "normal")


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    api_url: str = DEFAULT_API_URL
    limit: int = 100  # launches per page (LL2's maximum)
    token: str = ""
    max_rate_limit_wait: float = 900.0
    mode: str = "detailed"  # "detailed": webcasts, landings, patches, updates; "normal" for slow links
    pages: int = 1  # pages to follow per run; each is one request within the hourly budget


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    every: str = "@daily"
    catch_up: bool = True
    paused: bool = False


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    retries: int = 3
    retry_delay: float = 30.0
    max_retry_delay: float = 600.0
    timeout: float = 30.0
    image_concurrency: int = 8
    max_image_bytes: int = 20_000_000


@dataclass(frozen=True, slots=True)
class NotificationsConfig:
    run_summary: bool = True
    failure_alerts: bool = True


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    """Launch alerts: reminders before the NET, slips, status changes, webcasts; what to watch."""

    reminders: tuple[str, ...] = ("24h", "1h", "10m")  # how long before the NET
    slip_threshold: str = "1h"  # a NET that moves at least this much is an alert
    status_changes: bool = True
    webcast: bool = False
    quiet_hours: str = ""  # "22:00-07:00" local time: alerts then are kept, not shown
    watch_providers: tuple[str, ...] = ()  # all empty: watch every launch; any match counts
    watch_locations: tuple[str, ...] = ()
    watch_terms: tuple[str, ...] = ()
    api_budget: int = 10  # LL2 requests per hour that refreshes before a reminder may use
    landings: bool = True  # a booster landing's outcome becomes known
    updates: bool = False  # a new LL2 update within 48 h of the NET


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    """How much history and how many pictures are kept: older runs and unused pictures go by themselves."""

    keep_runs_days: int = 90  # runs (with their tries, logs and saved pages) and notifications kept
    picture_cache_mb: int = 500  # pictures and thumbnails; least recently used go first beyond this


@dataclass(frozen=True, slots=True)
class Config:
    source: SourceConfig = SourceConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    pipeline: PipelineConfig = PipelineConfig()
    notifications: NotificationsConfig = NotificationsConfig()
    alerts: AlertsConfig = AlertsConfig()
    retention: RetentionConfig = RetentionConfig()


SECTIONS: dict[str, type] = {
    "source": SourceConfig,
    "schedule": ScheduleConfig,
    "pipeline": PipelineConfig,
    "notifications": NotificationsConfig,
    "alerts": AlertsConfig,
    "retention": RetentionConfig,
}


def _check_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http or https URL"
    return None


def _range(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not low <= value <= high:
            return f"must be between {low:g} and {high:g}"
        return None

    return check


def _check_leads(value: tuple[str, ...]) -> str | None:
    from rocketwatch.schedule import ScheduleError, parse_duration

    if len(value) > 10:
        return "can hold at most 10 reminders"
    for text in value:
        try:
            if parse_duration(text) > timedelta(days=30):
                return f"'{text}': a reminder can come at most 30 days before the launch"
        except ScheduleError as error:
            return f"has {error}"
    return None


def _check_duration(value: str) -> str | None:
    from rocketwatch.schedule import ScheduleError, parse_duration

    try:
        parse_duration(value)
    except ScheduleError as error:
        return f"must be a length of time like 1h or 30m: {error}"
    return None


def _check_quiet_hours(value: str) -> str | None:
    from rocketwatch.alerts import parse_quiet_hours

    try:
        parse_quiet_hours(value)
    except ValueError as error:
        return str(error)
    return None


# Extra checks beyond the type, per "section.key".
CHECKS: dict[str, Callable[[Any], str | None]] = {
    "source.api_url": _check_url,
    "source.limit": _range(1, 100),
    "source.max_rate_limit_wait": _range(0, 86_400),
    "source.mode": lambda value: None if value in SOURCE_MODES else 'must be "detailed" or "normal"',
    "source.pages": _range(1, 20),
    "pipeline.retries": _range(0, 20),
    "pipeline.retry_delay": _range(0, 86_400),
    "pipeline.max_retry_delay": _range(0, 86_400),
    "pipeline.timeout": _range(0.1, 600),
    "pipeline.image_concurrency": _range(1, 64),
    "pipeline.max_image_bytes": _range(1_000, 1_000_000_000),
    "alerts.reminders": _check_leads,
    "alerts.slip_threshold": _check_duration,
    "alerts.quiet_hours": _check_quiet_hours,
    "alerts.api_budget": _range(0, 1_000),
    "retention.keep_runs_days": _range(1, 36_500),
    "retention.picture_cache_mb": _range(1, 1_000_000),
}


def _coerce(value: Any, default: Any) -> Any:
    """Return value as the type of default, or raise TypeError with a description of what was expected."""
    if isinstance(default, tuple):
        if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            return tuple(item.strip() for item in value if item.strip())
        raise TypeError('must be a list of texts in quotes, like ["a", "b"]')
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise TypeError("must be true or false")
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise TypeError("must be a whole number")
    if isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        raise TypeError("must be a number of seconds")
    if isinstance(value, str):
        return value.strip()
    raise TypeError("must be text in quotes")


def config_from_mapping(data: Mapping[str, Any], source: str = "config.toml") -> Config:
    """Build a Config from parsed TOML, validating every known key; unknown keys are ignored."""
    sections: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"{source}: [{name}] must be a table of settings")
        default = cls()
        values: dict[str, Any] = {}
        for field in fields(cls):
            if field.name not in table:
                continue
            key = f"{name}.{field.name}"
            try:
                value = _coerce(table[field.name], getattr(default, field.name))
            except TypeError as error:
                raise ConfigError(f"{source}: {key} {error} (found {table[field.name]!r})") from None
            problem = CHECKS.get(key, lambda _v: None)(value)
            if problem:
                raise ConfigError(f"{source}: {key} {problem} (found {value!r})")
            values[field.name] = value
        sections[name] = replace(default, **values)
    config = Config(**sections)
    _check_schedule(config, source)
    return config


def _check_schedule(config: Config, source: str) -> None:
    from rocketwatch.schedule import ScheduleError, parse_every


    try:
        parse_every(config.schedule.every)
    except ScheduleError as error:
        raise ConfigError(f"{source}: schedule.every: {error}") from None


def load_config(path: Path) -> Config:
    """Read the config file; a missing file means all defaults."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        data = tomlkit.parse(text).unwrap()
    except TOMLKitError as error:
        raise ConfigError(f"{path}: is not valid TOML ({error})") from None
    return config_from_mapping(data, str(path))


def save_config(path: Path, config: Config) -> None:
    """Write the config back, keeping the user's comments and key order; atomically, user-only."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, TOMLKitError):
        document = tomlkit.document()
        document.add(tomlkit.comment(f"{APP_NAME} settings. Missing keys take their defaults."))
    for name in SECTIONS:
        section = getattr(config, name)
        table = document.get(name)
        if not isinstance(table, Mapping):
            table = tomlkit.table()
            document[name] = table
        for field in fields(section):
            value = getattr(section, field.name)
            if isinstance(value, tuple):
                value = list(value)
            if table.get(field.name) != value:
                table[field.name] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file may hold an API token: only the user may read it.
    write_atomic(path, tomlkit.dumps(document).encode("utf-8"), mode=0o600)


@dataclass(frozen=True, slots=True)
class Paths:
    """Every place RocketWatch reads or writes; all under one folder when a home is given."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "rocketwatch.sqlite3"

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def images_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def thumbnails_dir(self) -> Path:
        return self.data_dir / "thumbnails"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "rocketwatch.log"

    def run_dir(self, run_id: int) -> Path:
        return self.runs_dir / str(run_id)

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)


def paths_for(home: Path | None) -> Paths:
    """Paths under `home` when given (tests, benchmarks, --demo), else the platform's own folders."""
    if home is not None:
        home = home.expanduser().resolve()
        return Paths(home, home, home / "cache", home / "logs")
    return Paths(
        Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
        Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
    )


def home_from_env(cli_home: str | None) -> Path | None:
    """The --home option, else ROCKETWATCH_HOME, else None (platform folders)."""
    value = cli_home or os.environ.get("ROCKETWATCH_HOME") or None
    return Path(value) if value else None
