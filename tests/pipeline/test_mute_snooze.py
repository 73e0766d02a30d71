"""Mute and snooze against the store, on a fake clock: a muted launch gets no alert of any kind, a snoozed
reminder comes once N minutes later (at most at the NET), and both survive a restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import picture_bytes
from test_alert_week import NAMES, T0, Tray, record

from rocketwatch.alerts import SNOOZE
from rocketwatch.notify import MUTE_ACTION, SNOOZE_ACTION, WATCH_ACTION
from rocketwatch.pipeline.alerting import deliver_due_alerts, planned_reminders, snooze_reminder
from rocketwatch.standin import StandIn

H, M = timedelta(hours=1), timedelta(minutes=1)
A, B = "launch-a", "launch-b"


@pytest.fixture
def server() -> Iterator[StandIn]:
    with StandIn(records=[]) as stand_in:
        stand_in.add_image("/media/aurora.jpg", picture_bytes("aurora"))
        yield stand_in


def shown(tray: Tray) -> list[tuple[timedelta, str, str]]:
    """(time before T0, launch name, first line) of every launch alert shown."""
    return [(T0 - at, n.title, n.body.splitlines()[0]) for at, n in tray.shown if n.title in NAMES.values()]


def test_a_reminder_carries_the_buttons_and_the_picture(home: Path, server: StandIn) -> None:
    server.set_records([record(A, T0, image="/media/aurora.jpg"), record(B, T0 + H)])
    tray = Tray(home, server, T0 - 2 * H, reminders=["1h"])
    tray.run()
    tray.wait_until(T0 - 50 * M)
    [(_at, reminder)] = [(at, n) for at, n in tray.shown if n.title == NAMES[A]]
    assert [(a.key, a.label) for a in reminder.actions] == [
        (WATCH_ACTION, "Watch webcast"),
        (SNOOZE_ACTION, "Remind me in 10 min"),
        (MUTE_ACTION, "Mute this launch"),
    ]
    [thumbnail] = tray.paths.thumbnails_dir.iterdir()
    assert reminder.icon == thumbnail and reminder.subject is not None and reminder.subject.ref == A
    tray.store.close()


def test_a_launch_without_a_link_has_no_watch_button(home: Path, server: StandIn) -> None:
    bare = record(A, T0)
    bare["mission"]["vid_urls"] = []
    server.set_records([bare])
    tray = Tray(home, server, T0 - 2 * H, reminders=["1h"])
    tray.run()
    tray.wait_until(T0 - 50 * M)
    [reminder] = [n for _at, n in tray.shown if n.title == NAMES[A]]
    assert [a.key for a in reminder.actions] == [SNOOZE_ACTION, MUTE_ACTION]
    tray.store.close()


def test_a_muted_launch_gets_no_alert_of_any_kind_until_unmuted(
    home: Path, server: StandIn, local_zone
) -> None:
    local_zone("UTC")
    server.set_records([record(A, T0), record(B, T0)])
    tray = Tray(home, server, T0 - 3 * H, reminders=["1h", "10m"], status_changes=True)
    tray.run()
    assert tray.store.mutes.mute(A) and not tray.store.mutes.mute(A)
    tray.restart()  # kept in the store
    assert {p.launch_id for p in planned_reminders(tray.store, tray.config, tray.now)} == {B}
    tray.wait_until(T0 - 2 * H)
    server.set_records([record(A, T0, status="Hold", holdreason="Range"), record(B, T0)])
    tray.run()  # a status change of a muted launch: no alert
    tray.wait_until(T0 - 30 * M)
    assert [title for _t, title, _b in shown(tray)] == [NAMES[B]]
    assert tray.store.mutes.unmute(A) and not tray.store.mutes.unmute(A)
    server.set_records([record(A, T0), record(B, T0)])
    tray.run()
    tray.wait_until(T0 - 5 * M)
    assert [(t, title, body.split(" — ")[0]) for t, title, body in shown(tray)] == [
        (H, NAMES[B], "Launches in 1 hour"),
        (30 * M, NAMES[A], "Back to Go: launches Mon 15:30 UTC"),  # unmuted: its alerts come again
        (30 * M, NAMES[A], "Launches in 30 min"),
        (10 * M, NAMES[B], "Launches in 10 min"),
        (10 * M, NAMES[A], "Launches in 10 min"),
    ]
    tray.store.close()


def test_a_snoozed_reminder_comes_once_ten_minutes_later_and_survives_a_restart(
    home: Path, server: StandIn, local_zone
) -> None:
    local_zone("UTC")
    server.set_records([record(A, T0)])
    tray = Tray(home, server, T0 - 2 * H, reminders=["1h"])
    tray.run()
    tray.wait_until(T0 - H)
    assert len(shown(tray)) == 1
    tray.now += 2 * M  # the user presses "Remind me in 10 min" two minutes after it showed
    assert snooze_reminder(tray.store, A, tray.now) == T0 - 48 * M
    assert snooze_reminder(tray.store, A, tray.now) == T0 - 48 * M  # a second press: the same reminder
    planned = planned_reminders(tray.store, tray.config, tray.now)
    assert [(p.kind, p.fire_at) for p in planned] == [(SNOOZE, T0 - 48 * M)]
    tray.restart()
    tray.wait_until(T0 - 40 * M)
    assert shown(tray) == [
        (
            H,
            NAMES[A],
            "Launches in 1 hour — 15:30 UTC from Space Launch Complex 40, Cape Canaveral SFS, FL, USA",
        ),
        (
            48 * M,
            NAMES[A],
            "Launches in 48 min — 15:30 UTC from Space Launch Complex 40, Cape Canaveral SFS, FL, USA",
        ),
    ]
    tray.restart()
    deliver_due_alerts(tray.store, tray.config, tray.notifier, tray.now)
    assert len(shown(tray)) == 2  # never twice
    assert tray.store.ledger.entries(kind=SNOOZE)[0].state == "sent"
    tray.store.close()


def test_a_snooze_never_reaches_past_the_net_and_a_mute_drops_it(home: Path, server: StandIn) -> None:
    server.set_records([record(A, T0), record(B, T0 + H)])
    tray = Tray(home, server, T0 - 5 * M, reminders=["1h"])
    tray.run()
    assert snooze_reminder(tray.store, A, tray.now) == T0  # at most until the NET
    assert snooze_reminder(tray.store, A, T0 + M) is None  # the launch is no longer ahead
    assert snooze_reminder(tray.store, "no-such-launch", tray.now) is None
    assert snooze_reminder(tray.store, B, tray.now, minutes=10) == T0 + 5 * M
    tray.store.mutes.mute(B)
    assert snooze_reminder(tray.store, B, tray.now) is None
    assert [p.launch_id for p in planned_reminders(tray.store, tray.config, tray.now)] == [A]
    tray.store.close()
