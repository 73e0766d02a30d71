"""A scripted launch week against the LL2 stand-in with a fake clock: every alert, once, at its time.

The driver plays the tray app: runs when LL2 changes, and at each planned reminder a refresh when the
data are too old, then deliver_due_alerts(). Also: restarts, time zones across a DST change, the budget.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import picture_bytes, write_config

from rocketwatch.cli import main
from rocketwatch.config import load_config
from rocketwatch.notify import ChainNotifier, Notification
from rocketwatch.paths import paths_for
from rocketwatch.pipeline import Runner
from rocketwatch.pipeline.alerting import (
    REFRESH_TRIGGER,
    ReminderStep,
    deliver_due_alerts,
    next_fire_time,
    planned_reminders,
    refresh_fell_short,
    reminder_step,
)
from rocketwatch.resources import app_icon_path
from rocketwatch.standin import StandIn
from rocketwatch.standin.data import format_time
from rocketwatch.store import Store

H, M = timedelta(hours=1), timedelta(minutes=1)
T0 = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)  # launch A's first NET, a Monday after the US fall-back
A, B, C = "launch-a", "launch-b", "launch-c"
NAMES = {A: "Falcon 9 Block 5 | Aurora Relay", B: "Electron | Fern Cubesat", C: "Ariane 6 | Polar Survey"}
STATUS_IDS = {"Go": 1, "TBD": 2, "Success": 3, "Failure": 4, "Hold": 5, "In Flight": 6, "TBC": 8}


def record(
    launch_id: str,
    net: datetime,
    *,
    precision: str = "SEC",
    status: str = "Go",
    holdreason: str = "",
    webcast_live: bool = False,
    pad: str = "Space Launch Complex 40",
    location: str = "Cape Canaveral SFS, FL, USA",
    image: str | None = None,
) -> dict[str, Any]:
    """An LL2 2.3.0 launch record (mode=normal) with just the fields RocketWatch reads."""
    return {
        "id": launch_id,
        "name": NAMES[launch_id],
        "net": format_time(net),
        "net_precision": {"abbrev": precision},
        "window_start": format_time(net),
        "window_end": format_time(net + 2 * H),
        "status": {"id": STATUS_IDS[status], "name": status, "abbrev": status},
        "holdreason": holdreason,
        "webcast_live": webcast_live,
        "launch_service_provider": {"name": "SpaceX"},
        "rocket": {"configuration": {"full_name": "Falcon 9"}},
        "mission": {
            "name": NAMES[launch_id].split(" | ")[1],
            "description": "A test mission.",
            "vid_urls": [{"url": f"https://example.org/{launch_id}/live"}],
        },
        "pad": {"name": pad, "location": {"name": location}},
        "image": {"image_url": f"{{server}}{image}"} if image else None,
    }


class Tray:
    """What the tray app does around the pipeline, on a fake clock and a recording notifier."""

    def __init__(
        self, home: Path, server: StandIn, now: datetime, pipeline: dict | None = None, **alerts: Any
    ) -> None:
        write_config(
            home, source={"api_url": server.api_url, "limit": 50}, pipeline=pipeline or {}, alerts=alerts
        )
        self.paths = paths_for(home)
        self.config = load_config(self.paths.config_file)
        self.now = now
        self.shown: list[tuple[datetime, Notification]] = []
        self.name = "recorder"
        self.notifier = ChainNotifier([self])
        self.start()

    def send(self, notification: Notification) -> None:
        self.shown.append((self.now, notification))

    def start(self) -> None:
        self.store = Store.open(self.paths)
        self.runner = Runner(self.paths, self.config, self.store, self.notifier, now=lambda: self.now)

    def restart(self) -> None:
        """The process ends and a new one starts on the same home."""
        self.store.close()
        self.start()

    def run(self, trigger: str = "scheduled", state: str = "success") -> None:
        assert self.runner.run(trigger).state == state

    def at_fire_time(self) -> None:
        """What the tray app does when a reminder's timer fires (the core decides, as in ui/app.py)."""
        if reminder_step(self.store, self.config, self.now, run_active=False) is ReminderStep.REFRESH:
            record = self.runner.run(REFRESH_TRIGGER)  # its notify task delivers the due reminders
            if not refresh_fell_short(record):
                return
        deliver_due_alerts(self.store, self.config, self.notifier, self.now)

    def wait_until(self, moment: datetime) -> None:
        """Let time pass, waking at every planned reminder (as APScheduler date jobs would)."""
        while (fire := next_fire_time(self.store, self.config, self.now)) is not None and fire <= moment:
            self.now = fire
            self.at_fire_time()
        self.now = moment

    def alerts(self) -> list[tuple[datetime, str, str, str]]:
        """(time, kind, launch id, body) of every launch alert shown, with its kind from the ledger."""
        entries = {(e.title, e.body): e for e in self.store.ledger.entries() if e.kind != "summary"}
        return [
            (at, entries[(n.title, n.body)].kind, entries[(n.title, n.body)].launch_id or "", n.body)
            for at, n in self.shown
            if n.title in NAMES.values()
        ]


@pytest.fixture
def server() -> Iterator[StandIn]:
    with StandIn(records=[]) as stand_in:
        stand_in.add_image("/media/aurora.jpg", picture_bytes("aurora"))
        yield stand_in


# The local times the alerts must show: A's NET after its slip (17:30Z on Mon 2 Nov), B's NET (12:00Z).
LOCAL = {
    "UTC": ("Mon", "17:30 UTC", "12:00 UTC"),
    "Asia/Seoul": ("Tue", "02:30 KST", "21:00 KST"),
    # EST: the slip was noticed in EDT, on 31 Oct, but the time it names is after the change of clock.
    "America/New_York": ("Mon", "12:30 EST", "07:00 EST"),
}


@pytest.mark.parametrize("tz", list(LOCAL))
def test_a_launch_week_gives_each_alert_once_at_its_time(
    home: Path, server: StandIn, local_zone, tz: str
) -> None:
    local_zone(tz)
    day, a_time, b_time = LOCAL[tz]
    where = "from Space Launch Complex 40, Cape Canaveral SFS, FL, USA"
    pictures = {A: {"image": "/media/aurora.jpg"}}
    records = {
        A: record(A, T0, image="/media/aurora.jpg"),
        C: record(C, datetime(2027, 8, 15, tzinfo=UTC), precision="Q3", status="TBD"),
    }
    tray = Tray(home, server, T0 - 3 * 24 * H, webcast=True)

    def at(moment: datetime, changes: dict[str, dict[str, Any]] | None = None) -> None:
        tray.wait_until(moment)
        for launch_id, fields in (changes or {}).items():
            records[launch_id] = record(launch_id, **{**pictures.get(launch_id, {}), **fields})
        server.set_records(list(records.values()))
        tray.run()

    net_a = T0 + 2 * H
    at(T0 - 3 * 24 * H)  # A and C appear
    at(datetime(2026, 10, 31, 3, 30, tzinfo=UTC), {A: {"net": net_a}})
    tray.restart()
    at(
        datetime(2026, 11, 2, 13, 0, tzinfo=UTC),
        {A: {"net": net_a, "status": "Hold", "holdreason": "Weather: cumulus clouds"}},
    )
    at(datetime(2026, 11, 2, 16, 50, tzinfo=UTC), {A: {"net": net_a}})
    at(datetime(2026, 11, 2, 17, 10, tzinfo=UTC), {A: {"net": net_a, "webcast_live": True}})
    tray.restart()
    at(net_a + M, {A: {"net": net_a, "status": "In Flight", "webcast_live": True}})
    at(net_a + H, {A: {"net": net_a, "status": "Success"}})
    net_b = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    at(net_b - 40 * M, {B: {"net": net_b, "pad": "LC-1A", "location": "Mahia, NZ"}})
    at(datetime(2026, 11, 5, 15, 30, tzinfo=UTC))

    assert tray.alerts() == [
        (datetime(2026, 10, 31, 3, 30, tzinfo=UTC), "slip", A, f"Slipped 2 h: now {day} {a_time}"),
        (net_a - 24 * H, "reminder", A, f"Launches in 24 hours — {day} {a_time} {where}"),
        (
            datetime(2026, 11, 2, 13, 0, tzinfo=UTC),
            "status",
            A,
            f"On hold: Weather: cumulus clouds (NET {day} {a_time})",
        ),
        (
            net_a - H,
            "reminder",
            A,
            f"Might launch in 1 hour — {a_time} {where} (on hold: Weather: cumulus clouds)",
        ),
        (datetime(2026, 11, 2, 16, 50, tzinfo=UTC), "status", A, f"Back to Go: launches {day} {a_time}"),
        (
            datetime(2026, 11, 2, 17, 10, tzinfo=UTC),
            "webcast",
            A,
            "Webcast is live: https://example.org/launch-a/live",
        ),
        (net_a - 10 * M, "reminder", A, f"Launches in 10 min — {a_time} {where}"),
        (net_a + M, "status", A, f"Liftoff! Falcon 9 lifted off {where}"),
        (net_a + H, "status", A, "Launch successful"),
        (net_b - 40 * M, "reminder", B, f"Launches in 40 min — {b_time} from LC-1A, Mahia, NZ"),
        (net_b - 10 * M, "reminder", B, f"Launches in 10 min — {b_time} from LC-1A, Mahia, NZ"),
    ]
    # Launch C ("Q3 2027") never had a reminder planned; nothing was kept back as quiet or failed.
    entries = [e for e in tray.store.ledger.entries() if e.kind != "summary"]
    assert all(e.state == "sent" and e.launch_id != C for e in entries) and len(entries) == 11
    # Reminders whose data were too old went out from a "refresh" run, with no summary of their own.
    refresh_runs = [r for r in tray.store.runs.latest(limit=100) if r.trigger == "refresh"]
    assert len(refresh_runs) == 3
    assert sum(len(tray.store.ledger.entries(run_id=r.id)) for r in refresh_runs) == 3
    # Alerts about A carry A's thumbnail; B has no picture and gets the app icon.
    [thumbnail] = tray.paths.thumbnails_dir.iterdir()
    icons = {(n.title, n.icon) for _at, n in tray.shown if n.title in NAMES.values()}
    assert icons == {(NAMES[A], thumbnail), (NAMES[B], app_icon_path())}

    shown = len(tray.shown)
    tray.restart()
    tray.run()
    tray.now -= 40 * M  # even a clock that jumps back finds nothing left to send
    deliver_due_alerts(tray.store, tray.config, tray.notifier, tray.now)
    assert len(tray.shown) == shown + 1 and tray.shown[-1][1].title.endswith("new")  # just the summary
    tray.store.close()


def test_a_reminder_on_old_data_refreshes_first_or_says_when_it_was_last_checked(home: Path, server) -> None:
    net = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    server.set_records([record(A, net)])
    tray = Tray(home, server, net - 4 * H, reminders=["1h"], api_budget=0)
    tray.run()
    tray.wait_until(net - 30 * M)
    [(at, reminder)] = [(at, n) for at, n in tray.shown if n.title == NAMES[A]]
    assert at == net - H
    assert reminder.body.endswith("\nLast checked 3 h ago")
    assert [r.trigger for r in tray.store.runs.latest()] == ["scheduled"]  # no budget: no refresh
    tray.store.close()


def test_a_refresh_that_finds_a_new_net_sends_no_stale_reminder(home: Path, server) -> None:
    net = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    server.set_records([record(A, net)])
    tray = Tray(home, server, net - 4 * H, reminders=["1h"])
    tray.run()
    server.set_records([record(A, net + 3 * H)])  # LL2 knows of a slip the store has not seen
    tray.wait_until(net - 30 * M)
    assert [r.trigger for r in tray.store.runs.latest()] == ["refresh", "scheduled"]
    assert [n.body.split(":")[0] for _at, n in tray.shown if n.title == NAMES[A]] == ["Slipped 3 h"]
    assert [p.fire_at for p in planned_reminders(tray.store, tray.config, tray.now)] == [net + 2 * H]
    tray.store.close()


def test_alerts_in_quiet_hours_are_kept_not_shown_and_not_repeated(home: Path, server, local_zone) -> None:
    local_zone("UTC")
    net = datetime(2026, 3, 10, 7, 30, tzinfo=UTC)
    server.set_records([record(A, net)])
    tray = Tray(home, server, net - 12 * H, reminders=["1h", "10m"], quiet_hours="22:00-07:00")
    tray.run()
    tray.wait_until(net + H)
    shown = [(at, n.body.split(" — ")[0]) for at, n in tray.shown if n.title == NAMES[A]]
    assert shown == [(net - 10 * M, "Launches in 10 min")]
    states = {e.lead_s: e.state for e in tray.store.ledger.entries(kind="reminder")}
    assert states == {3600: "suppressed", 600: "sent"}
    assert [e.lead_s for e in tray.store.ledger.alerts_for(A, "reminder")] == [3600, 600]
    tray.store.close()


def test_reminders_json_follows_a_slip_after_the_next_run(home: Path, server, capsys, monkeypatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    net = datetime.now(UTC).replace(microsecond=0) + 3 * 24 * H
    server.set_records([record(A, net), record(C, net, precision="M")])
    write_config(home)
    cli = ["--home", str(home), "--api-url", server.api_url]

    def reminders() -> list[dict]:
        capsys.readouterr()
        assert main([*cli, "reminders", "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    assert main([*cli, "run"]) == 0
    before = reminders()
    assert [(r["launch_id"], r["kind"], r["lead"]) for r in before] == [
        (A, "reminder", 86_400),
        (A, "reminder", 3_600),
        (A, "reminder", 600),
    ]
    assert before[0]["fire_at"] == format_time(net - 24 * H)
    server.set_records([record(A, net + 2 * H), record(C, net, precision="M")])
    assert reminders() == before  # nothing changes until a run has seen the slip
    assert main([*cli, "run"]) == 0
    after = [r["fire_at"] for r in reminders()]
    assert after == [format_time(net + 2 * H - lead) for lead in (24 * H, H, 10 * M)]
    assert main([*cli, "reminders"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["REMINDS", "AT", "(local)", "BEFORE", "NET", "(local)", "LAUNCH"]
    assert [line.split("  ")[-1].strip() for line in table[1:]] == [NAMES[A]] * 3


def test_a_change_seen_by_a_failed_run_is_alerted_by_the_next_run_while_true(home: Path, server) -> None:
    net = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)

    def serve(status: str, pictures_reachable: bool) -> None:
        launch = record(A, net, status=status, image="/media/aurora.jpg")
        if not pictures_reachable:
            launch["image"] = {"image_url": "http://127.0.0.1:9/closed.jpg"}  # fails the picture step
        server.set_records([launch])

    serve("Go", True)
    tray = Tray(home, server, net - 30 * H, pipeline={"retries": 0}, reminders=[])
    tray.run()
    serve("Hold", False)
    tray.wait_until(net - 29 * H)
    tray.run(state="failed")  # its notify task never ran
    serve("Hold", True)
    tray.wait_until(net - 28 * H)
    tray.run()
    serve("Go", False)
    tray.wait_until(net - 27 * H)
    tray.run(state="failed")
    serve("TBD", True)
    tray.wait_until(net - 26 * H)
    tray.run()
    assert [(at, body.split(" (")[0]) for at, _kind, _launch, body in tray.alerts()] == [
        (net - 28 * H, "On hold"),  # still true a run later: alerted then
        (net - 26 * H, "Unconfirmed: the launch time is to be determined"),  # "back to Go" was no longer true
    ]
    tray.store.close()
