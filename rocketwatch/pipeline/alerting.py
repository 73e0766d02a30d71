"""Launch alerts against the store: what is planned, what is due, and delivering through the ledger.

The notify task calls alert_run(); the tray app arms a timer at next_fire_time() and, when it fires, does
what reminder_step() says: refresh first (a run with trigger "refresh") or deliver_due_alerts().
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from rocketwatch.alerts import (
    COUNTDOWN_WINDOW,
    EVENT,
    REMINDER,
    SNOOZE,
    SNOOZE_MINUTES,
    Alert,
    PlannedReminder,
    budget_left,
    change_alerts,
    counted_down,
    due_alerts,
    due_event_alerts,
    event_reminder_log,
    needs_refresh,
    plan_event_reminders,
    plan_reminders,
    planned_snoozes,
    reminder_log,
    snooze_until,
    snoozed_alerts,
    with_last_checked,
)
from rocketwatch.config import Config
from rocketwatch.i18n import _
from rocketwatch.ll2.model import Launch
from rocketwatch.notify import (
    MUTE_ACTION,
    SNOOZE_ACTION,
    WATCH_ACTION,
    ChainNotifier,
    Notification,
    NotificationAction,
    NotifyError,
    Subject,
)
from rocketwatch.pipeline.context import RunContext
from rocketwatch.resources import app_icon_path
from rocketwatch.states import RunState
from rocketwatch.store import LaunchChange, RunRecord, Store
from rocketwatch.store.database import to_text
from rocketwatch.store.ledger import FAILED, SENT, SUPPRESSED

log = logging.getLogger(__name__)

# Changes of earlier runs whose notify task never ran (a failed picture step) are still alerted for
# this long, when LL2 still says the same.
CHANGE_CATCH_UP = timedelta(hours=6)
REFRESH_TRIGGER = "refresh"


def planned_reminders(store: Store, config: Config, now: datetime) -> list[PlannedReminder]:
    """Reminders still to come (snoozed ones too), soonest first: schedule a wake-up at each distinct
    fire_at. Muted launches have none."""
    launches = _unmuted(store, store.launches.upcoming(since=now))
    planned = plan_reminders(launches, _sent(store), now, config.alerts, store.stars.starred())
    planned += planned_snoozes(
        store.mutes.snoozes(), {launch.id: launch for launch in launches}, _snoozes_claimed(store), now
    )
    if config.alerts.event_types:
        planned += plan_event_reminders(
            store.events.upcoming(since=now), _events_sent(store), now, config.alerts
        )
    return sorted(planned, key=lambda item: (item.fire_at, item.name, item.launch_id))


def next_fire_time(store: Store, config: Config, now: datetime) -> datetime | None:
    """When the next reminder is due (UTC), or None."""
    planned = planned_reminders(store, config, now)
    return planned[0].fire_at if planned else None


def due_now(store: Store, config: Config, now: datetime) -> list[Alert]:
    """The reminders deliver_due_alerts() would send at `now` (nothing is claimed), snoozed ones last;
    none for muted launches."""
    launches = _unmuted(store, store.launches.upcoming(since=now))
    due = due_alerts(launches, _sent(store), now, config.alerts, store.stars.starred())
    due += snoozed_alerts(
        store.mutes.snoozes(),
        {launch.id: launch for launch in launches},
        _snoozes_claimed(store),
        now,
        config.alerts,
    )
    if config.alerts.event_types:
        due += due_event_alerts(store.events.upcoming(since=now), _events_sent(store), now, config.alerts)
    return due


def stale_reminders(store: Store, config: Config, now: datetime) -> list[Alert]:
    """Reminders due now whose launch data is too old to trust (older than half their lead)."""
    seen = store.launches.last_seen()
    return [
        alert
        for alert in due_now(store, config, now)
        if not alert.quiet and needs_refresh(alert, _age(seen, alert, now))
    ]


def refresh_first(store: Store, config: Config, now: datetime) -> bool:
    """True when the tray should run the pipeline with trigger "refresh" before deliver_due_alerts():
    a reminder is due on data too old for it, and the hourly LL2 budget allows one more request."""
    if not stale_reminders(store, config, now):
        return False
    used = store.runs.api_requests_since(now - timedelta(hours=1))
    return budget_left(used, config.alerts.api_budget) > 0


class ReminderStep(StrEnum):
    """What to do when a reminder's time comes."""

    REFRESH = "refresh"  # run the pipeline with trigger "refresh"; its notify task delivers the reminders
    DELIVER = "deliver"  # deliver_due_alerts() on the data the store has


def reminder_step(store: Store, config: Config, now: datetime, *, run_active: bool) -> ReminderStep:
    """At a reminder's fire time: refresh first when its data is too old and the budget allows (and no run
    is going already), else deliver now."""
    if not run_active and refresh_first(store, config, now):
        return ReminderStep.REFRESH
    return ReminderStep.DELIVER


def refresh_fell_short(record: RunRecord) -> bool:
    """A refresh run that ended without success never delivered its reminders: the caller delivers them
    on the data there is (the ledger keeps any already sent from going out twice)."""
    return record.trigger == REFRESH_TRIGGER and record.state != RunState.SUCCESS


def deliver_due_alerts(
    store: Store, config: Config, notifier: ChainNotifier, now: datetime, *, run_id: int | None = None
) -> list[Alert]:
    """Send the reminders due at `now` (a reminder on old data says when it was last checked).
    Returns the alerts claimed by this call: sent, or suppressed (alert.quiet) in quiet hours."""
    return deliver(store, notifier, _annotated(store, due_now(store, config, now), now), now, run_id=run_id)


def alert_run(ctx: RunContext) -> list[Alert]:
    """The notify task's part: alerts for the changes this run found (and unalerted recent ones of runs
    that never got to notify), then the reminders due now. Claimed with this run's id."""
    now = ctx.now()
    store, cfg = ctx.store, ctx.config.alerts
    changes = _pending_changes(store, ctx.run_id, now)
    launches = {change.launch_id: store.launches.get(change.launch_id) for change in changes}
    muted = store.mutes.muted()
    known = {
        launch_id: launch
        for launch_id, launch in launches.items()
        if launch is not None and launch_id not in muted
    }
    alerts = change_alerts(changes, known, now, cfg, store.stars.starred())
    alerts += _annotated(store, due_now(store, ctx.config, now), now)
    return deliver(store, ctx.notifier, alerts, now, run_id=ctx.run_id, note=ctx.log)


def deliver(
    store: Store,
    notifier: ChainNotifier,
    alerts: Sequence[Alert],
    now: datetime,
    *,
    run_id: int | None = None,
    note: Callable[[str], None] | None = None,
) -> list[Alert]:
    """Claim each alert in the ledger, then show it (or record it suppressed); a claimed key is skipped.
    Returns the alerts claimed here and not failed."""
    say = note or log.info
    done: list[Alert] = []
    muted = store.mutes.muted()
    for alert in alerts:
        if alert.launch_id in muted:  # muted since the alert was worked out
            continue
        if not store.ledger.claim(
            alert.key,
            kind=alert.kind,
            title=alert.title,
            body=alert.body,
            run_id=run_id,
            launch_id=alert.launch_id,
            fire_at=alert.fire_at,
            lead_s=alert.lead_s,
            now=now,
        ):
            continue
        if alert.quiet:
            store.ledger.settle(alert.key, SUPPRESSED, None, now=now)
            say(f"Quiet hours: kept, not shown: {alert.title} — {alert.body.splitlines()[0]}")
            done.append(alert)
            continue
        try:
            if alert.kind == EVENT:  # an event, not a launch: its picture; a click opens the gallery
                event = store.events.get(alert.launch_id)
                picture = store.images.paths_for(event.image_url if event else None)[1]
                notification = Notification(
                    alert.title, alert.body, icon=picture or app_icon_path(), subject=Subject.gallery()
                )
            else:
                launch = store.launches.get(alert.launch_id)
                notification = Notification(
                    alert.title,
                    alert.body,
                    icon=_icon(store, alert.launch_id),
                    subject=Subject.launch(alert.launch_id),
                    actions=alert_actions(launch, now),
                )
            backend = notifier.send(notification)
        except NotifyError as error:
            store.ledger.settle(alert.key, FAILED, None, now=now)
            say(f"Could not show the {alert.kind} alert for {alert.title}: {error}")
            continue
        store.ledger.settle(alert.key, SENT, backend, now=now)
        say(f"Alert ({alert.kind}) through {backend}: {alert.title} — {alert.body.splitlines()[0]}")
        done.append(alert)
    return done


def alert_actions(launch: Launch | None, now: datetime) -> tuple[NotificationAction, ...]:
    """The buttons of a launch alert, where the desktop shows buttons: the webcast when there is a link,
    another reminder while the launch is ahead, and mute."""
    if launch is None:
        return ()
    actions = []
    if launch.webcast_url:
        actions.append(NotificationAction(WATCH_ACTION, _("Watch webcast")))
    if launch.net > now:
        label = _("Remind me in {count} min").format(count=SNOOZE_MINUTES)
        actions.append(NotificationAction(SNOOZE_ACTION, label))
    actions.append(NotificationAction(MUTE_ACTION, _("Mute this launch")))
    return tuple(actions)


def snooze_reminder(
    store: Store, launch_id: str, now: datetime, minutes: int = SNOOZE_MINUTES
) -> datetime | None:
    """ "Remind me in 10 min": keep a reminder due `minutes` from now (at most at the NET). Returns when it
    comes, or None (the launch is unknown, muted or no longer ahead)."""
    launch = store.launches.get(launch_id)
    if launch is None or store.mutes.is_muted(launch_id):
        return None
    due_at = snooze_until(launch, now, minutes)
    if due_at is None:
        return None
    store.mutes.snooze(launch_id, due_at, now=now)
    log.info("Reminder for %s snoozed until %s", launch.name, due_at.isoformat())
    return due_at


def last_hour_launch(store: Store, config: Config, now: datetime) -> Launch | None:
    """The watched, unmuted launch due within the hour that the tray icon counts down, or None.

    Only the launches of that hour are read: the tray asks every 30 s, and parsing every stored launch
    each time cost 0.3 % of a core at 1,000 launches."""
    # A second more than the window: the store keeps milliseconds, counted_down() decides to the microsecond.
    soon = store.launches.upcoming(since=now, until=now + COUNTDOWN_WINDOW + timedelta(seconds=1))
    return counted_down(_unmuted(store, soon), now, config.alerts, store.stars.starred())


def _unmuted(store: Store, launches: list[Launch]) -> list[Launch]:
    muted = store.mutes.muted()
    return [launch for launch in launches if launch.id not in muted] if muted else launches


def _events_sent(store: Store) -> dict[tuple[str, int], list[datetime]]:
    return event_reminder_log(store.ledger.entries(kind=EVENT))


def _snoozes_claimed(store: Store) -> set[str]:
    return {entry.key for entry in store.ledger.entries(kind=SNOOZE)}


def _sent(store: Store) -> dict[tuple[str, int], list[datetime]]:
    return reminder_log(store.ledger.entries(kind=REMINDER))


def _age(seen: dict[str, datetime], alert: Alert, now: datetime) -> timedelta:
    last = seen.get(alert.launch_id)
    return now - last if last else timedelta.max


def _annotated(store: Store, alerts: list[Alert], now: datetime) -> list[Alert]:
    """Reminders on data too old for them say when LL2 was last asked."""
    if not alerts:
        return alerts
    seen = store.launches.last_seen()
    result = []
    for alert in alerts:
        age = _age(seen, alert, now)
        result.append(
            with_last_checked(alert, age) if needs_refresh(alert, age) and age < timedelta.max else alert
        )
    return result


def _pending_changes(store: Store, run_id: int, now: datetime) -> list[LaunchChange]:
    """This run's changes, plus recent ones of other runs that LL2 still reports the same way."""
    mine = store.launches.changes(run_id=run_id)
    others = [
        change
        for change in store.launches.changes(since=now - CHANGE_CATCH_UP)
        if change.run_id != run_id and _still_true(store, change)
    ]
    return sorted([*others, *mine], key=lambda change: change.id)


def _still_true(store: Store, change: LaunchChange) -> bool:
    launch = store.launches.get(change.launch_id)
    if launch is None:
        return False
    if change.field in ("landing", "update"):
        return True  # a known landing outcome or an update stays true
    current = {
        "net": to_text(launch.net),
        "status": launch.status_abbrev,
        "webcast": "true" if launch.webcast_live else "false",
    }.get(change.field)
    return current == change.new


def _icon(store: Store, launch_id: str) -> Path | None:
    launch = store.launches.get(launch_id)
    _image, thumbnail = store.images.paths_for(launch.image_url if launch else None)
    return thumbnail or app_icon_path()
