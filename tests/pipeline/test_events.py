"""LL2's upcoming events in a run: one more request ([source] events), both versions' shapes, their own
task with tries and state; a failure there leaves the run's launches alone; bad records are skipped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_runner import Harness

from rocketwatch.pipeline import RunEvent
from rocketwatch.standin import Fault, StandIn
from rocketwatch.standin.events import demo_events


@pytest.fixture
def harness(home) -> Iterator:
    made: list[Harness] = []

    def make(server: StandIn, **config: dict) -> Harness:
        config["source"] = {"events": True, **config.get("source", {})}
        made.append(Harness(home, server, **config))
        return made[-1]

    yield make
    for item in made:
        item.close()


@pytest.mark.parametrize(
    ("version", "route"), [("2.2.0", "/2.2.0/event/upcoming/"), ("2.3.0", "/2.3.0/events/upcoming/")]
)
def test_events_of_both_versions_are_kept_with_their_pictures(harness, version, route) -> None:
    with StandIn.demo(version=version) as server:
        h = harness(server)
        record = h.runner.run()
        assert record.state == "success" and record.api_requests == 2  # launches + events: one more
        assert [t.state for t in record.tasks] == ["success"] * 4
        assert server.count(route) == 1
    events = h.store.events.upcoming()
    assert [(e.name, e.type) for e in events] == [
        ("US Spacewalk 92", "EVA"),
        ("Cargo Dragon docking", "Docking"),
        ("Starship static fire", "Static Fire"),
    ]
    spacewalk = events[0]
    assert spacewalk.webcast_url == "https://www.youtube.com/watch?v=demo-event-1"
    assert spacewalk.location == "International Space Station" and spacewalk.date_precision == "MIN"
    assert spacewalk.image_url.endswith("/media/demo/falcon-noon.jpg")
    image, thumbnail = h.store.images.paths_for(spacewalk.image_url)
    assert image is not None and image.is_file() and thumbnail is not None and thumbnail.is_file()
    assert events[2].date_precision == "HR"
    log = next(t for t in h.store.runs.tries(record.id) if t.task_id == "download_events").log
    assert "Kept 3 events" in log and "Event pictures: " in log


def test_a_failing_events_request_does_not_fail_the_launches(harness) -> None:
    with StandIn.demo() as server:
        h = harness(server, pipeline={"retries": 1, "retry_delay": 0.01})

        def fail_events(event: RunEvent) -> None:
            if event.kind == "task_state" and event.task_id == "download_events" and event.state == "running":
                server.set_sticky_api_fault(Fault("status", code=503))

        h.runner.on_event = fail_events
        record = h.runner.run()
    assert record.state == "success"  # the launches, their pictures and the summary are all there
    assert [(t.task_id, t.state, t.tries) for t in record.tasks] == [
        ("download_launches", "success", 1),
        ("get_pictures", "success", 1),
        ("notify", "success", 1),
        ("download_events", "failed", 2),
    ]
    assert "503" in (record.tasks[-1].error or "")
    assert len(h.store.launches.upcoming()) == len(server.records) and not h.store.events.upcoming()
    assert any(n.title.endswith(" new") for n in h.recorder.sent)


def test_events_without_an_id_or_a_date_are_skipped_and_counted(harness) -> None:
    events = demo_events()
    broken = [{**events[0], "id": None}, {**events[1], "date": "soon"}, "not an event", events[2]]
    with StandIn.demo(events=broken) as server:
        h = harness(server)
        record = h.runner.run()
    assert record.state == "success"
    assert [e.name for e in h.store.events.upcoming()] == ["Starship static fire"]
    log = next(t for t in h.store.runs.tries(record.id) if t.task_id == "download_events").log
    assert "Skipped 3 events LL2 sent without a usable id or date" in log
    assert "Cargo Dragon docking" in log  # the reason names the event


def test_events_are_off_by_default_and_never_beyond_the_hourly_budget(harness, home) -> None:
    with StandIn.demo() as server:
        off = harness(server, source={"events": False})
        assert off.runner.run().api_requests == 1 and server.count("/2.3.0/events/") == 0
        off.close()
        h = harness(server)
        for _ in range(14):  # 1 + 14 = 15 requests this hour: LL2's anonymous limit
            h.store.runs.add_api_requests(h.store.runs.latest(limit=1)[0].id, 1)
        record = h.runner.run()
    assert record.state == "success" and record.tasks[-1].state == "skipped"
    assert server.count("/2.3.0/events/") == 0
    log = next(t for t in h.store.runs.tries(record.id) if t.task_id == "download_events").log
    assert "Not asking for events" in log


def test_an_event_reminder_of_a_picked_type_is_shown_once_with_its_picture(harness) -> None:
    from datetime import timedelta

    from rocketwatch.pipeline.alerting import deliver_due_alerts

    with StandIn.demo() as server:
        h = harness(server, alerts={"event_types": ["EVA"], "reminders": ["1h"]})
        assert h.runner.run().state == "success"
    [spacewalk] = [e for e in h.store.events.upcoming() if e.type == "EVA"]
    at = spacewalk.date - timedelta(minutes=50)
    before = len(h.recorder.sent)
    deliver_due_alerts(h.store, h.config, h.runner.notifier, at)
    deliver_due_alerts(h.store, h.config, h.runner.notifier, at + timedelta(minutes=5))  # never twice
    [reminder] = [n for n in h.recorder.sent[before:] if n.title == spacewalk.name]
    assert reminder.title == "US Spacewalk 92"
    assert reminder.body.startswith("EVA in 50 min — ")
    assert reminder.body.endswith("International Space Station")
    assert reminder.icon == h.store.images.paths_for(spacewalk.image_url)[1]
    assert reminder.subject is not None and reminder.subject.kind == "gallery" and not reminder.actions
