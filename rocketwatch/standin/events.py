"""Upcoming events for the stand-in: stored in LL2 2.3.0's shape and served in the version's own
(2.2.0: `feature_image` and `video_url` strings; 2.3.0: an `image` object and `vid_urls`), plus the demo's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from rocketwatch.standin.data import format_time
from rocketwatch.standin.protocol import version_tuple


def events_segment(version: str) -> str:
    """LL2's collection name for events: 'events' from 2.3.0, 'event' before."""
    return "events" if version_tuple(version) >= (2, 3, 0) else "event"


def served_event(record: Any, version: str) -> Any:
    """The event as this version sends it (a new dict; a record that is not an object goes out as is)."""
    if not isinstance(record, Mapping) or version_tuple(version) >= (2, 3, 0):
        return record
    served = dict(record)
    image = served.pop("image", None)
    if isinstance(image, Mapping):
        served["feature_image"] = image.get("image_url")
    links = served.pop("vid_urls", None)
    if isinstance(links, list) and links and isinstance(links[0], Mapping):
        served["video_url"] = links[0].get("url")
    served.pop("info_urls", None)
    return served


def demo_events(now: datetime | None = None) -> list[dict[str, Any]]:
    """Three events of the coming days (2.3.0 shape), their pictures among the demo's under /media/demo/."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)

    def event(
        number: int,
        name: str,
        kind: str,
        hours: float,
        location: str,
        picture: str,
        description: str,
        precision: str = "MIN",
        launches: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        return {
            "id": 900 + number,
            "name": name,
            "type": {"id": number, "name": kind},
            "date": format_time(now + timedelta(hours=hours)),
            "date_precision": {"id": 1, "name": precision, "abbrev": precision},
            "location": location,
            "description": description,
            "webcast_live": False,
            "image": {"image_url": f"{{server}}/media/demo/{picture}", "credit": "RocketWatch demo"},
            "vid_urls": [{"url": f"https://www.youtube.com/watch?v=demo-event-{number}", "priority": 10}],
            "news_url": f"https://example.org/demo-event-{number}",
            "launches": [{"id": launch_id} for launch_id in launches],
        }

    return [
        event(
            1,
            "US Spacewalk 92",
            "EVA",
            30,
            "International Space Station",
            "falcon-noon.jpg",
            "Two astronauts install a new solar array mount on the station's truss.",
        ),
        event(
            2,
            "Cargo Dragon docking",
            "Docking",
            52,
            "International Space Station",
            "falcon-dawn.jpg",
            "The cargo ship docks to the station's zenith port, carrying science and supplies.",
        ),
        event(
            3,
            "Starship static fire",
            "Static Fire",
            75,
            "Starbase, TX, USA",
            "starship-night.jpg",
            "A full-duration static fire of the next booster's engines.",
            precision="HR",
        ),
    ]
