"""Settings: the TOML file the user owns, its defaults and validation (where files live: paths.py).

Missing keys take defaults; an invalid value is a ConfigError naming the file, the line and the key; an
unknown key is a warning that names the closest known one.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rocketwatch import APP_NAME
from rocketwatch.fileio import write_atomic
from rocketwatch.i18n import SETTINGS as LANGUAGE_SETTINGS
from rocketwatch.i18n import _

if TYPE_CHECKING:
    from tomlkit.toml_document import TOMLDocument

# Settings are read with tomllib (in the standard library, a few milliseconds to load) and written back with
# tomlkit, which keeps the user's comments and key order but takes 10 to 30 ms to import: the tray app reads
# its settings before its icon shows and writes them only from Settings. tomlkit also words the error of a
# file that is not TOML, so it is loaded for that too.

DEFAULT_API_URL = "https://ll.thespacedevs.com/2.3.0"
DEV_API_URL = "https://lldev.thespacedevs.com/2.3.0"
SOURCE_MODES = ("detailed", "normal")
DEFAULT_EVERY = "@daily"
LANGUAGES = LANGUAGE_SETTINGS  # [general] language: "system" (the desktop's), or a language whatever it is


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file, the line (when known) and the problem."""

    def __init__(
        self, message: str, *, path: Path | None = None, line: int | None = None, problem: str = ""
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.problem = problem or message


@dataclass(frozen=True, slots=True)
class GeneralConfig:
    language: str = "system"  # "system": the desktop's language; or "en", "ko"


@dataclass(frozen=True, slots=True)
class SourceConfig:
    api_url: str = DEFAULT_API_URL
    limit: int = 100  # launches per page (LL2's maximum)
    token: str = ""
    max_rate_limit_wait: float = 900.0
    mode: str = "detailed"  # "detailed": webcasts, landings, patches, updates; "normal" for slow links
    pages: int = 1  # pages to follow per run; each is one request within the hourly budget
    events: bool = False  # also LL2's upcoming events (dockings, spacewalks...): one more request a run


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    every: str = DEFAULT_EVERY
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
    event_types: tuple[str, ...] = ()  # reminders for these LL2 event types ("Spacewalk", "Docking")


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    """How much history and how many pictures are kept: older runs and unused pictures go by themselves."""

    keep_runs_days: int = 90  # runs (with their tries, logs and saved pages) and notifications kept
    picture_cache_mb: int = 500  # pictures and thumbnails; least recently used go first beyond this


@dataclass(frozen=True, slots=True)
class Config:
    general: GeneralConfig = GeneralConfig()
    source: SourceConfig = SourceConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    pipeline: PipelineConfig = PipelineConfig()
    notifications: NotificationsConfig = NotificationsConfig()
    alerts: AlertsConfig = AlertsConfig()
    retention: RetentionConfig = RetentionConfig()


SECTIONS: dict[str, type] = {
    "general": GeneralConfig,
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
        return _("must be an http or https URL")
    return None


def _range(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not low <= value <= high:
            return _("must be between {low} and {high}").format(low=f"{low:g}", high=f"{high:g}")
        return None

    return check


def _check_leads(value: tuple[str, ...]) -> str | None:
    from rocketwatch.schedule import ScheduleError, parse_duration

    if len(value) > 10:
        return _("can hold at most {count} reminders").format(count=10)
    for text in value:
        try:
            if parse_duration(text) > timedelta(days=30):
                return _("'{text}': a reminder can come at most 30 days before the launch").format(text=text)
        except ScheduleError as error:
            return _("has {error}").format(error=error)
    return None


def _check_duration(value: str) -> str | None:
    from rocketwatch.schedule import ScheduleError, parse_duration

    try:
        parse_duration(value)
    except ScheduleError as error:
        return _("must be a length of time like 1h or 30m: {error}").format(error=error)
    return None


def _check_quiet_hours(value: str) -> str | None:
    from rocketwatch.schedule import ScheduleError, parse_quiet_hours

    try:
        parse_quiet_hours(value)
    except ScheduleError as error:
        return str(error)
    return None


# Extra checks beyond the type, per "section.key".
CHECKS: dict[str, Callable[[Any], str | None]] = {
    "general.language": lambda value: (
        None if value in LANGUAGES else _('must be "system" (the desktop\'s language), "en" or "ko"')
    ),
    "source.api_url": _check_url,
    "source.limit": _range(1, 100),
    "source.max_rate_limit_wait": _range(0, 86_400),
    "source.mode": lambda value: None if value in SOURCE_MODES else _('must be "detailed" or "normal"'),
    "source.token": lambda value: (
        None
        if all("!" <= char <= "~" for char in value)
        else _("must be the token LL2 gave you, without spaces or other characters")
    ),
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
        raise TypeError(_('must be a list of texts in quotes, like ["a", "b"]'))
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise TypeError(_("must be true or false"))
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise TypeError(_("must be a whole number"))
    if isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        raise TypeError(_("must be a number of seconds"))
    if isinstance(value, str):
        return value.strip()
    raise TypeError(_("must be text in quotes"))


def config_from_mapping(
    data: Mapping[str, Any], source: str = "config.toml", *, text: str = "", path: Path | None = None
) -> Config:
    """Build a Config from parsed TOML, validating every known key; unknown keys are ignored here (see
    unknown_keys()). With the file's `text`, an error names the line of the key."""
    sections: dict[str, Any] = {}

    def error(key: str, problem: str) -> ConfigError:
        section, _dot, name = key.partition(".")
        line = _line_of(text, section, name) if text else None
        where = _place(source, line)
        return ConfigError(f"{where}: {problem}", path=path, line=line, problem=problem)

    for name, cls in SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, Mapping):
            raise error(name, _("[{section}] must be a table of settings").format(section=name))
        default = cls()
        values: dict[str, Any] = {}
        for field in fields(cls):
            if field.name not in table:
                continue
            key = f"{name}.{field.name}"
            try:
                value = _coerce(table[field.name], getattr(default, field.name))
            except TypeError as wrong_type:
                found = repr(table[field.name])
                raise error(
                    key, _("{key} {problem} (found {value})").format(key=key, problem=wrong_type, value=found)
                ) from None
            problem = CHECKS.get(key, lambda _v: None)(value)
            if problem:
                raise error(
                    key,
                    _("{key} {problem} (found {value})").format(key=key, problem=problem, value=repr(value)),
                )
            values[field.name] = value
        sections[name] = replace(default, **values)
    config = Config(**sections)
    try:
        _check_schedule(config)
    except ValueError as problem:
        raise error("schedule.every", f"schedule.every: {problem}") from None
    return config


def _place(source: str, line: int | None) -> str:
    """'config.toml, line 4' (the file alone when the line is not known)."""
    return _("{file}, line {line}").format(file=source, line=line) if line else source


def _line_of(text: str, section: str, key: str) -> int | None:
    """The 1-based line of `key` in `[section]` (or of the section itself when key is empty)."""
    current = ""
    header = re.compile(r"^\s*\[\s*([^\]\s]+)\s*\]")
    assignment = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        found = header.match(line)
        if found:
            current = found.group(1)
            if current == section and not key:
                return number
            continue
        found = assignment.match(line)
        if found:
            name = found.group(1).strip("\"'")
            if (current == section and name == key) or (not current and name == section):
                return number
    return None


def _repeated_key_line(text: str, message: str) -> int | None:
    """The line of a key given twice (tomlkit names the key but not the line when it is inside a table)."""
    found = re.match(r'Key "(.+)" already exists', message)
    if not found:
        return None
    pattern = re.compile(rf"^\s*[\"']?{re.escape(found.group(1))}[\"']?\s*=")
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]
    return lines[1] if len(lines) > 1 else None


def unknown_keys(data: Mapping[str, Any], source: str = "config.toml", text: str = "") -> list[str]:
    """One warning per key or section the settings do not know, naming the closest known one."""
    warnings: list[str] = []

    def where(section: str, key: str) -> str:
        line = _line_of(text, section, key) if text else None
        return _place(source, line)

    for name, table in data.items():
        if name not in SECTIONS:
            close = _closest(name, list(SECTIONS))
            words = (
                _("{where}: unknown section [{section}], ignored; did you mean [{close}]?")
                if close
                else _("{where}: unknown section [{section}], ignored; the sections are {sections}")
            )
            warnings.append(
                words.format(where=where(name, ""), section=name, close=close, sections=", ".join(SECTIONS))
            )
            continue
        if not isinstance(table, Mapping):
            continue
        known = [field.name for field in fields(SECTIONS[name])]
        for key in (key for key in table if key not in known):
            close = _closest(key, known)
            words = (
                _("{where}: unknown key {key}, ignored; did you mean {close}?")
                if close
                else _("{where}: unknown key {key}, ignored")
            )
            warnings.append(
                words.format(where=where(name, key), key=f"{name}.{key}", close=f"{name}.{close}")
            )
    return warnings


def _closest(word: str, known: list[str]) -> str:
    """The known name closest to a misspelt one, or '' when none is close."""
    from difflib import get_close_matches  # only a file with an unknown key needs it

    close = get_close_matches(word, known, n=1)
    return close[0] if close else ""


def _check_schedule(config: Config) -> None:
    """Raise ValueError (a ScheduleError) when schedule.every cannot be understood. The default is known
    good (a test parses it), so reading settings that keep it loads no schedule parser (3 ms of the
    time before the tray icon)."""
    if config.schedule.every == DEFAULT_EVERY:
        return
    from rocketwatch.schedule import parse_every

    parse_every(config.schedule.every)


def read_config(path: Path) -> tuple[Config, list[str]]:
    """Read the config file: the settings and a warning per unknown key. A missing file means all defaults.

    Raises ConfigError naming the file, the line and the problem for a file that cannot be used: not
    readable, not UTF-8, not TOML, a value of the wrong type or out of range.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(), []
    except OSError as error:
        problem = _("cannot be read ({reason})").format(reason=error.strerror)
        raise ConfigError(f"{path}: {problem}", path=path, problem=problem) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problem = _("is not UTF-8 text (byte {byte} cannot be read); save it as UTF-8").format(
            byte=f"0x{raw[error.start]:02x}"
        )
        raise ConfigError(
            f"{_place(str(path), line)}: {problem}", path=path, line=line, problem=problem
        ) from None
    data = _parse_toml(text, path)
    config = config_from_mapping(data, str(path), text=text, path=path)
    return config, unknown_keys(data, str(path), text)


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pass  # tomlkit says where and what, in the words the user has seen
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(text).unwrap()
    except TOMLKitError as error:
        toml_line: int | None = getattr(error, "line", None) or _repeated_key_line(text, str(error))
        reason = re.sub(r" at line \d+ col \d+$", "", str(error))
        problem = _("is not valid TOML: {reason}").format(reason=reason)
        where = _place(str(path), toml_line)
        raise ConfigError(f"{where}: {problem}", path=path, line=toml_line, problem=problem) from None


def load_config(path: Path) -> Config:
    """Read the config file (see read_config); unknown keys are logged as warnings."""
    config, warnings = read_config(path)
    for warning in warnings:
        logging.getLogger(__name__).warning("%s", warning)
    return config


def set_aside(path: Path) -> Path:
    """Rename a config file that cannot be used to `config.toml.broken-<time>` beside it; never deleted."""
    from datetime import datetime

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{number}")
    path.rename(target)
    return target


def save_config(path: Path, config: Config, base: Config | None = None) -> None:
    """Write the config back, keeping the user's comments and key order; atomically, user-only. With
    `base` (the settings as read before the user changed some), only what differs from it is written:
    a key the user edited in the file meanwhile keeps their edit."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    document: TOMLDocument
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, TOMLKitError):
        document = tomlkit.document()
        document.add(tomlkit.comment(f"{APP_NAME} settings. Missing keys take their defaults."))
    for name, cls in SECTIONS.items():
        section, default = getattr(config, name), cls()
        before = getattr(base, name) if base is not None else None
        table: Any = document.get(name)  # a tomlkit table (or a stray value the user wrote)
        for field in fields(section):
            value = getattr(section, field.name)
            if before is not None and getattr(before, field.name) == value:
                continue  # not changed here: the file's own value (maybe edited by hand meanwhile) stays
            present = isinstance(table, Mapping) and field.name in table
            if not present and value == getattr(default, field.name):
                continue  # a default the user never wrote stays unwritten: the file holds their choices
            if isinstance(value, tuple):
                value = list(value)
            if not isinstance(table, Mapping):
                table = tomlkit.table()
                document[name] = table
            if table.get(field.name) != value:
                table[field.name] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file may hold an API token: only the user may read it.
    write_atomic(path, tomlkit.dumps(document).encode("utf-8"), mode=0o600)
