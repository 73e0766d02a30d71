"""Launch alerts as pure rules: which launches are watched, which reminders are planned or due now,
and what a recorded NET, status or webcast change calls for. No I/O and no clock: `now` is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from rocketwatch.config import AlertsConfig
from rocketwatch.i18n import _, ngettext
from rocketwatch.ll2.model import Launch, landing_outcomes
from rocketwatch.timefmt import (
    DAY,
    WEEKDAY,
    clock_words,
    duration_words,
    format_moment,
    local,
    net_label,
    parse_moment,
    with_zone,
)

REMINDER, SLIP, STATUS, WEBCAST = "reminder", "slip", "status", "webcast"
LANDING, UPDATE = "landing", "update"
SNOOZE = "snooze"  # a reminder the user asked to come again later ("Remind me in 10 min")
EVENT = "event"  # a reminder before an LL2 event of a type in [alerts] event_types
ALERT_KINDS = (REMINDER, SLIP, STATUS, WEBCAST, LANDING, UPDATE, SNOOZE, EVENT)
SNOOZE_MINUTES = 10
COUNTDOWN_WINDOW = timedelta(hours=1)  # the tray icon counts down this last stretch before a watched launch

# A countdown means something only when LL2 knows the hour (None: LL2 2.0.0 sent no precision).
PRECISE = (None, "SEC", "MIN", "HR")
EXACT_NET = (None, "SEC", "MIN")  # a countdown to the second means something only for these
CONFIRMED = ("Go", "TBC")
# Launches not confirmed (TBD, Hold, or a status we do not know) get "might launch" reminders, and
# none shorter than this: a 10-minute warning for a launch on hold would cry wolf.
TENTATIVE_SHORTEST_LEAD = timedelta(hours=1)
NO_REMINDERS = ("In Flight", "Success", "Failure", "Partial Failure")
# NET slips and pre-launch status changes matter for launches due from a day ago to a week ahead.
CHANGE_HORIZON = timedelta(days=7)
RECENT_PAST = timedelta(days=1)
# A reminder is shown on data at most half its lead old, and never needs data fresher than this.
MIN_DATA_AGE = timedelta(minutes=15)
# A new LL2 update is an alert (when [alerts] updates is on) for launches this close to their NET,
# and only while the update itself is this fresh (never a burst of old comments).
UPDATE_HORIZON = timedelta(hours=48)
UPDATE_FRESHNESS = timedelta(hours=24)
UPDATE_TEXT_LIMIT = 300

ReminderLog = Mapping[tuple[str, int], Sequence[datetime]]


@dataclass(frozen=True, slots=True)
class Alert:
    """One notification about one launch. `key` is its ledger key: the same alert has the same key."""

    key: str
    kind: str
    launch_id: str
    title: str
    body: str
    fire_at: datetime  # a reminder: NET - lead; a change alert: when the change was noticed
    lead_s: int | None = None  # reminders only
    quiet: bool = False  # inside quiet hours: recorded as suppressed, not shown


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """A reminder still to come; the tray schedules a wake-up at `fire_at` (UTC)."""

    launch_id: str
    name: str
    lead_s: int
    fire_at: datetime
    kind: str = REMINDER

    def to_json(self) -> dict[str, Any]:
        """The object `reminders --json` prints."""
        return {
            "launch_id": self.launch_id,
            "name": self.name,
            "kind": self.kind,
            "lead": self.lead_s,
            "fire_at": self.fire_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        }


@dataclass(frozen=True, slots=True)
class AlertRules:
    """An [alerts] section read once: leads as durations (longest first), lower-case watch words."""

    leads: tuple[timedelta, ...]
    slip_threshold: timedelta
    status_changes: bool
    webcast: bool
    quiet_hours: tuple[time, time] | None
    providers: tuple[str, ...]
    locations: tuple[str, ...]
    terms: tuple[str, ...]
    landings: bool = True
    updates: bool = False

    @classmethod
    def from_config(cls, cfg: AlertsConfig) -> AlertRules:
        from rocketwatch.schedule import parse_duration, parse_quiet_hours

        def lower(words: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(word.casefold() for word in words if word.strip())

        leads = sorted({parse_duration(text) for text in cfg.reminders}, reverse=True)
        return cls(
            tuple(leads),
            parse_duration(cfg.slip_threshold),
            cfg.status_changes,
            cfg.webcast,
            parse_quiet_hours(cfg.quiet_hours),
            lower(cfg.watch_providers),
            lower(cfg.watch_locations),
            lower(cfg.watch_terms),
            cfg.landings,
            cfg.updates,
        )


@lru_cache(maxsize=16)
def rules_for(cfg: AlertsConfig) -> AlertRules:
    return AlertRules.from_config(cfg)


# --- quiet hours -------------------------------------------------------------------------------------
def in_quiet_hours(moment: datetime, quiet: tuple[time, time] | None, tz: tzinfo | None = None) -> bool:
    """True when the local wall-clock time of `moment` lies in [start, end) (crossing midnight is fine)."""
    if quiet is None:
        return False
    start, end = quiet
    clock = local(moment, tz).time().replace(tzinfo=None)
    return start <= clock < end if start < end else clock >= start or clock < end


# --- what is watched ---------------------------------------------------------------------------------
def is_watched(launch: Launch, cfg: AlertsConfig, starred: Iterable[str] = ()) -> bool:
    """Starred launches always; otherwise every launch when no watch list is set, else any match
    (case-insensitive substring) of a provider, a location (or pad) or a term (name, rocket, mission)."""
    if launch.id in set(starred):
        return True
    rules = rules_for(cfg)
    if not (rules.providers or rules.locations or rules.terms):
        return True
    provider = launch.provider.casefold()
    place = f"{launch.location} {launch.pad}".casefold()
    words = " ".join(
        (launch.name, launch.rocket, launch.mission_name, launch.mission_type, launch.orbit)
    ).casefold()
    return (
        any(word in provider for word in rules.providers)
        or any(word in place for word in rules.locations)
        or any(word in words for word in rules.terms)
    )


def watched(launches: Iterable[Launch], cfg: AlertsConfig, starred: Iterable[str] = ()) -> list[Launch]:
    stars = frozenset(starred)
    return [launch for launch in launches if is_watched(launch, cfg, stars)]


# --- reminders ---------------------------------------------------------------------------------------
def reminder_log(entries: Iterable[Any]) -> dict[tuple[str, int], list[datetime]]:
    """(launch id, lead in s) -> fire times of the reminders already claimed, from ledger entries."""
    log: dict[tuple[str, int], list[datetime]] = {}
    for entry in entries:
        if entry.kind == REMINDER and entry.launch_id and entry.lead_s is not None and entry.fire_at:
            log.setdefault((entry.launch_id, entry.lead_s), []).append(entry.fire_at)
    return log


def reminder_leads(launch: Launch, cfg: AlertsConfig) -> tuple[timedelta, ...]:
    """The leads that apply to a launch: none for vague NETs or launches already flying or done."""
    if launch.net_precision not in PRECISE or launch.status_abbrev in NO_REMINDERS:
        return ()
    leads = rules_for(cfg).leads
    if launch.status_abbrev in CONFIRMED:
        return leads
    return tuple(lead for lead in leads if lead >= TENTATIVE_SHORTEST_LEAD)


def already_reminded(launch_id: str, lead: timedelta, fire_at: datetime, sent: ReminderLog) -> bool:
    """A reminder for (launch, lead) counts as sent unless its fire time moved by more than half the lead."""
    earlier = sent.get((launch_id, int(lead.total_seconds())), ())
    return any(abs(fire_at - before) <= lead / 2 for before in earlier)


def plan_reminders(
    launches: Iterable[Launch],
    sent: ReminderLog,
    now: datetime,
    cfg: AlertsConfig,
    starred: Iterable[str] = (),
) -> list[PlannedReminder]:
    """The reminders still to come for watched launches, soonest first."""
    planned: list[PlannedReminder] = []
    for launch in watched(launches, cfg, starred):
        if launch.net <= now:
            continue
        for lead in reminder_leads(launch, cfg):
            fire_at = launch.net - lead
            if fire_at > now and not already_reminded(launch.id, lead, fire_at, sent):
                planned.append(PlannedReminder(launch.id, launch.name, int(lead.total_seconds()), fire_at))
    return sorted(planned, key=lambda item: (item.fire_at, item.name, item.launch_id))


def due_alerts(
    launches: Iterable[Launch],
    sent: ReminderLog,
    now: datetime,
    cfg: AlertsConfig,
    starred: Iterable[str] = (),
    tz: tzinfo | None = None,
) -> list[Alert]:
    """The reminders to send at `now`. Per launch at most one: the one for the nearest lead whose fire
    time has passed, unless it was sent already, and only while the NET is still ahead. So a launch
    learned late (or a NET moved earlier) gets one "in 40 min", never a burst of stale reminders."""
    rules = rules_for(cfg)
    due: list[Alert] = []
    for launch in watched(launches, cfg, starred):
        if launch.net <= now:
            continue
        passed = [lead for lead in reminder_leads(launch, cfg) if launch.net - lead <= now]
        if not passed:
            continue
        lead = min(passed)
        fire_at = launch.net - lead
        if already_reminded(launch.id, lead, fire_at, sent):
            continue
        lead_s = int(lead.total_seconds())
        key = f"{REMINDER}:{launch.id}:{lead_s}:{_minute(fire_at)}"
        due.append(
            Alert(
                key,
                REMINDER,
                launch.id,
                launch.name,
                reminder_text(launch, now, tz),
                fire_at,
                lead_s,
                in_quiet_hours(now, rules.quiet_hours, tz),
            )
        )
    return sorted(due, key=lambda alert: (alert.fire_at, alert.title, alert.launch_id))


def reminder_text(launch: Launch, now: datetime, tz: tzinfo | None = None) -> str:
    """'Launches in 1 hour — 14:30 from SLC-40, Cape Canaveral'; 'Might launch …' when not confirmed."""
    lead = lead_words(launch.net - now)
    if launch.net_precision == "HR":
        lead = _("about {lead}").format(lead=lead)
    place = _place(launch)
    if launch.status_abbrev in CONFIRMED:
        text = _("Launches in {lead} — {clock} from {place}") if place else _("Launches in {lead} — {clock}")
    elif launch.status_abbrev == "Hold" and launch.hold_reason:
        text = (
            _("Might launch in {lead} — {clock} from {place} (on hold: {reason})")
            if place
            else _("Might launch in {lead} — {clock} (on hold: {reason})")
        )
    elif launch.status_abbrev == "Hold":
        text = (
            _("Might launch in {lead} — {clock} from {place} (on hold)")
            if place
            else _("Might launch in {lead} — {clock} (on hold)")
        )
    else:
        text = (
            _("Might launch in {lead} — {clock} from {place} (the date is not confirmed)")
            if place
            else _("Might launch in {lead} — {clock} (the date is not confirmed)")
        )
    return text.format(lead=lead, clock=_clock(launch, now, tz), place=place, reason=launch.hold_reason)


def counted_down(
    launches: Iterable[Launch], now: datetime, cfg: AlertsConfig, starred: Iterable[str] = ()
) -> Launch | None:
    """The soonest watched launch whose NET is known to the minute and lies within COUNTDOWN_WINDOW
    (and that has not flown), or None: the one the tray icon counts down."""
    ahead = [
        launch
        for launch in watched(launches, cfg, starred)
        if timedelta(0) < launch.net - now <= COUNTDOWN_WINDOW
        and launch.net_precision in EXACT_NET
        and launch.status_abbrev not in NO_REMINDERS
    ]
    return min(ahead, key=lambda launch: (launch.net, launch.name), default=None)


# --- events ([alerts] event_types) -------------------------------------------------------------------------
def event_watched(event: Any, cfg: AlertsConfig) -> bool:
    """An event whose type is one the user picked (case-insensitive), e.g. "Spacewalk", "Docking"."""
    kinds = {kind.strip().casefold() for kind in cfg.event_types if kind.strip()}
    return event.type.casefold() in kinds


def event_reminder_log(entries: Iterable[Any]) -> dict[tuple[str, int], list[datetime]]:
    """(event id, lead in s) -> fire times of the event reminders already claimed."""
    log: dict[tuple[str, int], list[datetime]] = {}
    for entry in entries:
        if entry.kind == EVENT and entry.launch_id and entry.lead_s is not None and entry.fire_at:
            log.setdefault((entry.launch_id, entry.lead_s), []).append(entry.fire_at)
    return log


def _event_leads(event: Any, cfg: AlertsConfig) -> tuple[timedelta, ...]:
    return rules_for(cfg).leads if event.date_precision in PRECISE and event_watched(event, cfg) else ()


def plan_event_reminders(
    events: Iterable[Any], sent: ReminderLog, now: datetime, cfg: AlertsConfig
) -> list[PlannedReminder]:
    """Reminders still to come for events of the picked types (the same leads as launches)."""
    planned = []
    for event in events:
        for lead in _event_leads(event, cfg):
            fire_at = event.date - lead
            if event.date > now and fire_at > now and not already_reminded(event.id, lead, fire_at, sent):
                lead_s = int(lead.total_seconds())
                planned.append(PlannedReminder(event.id, event.name, lead_s, fire_at, EVENT))
    return planned


def due_event_alerts(
    events: Iterable[Any], sent: ReminderLog, now: datetime, cfg: AlertsConfig, tz: tzinfo | None = None
) -> list[Alert]:
    """Per event at most one reminder: the nearest lead whose time has passed, while the event is ahead."""
    rules = rules_for(cfg)
    due = []
    for event in events:
        passed = [lead for lead in _event_leads(event, cfg) if event.date - lead <= now < event.date]
        if not passed:
            continue
        lead = min(passed)
        fire_at = event.date - lead
        if already_reminded(event.id, lead, fire_at, sent):
            continue
        ahead = lead_words(event.date - now)
        if event.date_precision == "HR":
            ahead = _("about {lead}").format(lead=ahead)
        when = local(event.date, tz)
        clock = with_zone(clock_words(when, event.date_precision, about=False), when)
        words = (
            _("{event} in {lead} — {clock}, {location}")
            if event.location
            else _("{event} in {lead} — {clock}")
        )
        body = words.format(event=event.type, lead=ahead, clock=clock, location=event.location)
        lead_s = int(lead.total_seconds())
        due.append(
            Alert(
                f"{EVENT}:{event.id}:{lead_s}:{_minute(fire_at)}",
                EVENT,
                event.id,
                event.name,
                body,
                fire_at,
                lead_s,
                in_quiet_hours(now, rules.quiet_hours, tz),
            )
        )
    return due


# --- snoozed reminders ---------------------------------------------------------------------------------
def snooze_until(launch: Launch, now: datetime, minutes: int = SNOOZE_MINUTES) -> datetime | None:
    """When a reminder snoozed at `now` comes again: `minutes` later, at most at the NET; None when the
    launch is no longer ahead (nothing to remind of)."""
    if launch.net <= now or minutes <= 0:
        return None
    return min(now + timedelta(minutes=minutes), launch.net)


def snooze_key(launch_id: str, due_at: datetime) -> str:
    return f"{SNOOZE}:{launch_id}:{_minute(due_at)}"


def snoozed_alerts(
    snoozes: Iterable[Any],
    launches: Mapping[str, Launch],
    claimed: Iterable[str],
    now: datetime,
    cfg: AlertsConfig,
    tz: tzinfo | None = None,
) -> list[Alert]:
    """The snoozed reminders (Snooze: launch_id, due_at) due at `now` and not claimed yet, one per launch,
    while the launch is still ahead; their text is the countdown as it is now."""
    rules = rules_for(cfg)
    done = set(claimed)
    due: dict[str, Alert] = {}
    for snooze in snoozes:
        launch = launches.get(snooze.launch_id)
        key = snooze_key(snooze.launch_id, snooze.due_at)
        if launch is None or snooze.due_at > now or launch.net <= now or key in done:
            continue
        due[launch.id] = Alert(
            key,
            SNOOZE,
            launch.id,
            launch.name,
            reminder_text(launch, now, tz),
            snooze.due_at,
            None,
            in_quiet_hours(now, rules.quiet_hours, tz),
        )
    return sorted(due.values(), key=lambda alert: (alert.fire_at, alert.title, alert.launch_id))


def planned_snoozes(
    snoozes: Iterable[Any], launches: Mapping[str, Launch], claimed: Iterable[str], now: datetime
) -> list[PlannedReminder]:
    """Snoozed reminders still to come (their launch still ahead at their time)."""
    done = set(claimed)
    planned = []
    for snooze in snoozes:
        launch = launches.get(snooze.launch_id)
        if (
            launch is None
            or snooze.due_at <= now
            or snooze.due_at > launch.net
            or snooze_key(launch.id, snooze.due_at) in done
        ):
            continue
        lead_s = int((launch.net - snooze.due_at).total_seconds())
        planned.append(PlannedReminder(launch.id, launch.name, lead_s, snooze.due_at, SNOOZE))
    return planned


# --- change alerts -----------------------------------------------------------------------------------
def change_alerts(
    changes: Iterable[Any],
    launches: Mapping[str, Launch],
    now: datetime,
    cfg: AlertsConfig,
    starred: Iterable[str] = (),
    tz: tzinfo | None = None,
) -> list[Alert]:
    """Alerts for recorded changes (LaunchChange: id, launch_id, noticed_at, field, old, new) of watched
    launches: NET slips of at least slip_threshold near the launch, status changes, webcasts going live,
    landing outcomes that became known, and (when asked for) new LL2 updates close to the NET."""
    rules = rules_for(cfg)
    stars = frozenset(starred)
    quiet = in_quiet_hours(now, rules.quiet_hours, tz)
    alerts: list[Alert] = []
    for change in changes:
        launch = launches.get(change.launch_id)
        if launch is None or not is_watched(launch, cfg, stars):
            continue
        made: tuple[str, str, str] | None = None
        if change.field == "net":
            made = _slip(change, launch, now, rules, tz)
        elif change.field == "status" and rules.status_changes:
            made = _status(change, launch, now, tz)
        elif change.field == "webcast" and rules.webcast and change.new == "true":
            made = (
                f"{WEBCAST}:{launch.id}:{change.id}",
                WEBCAST,
                _("Webcast is live: {address}").format(address=launch.webcast_url)
                if launch.webcast_url
                else _("Webcast is live"),
            )
        elif change.field == "landing" and rules.landings:
            made = _landing(change, launch)
        elif change.field == "update" and rules.updates:
            made = _update(change, launch)
        if made:
            key, kind, body = made
            alerts.append(Alert(key, kind, launch.id, launch.name, body, change.noticed_at, None, quiet))
    return alerts


def _slip(
    change: Any, launch: Launch, now: datetime, rules: AlertRules, tz: tzinfo | None
) -> tuple[str, str, str] | None:
    old, new = parse_moment(change.old), parse_moment(change.new)
    if old is None or new is None or abs(new - old) < rules.slip_threshold:
        return None
    if not (_near(old, now) or _near(new, now)):
        return None
    words = _("Slipped {duration}: now {when}") if new > old else _("Moved earlier by {duration}: now {when}")
    body = words.format(duration=duration_words(new - old), when=_day_clock(launch, now, tz))
    return f"{SLIP}:{launch.id}:{change.id}", SLIP, body


def _status(change: Any, launch: Launch, now: datetime, tz: tzinfo | None) -> tuple[str, str, str] | None:
    status = change.new or ""
    when = _day_clock(launch, now, tz)
    place = _place(launch)
    if status in ("Hold", "Go", "TBD") and not _near(launch.net, now):
        return None
    reason = launch.hold_reason if status == "Hold" else launch.fail_reason
    if status == "Hold":
        words = _("On hold: {reason} (NET {when})") if reason else _("On hold (NET {when})")
    elif status == "Go":
        words = _("Back to Go: launches {when}") if change.old == "Hold" else _("Go for launch: {when}")
    elif status == "TBD":
        words = _("Unconfirmed: the launch time is to be determined (NET {when})")
    elif status == "In Flight":
        if launch.rocket != "Unknown":
            words = (
                _("Liftoff! {rocket} lifted off from {place}") if place else _("Liftoff! {rocket} lifted off")
            )
        else:
            words = (
                _("Liftoff! The rocket lifted off from {place}")
                if place
                else _("Liftoff! The rocket lifted off")
            )
    elif status == "Success":
        words = _("Launch successful")
    elif status == "Failure":
        words = _("Launch failed: {reason}") if reason else _("Launch failed")
    elif status == "Partial Failure":
        words = _("Partial failure: {reason}") if reason else _("Partial failure")
    else:
        return None
    body = words.format(reason=reason, when=when, rocket=launch.rocket, place=place)
    return f"{STATUS}:{launch.id}:{status}:{change.id}", STATUS, body


def _landing(change: Any, launch: Launch) -> tuple[str, str, str] | None:
    """'Booster B1100 landed on Of Course I Still Love You' for each stage whose outcome became known."""
    changed = {part.split(": ", 1)[0] for part in (change.new or "").split("; ") if ": " in part}
    lines = []
    for key, stage in zip(landing_outcomes(launch.landings), launch.landings, strict=True):
        if key not in changed or stage.success is None:
            continue
        if stage.serial:
            name = _("Booster {serial}").format(serial=stage.serial)
        else:
            name = stage.stage or _("The stage")
        place = stage.location or stage.location_abbrev
        if stage.success:
            words = _("{stage} landed on {place}") if place else _("{stage} landed")
        else:
            words = _("{stage} did not land ({place})") if place else _("{stage} did not land")
        lines.append(words.format(stage=name, place=place))
    if not lines:
        return None
    return f"{LANDING}:{launch.id}:{change.id}", LANDING, "\n".join(lines)


def _update(change: Any, launch: Launch) -> tuple[str, str, str] | None:
    """LL2's newest comment on a launch due within 48 h, while the comment is fresh."""
    created = parse_moment(change.new)
    if created is None or not launch.updates or launch.updates[0].created_at != created:
        return None
    if abs(launch.net - created) > UPDATE_HORIZON or change.noticed_at - created > UPDATE_FRESHNESS:
        return None
    update = launch.updates[0]
    text = " ".join(update.comment.split()) or update.info_url
    if len(text) > UPDATE_TEXT_LIMIT:
        text = text[: UPDATE_TEXT_LIMIT - 1].rstrip() + "…"
    if update.author:
        body = _("Update ({author}): {text}").format(author=update.author, text=text)
    else:
        body = _("Update: {text}").format(text=text)
    return f"{UPDATE}:{launch.id}:{_minute(created)}", UPDATE, body


# --- freshness and the API budget ---------------------------------------------------------------------
def max_data_age(lead_s: int | None) -> timedelta:
    """How old the launch data may be when a reminder with this lead is shown: half the lead, >= 15 min."""
    if lead_s is None:
        return MIN_DATA_AGE
    return max(timedelta(seconds=lead_s) / 2, MIN_DATA_AGE)


def needs_refresh(alert: Alert, data_age: timedelta) -> bool:
    """True for a reminder whose launch data is older than max_data_age(its lead)."""
    return alert.kind == REMINDER and data_age > max_data_age(alert.lead_s)


def budget_left(requests_last_hour: int, budget: int) -> int:
    """LL2 requests a refresh may still make this hour."""
    return max(0, budget - requests_last_hour)


def with_last_checked(alert: Alert, data_age: timedelta) -> Alert:
    """The alert saying how old its data is (sent when a refresh was not possible)."""
    checked = _("Last checked {duration} ago").format(duration=duration_words(data_age))
    return replace(alert, body=f"{alert.body}\n{checked}")


# --- words -------------------------------------------------------------------------------------------
def lead_words(delta: timedelta) -> str:
    """'1 hour', '24 hours', '2 days', '40 min', '2 h 10 min': a countdown to the minute."""
    minutes = max(0, round(delta.total_seconds() / 60))
    if minutes >= 2 * 1440 and minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("{count} day", "{count} days", days).format(count=days)
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("{count} hour", "{count} hours", hours).format(count=hours)
    if minutes < 60:
        return _("{count} min").format(count=minutes)
    return duration_words(timedelta(minutes=minutes))


def _clock(launch: Launch, now: datetime, tz: tzinfo | None) -> str:
    """The NET's local time of day, with the weekday when it is not today."""
    when = local(launch.net, tz)
    text = with_zone(clock_words(when, launch.net_precision), when)  # read away from the app: which clock
    return text if when.date() == local(now, tz).date() else f"{format_moment(when, WEEKDAY)} {text}"


def _day_clock(launch: Launch, now: datetime, tz: tzinfo | None) -> str:
    """'Sat 16:40' (with the date when more than six days away), or the NET as vague as LL2 says."""
    if launch.net_precision not in PRECISE:
        return net_label(launch.net, launch.net_precision, tz)
    when = local(launch.net, tz)
    day = format_moment(when, DAY if abs(launch.net - now) > timedelta(days=6) else WEEKDAY)
    return with_zone(f"{day} {clock_words(when, launch.net_precision)}", when)


def _place(launch: Launch) -> str:
    return ", ".join(part for part in (launch.pad, launch.location) if part and part != "Unknown")


def _near(moment: datetime, now: datetime) -> bool:
    return now - RECENT_PAST <= moment <= now + CHANGE_HORIZON


def _minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
