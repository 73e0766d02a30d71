"""Retention: old runs, launches long past, unused pictures and old notifications go; what is needed stays.

Most tests build a store by hand at chosen times; the last ones let the runner prune on a fake clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import RecordingNotifier, picture_bytes, write_config

from rocketwatch.config import ConfigError, RetentionConfig, load_config
from rocketwatch.images import image_name, thumbnail_name
from rocketwatch.ll2.model import Launch
from rocketwatch.notify import ChainNotifier
from rocketwatch.paths import Paths, paths_for
from rocketwatch.pipeline import Runner
from rocketwatch.pipeline.retention import prune
from rocketwatch.standin import Fault, StandIn
from rocketwatch.standin.data import format_time
from rocketwatch.store import Store

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)
KEEP = RetentionConfig(keep_runs_days=90, picture_cache_mb=500)


@pytest.fixture
def store(home: Path):
    with Store.open(paths_for(home)) as opened:
        yield opened


def add_run(store: Store, at: datetime, state: str = "success") -> int:
    run_id = store.runs.create("scheduled", ("download_launches", "get_pictures", "notify"), 1, now=at)
    try_id, _ = store.runs.start_try(run_id, "download_launches")
    store.runs.append_log(try_id, "a line of the log")
    store.runs.finish_try(try_id, state)
    store.runs.finish(run_id, state)
    store.paths.run_dir(run_id).mkdir(parents=True)
    (store.paths.run_dir(run_id) / "launches.json").write_text("{}")
    return run_id


def launch(launch_id: str, net: datetime, image_url: str | None = None) -> Launch:
    return Launch(id=launch_id, name=f"Launch {launch_id}", net=net, image_url=image_url)


def add_picture(store: Store, url: str, used: datetime, size: int = 1000) -> tuple[Path, Path]:
    paths: Paths = store.paths
    file = paths.images_dir / image_name(url, "jpg")
    thumbnail = paths.thumbnails_dir / thumbnail_name(file.name)
    for path in (file, thumbnail):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size))
    store.images.record_success(
        url, file=file, thumbnail=thumbnail, format="JPEG", width=1, height=1, size_bytes=size, run_id=0
    )
    store.images.touch([url], used)
    return file, thumbnail


def run_ids(store: Store) -> list[int]:
    return sorted(record.id for record in store.runs.latest(limit=1000))


def test_runs_older_than_the_age_go_with_their_tries_logs_and_folders(store: Store) -> None:
    old = add_run(store, NOW - 120 * DAY)
    old_failed = add_run(store, NOW - 91 * DAY, "failed")
    recent_failed = add_run(store, NOW - 89 * DAY, "failed")
    recent = add_run(store, NOW - DAY)

    result = prune(store, store.paths, KEEP, NOW)

    assert result.runs == 2
    assert run_ids(store) == [recent_failed, recent]
    assert store.runs.tries(old) == [] and store.runs.tries(old_failed) == []
    assert [attempt.log for attempt in store.runs.tries(recent_failed)] == ["a line of the log\n"]
    assert sorted(folder.name for folder in store.paths.runs_dir.iterdir()) == sorted(
        [str(recent_failed), str(recent)]
    )
    assert store.runs.get(recent_failed).state == "failed"  # still there to be retried


def test_the_newest_run_and_active_runs_stay_however_old(store: Store) -> None:
    running = store.runs.create("scheduled", ("download_launches",), 1, now=NOW - 200 * DAY)
    old = add_run(store, NOW - 150 * DAY)
    newest = add_run(store, NOW - 100 * DAY)  # the computer was off for three months

    prune(store, store.paths, KEEP, NOW)

    assert run_ids(store) == [running, newest]
    assert old not in run_ids(store)


def test_a_run_folder_without_its_run_is_removed(store: Store) -> None:
    kept = add_run(store, NOW - DAY)
    stray = store.paths.run_dir(kept + 7)
    stray.mkdir()
    (stray / "launches.json").write_text("{}")
    (store.paths.runs_dir / "notes").mkdir()  # not a run folder: left alone

    prune(store, store.paths, KEEP, NOW)

    assert sorted(p.name for p in store.paths.runs_dir.iterdir()) == sorted([str(kept), "notes"])


def test_launches_long_past_that_no_kept_run_saw_go_with_their_changes_and_stars(store: Store) -> None:
    old_run = add_run(store, NOW - 100 * DAY)
    store.launches.upsert(
        [launch("gone", NOW - 95 * DAY), launch("slipped", NOW - 96 * DAY)], old_run, now=NOW - 100 * DAY
    )
    store.launches.upsert([launch("slipped", NOW - 95 * DAY)], old_run, now=NOW - 99 * DAY)  # a change
    store.stars.star("gone")
    kept_run = add_run(store, NOW - 40 * DAY)
    store.launches.upsert([launch("seen-lately", NOW - 45 * DAY)], kept_run, now=NOW - 40 * DAY)
    recent_run = add_run(store, NOW - DAY)
    store.launches.upsert(
        [launch("just-flew", NOW - 2 * DAY), launch("upcoming", NOW + DAY)], recent_run, now=NOW - DAY
    )
    store.stars.star("upcoming")

    result = prune(store, store.paths, KEEP, NOW)

    assert result.launches == 2
    assert sorted(kept.id for kept in store.launches.upcoming()) == ["just-flew", "seen-lately", "upcoming"]
    assert store.launches.changes(launch_id="slipped") == []
    assert store.stars.starred() == frozenset({"upcoming"})


def test_unused_pictures_go_after_thirty_days_and_shown_ones_stay(store: Store) -> None:
    run_id = add_run(store, NOW - DAY)
    store.launches.upsert([launch("shown", NOW + DAY, "https://pics.example/shown.jpg")], run_id, now=NOW)
    shown = add_picture(store, "https://pics.example/shown.jpg", NOW - 60 * DAY)
    stale = add_picture(store, "https://pics.example/stale.jpg", NOW - 31 * DAY)
    fresh = add_picture(store, "https://pics.example/fresh.jpg", NOW - 29 * DAY)
    store.images.record_failure("https://pics.example/broken.jpg", "not a picture", permanent=False, run_id=1)
    store.images.touch(["https://pics.example/broken.jpg"], NOW - 40 * DAY)

    result = prune(store, store.paths, KEEP, NOW)

    assert result.pictures == 2 and result.files == 2 and result.bytes_freed == 2000
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in (*shown, *fresh))
    assert store.images.get("https://pics.example/stale.jpg") is None
    assert store.images.get("https://pics.example/broken.jpg") is None
    assert store.images.get("https://pics.example/shown.jpg") is not None


def test_over_the_cap_the_least_recently_used_pictures_go_first_but_never_the_current_runs(
    store: Store,
) -> None:
    earlier_run, current_run = add_run(store, NOW - 5 * DAY), add_run(store, NOW)
    urls = [f"https://pics.example/{n}.jpg" for n in range(6)]
    store.launches.upsert(
        [launch(f"l{n}", NOW + DAY, url) for n, url in enumerate(urls)], earlier_run, now=NOW - 5 * DAY
    )
    store.launches.upsert([launch("l0", NOW + DAY, urls[0])], current_run, now=NOW)
    files = {url: add_picture(store, url, NOW - (10 - n) * DAY, size=200_000) for n, url in enumerate(urls)}
    # 6 pictures x (file + thumbnail) x 200 kB = 2.4 MB over a 1 MB cap. The least recently used is l0's,
    # but the current run shows it: it stays, and l1..l4's go, which brings the cache to 0.8 MB.

    result = prune(
        store,
        store.paths,
        RetentionConfig(keep_runs_days=90, picture_cache_mb=1),
        NOW,
        current_run=current_run,
    )

    assert [url for url in urls if not files[url][0].exists()] == urls[1:5]
    assert not any(files[url][1].exists() for url in urls[1:5])
    assert (result.pictures, result.bytes_freed) == (4, 1_600_000)
    assert [store.images.get(url) is not None for url in urls] == [True, False, False, False, False, True]
    on_disk = [*store.paths.images_dir.iterdir(), *store.paths.thumbnails_dir.iterdir()]
    assert sum(path.stat().st_size for path in on_disk) <= 1_000_000


def test_files_in_the_picture_folders_that_nothing_knows_about_are_removed(store: Store) -> None:
    kept = add_picture(store, "https://pics.example/kept.jpg", NOW)
    store.launches.upsert([launch("k", NOW + DAY, "https://pics.example/kept.jpg")], None, now=NOW)
    orphan = store.paths.images_dir / image_name("https://pics.example/lost.jpg", "png")
    orphan.write_bytes(b"left by a crash")
    part = store.paths.thumbnails_dir / ".part-abc123"
    part.write_bytes(b"half")
    mine = store.paths.images_dir / "my holiday photo.jpg"  # not a name RocketWatch gives: left alone
    mine.write_bytes(b"the user's")

    result = prune(store, store.paths, KEEP, NOW)

    assert result.files == 2
    assert not orphan.exists() and not part.exists()
    assert mine.exists() and all(path.exists() for path in kept)


def test_old_notifications_go_unless_their_launch_or_run_is_kept(store: Store) -> None:
    old_run = add_run(store, NOW - 100 * DAY)
    kept_run = add_run(store, NOW - DAY)
    store.launches.upsert([launch("upcoming", NOW + 40 * DAY)], kept_run, now=NOW)
    ledger = store.ledger
    ledger.claim("run-old-summary", kind="summary", title="t", body="b", run_id=old_run, now=NOW - 100 * DAY)
    ledger.claim(
        "reminder:upcoming", kind="reminder", title="t", body="b", launch_id="upcoming", now=NOW - 95 * DAY
    )
    ledger.claim(
        "reminder:forgotten", kind="reminder", title="t", body="b", launch_id="forgotten", now=NOW - 95 * DAY
    )
    ledger.claim("recent", kind="summary", title="t", body="b", run_id=kept_run, now=NOW - DAY)

    result = prune(store, store.paths, KEEP, NOW)

    assert result.notifications == 2
    assert sorted(entry.key for entry in ledger.entries()) == ["recent", "reminder:upcoming"]


def test_the_retention_settings_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[retention]\nkeep_runs_days = 30\npicture_cache_mb = 50\n")
    assert load_config(path).retention == RetentionConfig(keep_runs_days=30, picture_cache_mb=50)
    assert load_config(tmp_path / "none.toml").retention == RetentionConfig(90, 500)
    path.write_text("[retention]\nkeep_runs_days = 0\n")
    with pytest.raises(ConfigError, match=r"retention\.keep_runs_days must be between 1 and 36500"):
        load_config(path)


def test_the_runner_prunes_after_each_run_and_a_failed_run_within_the_age_stays_retryable(
    home: Path, standin: StandIn
) -> None:
    write_config(
        home, source={"api_url": standin.api_url}, retention={"keep_runs_days": 10}, pipeline={"retries": 0}
    )
    paths = paths_for(home)
    config = load_config(paths.config_file)
    clock = [datetime.now(UTC)]
    with Store.open(paths) as store:
        runner = Runner(paths, config, store, ChainNotifier([RecordingNotifier()]), now=lambda: clock[0])
        first = runner.run()
        clock[0] += 5 * DAY
        standin.push_api_fault(Fault("status", code=503))
        failed = runner.run()
        clock[0] += 6 * DAY  # the first run is now 11 days old, the failed one 6
        third = runner.run()

        assert (first.state, failed.state, third.state) == ("success", "failed", "success")
        assert run_ids(store) == [failed.id, third.id]
        assert not paths.run_dir(first.id).exists()
        assert runner.retry(failed.id).state == "success"


def test_pictures_a_run_uses_are_marked_as_used(home: Path) -> None:
    with StandIn(records=[]) as server:
        server.add_image("/p.jpg", picture_bytes("p"))
        net = format_time(datetime.now(UTC) + 3 * DAY)
        server.set_records([{"id": "a", "net": net, "image": {"image_url": "{server}/p.jpg"}}])
        write_config(home, source={"api_url": server.api_url})
        paths = paths_for(home)
        clock = [datetime(2030, 1, 1, tzinfo=UTC)]
        with Store.open(paths) as store:
            notifier = ChainNotifier([RecordingNotifier()])
            runner = Runner(paths, load_config(paths.config_file), store, notifier, now=lambda: clock[0])
            runner.run()
            clock[0] += 3 * DAY
            runner.run()
            used = store.db.execute("SELECT last_used_at FROM images").fetchone()[0]
    assert used.startswith("2030-01-04")
