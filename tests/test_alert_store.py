"""What alerts keep in the store: the schema step that adds them, stars, webcast changes, the ledger.

Each test opens a real SQLite file in a temporary home.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rocketwatch.ll2.model import Launch
from rocketwatch.paths import paths_for
from rocketwatch.store import Store
from rocketwatch.store.database import MIGRATIONS, SCHEMA_VERSION, Database
from rocketwatch.store.ledger import SENT, SUPPRESSED

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


def test_a_database_from_before_alerts_is_upgraded_and_keeps_its_notifications(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute(
            "INSERT INTO notifications (key, kind, title, body, created_at, state)"
            " VALUES ('run-1-summary', 'summary', '3 upcoming launches', 'Next: …', ?, 'sent')",
            (NOW.isoformat(),),
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    db = Database(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
        store = Store(db, paths_for(tmp_path))
        [old] = store.ledger.entries()
        assert (old.key, old.fire_at, old.lead_s) == ("run-1-summary", None, None)
        assert store.stars.starred() == frozenset()
    finally:
        db.close()


def test_stars(home: Path) -> None:
    with Store.open(paths_for(home)) as store:
        store.stars.star("a")
        store.stars.star("b")
        store.stars.star("a")
        store.stars.unstar("b")
        assert store.stars.starred() == {"a"} and store.stars.is_starred("a")
    with Store.open(paths_for(home)) as store:
        assert store.stars.starred() == {"a"}


def test_webcast_going_live_and_ending_is_recorded_as_a_change(home: Path) -> None:
    def seen(live: bool) -> Launch:
        return Launch(id="a", name="A", net=NOW, webcast_live=live)

    with Store.open(paths_for(home)) as store:
        store.launches.upsert([seen(False)], 1, now=NOW)
        store.launches.upsert([seen(False)], 2, now=NOW)
        result = store.launches.upsert([seen(True)], 3, now=NOW + timedelta(minutes=5))
        store.launches.upsert([seen(True)], 4, now=NOW)
        store.launches.upsert([seen(False)], 5, now=NOW)
        changes = store.launches.changes(launch_id="a")
        assert [(c.run_id, c.field, c.old, c.new) for c in changes] == [
            (3, "webcast", "false", "true"),
            (5, "webcast", "true", "false"),
        ]
        assert result.changed == 1 and changes[0].noticed_at == NOW + timedelta(minutes=5)
        assert changes[0].id < changes[1].id
        assert store.launches.change_counts() == {"a": 2}
        assert store.launches.last_seen() == {"a": NOW}


def test_api_requests_of_the_last_hour(home: Path) -> None:
    with Store.open(paths_for(home)) as store:
        for minutes_ago, requests in ((90, 5), (50, 2), (10, 1)):
            run_id = store.runs.create(
                "scheduled", ("download_launches",), 1, now=NOW - timedelta(minutes=minutes_ago)
            )
            store.runs.add_api_requests(run_id, requests)
        assert store.runs.api_requests_since(NOW - timedelta(hours=1)) == 3
        assert store.runs.api_requests_since(NOW - timedelta(hours=2)) == 8


def test_the_ledger_keeps_fire_time_and_lead_and_answers_what_was_sent(home: Path) -> None:
    fire = NOW + timedelta(hours=2)
    with Store.open(paths_for(home)) as store:
        ledger = store.ledger
        assert ledger.claim(
            "reminder:a:3600:x",
            kind="reminder",
            title="A",
            body="in 1 hour",
            launch_id="a",
            fire_at=fire,
            lead_s=3600,
            now=NOW,
        )
        assert not ledger.claim("reminder:a:3600:x", kind="reminder", title="A", body="again", launch_id="a")
        ledger.settle("reminder:a:3600:x", SENT, "recorder", now=NOW)
        ledger.claim("reminder:a:600:y", kind="reminder", title="A", body="quiet", launch_id="a", lead_s=600)
        ledger.settle("reminder:a:600:y", SUPPRESSED, None)
        ledger.claim("reminder:a:60:z", kind="reminder", title="A", body="never settled", launch_id="a")
        ledger.claim("status:a:Hold:1", kind="status", title="A", body="On hold", launch_id="a")
        ledger.settle("status:a:Hold:1", SENT, "recorder")
        ledger.claim("reminder:b:3600:x", kind="reminder", title="B", body="in 1 hour", launch_id="b")
        ledger.settle("reminder:b:3600:x", SENT, "recorder")

        reminders = ledger.alerts_for("a", "reminder")
        assert [(e.body, e.state) for e in reminders] == [("in 1 hour", SENT), ("quiet", SUPPRESSED)]
        assert (reminders[0].fire_at, reminders[0].lead_s, reminders[0].created_at) == (fire, 3600, NOW)
        assert [e.key for e in ledger.alerts_for("a", "status")] == ["status:a:Hold:1"]
        assert ledger.has("reminder:a:60:z") and not ledger.has("reminder:c:1:1")


def test_the_tray_countdown_reads_only_the_launches_of_the_coming_hour(home: Path) -> None:
    """last_hour_launch() runs every 30 s in the tray: it reads the hour ahead, not every stored launch,
    and still finds a watched launch at the window's very end."""
    from rocketwatch.config import Config
    from rocketwatch.pipeline.alerting import last_hour_launch

    soon, at_the_end, later = (
        Launch(id=name, name=name, net=NOW + ahead, net_precision="SEC")
        for name, ahead in (
            ("soon", timedelta(minutes=30)),
            ("end", timedelta(hours=1)),
            ("later", timedelta(hours=2)),
        )
    )
    with Store.open(paths_for(home)) as store:
        store.launches.upsert([later, at_the_end, soon], None, now=NOW)
        window = store.launches.upcoming(since=NOW, until=NOW + timedelta(hours=1))
        assert [launch.id for launch in window] == ["soon", "end"]
        assert [launch.id for launch in store.launches.upcoming(since=NOW)] == ["soon", "end", "later"]
        assert last_hour_launch(store, Config(), NOW).id == "soon"
        store.mutes.mute("soon", now=NOW)
        assert last_hour_launch(store, Config(), NOW).id == "end"
