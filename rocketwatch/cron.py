"""Cron lines in cron's own terms: parsing the five fields, and their fire times on the wall clock.

APScheduler's CronTrigger skips a day after spring-forward and fires twice on fall-back; these do not. The
trigger that hands them to APScheduler is in cron_trigger.py: checking a setting does not load APScheduler.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from rocketwatch.i18n import N_, _
from rocketwatch.timefmt import WEEKDAYS

_TICK = timedelta(microseconds=1)


class ScheduleError(ValueError):
    """The ``every`` setting cannot be understood; the message says what is wrong in words."""


def problem(expr: str, problem: str) -> ScheduleError:
    """The error for `expr`, `problem` already in the reader's language."""
    return ScheduleError(_("'{expr}': {problem}").format(expr=expr, problem=problem))


# --- cron fields -----------------------------------------------------------------------------

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# APScheduler 3.x numbers weekdays from Monday; we only ever hand it these names.
_APSCHEDULER_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_WORDS = (WEEKDAYS[6], *WEEKDAYS[:6])  # cron's numbers, from Sunday (timefmt's are from Monday)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True)
class _Field:
    """One of the five fields of a cron line: its allowed numbers and names."""

    name: str  # marked with N_: translated where shown
    low: int
    high: int
    rule: str  # marked with N_
    names: dict[str, int]

    @property
    def everything(self) -> frozenset[int]:
        return frozenset(range(self.low, self.high + 1))

    @property
    def size(self) -> int:
        """How many numbers the field's range holds (0-7 for the days of the week: 8)."""
        return self.high - self.low + 1


_MINUTE = _Field(N_("minute"), 0, 59, N_("minute must be 0-59"), {})
_HOUR_FIELD = _Field(N_("hour"), 0, 23, N_("hour must be 0-23"), {})
DAY_OF_MONTH = _Field(N_("day of month"), 1, 31, N_("day of month must be 1-31"), {})
_MONTH = _Field(
    N_("month"), 1, 12, N_("month must be 1-12 or jan-dec"), {n: i for i, n in enumerate(_MONTH_NAMES, 1)}
)
_WEEKDAY = _Field(
    N_("day of week"),
    0,
    7,
    N_("day of week must be 0-7 (0 and 7 are Sunday)"),
    {n: i for i, n in enumerate(_WEEKDAY_NAMES)},
)
_FIELDS = (_MINUTE, _HOUR_FIELD, DAY_OF_MONTH, _MONTH, _WEEKDAY)
ALL_WEEKDAYS = frozenset(range(7))

_ITEM = re.compile(
    r"""(?: (?P<star>\*) | (?P<first>[0-9a-z]+) (?:-(?P<last>[0-9a-z]+))? )  # *, 5, 1-5, mon-fri
        (?:/(?P<step>[0-9]+))?  # /15""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class CronLine:
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
        raise problem(
            expr,
            _("'{token}' is not a {field}; {rule}").format(
                token=token, field=_(field.name), rule=_(field.rule)
            ),
        )
    if not field.low <= value <= field.high:
        raise problem(expr, _(field.rule))
    return value


def _parse_item(item: str, field: _Field, expr: str) -> set[int]:
    """One comma-separated item: *, 5, 1-5, mon-fri, */15, 0-30/5 or 5/15 (5 to the end)."""
    match = _ITEM.fullmatch(item)
    if match is None:
        raise problem(
            expr,
            _("'{item}' is not a valid {field}; {rule}").format(
                item=item, field=_(field.name), rule=_(field.rule)
            ),
        )
    first, last, step = match["first"], match["last"], match["step"]
    if match["star"]:
        low, high = field.low, field.high
    else:
        low = _parse_value(first, field, expr)
        high = _parse_value(last, field, expr) if last else (field.high if step else low)
    if field is _WEEKDAY and high == 0 and low > 0:
        high = 7  # "fri-sun" means Friday through Sunday
    if high < low:
        raise problem(
            expr,
            _("the {field} range {first}-{last} goes backwards").format(
                field=_(field.name), first=first, last=last
            ),
        )
    stride = int(step) if step else 1
    if not 1 <= stride <= field.size:
        raise problem(
            expr, _("the {field} step must be 1-{size}").format(field=_(field.name), size=field.size)
        )
    return set(range(low, high + 1, stride))


def _parse_field(text: str, field: _Field, expr: str) -> frozenset[int]:
    values: set[int] = set()
    for item in text.lower().split(","):
        if not item:
            raise problem(expr, _("the {field} field has an empty item").format(field=_(field.name)))
        values |= _parse_item(item, field, expr)
    if field is _WEEKDAY:
        values = {value % 7 for value in values}  # 7 is Sunday too
    return frozenset(values)


def _can_fire(days: frozenset[int], months: frozenset[int]) -> bool:
    return any(day <= _DAYS_IN_MONTH[month - 1] for day in days for month in months)


@lru_cache(maxsize=64)
def parse_cron_line(expr: str) -> CronLine:
    texts = expr.split()
    if len(texts) != 5:
        raise problem(
            expr,
            _(
                "a cron line has 5 fields (minute hour day-of-month month day-of-week), "
                "this one has {count}; seconds and years are not supported"
            ).format(count=len(texts)),
        )
    minutes, hours, days, months, weekdays = (
        _parse_field(text, field, expr) for text, field in zip(texts, _FIELDS, strict=True)
    )
    line = CronLine(
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
        raise problem(expr, _("never runs: none of the chosen months has that day of the month"))
    return line


def just_after(moment: datetime, tz: tzinfo) -> datetime:
    """One microsecond later, counted in real time (not on the wall clock)."""
    return (moment.astimezone(UTC) + _TICK).astimezone(tz)


# --- cron lines as triggers ------------------------------------------------------------------
#
# APScheduler 3.x's CronTrigger skips a day after clocks go forward (a 00:00 job computed on
# spring-forward day next fires two days later; agronholm/apscheduler#606, #529) and runs fixed
# times twice when clocks go back. So cron lines are matched here, on the wall clock, and only
# then turned into instants, with these rules:
# - a wall time that does not exist (clocks went forward) runs as if the clock had not jumped
#   yet: 02:30 on a day 02:00 becomes 03:00 runs at 03:30 new time, one hour "late", never
#   skipped (java.time and zoneinfo's fold=0 do the same);
# - when that moment is already one of the day's runs ("30 2,3 * * *": 03:30 is listed too), the
#   skipped time runs in the first free minute after it (03:31): every listed time keeps a run.
#   Unless the minute or hour field starts with "*" (as in classic cron): those keep time in real
#   hours, so "every hour" runs at 03:00 once, not again at 03:01;
# - a wall time that happens twice (clocks went back) runs at the first pass only, unless the
#   minute or hour field starts with "*" (as in classic cron): then at both, so "every hour" and
#   "every 15 minutes" keep going in real time.

_SEARCH_DAYS = 366 * 30  # a Feb 29 that must also be a given weekday can be 28 years away
_MINUTE_LENGTH = timedelta(minutes=1)
_MAX_CLOCK_CHANGE = timedelta(hours=3)  # the largest DST shift in use is 2 hours (Antarctica/Troll)


def _day_matches(line: CronLine, day: date) -> bool:
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
    offsets = {moment.replace(tzinfo=tz, fold=fold).utcoffset() for moment in (top, last) for fold in (0, 1)}
    return offsets.pop() if len(offsets) == 1 else None


def _first_fire_in_changing_hour(
    line: CronLine, top: datetime, tz: tzinfo, earliest: datetime
) -> datetime | None:
    candidates = [
        instant
        for minute in line.minutes
        for instant in _instants(top.replace(minute=minute), tz, not line.fixed_time)
        if instant >= earliest
    ]
    return min(candidates, default=None)


def _first_fire_in_regular_hour(
    line: CronLine, top: datetime, offset: timedelta, earliest: datetime
) -> datetime | None:
    start = (top - offset).replace(tzinfo=UTC)
    wait = earliest - start
    first_minute = 0 if wait <= timedelta(0) else -(-wait // _MINUTE_LENGTH)  # rounded up
    index = bisect_left(line.minutes, first_minute)
    if index == len(line.minutes):
        return None
    return start + line.minutes[index] * _MINUTE_LENGTH


def _first_fire_on(
    line: CronLine, day: date, tz: tzinfo, earliest: datetime, first_hour: int
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


@lru_cache(maxsize=256)
def _clock_goes_forward(day: date, tz: tzinfo) -> bool:
    """Whether some wall-clock times of ``day`` do not exist (the UTC offset grows during it)."""
    if day == date.max:
        return False
    start = datetime.combine(day, time(0)).replace(tzinfo=tz).utcoffset()
    end = datetime.combine(day + timedelta(days=1), time(0)).replace(tzinfo=tz).utcoffset()
    return start is not None and end is not None and end > start


@lru_cache(maxsize=64)
def _fires_on_day_with_gap(line: CronLine, day: date, tz: tzinfo) -> tuple[datetime, ...]:
    """Every fire time (UTC, sorted) of a day whose clock goes forward, skipped times moved so that
    none lands on another run's moment (the rules above)."""
    taken: set[datetime] = set()
    skipped: list[datetime] = []
    for hour in line.hours:
        for minute in line.minutes:
            wall = datetime.combine(day, time(hour, minute))
            as_before = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
            if as_before > wall.replace(tzinfo=tz, fold=1).astimezone(UTC):
                skipped.append(as_before)  # in the gap: runs as if the clock had not jumped
            else:
                taken.update(_instants(wall, tz, not line.fixed_time))
    for fire in skipped:  # in wall-clock order, so moved runs keep their order
        while fire in taken and line.fixed_time:
            fire += _MINUTE_LENGTH
        taken.add(fire)
    return tuple(sorted(taken))


def _first_fire_on_day_with_gap(line: CronLine, day: date, tz: tzinfo, earliest: datetime) -> datetime | None:
    fires = _fires_on_day_with_gap(line, day, tz)
    index = bisect_left(fires, earliest)
    return fires[index] if index < len(fires) else None


def _day_start(day: date, tz: tzinfo) -> datetime:
    """The earliest instant whose wall-clock date is ``day``."""
    midnight = datetime.combine(day, time(0))
    return min(midnight.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))


def _next_fire(line: CronLine, tz: tzinfo, earliest: datetime) -> datetime | None:
    """The first fire time at or after ``earliest``, in UTC (None if none within 30 years)."""
    earliest = earliest.astimezone(UTC)
    # No clock change moves a time further than this, so earlier wall times cannot be due.
    look_from = earliest.astimezone(tz).replace(tzinfo=None) - _MAX_CLOCK_CHANGE
    day, first_hour = look_from.date(), look_from.hour
    best: datetime | None = None
    for _searched in range(_SEARCH_DAYS):
        if best is not None and best < _day_start(day, tz):
            break
        if _day_matches(line, day):
            if _clock_goes_forward(day, tz):
                fire = _first_fire_on_day_with_gap(line, day, tz, earliest)
            else:
                fire = _first_fire_on(line, day, tz, earliest, first_hour)
            if fire is not None and (best is None or fire < best):
                best = fire
        if day == date.max:
            break  # nothing runs after the year 9999
        day, first_hour = day + timedelta(days=1), 0
    return best
