"""Words for a launch's details: NET in local time and UTC, webcasts, boosters and landings, LL2's
updates and the slip timeline RocketWatch recorded. Pure functions, no Qt: the detail pane and
`rocketwatch launch ID` say the same things."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo

from rocketwatch import timefmt
from rocketwatch.i18n import N_, _
from rocketwatch.ll2.model import Landing, Launch, Update, Webcast
from rocketwatch.store.launches import LaunchChange


def moment_words(moment: datetime, tz: tzinfo | None = None, *, zone: bool = True) -> str:
    """'Tue 03 Mar 14:00 CET' in local time (the year too when it is not this year's)."""
    when = timefmt.local(moment, tz)
    this_year = when.year == datetime.now(when.tzinfo).year
    text = timefmt.format_moment(when, timefmt.DAY_TIME if this_year else timefmt.DAY_TIME_YEAR)
    return timefmt.with_zone(text, when) if zone else text


def net_local_and_utc(launch: Launch, tz: tzinfo | None = None) -> str:
    """The NET for the detail pane: local time with the zone's abbreviation, then UTC, as precise as LL2
    says it is ('Sat 22 Nov 14:30 CET · 13:30 UTC'; a vague date as words, without a clock)."""
    precision = launch.net_precision
    words = timefmt.net_words(launch.net, precision, tz)
    if precision == "DAY":
        return _("{date} (time of day not set yet)").format(date=words)
    if not timefmt.has_countdown(precision):
        return _("{date} (the exact date is not set yet)").format(date=words)
    here = timefmt.local(launch.net, tz)
    utc = launch.net.astimezone(UTC)
    zone = here.tzname() or ""
    if here.utcoffset() == timedelta(0) and zone in ("UTC", "GMT", "Z", ""):
        return f"{words} UTC"
    clock = timefmt.clock_words(utc, precision, about=False)
    day = "" if utc.date() == here.date() else timefmt.format_moment(utc, timefmt.DAY) + " "
    utc_words = f"{day}{clock} UTC"
    if precision == "HR":
        utc_words = _("about {clock}").format(clock=utc_words)
    return f"{words} {zone} · {utc_words}".replace("  ", " ")


# --- webcasts -------------------------------------------------------------------------------------
def webcast_title(webcast: Webcast) -> str:
    """What the link is called: its title, else its publisher, else its address."""
    return webcast.title.strip() or webcast.publisher.strip() or webcast.url


def webcast_details(webcast: Webcast, tz: tzinfo | None = None) -> str:
    """'LIVE · SpaceX · English · Official Webcast · starts Tue 03 Mar 14:00 CET'."""
    parts: list[str] = []
    if webcast.live:
        parts.append(_("LIVE"))
    if webcast.publisher.strip() and webcast.publisher.strip() != webcast_title(webcast):
        parts.append(webcast.publisher.strip())
    parts += [text.strip() for text in (webcast.language, webcast.type) if text.strip()]
    if webcast.start is not None:
        parts.append(_("starts {when}").format(when=moment_words(webcast.start, tz)))
    return " · ".join(parts)


# --- boosters and landings ------------------------------------------------------------------------
def booster_words(landing: Landing) -> str:
    """'Booster B1080 · flight 12 · reused' (what is known of the stage's booster)."""
    stage = landing.stage.strip() or _("Stage")
    parts = [
        f"{stage} {landing.serial.strip()}".strip()
        if landing.serial.strip()
        else _("{stage}, serial not known yet").format(stage=stage)
    ]
    if landing.flight_number is not None:
        parts.append(_("flight {number}").format(number=landing.flight_number))
    if landing.reused is True:
        parts.append(_("reused"))
    elif landing.reused is False:
        parts.append(_("first flight") if landing.flight_number in (None, 1) else _("not reused"))
    return " · ".join(parts)


def landing_words(landing: Landing) -> str:
    """'Landing on Of Course I Still Love You (OCISLY), Autonomous Spaceport Drone Ship: succeeded'."""
    if landing.attempt is False:
        return _("No landing attempt")
    place = landing.location.strip()
    abbrev = landing.location_abbrev.strip()
    if place and abbrev and abbrev.casefold() != place.casefold():
        place = f"{place} ({abbrev})"
    place = place or abbrev
    kind = landing.type.strip() or landing.type_abbrev.strip()
    where = _("Landing on {place}").format(place=place) if place else _("Landing")
    if kind:
        where = f"{where}, {kind}"
    if landing.success is True:
        return _("{landing}: succeeded").format(landing=where)
    if landing.success is False:
        return _("{landing}: failed").format(landing=where)
    if landing.attempt is None:
        return _("{landing}: not confirmed yet").format(landing=where) if place or kind else ""
    return _("{landing}: outcome not known yet").format(landing=where)


# --- LL2's updates --------------------------------------------------------------------------------
def newest_first(updates: Iterable[Update]) -> list[Update]:
    """LL2's updates, newest first (undated ones last)."""
    far_past = datetime.min.replace(tzinfo=UTC)
    return sorted(updates, key=lambda update: update.created_at or far_past, reverse=True)


def update_heading(update: Update, tz: tzinfo | None = None) -> str:
    """'Mon 02 Mar 06:00 CET · Nosu' (when, and who wrote it)."""
    when = moment_words(update.created_at, tz) if update.created_at else _("Undated")
    author = update.author.strip()
    return f"{when} · {author}" if author else when


# --- the slip timeline ----------------------------------------------------------------------------
def signed_duration(delta: timedelta) -> str:
    """'+12 h', '−2 d 3 h' (later is plus)."""
    sign = "−" if delta < timedelta(0) else "+"
    return f"{sign}{timefmt.duration_words(delta)}"


def _status_words(abbrev: str | None) -> str:
    return abbrev or _("unknown")


def _net_at(moment: datetime, precision: str | None, tz: tzinfo | None) -> str:
    """A recorded NET as precise as the launch's NET is now (a launch "in Q3" never gets a minute)."""
    if precision in timefmt.EXACT_PRECISIONS:
        return moment_words(moment, tz, zone=False)
    return timefmt.net_words(moment, precision, tz)


def change_words(change: LaunchChange, tz: tzinfo | None = None, precision: str | None = None) -> str:
    """One recorded change in words: 'NET moved from Tue 03 Mar 14:00 to Wed 04 Mar 02:00, +12 h'.
    `precision` is the launch's NET precision (changes do not record their own)."""
    if change.field == "net":
        old, new = timefmt.parse_moment(change.old), timefmt.parse_moment(change.new)
        if old is not None and new is not None:
            before, after = _net_at(old, precision, tz), _net_at(new, precision, tz)
            if before == after:
                return _("NET moved within {net}, {change}").format(
                    net=after, change=signed_duration(new - old)
                )
            return _("NET moved from {old} to {new}, {change}").format(
                old=before, new=after, change=signed_duration(new - old)
            )
        return _("NET set to {net}").format(net=_net_at(new, precision, tz)) if new else _("NET changed")
    if change.field == "status":
        return _("Status changed from {old} to {new}").format(
            old=_status_words(change.old), new=_status_words(change.new)
        )
    if change.field == "webcast":
        return _("Webcast went live") if change.new == "true" else _("Webcast ended")
    if change.field == "landing":
        return landing_change_words(change.new)
    return _("{field} changed from {old} to {new}").format(
        field=change.field.capitalize(), old=change.old or "—", new=change.new or "—"
    )


# A stage's recorded landing outcome in words (marked only: shown with _()).
LANDING_OUTCOMES = {
    "success": N_("{serial} landed"),
    "failure": N_("{serial} failed to land"),
    "unknown": N_("{serial} landing outcome unknown"),
}
# Recorded, but not part of the timeline: the Updates section shows LL2's updates themselves.
NOT_IN_TIMELINE = frozenset({"update"})


def landing_change_words(new: str | None) -> str:
    """The store's "B1100: success; B1092: failure" as 'B1100 landed; B1092 failed to land'."""
    parts: list[str] = []
    for part in (new or "").split(";"):
        serial, _colon, outcome = part.strip().rpartition(":")
        words = LANDING_OUTCOMES.get(outcome.strip().casefold())
        if serial.strip() and words:
            parts.append(_(words).format(serial=serial.strip()))
        elif part.strip():
            parts.append(part.strip())
    if not parts:
        return _("Landing outcome changed")
    return _("Landing: {outcomes}").format(outcomes="; ".join(parts))


def timeline(
    changes: Iterable[LaunchChange], tz: tzinfo | None = None, precision: str | None = None
) -> list[tuple[str, str]]:
    """(what changed, 'seen Mon 02 Mar 06:00 CET') per recorded change, oldest first: read top to bottom,
    each NET move starts where the one above it ended. `precision`: the launch's NET precision."""
    ordered = sorted(
        (change for change in changes if change.field not in NOT_IN_TIMELINE),
        key=lambda change: (change.noticed_at, change.id),
    )
    return [
        (
            change_words(change, tz, precision),
            _("seen {when}").format(when=moment_words(change.noticed_at, tz)),
        )
        for change in ordered
    ]
