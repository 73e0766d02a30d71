"""The watched launches as an iCalendar file for any calendar app, written with the icalendar library.

UIDs are stable ("<launch id>@rocketwatch"), so importing a newer export updates events in place; an event
whose start, end or status changed since the last export goes out with a higher SEQUENCE (RFC 5545).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from rocketwatch import APP_NAME, __version__
from rocketwatch.alerts import PRECISE, watched
from rocketwatch.config import AlertsConfig
from rocketwatch.fileio import write_atomic
from rocketwatch.ll2.events import Event as LL2Event
from rocketwatch.ll2.model import Launch
from rocketwatch.store import Store
from rocketwatch.timefmt import local, net_label

UID_DOMAIN = "rocketwatch"
PRODID = f"-//{APP_NAME}//{APP_NAME} {__version__}//EN"
NO_WINDOW = timedelta(hours=1)
# Launches whose NET passed this long ago are left out (LL2 keeps outcomes about a day).
KEEP_PAST = timedelta(days=30)
TENTATIVE = ("TBD", "TBC", "Hold")
_SPANS = {"Q1": (1, 3), "Q2": (4, 3), "Q3": (7, 3), "Q4": (10, 3), "H1": (1, 6), "H2": (7, 6)}


def export_ics(
    store: Store, path: Path, alerts: AlertsConfig | None = None, *, now: datetime | None = None
) -> int:
    """Write the watched launches (watch lists of `alerts`, default: all, plus starred ones) to `path`
    atomically; returns how many events it holds. The tray should pass config.alerts."""
    now = now or datetime.now(UTC)
    launches = watched(
        store.launches.upcoming(since=now - KEEP_PAST), alerts or AlertsConfig(), store.stars.starred()
    )
    shapes = {launch.id: event_shape(launch, now) for launch in launches}
    sequences = next_sequences(shapes, _exported(store), store.launches.change_counts())
    data = calendar_bytes(launches, sequences, now)
    events = watched_events(store, alerts or AlertsConfig(), now)
    if events:
        data = with_events(data, events, now)
    write_atomic(path, data)
    _remember_exported(store, shapes, sequences)
    return len(launches) + len(events)


def watched_events(store: Store, alerts: AlertsConfig, now: datetime) -> list[LL2Event]:
    """The stored LL2 events of the types picked in [alerts] event_types (none when none are picked)."""
    from rocketwatch.alerts import event_watched

    if not alerts.event_types:
        return []
    return [event for event in store.events.upcoming(since=now - KEEP_PAST) if event_watched(event, alerts)]


def with_events(data: bytes, events: Iterable[LL2Event], now: datetime) -> bytes:
    """The calendar `data` with one VEVENT per LL2 event added (UID "event-<id>@rocketwatch")."""
    calendar = Calendar.from_ical(data)
    for item in events:
        event = Event()
        event.add("uid", f"event-{item.id}@{UID_DOMAIN}")
        event.add("dtstamp", now.astimezone(UTC))
        event.add(
            "summary",
            f"{item.type}: {item.name}" if item.type.casefold() not in item.name.casefold() else item.name,
        )
        if item.date_precision in PRECISE:
            event.add("dtstart", item.date.astimezone(UTC))
            event.add("duration", NO_WINDOW)
        else:
            first, end = vague_span(item.date, item.date_precision)
            event.add("dtstart", first)
            event.add("dtend", end)
            event.add("transp", "TRANSPARENT")
        if item.location:
            event.add("location", item.location)
        if item.webcast_url:
            event.add("url", item.webcast_url)
        lines = [
            item.type,
            *([item.description] if item.description else []),
            *([f"Webcast: {item.webcast_url}"] if item.webcast_url else []),
            "",
            "Data: Launch Library 2 (The Space Devs), via RocketWatch",
        ]
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def event_shape(launch: Launch, now: datetime) -> str:
    """What a calendar app must be told about when it changes (RFC 5545 3.8.7.4): when the launch's event
    starts and ends, and its status; its title (which says how exact the time is) and the launch's own
    status (in the description) count too."""
    event = launch_event(launch, 0, now)
    parts = [
        _ical_text(event[name].to_ical()) if name in event else ""
        for name in ("dtstart", "dtend", "duration", "status", "summary")
    ]
    return json.dumps([*parts, launch.status_abbrev])


def _ical_text(value: bytes | str) -> str:
    """A property's iCalendar text (icalendar gives bytes for most values, text for some)."""
    return value.decode() if isinstance(value, bytes) else value


def next_sequences(
    shapes: Mapping[str, str], exported: Mapping[str, tuple[str, int]], change_counts: Mapping[str, int]
) -> dict[str, int]:
    """Each event's SEQUENCE: one more than last exported when its shape changed, never less than last time,
    nor than the count of recorded changes (what exports before the shape was kept used)."""
    sequences: dict[str, int] = {}
    for launch_id, shape in shapes.items():
        floor = change_counts.get(launch_id, 0)
        if launch_id not in exported:
            sequences[launch_id] = floor
            continue
        last_shape, last_sequence = exported[launch_id]
        sequences[launch_id] = max(last_sequence + (shape != last_shape), floor)
    return sequences


def _exported(store: Store) -> dict[str, tuple[str, int]]:
    rows = store.db.execute("SELECT launch_id, shape, sequence FROM calendar_events")
    return {row[0]: (row[1], row[2]) for row in rows}


def _remember_exported(store: Store, shapes: Mapping[str, str], sequences: Mapping[str, int]) -> None:
    """Keep what the file just written says of each event; forget launches the store no longer has."""
    with store.db.transaction() as tx:
        tx.executemany(
            "INSERT INTO calendar_events (launch_id, shape, sequence) VALUES (?, ?, ?)"
            " ON CONFLICT(launch_id) DO UPDATE SET shape = excluded.shape, sequence = excluded.sequence",
            [(launch_id, shape, sequences[launch_id]) for launch_id, shape in shapes.items()],
        )
        tx.execute("DELETE FROM calendar_events WHERE launch_id NOT IN (SELECT id FROM launches)")


def calendar_bytes(launches: Iterable[Launch], sequences: Mapping[str, int], now: datetime) -> bytes:
    """An iCalendar document with one VEVENT per launch; `sequences` bumps SEQUENCE per launch id."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{APP_NAME} launches")
    for launch in launches:
        calendar.add_component(launch_event(launch, sequences.get(launch.id, 0), now))
    ical: bytes = calendar.to_ical()
    return ical


def launch_event(launch: Launch, sequence: int, now: datetime) -> Event:
    """One launch: a timed event when the NET is exact, an all-day span when it is vague."""
    event = Event()
    event.add("uid", f"{launch.id}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", sequence)
    if launch.last_updated:
        event.add("last-modified", launch.last_updated.astimezone(UTC))
    if launch.net_precision == "HR":
        # Known to the hour only: a timed event, but one that says so where the user looks first.
        event.add("summary", f"{launch.name} (time to the hour)")
        event.add("dtstart", launch.net.astimezone(UTC))
        event.add("duration", _window(launch))
    elif launch.net_precision in PRECISE:
        event.add("summary", launch.name)
        event.add("dtstart", launch.net.astimezone(UTC))
        event.add("duration", _window(launch))
    else:
        first, end = vague_span(launch.net, launch.net_precision)
        label = net_label(launch.net, launch.net_precision)
        event.add("summary", launch.name if launch.net_precision == "DAY" else f"{label}: {launch.name}")
        event.add("dtstart", first)
        event.add("dtend", end)
        event.add("transp", "TRANSPARENT")
    event.add("status", "TENTATIVE" if launch.status_abbrev in TENTATIVE else "CONFIRMED")
    place = ", ".join(part for part in (launch.pad, launch.location) if part and part != "Unknown")
    if place:
        event.add("location", place)
    if launch.webcast_url:
        event.add("url", launch.webcast_url)
    event.add("description", _description(launch))
    return event


def vague_span(net: datetime, precision: str | None) -> tuple[date, date]:
    """The all-day dates [first, end) a vague NET covers: its day, week, month, quarter, half or year.

    A day or week is read in local time (as the app shows it); a month and coarser in UTC."""
    if precision == "DAY":
        day = local(net).date()
        return day, day + timedelta(days=1)
    if precision == "W":
        day = local(net).date()
        return day, day + timedelta(days=7)
    utc = net.astimezone(UTC)
    if precision == "M":
        return _months(utc.year, utc.month, 1)
    if precision in _SPANS:
        first_month, months = _SPANS[precision]
        return _months(utc.year, first_month, months)
    return date(utc.year, 1, 1), date(utc.year + 1, 1, 1)


def _months(year: int, month: int, count: int) -> tuple[date, date]:
    end_index = year * 12 + month - 1 + count
    return date(year, month, 1), date(end_index // 12, end_index % 12 + 1, 1)


def _window(launch: Launch) -> timedelta:
    if launch.window_start and launch.window_end and launch.window_end > launch.window_start:
        return launch.window_end - launch.window_start
    return NO_WINDOW


def _description(launch: Launch) -> str:
    lines = [
        f"{launch.rocket} · {launch.provider}" if launch.rocket != "Unknown" else launch.provider,
        f"Status: {launch.status_name}",
    ]
    if launch.net_precision == "HR":
        lines.append(
            f"Time known only to the hour: about {launch.net.astimezone(UTC):%H:00} UTC "
            "(the event shows that hour)"
        )
    if launch.hold_reason:
        lines.append(f"Hold: {launch.hold_reason}")
    if launch.mission_name:
        lines += ["", launch.mission_name]
    if launch.mission_description:
        lines.append(launch.mission_description)
    if launch.webcast_url:
        lines += ["", f"Webcast: {launch.webcast_url}"]
    lines += ["", "Data: Launch Library 2 (The Space Devs), via RocketWatch"]
    return "\n".join(lines)
