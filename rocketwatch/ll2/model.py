"""The values the rest of RocketWatch works with: one upcoming launch as LL2 describes it.

Every field has a safe "unknown" value, so a degraded API record still yields a usable Launch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# LL2 launch status ids -> short names (2.0.0 sends only id and name; later versions add abbrev).
STATUS_ABBREVS: dict[int, str] = {
    1: "Go",
    2: "TBD",
    3: "Success",
    4: "Failure",
    5: "Hold",
    6: "In Flight",
    7: "Partial Failure",
    8: "TBC",
}

# LL2 NET precision abbreviations, finest first. None means LL2 did not say (2.0.0).
PRECISION_ORDER: tuple[str, ...] = (
    "SEC", "MIN", "HR", "DAY", "W", "M", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "NET", "FY", "Y",
)


@dataclass(frozen=True, slots=True)
class Launch:
    """One launch from LL2's upcoming list. Times are aware datetimes in UTC."""

    id: str
    name: str
    net: datetime
    net_precision: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    status_id: int | None = None
    status_abbrev: str = "Unknown"
    status_name: str = "Unknown"
    hold_reason: str = ""
    fail_reason: str = ""
    provider: str = "Unknown"
    rocket: str = "Unknown"
    mission_name: str = ""
    mission_description: str = ""
    mission_type: str = ""
    orbit: str = ""
    pad: str = "Unknown"
    location: str = "Unknown"
    country: str = ""
    probability: int | None = None
    webcast_live: bool = False
    webcast_url: str = ""
    last_updated: datetime | None = None
    image_url: str | None = None
    thumbnail_url: str | None = None
    image_credit: str = ""
    image_license: str = ""
    image_license_url: str = ""


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """What one LL2 page yielded: the usable launches and how many records were skipped."""

    launches: tuple[Launch, ...]
    skipped: int = 0
    count: int | None = None
    next_url: str | None = None
    skip_reasons: tuple[str, ...] = field(default=())
