"""The whole pipeline against the LL2 stand-in: states, tries, retries, idempotence, hostile pictures."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import RecordingNotifier, write_config
from PIL import Image

from rocketwatch.config import load_config
from rocketwatch.notify import ChainNotifier, Subject
from rocketwatch.paths import paths_for
from rocketwatch.pipeline import Runner, RunRefused, backoff_delay
from rocketwatch.standin import Fault, StandIn
from rocketwatch.store import Store
from rocketwatch.store.database import to_text


class Harness:
    """A home, its store and a runner pointed at a stand-in."""

    def __init__(self, home: Path, server: StandIn, **config: dict) -> None:
        source = {"api_url": server.api_url, **config.pop("source", {})}
        write_config(home, source=source, **config)
        self.paths = paths_for(home)
        self.config = load_config(self.paths.config_file)
        self.store = Store.open(self.paths)
        self.recorder = RecordingNotifier()
        self.events: list = []
        self.runner = Runner(
            self.paths, self.config, self.store, ChainNotifier([self.recorder]), on_event=self.events.append
        )

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def harness(home: Path, standin: StandIn):
    made: list[Harness] = []

    def make(server: StandIn = standin, **config: dict) -> Harness:
        made.append(Harness(home, server, **config))
        return made[-1]

    yield make
    for item in made:
        item.close()


def test_demo_run_stores_launches_pictures_and_notifies(harness, standin) -> None:
    h = harness()
    record = h.runner.run()

    assert record.state == "success"
    assert [(t.task_id, t.state, t.tries) for t in record.tasks] == [
        ("download_launches", "success", 1),
        ("get_pictures", "success", 1),
        ("notify", "success", 1),
        ("download_events", "skipped", 1),  # [source] events is off
    ]
    demo = len(standin.records)  # the whole demo list: one page of up to 100 launches
    assert record.launches == demo and record.new_launches == demo and record.api_requests == 1
    assert record.images["downloaded"] == record.images["distinct"] > 0
    assert (h.paths.run_dir(record.id) / "launches.json").is_file()
    for launch in h.store.launches.upcoming():
        image, thumbnail = h.store.images.paths_for(launch.image_url)
        if launch.image_url:
            assert image is not None and image.parent == h.paths.images_dir
            assert thumbnail is not None
            with Image.open(thumbnail) as picture:
                assert max(picture.size) <= 320
    # Launch alerts come first: one late reminder per launch due within the longest reminder lead.
    *alerts, summary = h.recorder.sent
    assert alerts and all(alert.body.startswith("Launches in ") for alert in alerts)
    # LL2's list (the demo's too) holds a launch that flew today: counted apart, not as upcoming or new.
    assert summary.title == f"{demo - 1} upcoming launches, {demo - 1} new"
    assert summary.body.startswith("Next: ")
    assert summary.body.splitlines()[-1] == "Also 1 recent launch of the last 24 hours"
    # A click opens what each is about: the alert's launch, the gallery for the summary.
    known = {launch.id for launch in h.store.launches.upcoming()}
    assert all(alert.subject.kind == "launch" and alert.subject.ref in known for alert in alerts)
    assert summary.subject == Subject.gallery()
    assert h.events[0].kind == "run_started" and h.events[-1].kind == "run_finished"


def test_second_run_with_nothing_changed_makes_one_request_and_downloads_nothing(harness, standin) -> None:
    h = harness()
    h.runner.run()
    pictures_before = standin.count("/media/")
    second = h.runner.run()

    assert second.state == "success"
    assert second.api_requests == 1
    assert second.new_launches == 0 and second.changed_launches == 0
    assert second.images["downloaded"] == 0 and second.images["cached"] == second.images["distinct"]
    assert standin.count("/media/") == pictures_before


def test_changes_to_net_and_status_are_recorded(harness, standin) -> None:
    h = harness()
    first = h.runner.run()
    records = standin.records
    changed = json.loads(json.dumps(records[1]))
    changed["net"] = "2099-01-01T00:00:00Z"
    changed["status"] = {"id": 5, "name": "On Hold", "abbrev": "Hold"}
    standin.set_records([records[0], changed, *records[2:]])
    second = h.runner.run()

    assert second.changed_launches == 1
    fields = {(c.field, c.new) for c in h.store.launches.changes(run_id=second.id)}
    assert fields == {("net", "2099-01-01T00:00:00.000+00:00"), ("status", "Hold")}
    assert first.id != second.id


def test_server_errors_fail_after_retries_and_retry_completes_the_same_run(harness, standin) -> None:
    h = harness(pipeline={"retries": 2})
    standin.set_sticky_api_fault(Fault("status", code=500))
    failed = h.runner.run()

    assert failed.state == "failed"
    download = failed.tasks[0]
    assert (download.state, download.tries) == ("failed", 3)
    assert "500" in download.error
    assert [t.state for t in failed.tasks[1:]] == ["skipped", "skipped", "skipped"]
    assert failed.api_requests == 3
    tries = h.store.runs.tries(failed.id)
    assert [t.state for t in tries] == ["up_for_retry", "up_for_retry", "failed"]
    assert "500" in tries[0].log
    [alert] = h.recorder.sent
    assert "Getting the launch list" in alert.body and "3 tries" in alert.body
    assert alert.subject == Subject.run(failed.id)  # a click opens Run history on this run

    standin.set_sticky_api_fault(None)
    retried = h.runner.retry(failed.id)
    assert retried.id == failed.id
    assert retried.state == "success"
    assert retried.tasks[0].tries == 4
    assert retried.retries == 1


def test_retry_reuses_the_page_saved_by_the_run(harness, standin) -> None:
    h = harness(pipeline={"retries": 0})
    record = h.runner.run()
    # Make the run look as if its picture step had failed, then retry: no new API request.
    h.store.runs.set_task_state(record.id, "get_pictures", "failed", "boom")
    h.store.runs.finish(record.id, "failed", "boom")
    requests = standin.count("/2.3.0/")
    retried = h.runner.retry(record.id)

    assert retried.state == "success"
    assert standin.count("/2.3.0/") == requests
    assert [t.tries for t in retried.tasks] == [1, 2, 2, 2]


def test_a_run_recorded_before_a_task_existed_can_be_retried(harness, standin) -> None:
    """A run from an older RocketWatch has rows for its three tasks only; Retry runs the failed one and
    every task after it, the one added since (download_events) included, instead of crashing."""
    h = harness(pipeline={"retries": 0})
    record = h.runner.run()
    h.store.db.execute("DELETE FROM tasks WHERE run_id = ? AND task_id = 'download_events'", (record.id,))
    h.store.db.execute(
        "DELETE FROM task_tries WHERE run_id = ? AND task_id = 'download_events'", (record.id,)
    )
    h.store.runs.set_task_state(record.id, "get_pictures", "failed", "boom")
    h.store.runs.finish(record.id, "failed", "boom")

    retried = h.runner.retry(record.id)

    assert retried.state == "success"
    assert [t.task_id for t in retried.tasks] == [
        "download_launches",
        "get_pictures",
        "notify",
        "download_events",
    ]


def test_requests_of_a_retried_run_count_in_the_hour_it_was_retried(harness, standin) -> None:
    """LL2's hourly budget counts what a run asked for when it was retried, not when it first started."""
    h = harness(pipeline={"retries": 0})
    standin.set_sticky_api_fault(Fault("status", code=500))
    failed = h.runner.run()
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    h.store.db.execute("UPDATE runs SET started_at = ? WHERE id = ?", (to_text(two_hours_ago), failed.id))
    h.store.db.execute(
        "UPDATE task_tries SET started_at = ? WHERE run_id = ?", (to_text(two_hours_ago), failed.id)
    )
    assert h.store.runs.api_requests_since(datetime.now(UTC) - timedelta(hours=1)) == 0
    standin.set_sticky_api_fault(None)

    retried = h.runner.retry(failed.id)

    assert (
        h.store.runs.api_requests_since(datetime.now(UTC) - timedelta(hours=1)) == retried.api_requests == 2
    )


def test_retry_refuses_a_successful_or_unknown_run(harness) -> None:
    h = harness()
    record = h.runner.run()
    with pytest.raises(RunRefused, match="only failed, interrupted or cancelled"):
        h.runner.retry(record.id)
    with pytest.raises(RunRefused, match="no run 999"):
        h.runner.retry(999)


def test_rate_limit_is_honoured_within_one_run(harness, standin) -> None:
    h = harness()
    standin.push_api_fault(Fault("rate_limit", retry_after=0.2))
    record = h.runner.run()

    assert record.state == "success"
    assert record.api_requests == 2
    assert record.tasks[0].tries == 1


def test_not_json_is_a_clear_task_error(harness, standin) -> None:
    h = harness(pipeline={"retries": 0})
    standin.push_api_fault(Fault("html"))
    record = h.runner.run()

    assert record.state == "failed"
    assert "not JSON" in record.tasks[0].error
    assert "Getting the launch list" in record.error


def test_a_second_run_while_one_is_active_is_skipped(harness, standin) -> None:
    h = harness()
    standin.latency = 0.5
    started = threading.Event()

    def observe(event) -> None:
        if event.kind == "task_state" and event.state == "running":
            started.set()

    h.runner.on_event = observe
    results = []
    worker = threading.Thread(target=lambda: results.append(h.runner.run("scheduled")))
    worker.start()
    assert started.wait(10)
    skipped = Runner(h.paths, h.config, h.store, ChainNotifier([RecordingNotifier()])).run(
        "manual", lock_wait=0
    )
    worker.join(30)

    assert skipped.state == "skipped"
    assert f"Run {results[0].id} was still in progress" == skipped.error
    assert results[0].state == "success"


def test_a_command_holding_the_lock_for_a_moment_does_not_turn_a_run_into_a_skip(harness) -> None:
    from rocketwatch.pipeline.lock import RunLock

    h = harness()
    holder = RunLock(h.paths.data_dir)  # what `rocketwatch history` does to recover dead runs
    assert holder.try_acquire()
    releaser = threading.Timer(0.3, holder.release)
    releaser.start()
    record = h.runner.run("scheduled")
    releaser.join()
    assert record.state == "success"


def test_quitting_interrupts_and_retry_finishes(harness, standin) -> None:
    h = harness()
    standin.latency = 0.3

    def stop_when_running(event) -> None:
        if event.kind == "task_state" and event.task_id == "get_pictures" and event.state == "running":
            h.runner.cancel(quitting=True)

    h.runner.on_event = stop_when_running
    record = h.runner.run()
    assert record.state == "interrupted"
    assert record.tasks[0].state == "success"
    assert record.tasks[1].state == "interrupted"

    h.runner.on_event = lambda _e: None
    standin.latency = 0
    assert h.runner.retry(record.id).state == "success"


def test_a_cancelled_run_is_cancelled_not_interrupted_and_can_be_retried(harness, standin) -> None:
    h = harness()
    standin.latency = 0.3

    def cancel_when_running(event) -> None:
        if event.kind == "task_state" and event.task_id == "get_pictures" and event.state == "running":
            h.runner.cancel()

    h.runner.on_event = cancel_when_running
    record = h.runner.run()
    assert record.state == "cancelled"
    assert [task.state for task in record.tasks] == ["success", "cancelled", "cancelled", "cancelled"]
    assert record.error == "Cancelled while getting the launch pictures"
    assert h.store.runs.tries(record.id)[-1].state == "cancelled"

    h.runner.on_event = lambda _e: None
    standin.latency = 0
    retried = h.runner.retry(record.id)
    assert retried.state == "success"
    assert retried.retries == 1


def closed_port() -> int:
    """A loopback port with nothing listening on it (LL2 unreachable)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_run_that_cannot_reach_ll2_says_why_and_when_and_stops_at_once_when_cancelled(
    harness, home
) -> None:
    from rocketwatch.pipeline import run_activity

    h = harness(
        source={"api_url": f"http://127.0.0.1:{closed_port()}/2.3.0"},
        pipeline={"retries": 3, "retry_delay": 600, "max_retry_delay": 600},
    )
    waiting = threading.Event()
    events = []

    def observe(event) -> None:
        events.append(event)
        if event.kind == "task_state" and event.state == "up_for_retry":
            waiting.set()

    h.runner.on_event = observe
    result: list = []
    worker = threading.Thread(target=lambda: result.append(h.runner.run()))
    worker.start()
    try:
        assert waiting.wait(20), "the first try never failed"
        event = next(e for e in events if e.state == "up_for_retry")
        assert event.task_id == "download_launches" and event.try_number == 1 and event.tries_allowed == 4
        assert "refused" in event.message.lower()
        assert event.next_try_at is not None
        assert 590 <= (event.next_try_at - datetime.now(UTC)).total_seconds() <= 600

        # Another process (a second store on the same home) reads the same reason and time.
        other = Store.open(paths_for(home))
        try:
            activity = run_activity(other, h.config.pipeline)
        finally:
            other.close()
        assert activity is not None and activity.waiting
        assert activity.reason == event.message
        assert abs((activity.next_try_at - event.next_try_at).total_seconds()) < 2
        words = activity.words()
        assert "failed (try 1 of 4)" in words and "refused" in words.lower() and "Trying again at" in words
    finally:
        h.runner.cancel()
        worker.join(10)
    assert not worker.is_alive(), "cancelling did not end the wait"
    record = result[0]
    assert record.state == "cancelled"
    assert record.tasks[0].state == "cancelled"
    tries = h.store.runs.tries(record.id)
    assert [t.state for t in tries] == ["cancelled"]
    assert "refused" in tries[0].error.lower()
    assert "Stopped before try 2: the run was cancelled" in tries[0].log
    assert run_activity(h.store, h.config.pipeline) is None


def test_hostile_pictures_are_skipped_and_named_and_nothing_escapes(harness, standin, home) -> None:
    base = standin.records[0]
    hostile_urls = [
        "",
        "/relative.jpg",
        "file:///etc/passwd",
        "ftp://example.invalid/x.jpg",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "{server}/hostile/bomb.png",
        "{server}/hostile/huge.jpg",
        "{server}/hostile/notimage.jpg",
        "{server}/hostile/hang.jpg",
        "{server}/hostile/missing.jpg",
        "{server}/hostile/loop.jpg",
        "{server}/hostile/to-file.jpg",
        "{server}/hostile/..%2F..%2Fescape.jpg",
    ]
    records = []
    for index, url in enumerate(hostile_urls):
        record = json.loads(json.dumps(base))
        record["id"] = f"hostile-{index}"
        record["image"] = {"image_url": url}
        record.pop("mission_patches", None)  # launch pictures only
        records.append(record)
    standin.set_records(records)
    h = harness(source={"limit": 50}, pipeline={"timeout": 1, "max_image_bytes": 1_000_000})
    record = h.runner.run()

    assert record.state == "success"
    assert record.images["downloaded"] == 1  # only the valid picture behind the traversal-looking name
    log = h.store.runs.tries(record.id)[1].log
    for url in hostile_urls[6:-1]:
        assert url.replace("{server}", standin.base_url) in log
    pictures = list(h.paths.images_dir.iterdir())
    assert len(pictures) == 1 and pictures[0].suffix == ".jpg" and ".." not in pictures[0].name
    for folder in (h.paths.images_dir, h.paths.thumbnails_dir):
        for file in folder.iterdir():
            with Image.open(file) as image:
                image.verify()
    everything = {p.relative_to(home).parts[0] for p in home.rglob("*")}
    assert everything <= {
        "config.toml",
        "rocketwatch.sqlite3",
        "rocketwatch.sqlite3-wal",
        "rocketwatch.sqlite3-shm",
        "run.lock",
        "runs",
        "images",
        "thumbnails",
        "cache",
        "logs",
    }


def test_picture_host_down_fails_the_task(harness, standin) -> None:
    records = standin.records
    for record in records:
        record.pop("mission_patches", None)  # patches on a host that is up would keep the task going
        if isinstance(record.get("image"), dict):
            record["image"]["image_url"] = "http://127.0.0.1:9/closed.jpg"
    standin.set_records(records)
    h = harness(pipeline={"retries": 1})
    record = h.runner.run()

    assert record.state == "failed"
    assert record.tasks[1].state == "failed" and record.tasks[1].tries == 2
    assert "picture server" in record.tasks[1].error


def test_a_missing_picture_file_is_downloaded_again(harness, standin) -> None:
    h = harness()
    h.runner.run()
    launch = next(x for x in h.store.launches.upcoming() if x.image_url)
    image, _thumbnail = h.store.images.paths_for(launch.image_url)
    image.unlink()
    second = h.runner.run()
    assert second.images["downloaded"] == 1
    assert h.store.images.paths_for(launch.image_url)[0] is not None


def test_summary_notification_is_not_sent_twice_for_one_run(harness) -> None:
    h = harness()
    record = h.runner.run()
    shown = list(h.recorder.sent)
    h.store.runs.set_task_state(record.id, "notify", "failed", "pretend")
    h.store.runs.finish(record.id, "failed", "pretend")
    h.runner.retry(record.id)
    assert h.recorder.sent == shown and sum(n.title.endswith(" new") for n in shown) == 1
    assert "already sent" in [t for t in h.store.runs.tries(record.id) if t.task_id == "notify"][-1].log


@pytest.mark.parametrize(("tries", "expected"), [(1, 30), (2, 60), (3, 120), (6, 600), (10, 600)])
def test_backoff_doubles_and_is_capped(tries: int, expected: float) -> None:
    assert backoff_delay(tries, 30, 600) == expected


def test_picture_served_under_wrong_extension_keeps_its_real_format(harness, standin) -> None:
    from io import BytesIO

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    url = standin.add_image("/media/weird/photo.jpg", buffer.getvalue())
    record = json.loads(json.dumps(standin.records[0]))
    record["image"] = {"image_url": url}
    record.pop("mission_patches", None)  # the launch picture alone
    standin.set_records([record])
    h = harness()
    assert h.runner.run().state == "success"
    [picture] = h.paths.images_dir.iterdir()
    assert picture.suffix == ".png" and picture.name.startswith("photo-")


def test_clearing_the_picture_cache_waits_for_no_run_and_forgets_every_picture(harness) -> None:
    from rocketwatch.pipeline.lock import RunLock
    from rocketwatch.pipeline.maintenance import clear_picture_cache, picture_cache_size

    h = harness()
    first = h.runner.run()
    assert picture_cache_size(h.paths)[1] == 2 * first.images["downloaded"]
    busy = RunLock(h.paths.data_dir)
    assert busy.try_acquire()
    with pytest.raises(RunRefused, match="in progress"):
        clear_picture_cache(h.store, h.paths)
    busy.release()

    assert clear_picture_cache(h.store, h.paths) == 2 * first.images["downloaded"]
    assert picture_cache_size(h.paths) == (0, 0)
    assert h.runner.run().images["downloaded"] == first.images["downloaded"]


def test_a_rate_limit_longer_than_the_wait_fails_the_try_at_once(harness, standin) -> None:
    """LL2 closed for an hour: trying again in 30 s would only spend another refused request."""
    h = harness(pipeline={"retries": 3}, source={"max_rate_limit_wait": 60})
    standin.set_sticky_api_fault(Fault("status", code=429, headers={"Retry-After": "3600"}))

    record = h.runner.run()

    assert record.state == "failed" and record.tasks[0].tries == 1
    assert record.api_requests == 1 and "rate limit" in record.tasks[0].error
