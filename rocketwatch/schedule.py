"""Parsing of the user's ``[schedule] every`` setting into APScheduler triggers.

Presets (@daily), classic 5-field cron lines and intervals (30m, 1h30m) become Schedule values.
"""

from __future__ import annotations

import io
import itertools
import logging
import os
import re
import struct
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from math import ceil
from typing import TYPE_CHECKING, Literal

from rocketwatch.cron import (
    ALL_WEEKDAYS,
    DAY_OF_MONTH,
    WEEKDAY_WORDS,
    CronLine,
    ScheduleError,
    just_after,
    parse_cron_line,
    problem,
)
from rocketwatch.i18n import N_, PSEUDO, _, current_language, ngettext, pgettext
from rocketwatch.timefmt import MONTHS, WEEKDAYS

__all__ = [
    "MISSED_CAP",
    "PRESETS",
    "Schedule",
    "ScheduleError",
    "local_tz",
    "parse_duration",
    "parse_every",
    "parse_quiet_hours",
]

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger

# APScheduler (and the asyncio it loads) is imported only where a trigger is made: reading and checking the
# setting, as the tray app does before its icon shows, needs neither.

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
_USAGE = N_("write a preset like @daily, a cron line like '0 6 * * *' or an interval like 30m")


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
_UNIT_SIZES = (604800, 86400, 3600, 60, 1)  # the units an interval is described in, largest first


def _parse_interval(expr: str) -> timedelta:
    seen: set[str] = set()
    seconds = 0
    for number, word in _INTERVAL_PART.findall(expr):
        unit = _UNITS.get(word.lower())
        if unit is None:
            raise problem(
                expr, _("'{word}' is not a unit; use w, d, h, m or s (30m, 6h, 1h30m)").format(word=word)
            )
        if unit in seen:
            raise problem(expr, _("the unit '{word}' appears twice").format(word=word))
        seen.add(unit)
        seconds += int(number) * _UNIT_SECONDS[unit]
    if seconds < MIN_INTERVAL.total_seconds():
        raise problem(expr, _("an interval must be at least 1 minute"))
    if seconds > MAX_INTERVAL.total_seconds():
        raise problem(expr, _("an interval must be at most 366 days"))
    return timedelta(seconds=seconds)


def parse_duration(text: str) -> timedelta:
    """A length of time written like an interval (10m, 1h, 1h30m, 2d), between 1 minute and 366 days."""
    expr = " ".join(text.split())
    if not _INTERVAL.fullmatch(expr):
        raise problem(expr, _("not a length of time; write it like 10m, 1h, 1h30m or 1d"))
    return _parse_interval(expr)


_QUIET_HOURS = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
QUIET_HOURS_USAGE = N_("must be like 22:00-07:00 (local time), or empty for none")  # shown with _()


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """'22:00-07:00' -> (22:00, 07:00) in local time; '' -> None (no quiet hours). A ScheduleError, like a
    duration's, says what is wrong."""
    if not text.strip():
        return None
    match = _QUIET_HOURS.fullmatch(text)
    if not match:
        raise ScheduleError(_(QUIET_HOURS_USAGE))
    hour1, minute1, hour2, minute2 = (int(part) for part in match.groups())
    if max(hour1, hour2) > 23 or max(minute1, minute2) > 59:
        raise ScheduleError(
            _("must be like 22:00-07:00 (local time), or empty for none: hours go to 23, minutes to 59")
        )
    start, end = time(hour1, minute1), time(hour2, minute2)
    if start == end:
        raise ScheduleError(
            _("must be like 22:00-07:00 (local time), or empty for none: the start and the end are the same")
        )
    return start, end


# --- parsing ---------------------------------------------------------------------------------


def parse_every(expr: str) -> Schedule:
    """Read the ``every`` setting: a preset, a 5-field cron line or an interval."""
    text = " ".join(expr.split())
    if not text:
        raise problem(text, _("the schedule is empty; {usage}").format(usage=_(_USAGE)))
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise problem(text[:40] + "...", _("the schedule is too long"))
    if text.startswith("@"):
        return _parse_preset(text)
    if _INTERVAL.fullmatch(text):
        return Schedule(expr=text, kind="interval", interval=_parse_interval(text))
    if len(text.split()) in (5, 6, 7):
        return Schedule(expr=text, kind="cron", cron=parse_cron_line(text).text)
    raise problem(text, _("not a schedule; {usage}").format(usage=_(_USAGE)))


def _parse_preset(text: str) -> Schedule:
    cron = PRESETS.get(text.lower())
    if cron is None:
        raise problem(text, _("unknown preset; use one of {presets}").format(presets=", ".join(PRESETS)))
    return Schedule(expr=text, kind="preset", cron=cron)


def local_tz() -> tzinfo:
    """The user's time zone as the C library reads $TZ: unset, the system's setting (tzlocal); empty,
    UTC; a zone name or file ("Europe/Paris", ":/etc/localtime"); else a POSIX rule ("<+0530>-5:30",
    "CET-1CEST,M3.5.0,M10.5.0/3"). What none of these reads is UTC, with a warning."""
    import zoneinfo  # with tzlocal, 3 ms to load: checking a schedule setting needs neither

    value = os.environ.get("TZ")
    if value is None:
        import tzlocal

        return tzlocal.get_localzone()
    if not value:
        return UTC
    try:
        return _zone_from_tz_variable(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    try:  # like glibc: a name that is no zone file may be a POSIX rule
        return posix_zone(value.removeprefix(":"))
    except ValueError:
        pass
    log.warning("TZ=%r names no time zone; using UTC, as the C library does", value)
    return UTC


def _zone_from_tz_variable(value: str) -> tzinfo:
    """$TZ read afresh each time (tzlocal reads it once and caches): a name or a zone file."""
    import zoneinfo

    name = value.removeprefix(":")
    if os.path.isabs(name):
        with open(name, "rb") as zone_file:
            return zoneinfo.ZoneInfo.from_file(zone_file, key=name.rpartition("zoneinfo/")[2])
    return zoneinfo.ZoneInfo(name)


_POSIX_NAME = r"(?:<[+\-0-9A-Za-z]{3,}>|[A-Za-z]{3,})"
_POSIX_OFFSET = r"[+-]?[0-9]{1,2}(?::[0-9]{1,2}(?::[0-9]{1,2})?)?"
_POSIX_DATE = rf"(?:J[0-9]{{1,3}}|[0-9]{{1,3}}|M[0-9]{{1,2}}\.[1-5]\.[0-6])(?:/{_POSIX_OFFSET})?"
_POSIX_STANDARD = re.compile(_POSIX_NAME + _POSIX_OFFSET)
_POSIX_SUMMER = re.compile(rf"{_POSIX_NAME}(?:{_POSIX_OFFSET})?(?:,{_POSIX_DATE},{_POSIX_DATE})?")
# glibc's rule for a zone that names summer time but not when (as "EST5EDT" once did): US rules.
_DEFAULT_SUMMER_RULES = ",M3.2.0,M11.1.0"


def posix_zone(rule: str) -> tzinfo:
    """A POSIX TZ rule ("<+0530>-5:30", "EST5EDT,M3.2.0,M11.1.0") as a zone, read by the standard
    library's own reader of such rules: the footer of a zone file (RFC 8536) that has no transitions.
    Like glibc, summer time named without dates follows the US dates, and what cannot be read after
    the standard time is left out. Raises ValueError when not even the standard time can be read."""
    standard = _POSIX_STANDARD.match(rule)
    if standard is None:
        raise ValueError(f"not a POSIX TZ rule: {rule!r}")
    footer = standard[0]
    summer = _POSIX_SUMMER.fullmatch(rule, standard.end())
    if summer is not None:
        footer = rule if "," in summer[0] else rule + _DEFAULT_SUMMER_RULES
    import zoneinfo

    return zoneinfo.ZoneInfo.from_file(io.BytesIO(_zone_file_bytes(footer)), key=rule)


def _zone_file_bytes(rule: str) -> bytes:
    """A version 2 zone file with one local time type, no transitions, and ``rule`` as its footer."""
    counts = struct.pack(">6l", 0, 0, 0, 0, 1, 1)  # UT/local and std/wall indicators, leaps, transitions,
    block = struct.pack(">lBB", 0, 0, 0) + b"\0"  # types, designation bytes; one type: UTC, named ""
    header = b"TZif2" + bytes(15) + counts
    return header + block + header + block + b"\n" + rule.encode("ascii") + b"\n"


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
            from apscheduler.triggers.interval import IntervalTrigger

            return IntervalTrigger(
                seconds=int(self.interval.total_seconds()),
                start_date=_aware(anchor, "anchor") if anchor else None,
                timezone=tz,
            )
        from rocketwatch.cron_trigger import CronLineTrigger

        return CronLineTrigger(parse_cron_line(self._cron_text()), tz)

    def describe(self) -> str:
        """The schedule in words, 24-hour clock: "At 06:00, only on Sunday", "Every 30 minutes"."""
        if self.interval is not None:
            return _describe_interval(self.interval)
        return _describe_cron(parse_cron_line(self._cron_text()))

    def next_fire_times(
        self, count: int, after: datetime, tz: tzinfo, anchor: datetime | None = None
    ) -> list[datetime]:
        """The next ``count`` fire times strictly after ``after``, in ``tz``.

        Intervals count from ``anchor``, or from ``after`` when there is none.
        """
        after = _aware(after, "after")
        times: list[datetime] = []
        for fire in self._times_after(after, tz, anchor or after):
            if len(times) >= count:
                break
            times.append(fire.astimezone(tz))
        return times

    def missed_since(self, last: datetime, now: datetime, tz: tzinfo, anchor: datetime | None = None) -> int:
        """How many fire times fell in (last, now], at most MISSED_CAP.

        Intervals count from ``anchor``, or from ``last`` when there is none.
        """
        last, now = _aware(last, "last"), _aware(now, "now").astimezone(UTC)
        missed = 0
        for fire in self._times_after(last, tz, anchor or last):
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

    def _times_after(self, after: datetime, tz: tzinfo, anchor: datetime) -> Iterator[datetime]:
        """The fire times strictly after ``after``, in UTC; an interval counts from ``anchor``.

        Intervals are counted here in whole microseconds: APScheduler's IntervalTrigger divides in
        floating point, which centuries ahead returns one time again and again."""
        if self.interval is None:
            yield from _fire_times(self.trigger(tz), after, tz)
            return
        start = _aware(anchor, "anchor").astimezone(UTC)
        passed = after.astimezone(UTC) - start
        fire = start if passed < timedelta(0) else start + (passed // self.interval + 1) * self.interval
        try:
            while True:
                yield fire
                fire += self.interval
        except OverflowError:  # past the year 9999, the end of Python's calendar: no more runs
            return

    def _cron_text(self) -> str:
        if self.cron is None:
            raise ValueError(f"schedule {self.expr!r} has neither an interval nor a cron line")
        return self.cron


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")
    return moment


def _fire_times(trigger: BaseTrigger, after: datetime, tz: tzinfo) -> Iterator[datetime]:
    """The trigger's fire times strictly after ``after``, in UTC.

    UTC because Python compares and subtracts two datetimes of the same zone on the wall clock,
    which is wrong across a clock change.
    """
    moment = after
    while True:
        try:
            fire = trigger.get_next_fire_time(None, just_after(moment, tz))
            if fire is None:
                return
            moment = fire.astimezone(UTC)
        except OverflowError:  # past the year 9999, the end of Python's calendar: no more runs
            return
        yield moment


# --- describing ------------------------------------------------------------------------------


def _cron_words(cron: str) -> str:
    from cron_descriptor import ExpressionDescriptor, Options  # loaded when a schedule is first described

    language = current_language()
    with warnings.catch_warnings():  # it warns when the process has no locale: we name the one we want
        warnings.simplefilter("ignore", UserWarning)
        options = Options()
    options.use_24hour_time_format = True
    options.day_of_week_start_index_zero = True
    options.locale_code = "ko_KR" if language == "ko" else "en_US"
    try:
        description: str = ExpressionDescriptor(cron, options).get_description()
    except Exception:  # a describer, not a validator: never let it break a label
        log.warning("cron-descriptor could not describe %r", cron, exc_info=True)
        return _("On cron schedule {cron}").format(cron=cron)
    description = _our_names(description)
    if language == "ko":  # its Korean says "every 15 minutes, every hour" for "*/15 * * * *"
        description = re.sub(r"매 (\d+)분마다, 매시마다", r"\1분마다", description)
        description = description.replace("~", "부터 ").replace("매시마다, ", "")
        description = re.sub(r"매 (\d+)(분|시간|초)마다", r"\1\2마다", description)  # "매 2시간마다"
        description = "매시간" if description == "매시마다" else description
        if re.fullmatch(r"\d\d:\d\d", description):  # "0 6 * * *" reads as a bare "06:00"
            description = f"매일 {description}"
    if language == PSEUDO:  # its words come from its own catalogs: seen as translated
        description = f"⟦{description}⟧"
    return description


def _our_names(description: str) -> str:
    """cron-descriptor names weekdays and months in the C library's locale (whatever the process set):
    the names of the language shown instead."""
    import calendar  # with locale, 2 ms: reading the schedule setting at start-up does not need it

    names = {calendar.day_name[day]: _(WEEKDAYS[day]) for day in range(7)}
    names |= {calendar.month_name[month]: _(MONTHS[month - 1]) for month in range(1, 13)}
    words = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![A-Za-z])(?:{words})(?![A-Za-z])")  # "Sunday에": Hangul is a word character
    return pattern.sub(lambda match: names[match[0]], description)


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
    """'a', 'a and b', 'a, b, and c'."""
    return _joined(
        words,
        pgettext("list", "{first} and {second}"),
        pgettext("list", ", "),
        pgettext("list", "{items}, and {last}"),
    )


def _join_lengths(words: list[str]) -> str:
    """The parts of one length of time: '1 hour and 30 minutes', '1 day, 2 hours, and 5 minutes'."""
    return _joined(
        words,
        pgettext("interval", "{first} and {second}"),
        pgettext("interval", ", "),
        pgettext("interval", "{items}, and {last}"),
    )


def _joined(words: list[str], pair: str, separator: str, last: str) -> str:
    """Words joined with a language's patterns (the patterns stay literal where they are marked)."""
    if len(words) <= 1:
        return words[0]
    if len(words) == 2:
        return pair.format(first=words[0], second=words[1])
    return last.format(items=separator.join(words[:-1]), last=words[-1])


def _evenly_stepped(text: str, values: Iterable[int], size: int | None) -> bool:
    """Whether a field's open-ended steps ("*/45", "50/15") keep their spacing where the field wraps
    around (:45 to the next :00 is 15 minutes, not 45). ``size`` None: the field has no fixed length
    (days of the month)."""
    steps = {int(item.rpartition("/")[2]) for item in text.split(",") if "/" in item and "-" not in item}
    if not steps or steps == {1}:
        return True
    ordered = sorted(values)
    if size is None or len(steps) > 1:
        return False
    gaps = {later - earlier for earlier, later in itertools.pairwise(ordered)}
    gaps.add(ordered[0] + size - ordered[-1])
    return gaps == steps


def _describe_cron(line: CronLine) -> str:
    minute, hour, day, month, _weekday_text = line.text.split()
    # cron-descriptor reads "*/45" as "every 45 minutes"; where the line does not keep that spacing,
    # name the values it does run at.
    if not _evenly_stepped(minute, line.minutes, 60):
        minute = ",".join(map(str, line.minutes))
    if not _evenly_stepped(hour, line.hours, 24):
        hour = ",".join(map(str, line.hours))
    if not _evenly_stepped(day, line.days, None):
        day = ",".join(map(str, sorted(line.days)))
    if not _evenly_stepped(month, line.months, 12):
        month = ",".join(map(str, sorted(line.months)))
    if not line.days_restricted and line.days == DAY_OF_MONTH.everything:
        day = "*"
    weekday = "*"
    if line.weekdays_restricted or line.weekdays != ALL_WEEKDAYS:
        weekday = _weekdays_for_words(line.weekdays)
    if day != "*" and weekday != "*" and not line.either_day_matches:
        # "*/2" counts as unrestricted in cron's either-day rule, so both days must match;
        # cron-descriptor would say "or", so name the weekdays ourselves.
        days = sorted(line.weekdays, key=lambda d: d or 7)
        only_on = _join_words([_(WEEKDAY_WORDS[d]) for d in days])
        return _("{schedule}, and only on {weekdays}").format(
            schedule=_in_hours(minute, hour, day, month, "*", line), weekdays=only_on
        )
    return _in_hours(minute, hour, day, month, weekday, line)


def _in_hours(minute: str, hour: str, day: str, month: str, weekday: str, line: CronLine) -> str:
    """cron-descriptor's words, except that several minutes in a list of hours are not said as "at 01:00
    and 03:00" (which reads as two runs): "Every 15 minutes, during hours 01 and 03"."""
    if len(line.minutes) == 1 or "," not in hour or "-" in hour or "/" in hour:
        return _cron_words(f"{minute} {hour} {day} {month} {weekday}")
    minutes = _cron_words(f"{minute} * * * *")
    whole = _cron_words(f"{minute} * {day} {month} {weekday}")
    if not whole.startswith(minutes):
        return _cron_words(f"{minute} {hour} {day} {month} {weekday}")
    hours = _join_words([f"{hour:02d}" for hour in line.hours])
    # Translators: {rest} is the rest of the description (", Monday through Friday") or nothing.
    return _("{minutes}, during hours {hours}{rest}").format(
        minutes=minutes, hours=hours, rest=whole[len(minutes) :]
    )


def _describe_interval(interval: timedelta) -> str:
    seconds = int(interval.total_seconds())
    parts: list[tuple[int, int]] = []
    for size in _UNIT_SIZES:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append((count, size))
    if len(parts) == 1 and parts[0][0] == 1:
        return _(_EVERY_ONE[parts[0][1]])
    words = _join_lengths([_unit_words(count, size) for count, size in parts])
    return _("Every {interval}").format(interval=words)


_EVERY_ONE = {
    604800: N_("Every week"),
    86400: N_("Every day"),
    3600: N_("Every hour"),
    60: N_("Every minute"),
    1: N_("Every second"),
}


def _unit_words(count: int, size: int) -> str:
    if size == 604800:
        return ngettext("{count} week", "{count} weeks", count).format(count=count)
    if size == 86400:
        return ngettext("{count} day", "{count} days", count).format(count=count)
    if size == 3600:
        return ngettext("{count} hour", "{count} hours", count).format(count=count)
    if size == 60:
        return ngettext("{count} minute", "{count} minutes", count).format(count=count)
    return ngettext("{count} second", "{count} seconds", count).format(count=count)


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
