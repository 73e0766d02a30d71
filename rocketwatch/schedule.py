"""Parsing of the user's ``[schedule] every`` setting into APScheduler triggers.

Presets (@daily), classic 5-field cron lines and intervals (30m, 1h30m) become Schedule values.
"""

from __future__ import annotations

import logging
import os
import re
import zoneinfo
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from math import ceil
from typing import Literal

import tzlocal
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

ScheduleKind = Literal["preset", "cron", "interval"]

# Airflow's presets and the cron line each stands for.
PRESETS: dict[str, str] = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}

MIN_INTERVAL = timedelta(minutes=1)
MAX_INTERVAL = timedelta(days=366)
MISSED_CAP = 1000  # missed_since() stops counting here
LOOKAHEAD = timedelta(weeks=5)  # how far max_runs_per_hour() looks for clock changes
MAX_EXPRESSION_LENGTH = 200

_HOUR = timedelta(hours=1)
_TICK = timedelta(microseconds=1)
_USAGE = "write a preset like @daily, a cron line like '0 6 * * *' or an interval like 30m"


class ScheduleError(ValueError):
    """The ``every`` setting cannot be understood; the message says what is wrong in words."""


def _problem(expr: str, problem: str) -> ScheduleError:
    return ScheduleError(f"'{expr}': {problem}")


# --- cron fields -----------------------------------------------------------------------------

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# APScheduler 3.x numbers weekdays from Monday; we only ever hand it these names.
_APSCHEDULER_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True)
class _Field:
    """One of the five fields of a cron line: its allowed numbers and names."""

    name: str
    low: int
    high: int
    rule: str
    names: dict[str, int]

    @property
    def everything(self) -> frozenset[int]:
        return frozenset(range(self.low, self.high + 1))


_MINUTE = _Field("minute", 0, 59, "minute must be 0-59", {})
_HOUR_FIELD = _Field("hour", 0, 23, "hour must be 0-23", {})
_DAY = _Field("day of month", 1, 31, "day of month must be 1-31", {})
_MONTH = _Field(
    "month", 1, 12, "month must be 1-12 or jan-dec", {n: i for i, n in enumerate(_MONTH_NAMES, 1)}
)
_WEEKDAY = _Field(
    "day of week",
    0,
    7,
    "day of week must be 0-7 (0 and 7 are Sunday)",
    {n: i for i, n in enumerate(_WEEKDAY_NAMES)},
)
_FIELDS = (_MINUTE, _HOUR_FIELD, _DAY, _MONTH, _WEEKDAY)
_ALL_WEEKDAYS = frozenset(range(7))

_ITEM = re.compile(
    r"""(?: (?P<star>\*) | (?P<first>[0-9a-z]+) (?:-(?P<last>[0-9a-z]+))? )  # *, 5, 1-5, mon-fri
        (?:/(?P<step>[0-9]+))?  # /15""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class _CronLine:
    """A parsed cron line: the set of values each field allows, cron's numbering (0 = Sunday)."""

    text: str
    minutes: tuple[int, ...]  # sorted
    hours: tuple[int, ...]  # sorted
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    days_restricted: bool  # classic cron: a field is restricted unless it starts with "*"
    weekdays_restricted: bool
    fixed_time: bool  # neither minute nor hour starts with "*" (cron runs these once on fall-back)

    @property
    def either_day_matches(self) -> bool:
        """Cron's rule: with both day fields restricted, a day matching either one fires."""
        return self.days_restricted and self.weekdays_restricted


def _parse_value(token: str, field: _Field, expr: str) -> int:
    if _NUMBER.fullmatch(token):
        value = int(token)
    elif token in field.names:
        value = field.names[token]
    else:
        raise _problem(expr, f"'{token}' is not a {field.name}; {field.rule}")
    if not field.low <= value <= field.high:
        raise _problem(expr, field.rule)
    return value


def _parse_item(item: str, field: _Field, expr: str) -> set[int]:
    """One comma-separated item: *, 5, 1-5, mon-fri, */15, 0-30/5 or 5/15 (5 to the end)."""
    match = _ITEM.fullmatch(item)
    if match is None:
        raise _problem(expr, f"'{item}' is not a valid {field.name}; {field.rule}")
    first, last, step = match["first"], match["last"], match["step"]
    if match["star"]:
        low, high = field.low, field.high
    else:
        low = _parse_value(first, field, expr)
        high = _parse_value(last, field, expr) if last else (field.high if step else low)
    if field is _WEEKDAY and high == 0 and low > 0:
        high = 7  # "fri-sun" means Friday through Sunday
    if high < low:
        raise _problem(expr, f"the {field.name} range {first}-{last} goes backwards")
    stride = int(step) if step else 1
    if stride < 1:
        raise _problem(expr, f"the {field.name} step must be 1 or more")
    return set(range(low, high + 1, stride))


def _parse_field(text: str, field: _Field, expr: str) -> frozenset[int]:
    values: set[int] = set()
    for item in text.lower().split(","):
        if not item:
            raise _problem(expr, f"the {field.name} field has an empty item")
        values |= _parse_item(item, field, expr)
    if field is _WEEKDAY:
        values = {value % 7 for value in values}  # 7 is Sunday too
    return frozenset(values)


def _can_fire(days: frozenset[int], months: frozenset[int]) -> bool:
    return any(day <= _DAYS_IN_MONTH[month - 1] for day in days for month in months)


@lru_cache(maxsize=64)
def _parse_cron_line(expr: str) -> _CronLine:
    texts = expr.split()
    if len(texts) != 5:
        raise _problem(
            expr,
            f"a cron line has 5 fields (minute hour day-of-month month day-of-week), "
            f"this one has {len(texts)}; seconds and years are not supported",
        )
    minutes, hours, days, months, weekdays = (
        _parse_field(text, field, expr) for text, field in zip(texts, _FIELDS, strict=True)
    )
    line = _CronLine(
        text=" ".join(texts),
        minutes=tuple(sorted(minutes)),
        hours=tuple(sorted(hours)),
        days=days,
        months=months,
        weekdays=weekdays,
        days_restricted=not texts[2].startswith("*"),
        weekdays_restricted=not texts[4].startswith("*"),
        fixed_time=not texts[0].startswith("*") and not texts[1].startswith("*"),
    )
    if not line.either_day_matches and not _can_fire(days, months):
        raise _problem(expr, "never runs: none of the chosen months has that day of the month")
    return line


# --- intervals -------------------------------------------------------------------------------

_INTERVAL = re.compile(r"\s*(?:[0-9]+\s*[a-z]+\s*)+", re.IGNORECASE)
_INTERVAL_PART = re.compile(r"([0-9]+)\s*([a-z]+)", re.IGNORECASE)
_UNITS: dict[str, str] = {
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "m"),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "s"),
}
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_UNIT_WORDS = (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def _parse_interval(expr: str) -> timedelta:
    seen: set[str] = set()
    seconds = 0
    for number, word in _INTERVAL_PART.findall(expr):
        unit = _UNITS.get(word.lower())
        if unit is None:
            raise _problem(expr, f"'{word}' is not a unit; use w, d, h, m or s (30m, 6h, 1h30m)")
        if unit in seen:
            raise _problem(expr, f"the unit '{word}' appears twice")
        seen.add(unit)
        seconds += int(number) * _UNIT_SECONDS[unit]
    if seconds < MIN_INTERVAL.total_seconds():
        raise _problem(expr, "an interval must be at least 1 minute")
    if seconds > MAX_INTERVAL.total_seconds():
        raise _problem(expr, "an interval must be at most 366 days")
    return timedelta(seconds=seconds)


def parse_duration(text: str) -> timedelta:
    """A length of time written like an interval (10m, 1h, 1h30m, 2d), between 1 minute and 366 days."""
    expr = " ".join(text.split())
    if not _INTERVAL.fullmatch(expr):
        raise _problem(expr, "not a length of time; write it like 10m, 1h, 1h30m or 1d")
    return _parse_interval(expr)


# --- parsing ---------------------------------------------------------------------------------


def parse_every(expr: str) -> Schedule:
    """Read the ``every`` setting: a preset, a 5-field cron line or an interval."""
    text = " ".join(expr.split())
    if not text:
        raise _problem(text, f"the schedule is empty; {_USAGE}")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise _problem(text[:40] + "...", "the schedule is too long")
    if text.startswith("@"):
        return _parse_preset(text)
    if _INTERVAL.fullmatch(text):
        return Schedule(expr=text, kind="interval", interval=_parse_interval(text))
    if len(text.split()) in (5, 6, 7):
        return Schedule(expr=text, kind="cron", cron=_parse_cron_line(text).text)
    raise _problem(text, f"not a schedule; {_USAGE}")


def _parse_preset(text: str) -> Schedule:
    cron = PRESETS.get(text.lower())
    if cron is None:
        raise _problem(text, "unknown preset; use one of " + ", ".join(PRESETS))
    return Schedule(expr=text, kind="preset", cron=cron)


def local_tz() -> tzinfo:
    """The user's time zone: the one $TZ names if set, else the system's setting (tzlocal)."""
    value = os.environ.get("TZ")
    if not value:
        return tzlocal.get_localzone()
    try:
        return _zone_from_tz_variable(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        log.warning("TZ=%r names no time zone; using UTC, as the C library does", value)
        return UTC


def _zone_from_tz_variable(value: str) -> tzinfo:
    """$TZ read afresh each time (tzlocal reads it once and caches): a name or a zone file."""
    name = value.removeprefix(":")
    if os.path.isabs(name):
        with open(name, "rb") as zone_file:
            return zoneinfo.ZoneInfo.from_file(zone_file, key=name.rpartition("zoneinfo/")[2])
    return zoneinfo.ZoneInfo(name)


# --- the schedule ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed ``every`` setting. ``cron`` is the cron line a preset or cron schedule means."""

    expr: str
    kind: ScheduleKind
    interval: timedelta | None = None
    cron: str | None = None

    def trigger(self, tz: tzinfo, anchor: datetime | None = None) -> BaseTrigger:
        """An APScheduler trigger object; for intervals, ``anchor`` is the start (e.g. last run)."""
        if self.interval is not None:
            return IntervalTrigger(
                seconds=int(self.interval.total_seconds()),
                start_date=_aware(anchor, "anchor") if anchor else None,
                timezone=tz,
            )
        return CronLineTrigger(_parse_cron_line(self._cron_text()), tz)

    def describe(self) -> str:
        """The schedule in words, 24-hour clock: "At 06:00, only on Sunday", "Every 30 minutes"."""
        if self.interval is not None:
            return _describe_interval(self.interval)
        return _describe_cron(_parse_cron_line(self._cron_text()))

    def next_fire_times(
        self, count: int, after: datetime, tz: tzinfo, anchor: datetime | None = None
    ) -> list[datetime]:
        """The next ``count`` fire times strictly after ``after``, in ``tz``.

        Intervals count from ``anchor``, or from ``after`` when there is none.
        """
        after = _aware(after, "after")
        trigger = self.trigger(tz, anchor or after)
        times: list[datetime] = []
        for fire in _fire_times(trigger, after, tz):
            if len(times) >= count:
                break
            times.append(fire.astimezone(tz))
        return times

    def missed_since(
        self, last: datetime, now: datetime, tz: tzinfo, anchor: datetime | None = None
    ) -> int:
        """How many fire times fell in (last, now], at most MISSED_CAP.

        Intervals count from ``anchor``, or from ``last`` when there is none.
        """
        last, now = _aware(last, "last"), _aware(now, "now").astimezone(UTC)
        missed = 0
        for fire in _fire_times(self.trigger(tz, anchor or last), last, tz):
            if fire > now or missed >= MISSED_CAP:
                break
            missed += 1
        return missed

    def max_runs_per_hour(self, tz: tzinfo, now: datetime | None = None) -> float:
        """The most runs any 60 minutes can hold, looking a few weeks ahead (clock changes too)."""
        if self.interval is not None:
            return float(ceil(_HOUR / self.interval))
        now = _aware(now, "now") if now else datetime.now(tz)
        trigger = self.trigger(tz)
        starts = [_top_of_next_hour(now, tz)]
        starts += [change - 3 * _HOUR for change in _offset_changes(now, now + LOOKAHEAD, tz)]
        return float(max(_busiest_hour(trigger, start, tz) for start in starts))

    def _cron_text(self) -> str:
        if self.cron is None:
            raise ValueError(f"schedule {self.expr!r} has neither an interval nor a cron line")
        return self.cron


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")
    return moment


def _just_after(moment: datetime, tz: tzinfo) -> datetime:
    """One microsecond later, counted in real time (not on the wall clock)."""
    return (moment.astimezone(UTC) + _TICK).astimezone(tz)


def _fire_times(trigger: BaseTrigger, after: datetime, tz: tzinfo) -> Iterator[datetime]:
    """The trigger's fire times strictly after ``after``, in UTC.

    UTC because Python compares and subtracts two datetimes of the same zone on the wall clock,
    which is wrong across a clock change.
    """
    moment = after
    while True:
        fire = trigger.get_next_fire_time(None, _just_after(moment, tz))
        if fire is None:
            return
        moment = fire.astimezone(UTC)
        yield moment


# --- cron lines as triggers ------------------------------------------------------------------
#
# APScheduler 3.x's CronTrigger skips a day after clocks go forward (a 00:00 job computed on
# spring-forward day next fires two days later; agronholm/apscheduler#606, #529) and runs fixed
# times twice when clocks go back. So cron lines are matched here, on the wall clock, and only
# then turned into instants, with these rules:
# - a wall time that does not exist (clocks went forward) runs as if the clock had not jumped
#   yet: 02:30 on a day 02:00 becomes 03:00 runs at 03:30 new time, one hour "late", never
#   skipped (java.time and zoneinfo's fold=0 do the same);
# - a wall time that happens twice (clocks went back) runs at the first pass only, unless the
#   minute or hour field starts with "*" (as in classic cron): then at both, so "every hour" and
#   "every 15 minutes" keep going in real time.

_SEARCH_DAYS = 366 * 30  # a Feb 29 that must also be a given weekday can be 28 years away
_MINUTE_LENGTH = timedelta(minutes=1)
_MAX_CLOCK_CHANGE = timedelta(hours=3)  # the largest DST shift in use is 2 hours (Antarctica/Troll)


def _day_matches(line: _CronLine, day: date) -> bool:
    if day.month not in line.months:
        return False
    by_day = day.day in line.days
    by_weekday = day.isoweekday() % 7 in line.weekdays  # cron: 0 = Sunday
    return by_day or by_weekday if line.either_day_matches else by_day and by_weekday


def _instants(wall: datetime, tz: tzinfo, both_passes: bool) -> list[datetime]:
    """The UTC instants a naive wall-clock time stands for, by the rules above."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    # PEP 495: fold=0 takes the offset in force before a change, so for a repeated time
    # first < second, and for a time in a gap first > second (the clock "had not jumped").
    if first < second and both_passes:
        return [first, second]
    return [first]


def _regular_offset(top: datetime, tz: tzinfo) -> timedelta | None:
    """The UTC offset of the wall-clock hour starting at ``top``, if it is the same all hour."""
    last = top + timedelta(minutes=59)
    offsets = {
        moment.replace(tzinfo=tz, fold=fold).utcoffset()
        for moment in (top, last)
        for fold in (0, 1)
    }
    return offsets.pop() if len(offsets) == 1 else None


def _first_fire_in_changing_hour(
    line: _CronLine, top: datetime, tz: tzinfo, earliest: datetime
) -> datetime | None:
    candidates = [
        instant
        for minute in line.minutes
        for instant in _instants(top.replace(minute=minute), tz, not line.fixed_time)
        if instant >= earliest
    ]
    return min(candidates, default=None)


def _first_fire_in_regular_hour(
    line: _CronLine, top: datetime, offset: timedelta, earliest: datetime
) -> datetime | None:
    start = (top - offset).replace(tzinfo=UTC)
    wait = earliest - start
    first_minute = 0 if wait <= timedelta(0) else -(-wait // _MINUTE_LENGTH)  # rounded up
    index = bisect_left(line.minutes, first_minute)
    if index == len(line.minutes):
        return None
    return start + line.minutes[index] * _MINUTE_LENGTH


def _first_fire_on(
    line: _CronLine, day: date, tz: tzinfo, earliest: datetime, first_hour: int
) -> datetime | None:
    best: datetime | None = None
    for hour in line.hours[bisect_left(line.hours, first_hour) :]:
        top = datetime.combine(day, time(hour))
        offset = _regular_offset(top, tz)
        if offset is None:
            fire = _first_fire_in_changing_hour(line, top, tz, earliest)
        else:
            fire = _first_fire_in_regular_hour(line, top, offset, earliest)
        if fire is not None and (best is None or fire < best):
            best = fire
        if best is not None and offset is not None:
            break  # every later hour is later still; only a clock change reorders times
    return best


def _day_start(day: date, tz: tzinfo) -> datetime:
    """The earliest instant whose wall-clock date is ``day``."""
    midnight = datetime.combine(day, time(0))
    return min(midnight.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))


def _next_fire(line: _CronLine, tz: tzinfo, earliest: datetime) -> datetime | None:
    """The first fire time at or after ``earliest``, in UTC (None if none within 30 years)."""
    earliest = earliest.astimezone(UTC)
    # No clock change moves a time further than this, so earlier wall times cannot be due.
    look_from = earliest.astimezone(tz).replace(tzinfo=None) - _MAX_CLOCK_CHANGE
    day, first_hour = look_from.date(), look_from.hour
    best: datetime | None = None
    for _ in range(_SEARCH_DAYS):
        if best is not None and best < _day_start(day, tz):
            break
        if _day_matches(line, day):
            fire = _first_fire_on(line, day, tz, earliest, first_hour)
            if fire is not None and (best is None or fire < best):
                best = fire
        day, first_hour = day + timedelta(days=1), 0
    return best


class CronLineTrigger(BaseTrigger):
    """An APScheduler trigger for one cron line in one time zone, correct across clock changes."""

    __slots__ = ("line", "timezone")

    def __init__(self, line: _CronLine, tz: tzinfo) -> None:
        self.line = line
        self.timezone = tz

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        earliest = now
        if previous_fire_time is not None:  # like CronTrigger: the fire after the previous one
            earliest = min(now, _just_after(previous_fire_time, self.timezone))
        fire = _next_fire(self.line, self.timezone, earliest)
        return fire.astimezone(self.timezone) if fire is not None else None

    def __str__(self) -> str:
        return f"cron[{self.line.text}]"

    def __repr__(self) -> str:
        return f"<CronLineTrigger {self.line.text!r} timezone={self.timezone}>"


# --- describing ------------------------------------------------------------------------------


def _cron_words(cron: str) -> str:
    from cron_descriptor import ExpressionDescriptor, Options  # loaded when a schedule is first described

    options = Options()
    options.use_24hour_time_format = True
    options.day_of_week_start_index_zero = True
    options.locale_code = "en_US"
    try:
        return ExpressionDescriptor(cron, options).get_description()
    except Exception:  # a describer, not a validator: never let it break a label
        log.warning("cron-descriptor could not describe %r", cron, exc_info=True)
        return f"On cron schedule {cron}"


def _weekdays_for_words(weekdays: frozenset[int]) -> str:
    """Monday-first numbers with Sunday as 7, so that {6, 0} reads "Saturday through Sunday"."""
    runs: list[list[int]] = []
    for day in sorted(day or 7 for day in weekdays):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def _join_words(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


def _describe_cron(line: _CronLine) -> str:
    minute, hour, day, month, _ = line.text.split()
    if not line.days_restricted and line.days == _DAY.everything:
        day = "*"
    weekday = "*"
    if line.weekdays_restricted or line.weekdays != _ALL_WEEKDAYS:
        weekday = _weekdays_for_words(line.weekdays)
    if day != "*" and weekday != "*" and not line.either_day_matches:
        # "*/2" counts as unrestricted in cron's either-day rule, so both days must match;
        # cron-descriptor would say "or", so name the weekdays ourselves.
        days = sorted(line.weekdays, key=lambda d: d or 7)
        only_on = _join_words([_WEEKDAY_WORDS[d] for d in days])
        return f"{_cron_words(f'{minute} {hour} {day} {month} *')}, and only on {only_on}"
    return _cron_words(f"{minute} {hour} {day} {month} {weekday}")


def _describe_interval(interval: timedelta) -> str:
    seconds = int(interval.total_seconds())
    parts: list[tuple[int, str]] = []
    for word, size in _UNIT_WORDS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append((count, word))
    if len(parts) == 1 and parts[0][0] == 1:
        return f"Every {parts[0][1]}"
    return "Every " + _join_words([f"{n} {word}{'s' if n != 1 else ''}" for n, word in parts])


# --- how busy a schedule can get -------------------------------------------------------------


def _top_of_next_hour(now: datetime, tz: tzinfo) -> datetime:
    local = now.astimezone(tz)
    top = local.replace(minute=0, second=0, microsecond=0)
    return top.astimezone(UTC) + _HOUR


def _offset_changes(start: datetime, end: datetime, tz: tzinfo) -> list[datetime]:
    """Roughly when (to the hour, in UTC) the zone's UTC offset changes between start and end."""
    changes: list[datetime] = []
    moment = start.astimezone(UTC)
    offset = moment.astimezone(tz).utcoffset()
    while moment < end:
        moment += _HOUR
        new_offset = moment.astimezone(tz).utcoffset()
        if new_offset != offset:
            changes.append(moment)
            offset = new_offset
    return changes


def _busiest_hour(trigger: BaseTrigger, start: datetime, tz: tzinfo) -> int:
    """Most fire times in any 60 minutes among the first fire at or after ``start`` and the
    fires in the six hours after it."""
    times: list[datetime] = []
    for fire in _fire_times(trigger, start - _TICK, tz):
        if times and fire >= times[0] + 6 * _HOUR:
            break
        times.append(fire)
    busiest, first = 0, 0
    for last, fire in enumerate(times):
        while fire - times[first] >= _HOUR:
            first += 1
        busiest = max(busiest, last - first + 1)
    return busiest
