"""The values the rest of RocketWatch works with: one upcoming launch as LL2 describes it.

Every field has a safe "unknown" value, so a degraded API record still yields a usable Launch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

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
    "SEC",
    "MIN",
    "HR",
    "DAY",
    "W",
    "M",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "H1",
    "H2",
    "NET",
    "FY",
    "Y",
)


# Caps per launch, so a hostile page cannot grow the database without bound.
MAX_WEBCASTS = 20
MAX_LANDINGS = 10
MAX_UPDATES = 50
MAX_PATCHES = 10
MAX_INFO_LINKS = 20
MAX_PROGRAMS = 10


@dataclass(frozen=True, slots=True)
class Webcast:
    """One video link of a launch (2.2.0 ``vidURLs``, 2.3.0 ``vid_urls``, or the mission's)."""

    url: str
    title: str = ""
    publisher: str = ""
    language: str = ""  # the language's name ("English"), else its code
    type: str = ""  # "Official Webcast", "Unofficial Re-stream", ...
    priority: int | None = None  # lower comes first; None sorts last
    live: bool = False
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Landing:
    """One launcher stage of a launch (``rocket.launcher_stage[]``): the booster and its landing."""

    stage: str = ""  # LL2's stage type: "Core", "Booster", ...
    serial: str = ""  # "B1100"
    flight_number: int | None = None  # this booster's flight number with this launch
    reused: bool | None = None
    attempt: bool | None = None  # a landing is attempted
    success: bool | None = None  # None until the outcome is known
    location: str = ""  # "Of Course I Still Love You"
    location_abbrev: str = ""  # "OCISLY"
    type: str = ""  # "Autonomous Spaceport Drone Ship"
    type_abbrev: str = ""  # "ASDS"


@dataclass(frozen=True, slots=True)
class Patch:
    """A mission patch: its name and picture address (cached like launch pictures)."""

    name: str
    image_url: str


@dataclass(frozen=True, slots=True)
class Update:
    """One of LL2's dated comments on a launch."""

    created_at: datetime | None
    author: str = ""
    comment: str = ""
    info_url: str = ""


@dataclass(frozen=True, slots=True)
class InfoLink:
    """A page about the launch (``info_urls``/``infoURLs``)."""

    url: str
    title: str = ""


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
    # Detailed mode (all empty in list/normal mode and in launches stored before they were kept).
    provider_id: int | None = None
    location_id: int | None = None
    webcasts: tuple[Webcast, ...] = ()  # every video link, best first (see best_webcast)
    landings: tuple[Landing, ...] = ()
    patches: tuple[Patch, ...] = ()
    updates: tuple[Update, ...] = ()  # newest first, at most MAX_UPDATES
    programs: tuple[str, ...] = ()
    info_links: tuple[InfoLink, ...] = ()
    weather_concerns: str = ""
    hashtag: str = ""
    flightclub_url: str = ""

    @property
    def best_webcast(self) -> Webcast | None:
        """The link to open: a live one, then the lowest priority number, then the soonest start."""
        return best_webcast(self.webcasts)


def best_webcast(webcasts: tuple[Webcast, ...]) -> Webcast | None:
    """The live link first, then the lowest priority number, then the soonest start; None if none."""
    if not webcasts:
        return None
    far = datetime.max.replace(tzinfo=UTC)
    return min(
        webcasts,
        key=lambda link: (
            not link.live,
            link.priority if link.priority is not None else 1_000_000,
            link.start or far,
        ),
    )


def landing_outcomes(landings: Iterable[Landing]) -> dict[str, bool | None]:
    """Each stage by its booster serial (else "Core 1", "Booster 2"): True landed, False did not, None
    not known yet (or no landing attempted)."""
    outcomes: dict[str, bool | None] = {}
    for number, stage in enumerate(landings, start=1):
        key = stage.serial or f"{stage.stage or 'Stage'} {number}"
        outcomes[key] = stage.success if stage.attempt is not False else None
    return outcomes


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """What one LL2 page yielded: the usable launches and how many records were skipped."""

    launches: tuple[Launch, ...]
    skipped: int = 0
    count: int | None = None
    next_url: str | None = None
    skip_reasons: tuple[str, ...] = field(default=())
    # Parts of otherwise usable launches that were dropped (e.g. "video links": 3), for one log line.
    dropped_parts: tuple[tuple[str, int], ...] = field(default=())


FINISHED_STATUSES = ("Success", "Failure", "Partial Failure")
# LL2's upcoming list keeps launches of the last 24 hours. A launch is "recent", not upcoming, once it has
# an outcome, or when its NET passed this long ago and it is not in flight (LL2 moves a slipped NET).
RECENT_GRACE = timedelta(hours=1)


def is_recent(launch: Launch, now: datetime) -> bool:
    """True for a launch that already happened (shown and counted apart from the upcoming ones)."""
    if launch.status_abbrev in FINISHED_STATUSES:
        return True
    return launch.net < now - RECENT_GRACE and launch.status_abbrev != "In Flight"
