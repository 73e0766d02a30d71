"""Times for people: NETs in local time that respect LL2's precision, countdowns, durations.

A launch "in Q3" is never shown as an exact minute; pure functions, no Qt. Every date is written in the
reader's language with translatable patterns (Korean: "12월 3일 (목) 오후 8:00", "3시간 59분 후"); the
patterns use strftime's codes, filled in here with translated names, so the C library's locale never
decides a word.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from rocketwatch.i18n import N_, _, pgettext

EXACT_PRECISIONS = (None, "SEC", "MIN")
COUNTDOWN_PRECISIONS = (None, "SEC", "MIN", "HR")

# Translators: the patterns below are date and time formats with strftime's codes: %a weekday (short),
# %A weekday, %b month (short), %B month, %d day of the month (%-d without a leading zero), %m month
# number (%-m), %Y year, %H hour 00-23, %I hour 01-12 (%-I), %p AM/PM, %M minutes, %S seconds, %Z zone.
DAY_TIME = N_("%a %d %b %H:%M")
DAY_TIME_YEAR = N_("%a %d %b %Y %H:%M")
DAY_TIME_SECONDS = N_("%a %d %b %H:%M:%S")
DAY_TIME_SECONDS_YEAR = N_("%a %d %b %Y %H:%M:%S")
DAY_YEAR_TIME = N_("%a %d %b %Y, %H:%M")
DAY_YEAR_TIME_ZONE = N_("%a %d %b %Y %H:%M %Z")
DAY_ABOUT_HOUR = N_("%a %d %b, about %H:00")
DAY = N_("%a %d %b")
DAY_YEAR = N_("%a %d %b %Y")
WEEK_OF = N_("week of %d %b %Y")
MONTH_YEAR = N_("%B %Y")
WEEKDAY = N_("%a")
WEEKDAY_CLOCK = N_("%a %H:%M")
CLOCK = N_("%H:%M")
CLOCK_SECONDS = N_("%H:%M:%S")
ABOUT_HOUR = N_("about %H:00")
HOUR = N_("%H:00")
LONG = N_("%A %d %B %Y, %H:%M:%S %Z")

# Monday first, as datetime.weekday() counts.
WEEKDAYS_SHORT = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
MONTHS_SHORT = (
    N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
    N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
)  # fmt: skip
MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)  # fmt: skip

_CODE = re.compile(r"%(-?)(.)")


def strftime(moment: datetime, pattern: str) -> str:
    """`moment` written with `pattern` (strftime's codes, see above), names in the current language."""

    def code(match: re.Match[str]) -> str:
        bare, letter = match[1] == "-", match[2]
        number: int | None = None
        if letter == "a":
            return _(WEEKDAYS_SHORT[moment.weekday()])
        if letter == "A":
            return _(WEEKDAYS[moment.weekday()])
        if letter == "b":
            return _(MONTHS_SHORT[moment.month - 1])
        if letter == "B":
            return _(MONTHS[moment.month - 1])
        if letter == "p":
            return pgettext("clock", "AM") if moment.hour < 12 else pgettext("clock", "PM")
        if letter == "Z":
            return zone_words(moment)
        if letter == "Y":
            return str(moment.year)
        if letter == "%":
            return "%"
        number = {
            "d": moment.day,
            "m": moment.month,
            "H": moment.hour,
            "I": moment.hour % 12 or 12,
            "M": moment.minute,
            "S": moment.second,
        }.get(letter)
        if number is None:
            return match[0]
        return str(number) if bare else f"{number:02d}"

    return _CODE.sub(code, pattern)


def format_moment(moment: datetime, pattern: str) -> str:
    """`moment` with one of the patterns above, translated: DAY_TIME is 'Thu 03 Dec 20:00' in English,
    '12월 3일 (목) 오후 8:00' in Korean."""
    return strftime(moment, _(pattern))


def clock_words(moment: datetime, precision: str | None = None, *, about: bool = True) -> str:
    """The time of day in the reader's clock: '14:30' (Korean '오후 2:30'); to the hour for LL2's "HR"
    precision: 'about 14:00' ('14:00' without `about`)."""
    if precision == "HR":
        return format_moment(moment, ABOUT_HOUR if about else HOUR)
    return format_moment(moment, CLOCK)


def local(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """An aware datetime in the given zone, or the system's local zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz) if tz else moment.astimezone()


def parse_moment(text: str | None) -> datetime | None:
    """A stored ISO 8601 time (a recorded change's old or new NET) as an aware datetime; None if not one."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def duration_words(delta: timedelta) -> str:
    """'5 h 12 min', '3 d 4 h', '45 s' — the two largest units."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        if hours:
            return _("{days} d {hours} h").format(days=days, hours=hours)
        return _("{days} d").format(days=days)
    if hours:
        if minutes:
            return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
        return _("{hours} h").format(hours=hours)
    if minutes:
        return _("{minutes} min").format(minutes=minutes)
    return _("{seconds} s").format(seconds=secs)


def has_countdown(precision: str | None) -> bool:
    return precision in COUNTDOWN_PRECISIONS


def zone_words(moment: datetime) -> str:
    """The abbreviation of the zone a local time is in: 'CET', 'EDT'; 'UTC+03' or 'UTC+05:30' where the
    zone has no letters (the tz database and POSIX TZ rules such as '<+0530>-5:30' write '+03', '+0530');
    '' when unknown."""
    name = moment.tzname() or ""
    digits = name[1:].replace(":", "")
    if name[:1] in "+-" and digits.isdigit():
        return f"UTC{name[0]}{digits[:2]}:{digits[2:]}" if len(digits) == 4 else f"UTC{name}"
    return name


def with_zone(text: str, moment: datetime) -> str:
    """'Sat 14:30' -> 'Sat 14:30 CET': a clock time that says which clock it is."""
    zone = zone_words(moment)
    return f"{text} {zone}" if zone else text


def net_words(net: datetime, precision: str | None, tz: tzinfo | None = None, *, zone: bool = False) -> str:
    """The NET as precise as LL2 says it is: 'Sat 22 Nov 14:30', 'Sat 22 Nov', 'November 2026', 'Q3 2027'.
    With `zone`, a time of day names its zone ('Sat 22 Nov 14:30 CET')."""
    when = local(net, tz)
    if precision in EXACT_PRECISIONS:
        text = format_moment(when, DAY_TIME_YEAR if _far(when) else DAY_TIME)
        return with_zone(text, when) if zone else text
    if precision == "HR":
        text = format_moment(when, DAY_ABOUT_HOUR)
        return with_zone(text, when) if zone else text
    if precision == "DAY":
        return format_moment(when, DAY_YEAR)
    if precision == "W":
        return format_moment(when, WEEK_OF)
    # Month and coarser are about the calendar of the launch site, not the viewer: use UTC.
    when = net.astimezone(UTC)
    if precision == "M":
        return format_moment(when, MONTH_YEAR)
    if precision in ("Q1", "Q2", "Q3", "Q4"):
        return _("Q{quarter} {year}").format(quarter=precision[1], year=when.year)
    if precision == "H1":
        return _("H1 {year}").format(year=when.year)
    if precision == "H2":
        return _("H2 {year}").format(year=when.year)
    if precision == "FY":
        return _("fiscal year {year}").format(year=when.year)
    return pgettext("a year alone", "{year}").format(year=when.year)


def net_label(net: datetime, precision: str | None, tz: tzinfo | None = None, *, zone: bool = False) -> str:
    """'NET November 2026' for vague dates, the plain time otherwise (with its zone when `zone`)."""
    words = net_words(net, precision, tz, zone=zone)
    if precision in COUNTDOWN_PRECISIONS or precision == "DAY":
        return words
    # Translators: NET is "no earlier than", the launch time LL2 gives.
    return _("NET {when}").format(when=words)


def countdown(net: datetime, precision: str | None, now: datetime) -> str | None:
    """'in 5 h 12 min' / '2 h ago' when the precision allows a countdown, else None."""
    if not has_countdown(precision):
        return None
    delta = net - now
    return relative_words(delta, about=precision == "HR")


def relative_words(delta: timedelta, *, about: bool = False) -> str:
    """'in 5 h 12 min' for a time ahead (`delta` >= 0), '2 h ago' for one past; 'in about …' with `about`."""
    words = duration_words(delta)
    if delta.total_seconds() >= 0:
        return (_("in about {duration}") if about else _("in {duration}")).format(duration=words)
    return (_("about {duration} ago") if about else _("{duration} ago")).format(duration=words)


def when_words(net: datetime, precision: str | None, now: datetime, tz: tzinfo | None = None) -> str:
    """Countdown when it is meaningful, otherwise the NET label."""
    return countdown(net, precision, now) or net_label(net, precision, tz)


def _far(when: datetime) -> bool:
    return abs((when - datetime.now(when.tzinfo)).days) > 180
