"""Runs in LL2's detailed mode against the stand-in: pages within the hourly budget, a wrong-shaped
answer that fails at once, landing and update changes and their alerts, mission patches kept once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import RecordingNotifier, picture_bytes, write_config

from rocketwatch.config import load_config
from rocketwatch.notify import ChainNotifier
from rocketwatch.paths import paths_for
from rocketwatch.pipeline import Runner
from rocketwatch.standin import Fault, StandIn
from rocketwatch.store import Store

V230_SINGLE = "ll2_v2.3.0_launch-detail_detailed_single_2025-08.json"


class Rig:
    """A home with a runner pointed at a stand-in, and what it showed."""

    def __init__(self, home: Path, server: StandIn, **config: dict) -> None:
        write_config(home, source={"api_url": server.api_url, **config.pop("source", {})}, **config)
        self.paths = paths_for(home)
        self.store = Store.open(self.paths)
        self.recorder = RecordingNotifier()
        self.runner = Runner(
            self.paths, load_config(self.paths.config_file), self.store, ChainNotifier([self.recorder])
        )

    def log(self, run_id: int) -> str:
        return "\n".join(attempt.log for attempt in self.store.runs.tries(run_id))

    def alerts(self, kind_words: str) -> list[str]:
        return [sent.body for sent in self.recorder.sent if kind_words in sent.body]


@pytest.fixture
def rig(home: Path):
    made: list[Rig] = []

    def make(server: StandIn, **config: dict) -> Rig:
        made.append(Rig(home, server, **config))
        return made[-1]

    yield make
    for item in made:
        item.store.close()


def record(number: int, net: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"launch-{number:03d}",
        "name": f"Rocket | Mission {number}",
        "net": net.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "net_precision": {"abbrev": "MIN"},
        "status": {"id": 1, "abbrev": "Go", "name": "Go for Launch"},
        **extra,
    }


def soon(hours: float = 20) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)


def test_a_single_launch_instead_of_a_page_fails_at_once_without_retries(rig, ll2_fixtures_dir: Path) -> None:
    single = json.loads((ll2_fixtures_dir / V230_SINGLE).read_text(encoding="utf-8"))
    with StandIn(records=[record(1, soon())]) as server:
        h = rig(server, pipeline={"retries": 3, "retry_delay": 30})
        server.set_sticky_api_fault(Fault("wrong_shape", body=single))
        run = h.runner.run()

    download = run.tasks[0]
    assert run.state == "failed" and (download.state, download.tries) == ("failed", 1)
    assert run.api_requests == 1
    assert download.error == (
        "LL2 answered with JSON that is not a list of launches but a single launch "
        "(“Sputnik 8K74PS | Sputnik 1”)"
    )
    assert "Trying again" not in h.log(run.id)


def test_pages_are_followed_up_to_the_setting_one_request_each(rig) -> None:
    records = [record(n, soon(10 + n)) for n in range(250)]
    with StandIn(records=records) as server:
        h = rig(server, source={"pages": 2})
        run = h.runner.run()
        queries = [entry.query for entry in server.requests if "/upcoming/" in entry.path]

    assert run.state == "success" and run.api_requests == 2 and run.launches == 200
    assert queries == [
        {"limit": "100", "mode": "detailed"},
        {"limit": "100", "mode": "detailed", "offset": "100"},
    ]
    assert "LL2 lists 250 upcoming launches in all; RocketWatch followed 2 pages of 100" in h.log(run.id)
    assert (h.paths.run_dir(run.id) / "launches-2.json").is_file()
    assert h.store.launches.count() == 200


def test_a_run_never_spends_requests_the_hourly_budget_does_not_have(rig) -> None:
    records = [record(n, soon(10 + n)) for n in range(250)]
    with StandIn(records=records) as server:
        h = rig(server, source={"pages": 3})
        earlier = h.store.runs.create(
            "scheduled", ("download_launches",), 1, now=datetime.now(UTC) - timedelta(minutes=20)
        )
        h.store.runs.add_api_requests(earlier, 14)  # 14 of LL2's 15 an hour already spent
        run = h.runner.run()

    assert run.state == "success" and run.api_requests == 1 and run.launches == 100
    assert "Not following LL2's next page: the last hour's 15 requests use up LL2's 15 an hour" in h.log(
        run.id
    )


def test_broken_parts_are_logged_once_per_run_not_per_launch(rig) -> None:
    records = [
        record(n, soon(10 + n), vid_urls="not a list", mission_patches=[{"image_url": "ftp://x"}])
        for n in range(30)
    ]
    with StandIn(records=records) as server:
        h = rig(server)
        run = h.runner.run()

    assert run.state == "success" and run.launches == 30
    lines = [line for line in h.log(run.id).splitlines() if "Left out" in line]
    assert len(lines) == 1 and lines[0].endswith("30 mission patches, 30 video links")


def test_the_demo_records_a_landing_outcome_and_a_slip_and_alerts_the_landing(rig) -> None:
    with StandIn.demo(history=True) as server:
        h = rig(server)
        first, second = h.runner.run(), h.runner.run()

    assert first.state == second.state == "success"
    seen = h.store.launches.changes(run_id=second.id)
    changes = {(change.field, change.old, change.new) for change in seen}
    assert ("landing", "B1082: unknown", "B1082: success") in changes
    assert any(
        field == "net"
        and old
        and new
        and datetime.fromisoformat(new) - datetime.fromisoformat(old) == timedelta(hours=12)
        for field, old, new in changes
    )
    assert h.alerts("landed") == ["Booster B1082 landed on Of Course I Still Love You"]


def test_landing_alerts_can_be_turned_off(rig) -> None:
    with StandIn.demo(history=True) as server:
        h = rig(server, alerts={"landings": False})
        h.runner.run()
        h.runner.run()

    assert h.alerts("landed") == []
    assert any(change.field == "landing" for change in h.store.launches.changes())  # still recorded


def update(comment: str, created: datetime) -> dict[str, Any]:
    return {
        "comment": comment,
        "created_by": "Caster",
        "created_on": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "info_url": None,
    }


@pytest.mark.parametrize(
    ("updates_on", "hours_to_net", "alerted"), [(True, 20, True), (False, 20, False), (True, 100, False)]
)
def test_a_new_update_near_the_net_is_an_alert_when_asked_for(
    rig, updates_on: bool, hours_to_net: float, alerted: bool
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    old = update("Added launch.", now - timedelta(days=2))
    net = now + timedelta(hours=hours_to_net)
    with StandIn(records=[record(1, net, updates=[old])]) as server:
        h = rig(server, alerts={"updates": updates_on, "reminders": []})
        h.runner.run()
        new = update("Static fire complete.", now - timedelta(minutes=5))
        server.set_records([record(1, net, updates=[old, new])])
        run = h.runner.run()

    assert [change.field for change in h.store.launches.changes(run_id=run.id)] == ["update"]
    assert h.alerts("Static fire") == (["Update (Caster): Static fire complete."] if alerted else [])


def test_mission_patches_are_fetched_once_ever_and_a_failed_one_leaves_the_launch_without_it(rig) -> None:
    good = {"name": "Good", "image_url": "{server}/media/good.png"}
    gone = {"name": "Gone", "image_url": "{server}/media/gone.png"}
    records = [record(1, soon(), mission_patches=[good]), record(2, soon(30), mission_patches=[good, gone])]
    with StandIn(records=records) as server:
        server.add_image("/media/good.png", picture_bytes("patch"), "image/jpeg")
        h = rig(server)
        first = h.runner.run()
        second = h.runner.run()
        assert server.count("/media/good.png") == 1 and server.count("/media/gone.png") == 1

    assert first.state == second.state == "success"
    assert "Mission patches: 1 downloaded, 1 failed" in h.log(first.id)
    kept = h.store.launches.get("launch-002")
    assert kept is not None and [patch.name for patch in kept.patches] == ["Good", "Gone"]
    image, _thumbnail = h.store.images.paths_for(kept.patches[0].image_url)
    assert image is not None and image.is_file()
    assert h.store.images.paths_for(kept.patches[1].image_url) == (None, None)
