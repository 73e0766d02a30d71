"""Times for people: NETs in local time that respect LL2's precision, countdowns, durations.

A launch "in Q3" is never shown as an exact minute; pure functions, no Qt.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

EXACT_PRECISIONS = (None, "SEC", "MIN")
COUNTDOWN_PRECISIONS = (None, "SEC", "MIN", "HR")


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
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


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
        text = when.strftime("%a %d %b %Y %H:%M") if _far(when) else when.strftime("%a %d %b %H:%M")
        return with_zone(text, when) if zone else text
    if precision == "HR":
        text = when.strftime("%a %d %b, about %H:00")
        return with_zone(text, when) if zone else text
    if precision == "DAY":
        return when.strftime("%a %d %b %Y")
    if precision == "W":
        return f"week of {when.strftime('%d %b %Y')}"
    # Month and coarser are about the calendar of the launch site, not the viewer: use UTC.
    when = net.astimezone(UTC)
    if precision == "M":
        return when.strftime("%B %Y")
    if precision in ("Q1", "Q2", "Q3", "Q4", "H1", "H2"):
        return f"{precision} {when.year}"
    if precision == "FY":
        return f"fiscal year {when.year}"
    return str(when.year)


def net_label(net: datetime, precision: str | None, tz: tzinfo | None = None, *, zone: bool = False) -> str:
    """'NET November 2026' for vague dates, the plain time otherwise (with its zone when `zone`)."""
    words = net_words(net, precision, tz, zone=zone)
    return words if precision in COUNTDOWN_PRECISIONS or precision == "DAY" else f"NET {words}"


def countdown(net: datetime, precision: str | None, now: datetime) -> str | None:
    """'in 5 h 12 min' / '2 h ago' when the precision allows a countdown, else None."""
    if not has_countdown(precision):
        return None
    delta = net - now
    words = duration_words(delta)
    prefix = "about " if precision == "HR" else ""
    return f"in {prefix}{words}" if delta.total_seconds() >= 0 else f"{prefix}{words} ago"


def when_words(net: datetime, precision: str | None, now: datetime, tz: tzinfo | None = None) -> str:
    """Countdown when it is meaningful, otherwise the NET label."""
    return countdown(net, precision, now) or net_label(net, precision, tz)


def _far(when: datetime) -> bool:
    return abs((when - datetime.now(when.tzinfo)).days) > 180
