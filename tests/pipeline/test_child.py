"""The tray app's runs in a child process: what the parent sees of them (events, notifications, logs,
the finished record), cancelling, a run the child cannot start, a child that crashes, a parent that goes."""

from __future__ import annotations

import json
import logging
import re
import socket
import subprocess
import sys
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import RecordingNotifier

from rocketwatch.config import Config, PipelineConfig, SourceConfig
from rocketwatch.notify import ChainNotifier, Notification, NotificationAction, Subject
from rocketwatch.paths import Paths, paths_for
from rocketwatch.pipeline import RunEvent, RunRefused
from rocketwatch.pipeline.child import (
    ChildDied,
    ChildRun,
    child_command,
    event_from_json,
    event_to_json,
    notification_from_json,
    notification_to_json,
    paths_to_json,
)
from rocketwatch.states import RunState
from rocketwatch.store import Store


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def paths(home: Path) -> Paths:
    paths = paths_for(home)
    paths.ensure()
    return paths


def stored_state(paths: Paths, run_id: int) -> str:
    with Store.open(paths) as store:
        record = store.runs.get(run_id)
    assert record is not None
    return record.state


def test_messages_survive_the_trip_between_the_processes() -> None:
    event = RunEvent(
        "task_state",
        7,
        "download_launches",
        RunState.UP_FOR_RETRY,
        2,
        "LL2 said 503",
        next_try_at=datetime(2026, 12, 3, 8, 0, 30, tzinfo=UTC),
        tries_allowed=4,
    )
    assert event_from_json(json.loads(json.dumps(event_to_json(event)))) == event
    notification = Notification(
        "Launch in 1 hour",
        "Falcon 9 | Starlink",
        Path("/icons/app.png"),
        urgent=True,
        subject=Subject.launch("abc"),
        actions=(NotificationAction("watch", "Watch"),),
    )
    assert notification_from_json(json.loads(json.dumps(notification_to_json(notification)))) == notification


def test_a_run_in_the_child_reports_to_the_parent_like_a_run_in_the_same_process(
    paths: Paths, standin, caplog
) -> None:
    recorder = RecordingNotifier()
    events: list[RunEvent] = []
    config = Config(source=SourceConfig(api_url=standin.api_url))
    child = ChildRun(paths, config, ChainNotifier([recorder]), events.append)
    with caplog.at_level(logging.INFO):
        run_id = child.run("manual")

    assert run_id is not None and stored_state(paths, run_id) == "success"
    assert events[0].kind == "run_started" and events[0].message == "manual"
    assert events[-1].kind == "run_finished" and events[-1].state == RunState.SUCCESS
    finished = {event.task_id for event in events if event.kind == "task_state" and event.state == "success"}
    assert {"download_launches", "get_pictures", "notify"} <= finished
    # The summary and the launch alerts went out through the parent's notifier, clickable to what they
    # are about; the run's log names the parent's backend that showed the summary.
    assert [note.subject for note in recorder.sent].count(Subject.gallery()) == 1  # the summary
    assert any(note.subject and note.subject.kind == "launch" for note in recorder.sent)
    assert any("Summary sent to the desktop through recorder" in record.message for record in caplog.records)
    # ...and only those: the HTTP client's line for each of the 100 requests stays out of the log.
    assert not [record for record in caplog.records if record.name.startswith(("httpx", "httpcore"))]
    # The child's log records are written by the parent, under the child's logger names.
    assert any(record.name.startswith("rocketwatch.pipeline") for record in caplog.records)


@pytest.mark.parametrize(
    ("sample", "expected"), [("2.0.0", 10), ("2.2.0", 5), ("2.2.0-detailed", 100), ("2.3.0", 10)]
)
def test_each_real_sample_runs_in_the_child_and_its_summary_reaches_the_parent(
    paths: Paths, sample_standin, sample: str, expected: int
) -> None:
    """LL2's real answers (every version, the 100-launch detailed page) through the tray app's way of
    running: every launch and picture kept, and the summary, with LL2's own texts in it, delivered by the
    parent."""
    server, picture_paths = sample_standin(sample)
    recorder = RecordingNotifier()
    config = Config(source=SourceConfig(api_url=server.api_url, limit=100))
    run_id = ChildRun(paths, config, ChainNotifier([recorder]), lambda _event: None).run("manual")

    assert run_id is not None
    with Store.open(paths) as store:
        record = store.runs.get(run_id)
        assert record is not None and record.state == "success"
        assert store.launches.count() == expected
        assert record.images["downloaded"] == len(picture_paths)
        launch_names = {launch.name for launch in store.launches.upcoming()}
    # The summary counts every launch of the sample, upcoming or (these samples are old) recent, and names
    # the next one as LL2 wrote it.
    [summary] = [note for note in recorder.sent if note.subject == Subject.gallery()]
    upcoming = int(summary.title.split()[0])
    recent = re.search(r"Also (\d+) recent", summary.body)
    assert upcoming + (int(recent.group(1)) if recent else 0) == expected
    if upcoming:
        assert any(summary.body.startswith(f"Next: {name}") for name in launch_names), summary.body


def test_the_settings_in_force_and_the_language_are_the_parents(paths: Paths, standin, korean) -> None:
    """The child runs with the settings the parent passed (here a limit of 3 launches that no file holds)
    and speaks the parent's language in what it stores and sends."""
    recorder = RecordingNotifier()
    config = Config(source=SourceConfig(api_url=standin.api_url, limit=3))
    run_id = ChildRun(paths, config, ChainNotifier([recorder]), lambda _event: None).run("manual")
    assert run_id is not None
    with Store.open(paths) as store:
        assert store.launches.count() == 3
    [summary] = [note for note in recorder.sent if note.subject == Subject.gallery()]
    assert any("\uac00" <= letter <= "\ud7a3" for letter in summary.body)  # Hangul


def test_a_cancel_asked_before_the_child_starts_is_not_lost(paths: Paths) -> None:
    config = Config(
        source=SourceConfig(api_url=f"http://127.0.0.1:{closed_port()}/2.3.0"),
        pipeline=PipelineConfig(retries=2, retry_delay=600, max_retry_delay=600),
    )
    child = ChildRun(paths, config, ChainNotifier([RecordingNotifier()]), lambda _event: None)
    child.cancel()
    run_id = child.run("manual")
    assert run_id is not None and stored_state(paths, run_id) == "cancelled"


def test_a_cancel_during_the_run_stops_it_at_once_while_it_waits(paths: Paths) -> None:
    config = Config(
        source=SourceConfig(api_url=f"http://127.0.0.1:{closed_port()}/2.3.0"),
        pipeline=PipelineConfig(retries=2, retry_delay=600, max_retry_delay=600),
    )
    waiting = threading.Event()

    def on_event(event: RunEvent) -> None:
        if event.state == RunState.UP_FOR_RETRY:
            waiting.set()

    child = ChildRun(paths, config, ChainNotifier([RecordingNotifier()]), on_event)
    result: list[int | None] = []
    worker = threading.Thread(target=lambda: result.append(child.run("manual")))
    worker.start()
    assert waiting.wait(20)
    child.cancel()
    worker.join(20)
    assert not worker.is_alive()
    assert result[0] is not None and stored_state(paths, result[0]) == "cancelled"


def test_a_retry_the_child_cannot_start_is_refused_with_the_reason(paths: Paths) -> None:
    child = ChildRun(paths, Config(), ChainNotifier([RecordingNotifier()]), lambda _event: None)
    with pytest.raises(RunRefused, match="There is no run 41"):
        child.retry(41)


def test_a_child_that_dies_is_reported_not_waited_for(paths: Paths) -> None:
    crash = [sys.executable, "-c", "import os, sys; sys.stdin.readline(); os.abort()"]
    child = ChildRun(paths, Config(), ChainNotifier([]), lambda _event: None, command=crash)
    with pytest.raises(ChildDied, match="exit status"):
        child.run("manual")


def test_a_run_stops_when_the_tray_app_that_started_it_goes(paths: Paths) -> None:
    """The parent's end of the pipe closes (it quit or crashed): the run ends interrupted at once
    instead of going on with nobody to show its notifications."""
    config = Config(
        source=SourceConfig(api_url=f"http://127.0.0.1:{closed_port()}/2.3.0"),
        pipeline=PipelineConfig(retries=2, retry_delay=600, max_retry_delay=600),
    )
    request = {
        "paths": paths_to_json(paths),
        "config": asdict(config),
        "language": "en",
        "log_level": logging.INFO,
        "run": "manual",
    }
    process = subprocess.Popen(child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(request) + "\n")
    process.stdin.flush()
    run_id = None
    for line in process.stdout:
        message = json.loads(line)
        event = message.get("event")
        if event and event["kind"] == "run_started":
            run_id = event["run_id"]
        if event and event["state"] == "up_for_retry":
            break
    process.stdin.close()
    assert process.wait(20) == 0
    process.stdout.close()
    assert run_id is not None and stored_state(paths, run_id) == "interrupted"
