"""LL2's upcoming events (dockings, spacewalks, static fires, tests...) as Event values, read tolerantly
from 2.2.0 (`/event/upcoming/`) and 2.3.0 (`/events/upcoming/`) answers.

An event without a usable id or date is skipped and counted; nothing here ever raises on a record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from rocketwatch.i18n import _
from rocketwatch.ll2.parse import (
    ID_LIMIT,
    MAX_ITEMS_READ,
    SHORT_LIMIT,
    URL_LIMIT,
    PageError,
    _description,
    _dict,
    _image,
    _launch_id,
    _text,
    _url,
    _utc,
    _webcast,
    _webcast_order,
    decode_json,
)

EVENTS_LIMIT = 20  # one request a run: the next events LL2 lists
MAX_EVENT_LAUNCHES = 10


@dataclass(frozen=True, slots=True)
class Event:
    """One upcoming event: what, when (as precisely as LL2 says), where, and the launches it relates to."""

    id: str
    name: str
    type: str
    date: datetime
    date_precision: str | None = None
    location: str = ""
    description: str = ""
    image_url: str = ""
    webcast_url: str = ""
    webcast_live: bool = False
    info_url: str = ""
    launch_ids: tuple[str, ...] = field(default=())

    def to_data(self) -> str:
        """The event as JSON text for the store (from_data reads it back)."""
        data = asdict(self)
        data["date"] = self.date.isoformat()
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_data(cls, text: str) -> Event:
        data: dict[str, Any] = json.loads(text)
        data["date"] = datetime.fromisoformat(data["date"])
        data["launch_ids"] = tuple(data.get("launch_ids") or ())
        return cls(**data)


@dataclass(frozen=True, slots=True)
class EventPage:
    events: tuple[Event, ...]
    skipped: int = 0
    skip_reasons: tuple[str, ...] = ()


def parse_events_bytes(body: bytes) -> EventPage:
    """One LL2 answer of upcoming events; PageError when it is not a list of events at all."""
    data = decode_json(body)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        records: Sequence[object] = data["results"]
    elif isinstance(data, list):
        records = data
    else:
        raise PageError(_("LL2's answer is not a list of events"))
    events: dict[str, Event] = {}
    reasons: list[str] = []
    skipped = 0
    for record in records[:MAX_ITEMS_READ]:
        made = read_event(record)
        if isinstance(made, str):
            skipped += 1
            if len(reasons) < 20:
                reasons.append(made)
            continue
        events.setdefault(made.id, made)
    return EventPage(
        tuple(sorted(events.values(), key=lambda event: (event.date, event.name))), skipped, tuple(reasons)
    )


def read_event(record: object) -> Event | str:
    """An Event, or the reason the record cannot be one (no usable id or date)."""
    if not isinstance(record, dict):
        return "an event that is not a JSON object"
    event_id = _launch_id(record.get("id"))
    if not event_id or len(event_id) > ID_LIMIT:
        return "an event without an id"
    date = _utc(record.get("date"))
    name = _text(record.get("name")) or "Unnamed event"
    if date is None:
        return f"event {event_id} ({name}) has no readable date"
    kind = record.get("type")
    links = [link for link in (_webcast(item) for item in _list(record.get("vid_urls"))) if link is not None]
    video = _url(record.get("video_url"), URL_LIMIT)
    extra = _webcast(video) if video and all(link.url != video for link in links) else None
    if extra is not None:
        links.append(extra)
    links.sort(key=_webcast_order)
    image = _image(record.get("image"))["image_url"] or _image(record.get("feature_image"))["image_url"]
    precision = record.get("date_precision")
    info = [
        _url(item.get("url") if isinstance(item, dict) else item, URL_LIMIT)
        for item in _list(record.get("info_urls"))
    ]
    launch_ids: list[str] = []
    for item in _list(record.get("launches")):
        launch_id = _launch_id(_dict(item).get("id"))
        if launch_id and launch_id not in launch_ids and len(launch_ids) < MAX_EVENT_LAUNCHES:
            launch_ids.append(launch_id)
    return Event(
        id=event_id,
        name=name,
        type=_text(_dict(kind).get("name") if isinstance(kind, dict) else kind, SHORT_LIMIT * 2) or "Event",
        date=date,
        date_precision=_text(
            _dict(precision).get("abbrev") if isinstance(precision, dict) else precision, SHORT_LIMIT
        )
        or None,
        location=_text(record.get("location")),
        description=_description(record.get("description")),
        image_url=image,
        webcast_url=links[0].url if links else "",
        webcast_live=record.get("webcast_live") is True,
        info_url=_url(record.get("news_url"), URL_LIMIT) or next((url for url in info if url), ""),
        launch_ids=tuple(launch_ids),
    )


def _list(value: object) -> list:
    return value[:MAX_ITEMS_READ] if isinstance(value, list) else []
