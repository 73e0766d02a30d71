"""Crash safety: `rocketwatch run` killed with SIGKILL at many moments, a full disk, a damaged database.

Full kill test (60 kills, about 3 min): ROCKETWATCH_CRASH_RUNS=60 uv run pytest -m slow tests/hardening
"""

from __future__ import annotations

import collections
import errno
import functools
import io
import json
import os
import random
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import picture_bytes, write_config
from PIL import Image
from rig import Rig, assert_plain_words

from rocketwatch import fileio
from rocketwatch.cli import main
from rocketwatch.fileio import DISK_FULL, is_disk_full
from rocketwatch.images import fetch as picture_fetch
from rocketwatch.paths import paths_for
from rocketwatch.standin import StandIn
from rocketwatch.standin.data import demo_records, format_time
from rocketwatch.store import Database, Store

CI_KILLS = 12
PAGE_LATENCY = 0.2  # every request to the stand-in waits this long before it is answered
NOTIFY_SECONDS = 0.3  # how long the stand-in notification service takes per notification
# What to wait for before the kill, and within how many seconds after it the kill comes (a seeded random
# moment): a task seen running, or the run's saved page (the launches are being stored right then).
# Each span is shorter than what it waits through (the page's latency, a notification), so the kill lands
# inside the phase it aims at.
KILL_SPAN = {
    "download_launches": PAGE_LATENCY * 0.8,
    "saved page": 0.03,
    "get_pictures": 1.0,
    "notify": NOTIFY_SECONDS * 0.8,
}


def rocketwatch(home: Path, env: dict[str, str], *args: str, popen: bool = False) -> Any:
    command = [sys.executable, "-m", "rocketwatch", "--home", str(home), *args]
    if popen:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


def as_json(result: subprocess.CompletedProcess) -> Any:
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def slow_notification_service(folder: Path) -> dict[str, str]:
    """An environment whose `notify-send` takes NOTIFY_SECONDS, so that the notify step can be hit."""
    folder.mkdir()
    script = folder / "notify-send"
    script.write_text(f"#!/bin/sh\nsleep {NOTIFY_SECONDS}\nexit 0\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {
        **os.environ,
        "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/test-bus",
    }


@functools.cache
def noisy_png(number: int) -> bytes:
    """A 480x270 PNG of noise (about 400 kB): checking it and making its thumbnail take a moment."""
    noise = random.Random(number).randbytes(480 * 270 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (480, 270), noise).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def records_for(round_number: int, now: datetime) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The demo launches with pictures and patches new this round (so each round downloads again), plus
    plain launches up to 100 (so storing them takes a moment too); and the pictures to serve."""
    records = demo_records(now)
    pictures: dict[str, bytes] = {}
    for number, record in enumerate(records):
        if isinstance(record.get("image"), dict):
            path = f"/media/round{round_number}/picture{number}.png"
            pictures[path] = noisy_png(number)
            record["image"] = {**record["image"], "image_url": "{server}" + path}
        for index, patch in enumerate(record.get("mission_patches") or []):
            path = f"/media/round{round_number}/patch{number}-{index}.png"
            pictures[path] = noisy_png(1000 + number * 10 + index)
            patch["image_url"] = "{server}" + path
    for number in range(100 - len(records)):
        net = now + timedelta(days=5, minutes=number)
        records.append(
            {
                "id": f"plain-{number}",
                "name": f"Plain launch {number}",
                "net": format_time(net),
                "net_precision": {"abbrev": "MIN"},
                "status": {"id": 1, "abbrev": "Go"},
            }
        )
    return records, pictures


def running_task(database: Path) -> str | None:
    """The task of the newest run that is running now, read without disturbing the writer."""
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as conn:
            row = conn.execute(
                "SELECT task_id FROM tasks WHERE state = 'running' AND run_id = (SELECT MAX(id) FROM runs)"
            ).fetchone()
    except sqlite3.OperationalError:  # no database or no schema yet
        return None
    return row[0] if row else None


def wait_for(process: subprocess.Popen, home: Path, target: str, page_before: int) -> bool:
    """Poll until the target moment comes (True) or the process has ended (False); fail after a deadline."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if target == "saved page":
            if len(list((home / "runs").glob("*/launches.json"))) > page_before:
                return True
        elif running_task(home / "rocketwatch.sqlite3") == target:
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.002)  # polling with a deadline
    raise AssertionError(f"{target} never came")


def moment_of_death(home: Path, run_id: int) -> str:
    """Where the run was when it died, from what it left (read before any cleanup)."""
    with closing(sqlite3.connect(home / "rocketwatch.sqlite3")) as conn:
        state = conn.execute("SELECT state FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
        task = conn.execute(
            "SELECT task_id FROM tasks WHERE run_id = ? AND state = 'running'", (run_id,)
        ).fetchone()
    if state == "success":
        return "after the run"
    if task is None:
        return "between tasks"
    if task[0] == "download_launches":
        saved = (home / "runs" / str(run_id) / "launches.json").is_file()
        return "download: storing the launches" if saved else "download: waiting for the page"
    if task[0] == "get_pictures":
        thumbnails = {p.stem for p in (home / "thumbnails").glob("*") if not p.name.startswith(".part")}
        pictures = [p for p in (home / "images").glob("*") if not p.name.startswith(".part")]
        if any(p.stem not in thumbnails for p in pictures):
            return "pictures: making a thumbnail"
        if any(p.name.startswith(".part") for p in (home / "images").glob("*")):
            return "pictures: downloading a picture"
        return "pictures: between pictures"
    return "notify"


def kill_many_times(tmp_path: Path, kills: int, seed: int) -> collections.Counter[str]:
    home = tmp_path / "home"
    slow_env = slow_notification_service(tmp_path / "bin")
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": ""}  # later commands: notifications go to the log
    rng = random.Random(seed)
    moments: collections.Counter[str] = collections.Counter()
    with StandIn() as server:
        write_config(
            home,
            source={"api_url": server.api_url, "limit": 100},
            pipeline={"image_concurrency": 3, "retries": 0},
        )
        for round_number in range(kills):
            records, pictures = records_for(round_number, datetime.now(UTC))
            for path, body in pictures.items():
                server.add_image(path, body)
            server.set_records(records)
            server.latency = PAGE_LATENCY
            target = list(KILL_SPAN)[round_number % len(KILL_SPAN)]
            pages_before = len(list((home / "runs").glob("*/launches.json")))
            process = rocketwatch(home, slow_env, "run", popen=True)
            try:
                if wait_for(process, home, target, pages_before):
                    time.sleep(rng.uniform(0, KILL_SPAN[target]))  # the kill moment, chosen at random
                    os.kill(process.pid, signal.SIGKILL)
            finally:
                process.wait(30)
            server.latency = 0
            check_after_kill(home, env, moments)
    return moments


def check_after_kill(home: Path, env: dict[str, str], moments: collections.Counter[str]) -> None:
    with closing(sqlite3.connect(home / "rocketwatch.sqlite3")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        run_id = conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    moment = moment_of_death(home, run_id)
    moments[moment] += 1

    history = as_json(rocketwatch(home, env, "history", "--json", "--limit", "1"))
    assert history[0]["run_id"] == run_id
    if moment == "after the run":
        assert history[0]["state"] == "success"
    else:
        assert history[0]["state"] == "interrupted", (moment, history[0])
        assert "RocketWatch stopped during this run" in history[0]["error"]
    for folder in ("images", "thumbnails"):
        assert not [p.name for p in (home / folder).glob(".part*")], moment
    for picture in [*(home / "images").glob("*"), *(home / "thumbnails").glob("*")]:
        with Image.open(picture) as image:
            image.load()  # every picture kept is whole

    if moment != "after the run":
        retried = as_json(rocketwatch(home, env, "retry", str(run_id), "--json"))
        assert (retried["run_id"], retried["state"]) == (run_id, "success"), (moment, retried)
        assert retried["images"]["failed"] == 0


def test_kill_9_at_many_moments_leaves_a_store_that_retry_completes(tmp_path: Path, capsys) -> None:
    moments = kill_many_times(tmp_path, CI_KILLS, seed=20261121)
    with capsys.disabled():
        print(f"\nkill -9 moments ({CI_KILLS} kills): {dict(sorted(moments.items()))}")
    assert sum(moments.values()) == CI_KILLS
    assert {moment.split(":")[0] for moment in moments} >= {"download", "pictures", "notify"}


@pytest.mark.slow
def test_kill_9_at_many_more_moments(tmp_path: Path, capsys) -> None:
    kills = int(os.environ.get("ROCKETWATCH_CRASH_RUNS", "0"))
    if kills <= 0:
        pytest.skip("the full crash test: ROCKETWATCH_CRASH_RUNS=60 uv run pytest -m slow tests/hardening")
    moments = kill_many_times(tmp_path, kills, seed=kills)
    with capsys.disabled():
        print(f"\nkill -9 moments ({kills} kills): {dict(sorted(moments.items()))}")
    assert sum(moments.values()) == kills
    assert len(moments) >= 5


# --- a full disk ------------------------------------------------------------------------------------------
class Disk:
    """While `full`, every write through the patched places raises ENOSPC, as a full disk does."""

    def __init__(self) -> None:
        self.full = True
        self.refused = 0

    def write(self, real: Any, data: Any) -> int:
        if self.full:
            self.refused += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real.write(data)


class FullStream:
    """A file object whose writes go through Disk."""

    def __init__(self, real: Any, disk: Disk) -> None:
        self._real, self._disk = real, disk

    def write(self, data: Any) -> int:
        return self._disk.write(self._real, data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> FullStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


def new_pictures(standin: StandIn, tag: str) -> list[str]:
    """Give every demo launch a new picture address (so the next run downloads them all)."""
    records, urls = [], []
    for record in standin.records:
        record = dict(record)
        if isinstance(record.get("image"), dict):
            path = f"/media/{tag}/{record['id']}.jpg"
            standin.add_image(path, picture_bytes(path))
            record["image"] = {**record["image"], "image_url": "{server}" + path}
            urls.append(standin.url(path))
        records.append(record)
    standin.set_records(records)
    return urls


def assert_whole(h: Rig) -> None:
    with closing(sqlite3.connect(h.paths.database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not [p for p in h.home.rglob("*") if p.name.startswith(".") and ".part" in p.name]
    for picture in [*h.paths.images_dir.iterdir(), *h.paths.thumbnails_dir.iterdir()]:
        with Image.open(picture) as image:
            image.load()


def assert_disk_full_failure(h: Rig, record: Any, task_id: str, sent_before: int) -> None:
    assert record.state == "failed"
    task = next(task for task in record.tasks if task.task_id == task_id)
    assert task.state == "failed" and task.error == DISK_FULL
    assert "The disk is full" in record.error
    [alert] = h.sent[sent_before:]
    assert alert.title == f"RocketWatch run {record.id} failed" and "The disk is full" in alert.body
    for text in (record.error, alert.body, h.logs(record.id)):
        assert_plain_words(text)


def test_a_full_disk_while_saving_pictures_fails_clearly_and_a_retry_succeeds_later(
    rig, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = rig(source={"limit": 100})
    assert h.runner.run().state == "success"
    before = h.picture_files()
    urls = new_pictures(standin, "new")
    disk = Disk()

    class FullPartFile(picture_fetch._PartFile):
        def __init__(self, folder: Path) -> None:
            super().__init__(folder)
            self.stream = FullStream(self.stream, disk)  # type: ignore[assignment]

    monkeypatch.setattr(picture_fetch, "_PartFile", FullPartFile)
    sent_before = len(h.sent)
    record = h.runner.run()

    assert disk.refused > 0
    assert_disk_full_failure(h, record, "get_pictures", sent_before)
    assert h.picture_files() == before  # the pictures kept before are untouched, nothing half-written
    assert all(h.store.images.get(url) is None for url in urls)  # no picture is blamed for the full disk
    assert_whole(h)

    disk.full = False
    retried = h.runner.retry(record.id)
    assert retried.state == "success" and retried.images["downloaded"] == len(set(urls))
    assert all(h.store.images.paths_for(url)[1] is not None for url in urls)
    assert_whole(h)


def test_a_full_disk_while_saving_the_page_fails_clearly_and_a_retry_succeeds_later(
    rig, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = rig()
    assert h.runner.run().state == "success"
    ids = h.launch_ids()
    disk = Disk()

    class FullOs:
        def fdopen(self, fd: int, *args: Any, **kwargs: Any) -> FullStream:
            return FullStream(os.fdopen(fd, *args, **kwargs), disk)

        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

    monkeypatch.setattr(fileio, "os", FullOs())
    sent_before = len(h.sent)
    record = h.runner.run()

    assert disk.refused == 2  # two tries
    assert_disk_full_failure(h, record, "download_launches", sent_before)
    assert list((h.paths.run_dir(record.id)).iterdir()) == []  # no half-written page, no temp file
    assert h.launch_ids() == ids
    assert_whole(h)

    disk.full = False
    assert h.runner.retry(record.id).state == "success"
    assert (h.paths.run_dir(record.id) / "launches.json").is_file()


def test_a_full_database_fails_clearly_keeps_earlier_data_and_a_retry_succeeds_later(
    rig, standin: StandIn
) -> None:
    h = rig(source={"limit": 100})
    assert h.runner.run().state == "success"
    ids = h.launch_ids()
    # SQLite's own "database or disk is full" (SQLITE_FULL): the file may not grow by a single page.
    pages = h.store.db.execute("PRAGMA page_count").fetchone()[0]
    h.store.db.execute(f"PRAGMA max_page_count = {pages}")
    soon = datetime.now(UTC) + timedelta(days=3)
    standin.set_records(
        [
            *standin.records,
            *(
                {
                    "id": f"big-{n}",
                    "net": format_time(soon),
                    "name": "x" * 400,
                    "mission": {"description": "A long story. " * 400},
                }
                for n in range(60)
            ),
        ]
    )
    sent_before = len(h.sent)
    record = h.runner.run()

    assert_disk_full_failure(h, record, "download_launches", sent_before)
    assert h.launch_ids() == ids  # the failed upsert was rolled back as a whole
    assert_whole(h)

    h.store.db.execute("PRAGMA max_page_count = 1073741823")
    retried = h.runner.retry(record.id)
    assert retried.state == "success" and retried.launches == len(ids) + 60


def test_a_transaction_on_a_full_database_reports_the_full_disk_and_the_connection_goes_on(
    tmp_path: Path,
) -> None:
    db = Database(tmp_path / "full.sqlite3")
    try:
        db.execute("CREATE TABLE blobs (data BLOB)")
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError) as raised, db.transaction() as tx:
            tx.execute("INSERT INTO blobs VALUES (?)", (bytes(1_000_000),))
        assert str(raised.value) == "database or disk is full"  # not "cannot rollback": SQLite had already
        assert is_disk_full(raised.value)
        db.execute(f"PRAGMA max_page_count = {pages + 1000}")
        with db.transaction() as tx:  # the connection is not stuck in a half-done transaction
            tx.execute("INSERT INTO blobs VALUES (?)", (b"fits",))
        assert db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 1
    finally:
        db.close()


def test_a_command_on_a_full_disk_says_so_in_plain_words(
    home: Path, standin: StandIn, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rocketwatch.store.runs import RunStore

    write_config(home, source={"api_url": standin.api_url})

    def full(*_args: Any, **_kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(RunStore, "create", full)
    assert main(["--home", str(home), "run"]) == 1
    captured = capsys.readouterr()
    assert f"rocketwatch: {DISK_FULL}" in captured.err
    assert_plain_words(captured.err + captured.out)


# --- a damaged database ------------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["random bytes", "cut in half", "header only", "a page overwritten"])
def test_a_damaged_database_is_moved_aside_and_the_app_keeps_working(
    home: Path, standin: StandIn, capsys, damage: str
) -> None:
    write_config(home, source={"api_url": standin.api_url, "limit": 100})
    assert main(["--home", str(home), "run"]) == 0
    database = home / "rocketwatch.sqlite3"
    data = database.read_bytes()
    assert len(data) > 100_000
    middle = len(data) // 2 // 4096 * 4096
    damaged = {
        "random bytes": random.Random(7).randbytes(len(data)),
        "cut in half": data[: len(data) // 2],
        "header only": data[:100],
        "a page overwritten": data[:middle] + random.Random(8).randbytes(4096) + data[middle + 4096 :],
    }[damage]
    database.write_bytes(damaged)
    capsys.readouterr()

    assert main(["--home", str(home), "history", "--json"]) == 0  # the command works, on a fresh database
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    [aside] = [path for path in home.glob("rocketwatch.sqlite3.corrupt-*") if not path.name.endswith("-wal")]
    assert re.fullmatch(r"rocketwatch\.sqlite3\.corrupt-\d{8}T\d{6}Z", aside.name)
    assert aside.read_bytes() == damaged  # kept as it was, for the curious
    assert "could not be read" in captured.err and aside.name in captured.err  # told, as a log warning
    with Store.open(paths_for(home)) as store:
        assert store.recovered_from is None  # this process found a healthy database
        [notice] = store.notices.take()  # what the tray app shows, once
        assert notice.kind == "database_replaced" and notice.path == str(aside)
        assert "was damaged" in notice.message and aside.name in notice.message
        assert store.notices.take() == []
    assert main(["--home", str(home), "run"]) == 0  # and the next run fills it again
    assert "could not be read" not in capsys.readouterr().err
    assert [path for path in home.glob("*.corrupt-*") if not path.name.endswith("-wal")] == [aside]
