"""The picture cache's index: one row per distinct image URL, with its file or why it failed.

Paths are stored relative to the data folder so the whole home can move.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rocketwatch.store.database import Database, from_text, to_text, utc_now


def picture_identity(url: str) -> str:
    """What a picture is known by in the cache: its URL, without the port when the host is this computer
    (the demo's stand-in moves to another port when its usual one is taken; its pictures stay the same)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return url
    if port is None or host is None or not _this_computer(host):
        return url
    return urlunsplit(
        (parts.scheme, f"[{host}]" if ":" in host else host, parts.path, parts.query, parts.fragment)
    )


@lru_cache(maxsize=64)  # a run asks for each picture's host five times: 3 ms of ipaddress parsing
def _this_computer(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PicturePaths(dict[str, tuple[Path | None, Path | None]]):
    """{picture identity: (file, thumbnail)}, looked up by a picture's URL."""

    def __getitem__(self, url: str) -> tuple[Path | None, Path | None]:
        return super().__getitem__(picture_identity(url))

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and super().__contains__(picture_identity(url))

    def get(self, url: str, default: Any = None) -> Any:
        return super().get(picture_identity(url), default)


@dataclass(frozen=True, slots=True)
class ImageRecord:
    url: str
    file: str | None
    thumbnail: str | None
    format: str | None
    width: int | None
    height: int | None
    size_bytes: int | None
    fetched_at: datetime | None
    failure: str | None
    failed_at: datetime | None
    permanent_failure: bool
    attempts: int


class ImageStore:
    def __init__(self, db: Database, data_dir: Path) -> None:
        self.db = db
        self.data_dir = data_dir
        self._resolved: dict[Path, Path] = {}  # folder -> its real path (the folders of pictures)

    def get(self, url: str) -> ImageRecord | None:
        row = self.db.execute("SELECT * FROM images WHERE url = ?", (picture_identity(url),)).fetchone()
        if row is None:
            return None
        return ImageRecord(
            row["url"],
            row["file"],
            row["thumbnail"],
            row["format"],
            row["width"],
            row["height"],
            row["size_bytes"],
            from_text(row["fetched_at"]),
            row["failure"],
            from_text(row["failed_at"]),
            bool(row["permanent_failure"]),
            row["attempts"],
        )

    def absolute(self, relative: str | None) -> Path | None:
        return self.data_dir / relative if relative else None

    def relative(self, path: Path | None) -> str | None:
        """The path of a picture file as stored: relative to the data folder, symbolic links in its
        folders followed. The folders are resolved once each: a run stores 200 paths in two folders."""
        if path is None:
            return None
        real = self._real_folder(path.parent) / path.name
        return real.relative_to(self._real_folder(self.data_dir)).as_posix()

    def _real_folder(self, folder: Path) -> Path:
        real = self._resolved.get(folder)
        if real is None:
            real = self._resolved[folder] = folder.resolve()
        return real

    def record_success(
        self,
        url: str,
        *,
        file: Path,
        thumbnail: Path | None,
        format: str | None,
        width: int | None,
        height: int | None,
        size_bytes: int | None,
        run_id: int,
    ) -> None:
        self.db.execute(
            "INSERT INTO images (url, file, thumbnail, format, width, height, size_bytes, fetched_at,"
            " failure, failed_at, permanent_failure, attempts, last_run_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0, 1, ?)"
            " ON CONFLICT(url) DO UPDATE SET file = excluded.file, thumbnail = excluded.thumbnail,"
            " format = excluded.format, width = excluded.width, height = excluded.height,"
            " size_bytes = excluded.size_bytes, fetched_at = excluded.fetched_at, failure = NULL,"
            " failed_at = NULL, permanent_failure = 0, attempts = attempts + 1,"
            " last_run_id = excluded.last_run_id",
            (
                picture_identity(url),
                self.relative(file),
                self.relative(thumbnail),
                format,
                width,
                height,
                size_bytes,
                to_text(utc_now()),
                run_id,
            ),
        )

    def record_failure(self, url: str, reason: str, *, permanent: bool, run_id: int) -> None:
        self.db.execute(
            "INSERT INTO images (url, failure, failed_at, permanent_failure, attempts, last_run_id)"
            " VALUES (?, ?, ?, ?, 1, ?)"
            " ON CONFLICT(url) DO UPDATE SET failure = excluded.failure, failed_at = excluded.failed_at,"
            " permanent_failure = excluded.permanent_failure, attempts = attempts + 1,"
            " last_run_id = excluded.last_run_id",
            (picture_identity(url), reason, to_text(utc_now()), int(permanent), run_id),
        )

    def touch(self, urls: Iterable[str], now: datetime | None = None) -> None:
        """A run used these pictures now (the cache cap deletes the least recently used first)."""
        stamp = to_text(now or utc_now())
        with self.db.transaction() as tx:
            tx.executemany(
                "UPDATE images SET last_used_at = ? WHERE url = ?",
                [(stamp, picture_identity(url)) for url in urls],
            )

    def set_thumbnail(self, url: str, thumbnail: Path | None) -> None:
        self.db.execute(
            "UPDATE images SET thumbnail = ? WHERE url = ?", (self.relative(thumbnail), picture_identity(url))
        )

    def forget_all(self) -> None:
        """Drop the whole picture index (the caller deletes the files)."""
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM images")

    def kept_paths(self) -> PicturePaths:
        """Every kept picture as {url: (file, thumbnail)} in one query (files are not checked)."""
        rows = self.db.execute("SELECT url, file, thumbnail FROM images WHERE file IS NOT NULL")
        return PicturePaths(
            {row["url"]: (self.absolute(row["file"]), self.absolute(row["thumbnail"])) for row in rows}
        )

    def paths_for(self, url: str | None) -> tuple[Path | None, Path | None]:
        """(image file, thumbnail) for a URL when both are known; missing files give None."""
        if not url:
            return None, None
        record = self.get(url)
        if record is None or record.file is None:
            return None, None
        file, thumbnail = self.absolute(record.file), self.absolute(record.thumbnail)
        return (
            file if file and file.is_file() else None,
            thumbnail if thumbnail and thumbnail.is_file() else None,
        )
