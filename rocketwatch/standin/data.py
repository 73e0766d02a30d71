"""Launch records for the stand-in: LL2 sample files in any wrapping, and the bundled demo data.

The demo launches are stored relative to a reference time and shifted so they lie ahead of "now".
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rocketwatch.resources import resource_path

DEMO_DIR = ("demo",)
SHIFTED_FIELDS = ("net", "window_start", "window_end", "last_updated")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def records_from(document: Any) -> list[dict[str, Any]]:
    """The launch records inside a page, a {"launches": [...]} wrapper or a bare list."""
    if isinstance(document, list):
        return list(document)
    if isinstance(document, dict):
        for key in ("results", "launches"):
            if isinstance(document.get(key), list):
                return list(document[key])
    raise ValueError("expected an LL2 page, a {'launches': [...]} object or a list of launches")


def load_fixture_records(path: str | Path) -> list[dict[str, Any]]:
    """Read LL2 launch records from a JSON file in any of the sample wrappings."""
    with Path(path).open(encoding="utf-8") as handle:
        return records_from(json.load(handle))


def parse_time(text: str) -> datetime:
    """An LL2 timestamp ('2024-10-04T10:00:00Z') as an aware UTC datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    """An aware datetime in LL2's timestamp format."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def demo_file() -> Path:
    return resource_path(*DEMO_DIR, "launches.json")


def demo_images_dir() -> Path:
    return resource_path(*DEMO_DIR, "images")


def shift_launch(record: dict[str, Any], shift: Any) -> dict[str, Any]:
    """A copy of the record with every time field moved by shift (a timedelta)."""
    moved = dict(record)
    for name in SHIFTED_FIELDS:
        value = moved.get(name)
        if isinstance(value, str):
            moved[name] = format_time(parse_time(value) + shift)
    for name in ("updates", "vid_urls"):
        if isinstance(moved.get(name), list):
            moved[name] = [_shift_times(item, shift) for item in moved[name]]
    mission = moved.get("mission")
    if isinstance(mission, dict) and isinstance(mission.get("vid_urls"), list):
        links = [_shift_times(item, shift) for item in mission["vid_urls"]]
        moved["mission"] = {**mission, "vid_urls": links}
    if isinstance(moved.get("x_demo_before"), dict):
        moved["x_demo_before"] = shift_launch(moved["x_demo_before"], shift)
    return moved


def _shift_times(item: Any, shift: Any) -> Any:
    """A video link or update with its times (start_time, end_time, created_on) moved by shift."""
    if not isinstance(item, dict):
        return item
    moved = dict(item)
    for name in ("start_time", "end_time", "created_on"):
        if isinstance(moved.get(name), str):
            moved[name] = format_time(parse_time(moved[name]) + shift)
    return moved


def demo_records(now: datetime | None = None, *, history: bool = False) -> list[dict[str, Any]]:
    """The demo launches, moved so that they are upcoming relative to now (default: the clock).

    With `history` a few keep "x_demo_before", what a stand-in's first page shows instead."""
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    with demo_file().open(encoding="utf-8") as handle:
        document = json.load(handle)
    shift = now.replace(microsecond=0) - parse_time(document["reference_time"])
    records = [shift_launch(record, shift) for record in records_from(document)]
    if not history:
        for record in records:
            record.pop("x_demo_before", None)
    return records


def demo_images() -> dict[str, bytes]:
    """The demo pictures and mission patches by file name."""
    folder = demo_images_dir()
    if not folder.is_dir():
        return {}
    return {
        path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.suffix in (".jpg", ".png")
    }
