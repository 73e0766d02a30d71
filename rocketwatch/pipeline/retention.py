"""Data that stays bounded: old runs, launches long past, unused pictures and old notifications go away.

prune() runs after each finished run, under the run lock; every rule keeps what the user still needs.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from rocketwatch.config import RetentionConfig
from rocketwatch.images import PART_PREFIX
from rocketwatch.paths import Paths
from rocketwatch.store import Store
from rocketwatch.store.database import from_text, to_text
from rocketwatch.store.images import picture_identity
from rocketwatch.store.runs import ACTIVE_STATES

log = logging.getLogger(__name__)

# A launch this long past its NET that no kept run saw or changed is forgotten (with its changes and star).
PAST_LAUNCH_AGE = timedelta(days=30)
# A picture that no kept launch shows is deleted once no run has used it for this long.
UNUSED_PICTURE_AGE = timedelta(days=30)
# Files RocketWatch itself names in the picture folders: "<stem>-<10 hex>.<ext>" (see images.image_name).
_OWN_PICTURE = re.compile(r".*-[0-9a-f]{10}\.(?:jpg|png|gif|webp)")


@dataclass(frozen=True, slots=True)
class PruneResult:
    """What one prune removed."""

    runs: int = 0
    launches: int = 0
    notifications: int = 0
    pictures: int = 0  # rows of the picture index (with their files)
    files: int = 0  # picture and thumbnail files deleted, orphans included
    bytes_freed: int = 0

    @property
    def anything(self) -> bool:
        return any((self.runs, self.launches, self.notifications, self.pictures, self.files))


def prune(
    store: Store, paths: Paths, config: RetentionConfig, now: datetime, *, current_run: int | None = None
) -> PruneResult:
    """Apply every retention rule once. `current_run`'s pictures are never evicted by the size cap."""
    cutoff = now - timedelta(days=config.keep_runs_days)
    runs = _prune_runs(store, paths, cutoff)
    launches = _prune_launches(store, now - PAST_LAUNCH_AGE)
    notifications = _prune_ledger(store, cutoff)
    store.mutes.forget_snoozes_before(cutoff)  # long delivered (a snooze never reaches past its NET)
    pictures, files, freed = _prune_pictures(store, paths, config, now, current_run)
    return PruneResult(runs, launches, notifications, pictures, files, freed)


# --- runs -------------------------------------------------------------------------------------------------
def _prune_runs(store: Store, paths: Paths, cutoff: datetime) -> int:
    """Runs that started before the cutoff go, with their tasks, tries, logs and runs/<id>/ folder. Kept:
    runs still active, and the newest run (so the history never empties after a long break)."""
    active = ", ".join("?" for _ in ACTIVE_STATES)
    with store.db.transaction() as tx:
        ids = [
            row[0]
            for row in tx.execute(
                f"SELECT id FROM runs WHERE COALESCE(started_at, created_at) < ? AND state NOT IN ({active})"
                " AND id < (SELECT MAX(id) FROM runs)",
                (to_text(cutoff), *ACTIVE_STATES),
            )
        ]
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            tx.execute(f"DELETE FROM task_tries WHERE run_id IN ({marks})", chunk)
            tx.execute(f"DELETE FROM tasks WHERE run_id IN ({marks})", chunk)
            tx.execute(f"DELETE FROM runs WHERE id IN ({marks})", chunk)
        kept = {row[0] for row in tx.execute("SELECT id FROM runs")}
    # Folders after rows: a crash in between leaves only folders, which the next prune removes.
    if paths.runs_dir.is_dir():
        for folder in paths.runs_dir.iterdir():
            if folder.is_dir() and folder.name.isdigit() and int(folder.name) not in kept:
                shutil.rmtree(folder, ignore_errors=True)
    return len(ids)


# --- launches -----------------------------------------------------------------------------------------------
def _prune_launches(store: Store, before: datetime) -> int:
    """Launches with a NET before `before` that no kept run saw or changed, with their changes and stars."""
    with store.db.transaction() as tx:
        ids = [
            row[0]
            for row in tx.execute(
                "SELECT l.id FROM launches l WHERE l.net < ?"
                " AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id IN (l.first_run_id, l.last_run_id))"
                " AND NOT EXISTS (SELECT 1 FROM launch_changes c JOIN runs r ON r.id = c.run_id"
                "                 WHERE c.launch_id = l.id)",
                (to_text(before),),
            )
        ]
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            tx.execute(f"DELETE FROM launch_changes WHERE launch_id IN ({marks})", chunk)
            tx.execute(f"DELETE FROM stars WHERE launch_id IN ({marks})", chunk)
            tx.execute(f"DELETE FROM launches WHERE id IN ({marks})", chunk)
    return len(ids)


# --- notification ledger ---------------------------------------------------------------------------------
def _prune_ledger(store: Store, cutoff: datetime) -> int:
    """Notifications claimed before the cutoff, except those of launches still kept and of runs still kept:
    the ledger is what stops an alert from being shown twice, so it lives as long as what it is about."""
    with store.db.transaction() as tx:
        cursor = tx.execute(
            "DELETE FROM notifications WHERE created_at < ?"
            " AND (launch_id IS NULL OR launch_id NOT IN (SELECT id FROM launches))"
            " AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM runs))",
            (to_text(cutoff),),
        )
    return max(0, cursor.rowcount)


# --- pictures ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Picture:
    url: str
    files: tuple[Path, ...]
    used: datetime | None
    size: int


def _prune_pictures(
    store: Store, paths: Paths, config: RetentionConfig, now: datetime, current_run: int | None
) -> tuple[int, int, int]:
    """Unused pictures after UNUSED_PICTURE_AGE; then, over the size cap, the least recently used ones
    (never those of the current run); then files in the picture folders the index does not know.
    Returns (index rows removed, files deleted, bytes freed)."""
    shown = {
        picture_identity(row[0])
        for row in store.db.execute("SELECT DISTINCT image_url FROM launches WHERE image_url IS NOT NULL")
    }
    shown |= {picture_identity(url) for url in store.events.image_urls()}  # event pictures are kept alike
    in_use: set[str] = set()
    if current_run is not None:
        in_use = {
            picture_identity(row[0])
            for row in store.db.execute(
                "SELECT DISTINCT image_url FROM launches WHERE last_run_id = ? AND image_url IS NOT NULL",
                (current_run,),
            )
        }
    pictures = _pictures(store)
    stale_before = now - UNUSED_PICTURE_AGE
    gone = [p for p in pictures if p.url not in shown and (p.used is None or p.used < stale_before)]
    gone_urls = {p.url for p in gone}
    left = [p for p in pictures if p.url not in gone_urls]
    cap = config.picture_cache_mb * 1_000_000
    total = sum(p.size for p in left)
    if total > cap:
        for picture in sorted(left, key=lambda p: (p.used or datetime.min.replace(tzinfo=now.tzinfo), p.url)):
            if total <= cap:
                break
            if picture.url in in_use:
                continue
            gone.append(picture)
            total -= picture.size
    with store.db.transaction() as tx:
        tx.executemany("DELETE FROM images WHERE url = ?", [(p.url,) for p in gone])
    files = freed = 0
    for picture in gone:  # rows first: no row ever points at a deleted file
        for file in picture.files:
            files, freed = files + 1, freed + _delete(file)
    orphans, orphan_bytes = _delete_orphans(store, paths)
    return len(gone), files + orphans, freed + orphan_bytes


def _pictures(store: Store) -> list[_Picture]:
    rows = store.db.execute(
        "SELECT url, file, thumbnail, COALESCE(last_used_at, fetched_at, failed_at) AS used FROM images"
    )
    result = []
    for row in rows:
        files = tuple(
            path
            for path in (store.images.absolute(row["file"]), store.images.absolute(row["thumbnail"]))
            if path is not None
        )
        result.append(_Picture(row["url"], files, from_text(row["used"]), sum(_size(f) for f in files)))
    return result


def _delete_orphans(store: Store, paths: Paths) -> tuple[int, int]:
    """Files RocketWatch made in the picture folders that the index no longer knows (a replaced picture's
    old thumbnail, a file saved just before a crash): (files deleted, bytes freed)."""
    known: set[Path] = set()
    for row in store.db.execute("SELECT file, thumbnail FROM images"):
        known.update(path for path in (store.images.absolute(row[0]), store.images.absolute(row[1])) if path)
    count = freed = 0
    for folder in (paths.images_dir, paths.thumbnails_dir):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            ours = entry.name.startswith(PART_PREFIX) or _OWN_PICTURE.fullmatch(entry.name)
            if ours and entry not in known and entry.is_file():
                count, freed = count + 1, freed + _delete(entry)
    return count, freed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _delete(path: Path) -> int:
    """Delete a file; the bytes freed (0 when it was already gone or cannot be deleted)."""
    size = _size(path)
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    except OSError as error:
        log.warning("Could not delete %s: %s", path, error.strerror)
        return 0
    return size


def _chunks(ids: list[int] | list[str], size: int = 500) -> list[tuple]:
    return [tuple(ids[start : start + size]) for start in range(0, len(ids), size)]
