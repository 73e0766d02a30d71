"""Regenerates RocketWatch's demo data: launches.json and the pictures in images/ (all made up).

Run `uv run python resources/demo/make_demo.py`; the output is the same every time (fixed seeds).
"""

from __future__ import annotations

import io
import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "images"
REFERENCE_TIME = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ID_NAMESPACE = uuid.UUID("5f0c3c1e-8d1a-4f53-9a4e-2b7f1e3c0a11")
WIDTH, HEIGHT = 800, 450
API = "{server}/2.3.0"

STATUSES: dict[str, tuple[int, str, str]] = {
    "Go": (1, "Go for Launch", "The date and time are confirmed by the launch team."),
    "TBD": (2, "To Be Determined", "A rough 'no earlier than' guess; expect it to move."),
    "Success": (3, "Launch Successful", "The payload reached the orbit it was aiming for."),
    "Hold": (5, "On Hold", "The count is paused; launch may still happen in this window."),
    "TBC": (8, "To Be Confirmed", "The date is fairly solid but not yet officially confirmed."),
}
PRECISIONS: dict[str, tuple[int, str, str]] = {
    "SEC": (0, "Second", "The time is known to the second."),
    "MIN": (1, "Minute", "The time is known to the minute."),
    "HR": (2, "Hour", "The time is known to the hour."),
    "DAY": (5, "Day", "Only the day is known."),
    "W": (6, "Week", "Only the week is known."),
    "M": (7, "Month", "Only the month is known."),
    "Q3": (10, "Quarter 3", "Sometime in the third quarter of the year."),
}
ORBITS: dict[str, str] = {
    "LEO": "Low Earth Orbit",
    "SSO": "Sun-Synchronous Orbit",
    "GTO": "Geostationary Transfer Orbit",
    "MEO": "Medium Earth Orbit",
    "TLI": "Trans-Lunar Injection",
    "Sub": "Suborbital",
}
COUNTRIES: dict[str, tuple[int, str, str]] = {
    "US": (2, "United States of America", "USA"),
    "NZ": (14, "New Zealand", "NZL"),
    "GF": (76, "French Guiana", "GUF"),
    "IN": (11, "India", "IND"),
    "CN": (8, "China", "CHN"),
    "JP": (9, "Japan", "JPN"),
    "AU": (1, "Australia", "AUS"),
}
PROVIDERS: dict[str, tuple[int, str, str, str]] = {
    "SpX": (121, "SpaceX", "SpX", "Commercial"),
    "RL": (147, "Rocket Lab", "RL", "Commercial"),
    "ULA": (124, "United Launch Alliance", "ULA", "Commercial"),
    "ASA": (115, "Arianespace", "ASA", "Commercial"),
    "ISRO": (31, "Indian Space Research Organization", "ISRO", "Government"),
    "CASC": (88, "China Aerospace Science and Technology Corporation", "CASC", "Government"),
    "BO": (141, "Blue Origin", "BO", "Commercial"),
    "MHI": (98, "Mitsubishi Heavy Industries", "MHI", "Commercial"),
    "FA": (265, "Firefly Aerospace", "FA", "Commercial"),
    "GS": (1029, "Gilmour Space Technologies", "GS", "Commercial"),
}


@dataclass(frozen=True)
class Pad:
    id: int
    name: str
    location_id: int
    location: str
    country_code: str
    latitude: float
    longitude: float
    timezone: str


PADS: dict[str, Pad] = {
    "SLC-4E": Pad(
        16,
        "Space Launch Complex 4E",
        11,
        "Vandenberg SFB, CA, USA",
        "US",
        34.632,
        -120.611,
        "America/Los_Angeles",
    ),
    "LC-1A": Pad(
        168,
        "Rocket Lab Launch Complex 1A",
        10,
        "Onenui Station, Mahia Peninsula, NZ",
        "NZ",
        -39.262,
        177.864,
        "Pacific/Auckland",
    ),
    "SLC-40": Pad(
        80,
        "Space Launch Complex 40",
        12,
        "Cape Canaveral SFS, FL, USA",
        "US",
        28.562,
        -80.577,
        "America/New_York",
    ),
    "SLC-41": Pad(
        29,
        "Space Launch Complex 41",
        12,
        "Cape Canaveral SFS, FL, USA",
        "US",
        28.583,
        -80.583,
        "America/New_York",
    ),
    "ELA-4": Pad(
        193,
        "Ensemble de Lancement Ariane 4",
        13,
        "Guiana Space Centre, French Guiana",
        "GF",
        5.262,
        -52.786,
        "America/Cayenne",
    ),
    "SLP": Pad(
        41, "Second Launch Pad", 14, "Satish Dhawan Space Centre, India", "IN", 13.720, 80.230, "Asia/Kolkata"
    ),
    "LC-101": Pad(
        147,
        "Wenchang Space Launch Site LC-101",
        8,
        "Wenchang Space Launch Site, China",
        "CN",
        19.614,
        110.951,
        "Asia/Shanghai",
    ),
    "LC-36": Pad(
        95, "Launch Complex 36", 12, "Cape Canaveral SFS, FL, USA", "US", 28.470, -80.538, "America/New_York"
    ),
    "LP-2": Pad(
        56,
        "Yoshinobu Launch Complex LP-2",
        26,
        "Tanegashima Space Center, Japan",
        "JP",
        30.400,
        130.975,
        "Asia/Tokyo",
    ),
    "LC-3": Pad(
        201,
        "Launch Complex 3",
        21,
        "Wallops Island, Virginia, USA",
        "US",
        37.833,
        -75.488,
        "America/New_York",
    ),
    "SLC-2W": Pad(
        20,
        "Space Launch Complex 2W",
        11,
        "Vandenberg SFB, CA, USA",
        "US",
        34.755,
        -120.622,
        "America/Los_Angeles",
    ),
    "BOS": Pad(
        271,
        "Bowen Orbital Spaceport",
        163,
        "Bowen, Queensland, Australia",
        "AU",
        -19.962,
        148.116,
        "Australia/Brisbane",
    ),
    "OLP-1": Pad(
        188, "Orbital Launch Pad 1", 143, "SpaceX Starbase, TX, USA", "US", 25.997, -97.157, "America/Chicago"
    ),
}


@dataclass(frozen=True)
class Picture:
    """How to paint one demo picture."""

    file: str
    name: str
    sky_top: tuple[int, int, int]
    sky_bottom: tuple[int, int, int]
    ground: tuple[int, int, int]
    body: tuple[int, int, int]
    stars: int
    smoke: int
    sun: tuple[int, int, int] | None
    height: int
    boosters: int
    x: int
    seed: int


PICTURES: dict[str, Picture] = {
    p.file: p
    for p in [
        Picture(
            "falcon-dawn.jpg",
            "Falcon 9 at first light",
            (40, 60, 120),
            (250, 170, 120),
            (40, 35, 40),
            (235, 235, 240),
            10,
            3,
            (255, 210, 150),
            300,
            0,
            380,
            1,
        ),
        Picture(
            "electron-night.jpg",
            "Electron under a starry sky",
            (5, 8, 25),
            (30, 40, 80),
            (15, 18, 20),
            (30, 30, 34),
            220,
            1,
            None,
            180,
            0,
            430,
            2,
        ),
        Picture(
            "falcon-noon.jpg",
            "Falcon 9 on a clear afternoon",
            (60, 130, 220),
            (180, 215, 245),
            (110, 100, 80),
            (240, 240, 245),
            0,
            2,
            (255, 250, 225),
            310,
            0,
            360,
            3,
        ),
        Picture(
            "vulcan-dusk.jpg",
            "Vulcan in the evening haze",
            (60, 40, 100),
            (240, 120, 80),
            (35, 30, 35),
            (225, 160, 90),
            25,
            4,
            (255, 160, 90),
            290,
            2,
            420,
            4,
        ),
        Picture(
            "ariane-rain.jpg",
            "Ariane 6 in a tropical overcast",
            (90, 100, 110),
            (170, 175, 180),
            (50, 70, 50),
            (240, 240, 240),
            0,
            6,
            None,
            260,
            2,
            400,
            5,
        ),
        Picture(
            "pslv-morning.jpg",
            "PSLV on the morning shoreline",
            (120, 170, 230),
            (250, 220, 180),
            (150, 130, 100),
            (225, 200, 170),
            0,
            3,
            (255, 235, 180),
            250,
            4,
            340,
            6,
        ),
        Picture(
            "longmarch-twilight.jpg",
            "Long March 5 at twilight",
            (20, 30, 70),
            (200, 110, 130),
            (25, 40, 30),
            (245, 240, 230),
            60,
            5,
            None,
            280,
            4,
            450,
            7,
        ),
        Picture(
            "newglenn-blue.jpg",
            "New Glenn at blue hour",
            (10, 30, 80),
            (70, 110, 170),
            (20, 25, 35),
            (210, 215, 225),
            40,
            2,
            None,
            340,
            0,
            390,
            8,
        ),
        Picture(
            "h3-cherry.jpg",
            "H3 on a spring morning",
            (150, 190, 240),
            (245, 210, 220),
            (70, 110, 70),
            (245, 245, 240),
            0,
            2,
            (255, 245, 230),
            270,
            2,
            410,
            9,
        ),
        Picture(
            "neutron-fog.jpg",
            "Neutron in coastal fog",
            (140, 150, 160),
            (205, 205, 200),
            (60, 65, 60),
            (25, 25, 28),
            0,
            8,
            None,
            240,
            0,
            370,
            10,
        ),
        Picture(
            "alpha-sunset.jpg",
            "Alpha against the sunset",
            (80, 40, 90),
            (255, 140, 60),
            (30, 20, 25),
            (20, 20, 24),
            5,
            2,
            (255, 120, 50),
            200,
            0,
            440,
            11,
        ),
        Picture(
            "starship-night.jpg",
            "Starship under floodlights",
            (3, 5, 15),
            (25, 25, 55),
            (20, 20, 22),
            (200, 205, 215),
            300,
            3,
            None,
            380,
            0,
            400,
            12,
        ),
    ]
}


@dataclass(frozen=True)
class Plan:
    """One made-up launch, relative to REFERENCE_TIME."""

    rocket: str
    variant: str
    family: str
    provider: str
    mission: str
    mission_type: str
    orbit: str
    description: str
    pad: str
    status: str
    precision: str
    net_hours: float
    window_minutes: int
    picture: str | None
    probability: int | None = None
    webcast_live: bool = False
    webcast: str | None = None
    holdreason: str = ""
    weather: str | None = None
    boosters: tuple[Booster, ...] = ()
    patch: str | None = None  # a file in PATCHES
    program: str | None = None
    updates: tuple[tuple[float, str, str], ...] = ()  # (hours before REFERENCE_TIME, author, comment)
    restream: str | None = None  # a second, unofficial video link
    before: dict[str, Any] | None = None  # what the first page a demo stand-in serves says instead


@dataclass(frozen=True)
class Booster:
    """A launcher stage of a demo launch and its landing."""

    serial: str
    flight: int
    landing: str  # a key of LANDING_PLACES
    success: bool | None = None
    stage: str = "Core"


LANDING_PLACES: dict[str, tuple[int, str, str, int, str, str]] = {
    # key: (id, name, abbrev, type id, type name, type abbrev)
    "OCISLY": (1, "Of Course I Still Love You", "OCISLY", 1, "Autonomous Spaceport Drone Ship", "ASDS"),
    "ASOG": (2, "A Shortfall of Gravitas", "ASOG", 1, "Autonomous Spaceport Drone Ship", "ASDS"),
    "LZ-4": (3, "Landing Zone 4", "LZ-4", 2, "Return to Launch Site", "RTLS"),
    "JRTI": (4, "Just Read The Instructions", "JRTI", 1, "Autonomous Spaceport Drone Ship", "ASDS"),
}


@dataclass(frozen=True)
class PatchArt:
    """How to paint one demo mission patch: a round badge."""

    file: str
    name: str
    ring: tuple[int, int, int]
    field: tuple[int, int, int]
    mark: tuple[int, int, int]
    points: int
    seed: int


PATCHES: dict[str, PatchArt] = {
    p.file: p
    for p in [
        PatchArt(
            "patch-skylark.png",
            "Skylark Relay 7 mission patch",
            (30, 60, 130),
            (120, 170, 230),
            (250, 250, 255),
            5,
            21,
        ),
        PatchArt(
            "patch-starlink.png",
            "Starlink Group 14-21 mission patch",
            (20, 20, 30),
            (40, 50, 90),
            (235, 235, 245),
            4,
            22,
        ),
        PatchArt(
            "patch-sentinel.png",
            "Sentinel Arc 3 mission patch",
            (90, 30, 30),
            (200, 150, 60),
            (30, 30, 30),
            6,
            23,
        ),
    ]
}


PLANS: list[Plan] = [
    Plan(
        "Falcon 9 Block 5",
        "Block 5",
        "Falcon",
        "SpX",
        "Skylark Relay 7",
        "Communications",
        "SSO",
        "A batch of small relay satellites that pass messages between polar research stations.",
        "SLC-4E",
        "Success",
        "SEC",
        -3,
        0,
        "falcon-dawn.jpg",
        95,
        webcast="https://www.youtube.com/watch?v=demo-skylark7",
        boosters=(Booster("B1082", 14, "OCISLY", success=True),),
        patch="patch-skylark.png",
        updates=(
            (2.5, "Demo Caster", "Payload deployment confirmed."),
            (2.9, "Demo Caster", "Booster B1082 landed on Of Course I Still Love You."),
            (3.0, "LL2", "Liftoff!"),
        ),
        before={"status": "In Flight", "landed": None},
    ),
    Plan(
        "Electron",
        "",
        "Electron",
        "RL",
        "Kiwi Lantern",
        "Earth Science",
        "SSO",
        "A shoebox-sized satellite that maps night-time light pollution over the Pacific.",
        "LC-1A",
        "Go",
        "MIN",
        4,
        120,
        "electron-night.jpg",
        80,
        webcast="https://www.youtube.com/watch?v=demo-kiwilantern",
    ),
    Plan(
        "Falcon 9 Block 5",
        "Block 5",
        "Falcon",
        "SpX",
        "Starlink Group 14-21",
        "Communications",
        "LEO",
        "Another batch of broadband satellites for the Starlink constellation.",
        "SLC-40",
        "Go",
        "MIN",
        20,
        240,
        "falcon-noon.jpg",
        90,
        webcast="https://www.youtube.com/watch?v=demo-starlink1421",
        boosters=(Booster("B1077", 19, "ASOG"),),
        patch="patch-starlink.png",
        program="Starlink",
        updates=(
            (1, "Demo Caster", "Weather forecast improved to 90% favourable."),
            (7, "Demo Caster", "NET moved 12 hours later to give the drone ship time to reach its station."),
            (30, "LL2", "Added launch."),
        ),
        restream="https://www.youtube.com/watch?v=demo-starlink1421-restream",
        before={"net_hours": 8},
    ),
    Plan(
        "Vulcan VC4S",
        "VC4S",
        "Vulcan",
        "ULA",
        "Sentinel Arc 3",
        "Government/Top Secret",
        "GTO",
        "A national security payload; few details have been made public.",
        "SLC-41",
        "Hold",
        "MIN",
        30,
        180,
        "vulcan-dusk.jpg",
        60,
        webcast_live=True,
        webcast="https://www.youtube.com/watch?v=demo-sentinelarc3",
        holdreason="Count paused to check a ground valve reading on the upper stage.",
        weather="Cumulus clouds and anvil clouds near the pad",
        patch="patch-sentinel.png",
        updates=((0.5, "Demo Caster", "Hold at T-40 minutes for a ground valve reading."),),
    ),
    Plan(
        "Ariane 62",
        "62",
        "Ariane",
        "ASA",
        "Meridian Link 2",
        "Navigation",
        "MEO",
        "Two navigation satellites that thicken a European positioning constellation.",
        "ELA-4",
        "TBC",
        "HR",
        48,
        0,
        "ariane-rain.jpg",
    ),
    Plan(
        "PSLV-XL",
        "XL",
        "PSLV",
        "ISRO",
        "Sagar Drishti",
        "Earth Science",
        "SSO",
        "An ocean-watching satellite that tracks plankton blooms and coastal water colour.",
        "SLP",
        "Go",
        "MIN",
        72,
        0,
        "pslv-morning.jpg",
        85,
    ),
    Plan(
        "Falcon 9 Block 5",
        "Block 5",
        "Falcon",
        "SpX",
        "Nimbus Rideshare 3",
        "Dedicated Rideshare",
        "SSO",
        "A rideshare flight carrying dozens of small satellites from universities and start-ups.",
        "SLC-40",
        "TBC",
        "MIN",
        90,
        60,
        "falcon-noon.jpg",
    ),
    Plan(
        "Long March 5",
        "",
        "Long March",
        "CASC",
        "Queqiao Relay Demo",
        "Communications",
        "TLI",
        "A relay spacecraft headed for lunar orbit to support landers on the far side.",
        "LC-101",
        "TBD",
        "DAY",
        120,
        0,
        "longmarch-twilight.jpg",
    ),
    Plan(
        "New Glenn",
        "",
        "New Glenn",
        "BO",
        "Pathfinder Lander Ride",
        "Planetary Science",
        "TLI",
        "A cargo lander demonstration bound for the lunar south pole region.",
        "LC-36",
        "TBD",
        "HR",
        150,
        90,
        "newglenn-blue.jpg",
    ),
    Plan(
        "H3-22",
        "22",
        "H3",
        "MHI",
        "Hoshizora 2",
        "Astrophysics",
        "LEO",
        "A small telescope satellite that surveys the sky in ultraviolet light.",
        "LP-2",
        "TBC",
        "MIN",
        196,
        30,
        "h3-cherry.jpg",
        70,
    ),
    Plan(
        "Neutron",
        "",
        "Neutron",
        "RL",
        "Neutron Maiden Flight",
        "Test Flight",
        "LEO",
        "The first flight of a medium-lift reusable rocket, carrying a test mass.",
        "LC-3",
        "TBD",
        "M",
        260,
        0,
        "neutron-fog.jpg",
    ),
    Plan(
        "Firefly Alpha",
        "",
        "Alpha",
        "FA",
        "Bluebird Dawn",
        "Technology",
        "SSO",
        "A technology demonstrator testing a deployable solar sail and a new radio.",
        "SLC-2W",
        "TBD",
        "W",
        330,
        0,
        "alpha-sunset.jpg",
    ),
    Plan(
        "Eris Block 1",
        "Block 1",
        "Eris",
        "GS",
        "TestFlight 2",
        "Test Flight",
        "LEO",
        "A second attempt to reach orbit from Australian soil with a home-grown rocket.",
        "BOS",
        "TBD",
        "M",
        950,
        0,
        None,
    ),
    Plan(
        "Starship",
        "",
        "Starship",
        "SpX",
        "Starship Flight 14",
        "Test Flight",
        "Sub",
        "A suborbital test of the full stack, with a ship catch attempt at the end.",
        "OLP-1",
        "TBD",
        "Q3",
        2900,
        0,
        "starship-night.jpg",
    ),
]


# --- launch records --------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def country(code: str) -> dict[str, Any]:
    cid, name, alpha3 = COUNTRIES[code]
    return {"id": cid, "name": name, "alpha_2_code": code, "alpha_3_code": alpha3}


def image_object(file: str | None, credit: str) -> dict[str, Any] | None:
    if file is None:
        return None
    picture = PICTURES[file]
    url = f"{{server}}/media/demo/{file}"
    return {
        "id": 9000 + picture.seed,
        "name": picture.name,
        "image_url": url,
        "thumbnail_url": url,
        "credit": credit,
        "license": {
            "id": 90,
            "name": "RocketWatch demo picture (CC0)",
            "priority": 1,
            "link": "https://creativecommons.org/publicdomain/zero/1.0/",
        },
        "single_use": False,
        "variants": [],
    }


def provider_object(key: str) -> dict[str, Any]:
    pid, name, abbrev, kind = PROVIDERS[key]
    return {
        "response_mode": "list",
        "id": pid,
        "url": f"{API}/agencies/{pid}/",
        "name": name,
        "abbrev": abbrev,
        "type": {"id": 3 if kind == "Commercial" else 1, "name": kind},
    }


def rocket_object(plan: Plan, index: int) -> dict[str, Any]:
    config_id = 500 + sum(map(ord, plan.rocket)) % 400
    return {
        "id": 9100 + index,
        "launcher_stage": launcher_stages(plan),
        "spacecraft_stage": None,
        "configuration": {
            "response_mode": "list",
            "id": config_id,
            "url": f"{API}/launcher_configurations/{config_id}/",
            "name": plan.rocket,
            "families": [{"response_mode": "list", "id": config_id + 1000, "name": plan.family}],
            "full_name": plan.rocket,
            "variant": plan.variant,
        },
    }


def pad_object(key: str) -> dict[str, Any]:
    pad = PADS[key]
    return {
        "id": pad.id,
        "url": f"{API}/pads/{pad.id}/",
        "active": True,
        "agencies": [],
        "name": pad.name,
        "image": None,
        "description": "",
        "info_url": None,
        "wiki_url": None,
        "map_url": f"https://www.openstreetmap.org/?mlat={pad.latitude}&mlon={pad.longitude}",
        "latitude": pad.latitude,
        "longitude": pad.longitude,
        "country": country(pad.country_code),
        "country_code": country(pad.country_code)["alpha_3_code"],
        "map_image": None,
        "total_launch_count": 10 + pad.id % 50,
        "orbital_launch_attempt_count": 10 + pad.id % 50,
        "location": {
            "response_mode": "normal",
            "id": pad.location_id,
            "url": f"{API}/locations/{pad.location_id}/",
            "name": pad.location,
            "celestial_body": {"response_mode": "list", "id": 1, "name": "Earth"},
            "active": True,
            "country": country(pad.country_code),
            "country_code": country(pad.country_code)["alpha_3_code"],
            "description": "",
            "image": None,
            "map_image": None,
            "longitude": pad.longitude,
            "latitude": pad.latitude,
            "timezone_name": pad.timezone,
            "total_launch_count": 20 + pad.location_id,
            "total_landing_count": 0,
        },
    }


def video_list(plan: Plan, net: datetime) -> list[dict[str, Any]]:
    if plan.webcast is None:
        return []
    videos = [
        {
            "priority": 10,
            "source": "youtube.com",
            "publisher": PROVIDERS[plan.provider][1],
            "title": f"{plan.rocket} | {plan.mission} live",
            "description": "Live coverage of the launch (demo link; it goes nowhere).",
            "feature_image": None,
            "url": plan.webcast,
            "type": {"id": 1, "name": "Official Webcast"},
            "language": {"id": 1, "name": "English", "code": "en"},
            "start_time": stamp(net - timedelta(minutes=30)),
            "end_time": None,
            "live": plan.webcast_live,
        }
    ]
    if plan.restream:
        videos.append(
            {
                "priority": 20,
                "source": "youtube.com",
                "publisher": "Demo Space Fans",
                "title": f"{plan.mission} re-stream with commentary",
                "description": "A fan re-stream (demo link; it goes nowhere).",
                "feature_image": None,
                "url": plan.restream,
                "type": {"id": 4, "name": "Unofficial Re-stream"},
                "language": {"id": 1, "name": "English", "code": "en"},
                "start_time": stamp(net - timedelta(minutes=45)),
                "end_time": None,
                "live": False,
            }
        )
    return videos


def launcher_stages(plan: Plan, landed: Any = "plan") -> list[dict[str, Any]]:
    """The rocket's launcher_stage list; `landed` overrides each booster's outcome (None: unknown)."""
    stages = []
    for number, booster in enumerate(plan.boosters):
        place_id, place, abbrev, type_id, type_name, type_abbrev = LANDING_PLACES[booster.landing]
        success = booster.success if landed == "plan" else landed
        stages.append(
            {
                "id": 7000 + number + 10 * len(booster.serial),
                "type": booster.stage,
                "reused": booster.flight > 1,
                "launcher_flight_number": booster.flight,
                "launcher": {
                    "id": 300 + int(booster.serial[1:]) % 500,
                    "serial_number": booster.serial,
                    "flight_proven": booster.flight > 1,
                    "status": "active",
                    "flights": booster.flight,
                },
                "landing": {
                    "id": 4000 + number,
                    "attempt": True,
                    "success": success,
                    "description": "",
                    "landing_location": {"id": place_id, "name": place, "abbrev": abbrev},
                    "type": {"id": type_id, "name": type_name, "abbrev": type_abbrev},
                },
                "previous_flight_date": None,
            }
        )
    return stages


def patch_list(plan: Plan) -> list[dict[str, Any]]:
    if plan.patch is None:
        return []
    art = PATCHES[plan.patch]
    return [
        {
            "id": 600 + art.seed,
            "name": art.name,
            "priority": 10,
            "image_url": f"{{server}}/media/demo/{art.file}",
            "agency": provider_object(plan.provider),
        }
    ]


def update_list(plan: Plan, index: int) -> list[dict[str, Any]]:
    return [
        {
            "id": 20000 + index * 10 + number,
            "profile_image": None,
            "comment": comment,
            "info_url": None,
            "created_by": author,
            "created_on": stamp(REFERENCE_TIME - timedelta(hours=hours)),
        }
        for number, (hours, author, comment) in enumerate(plan.updates)
    ]


def before_fields(plan: Plan, index: int) -> dict[str, Any] | None:
    """What the first page a demo stand-in serves says instead (so a second run records a change)."""
    if plan.before is None:
        return None
    before: dict[str, Any] = {}
    if "net_hours" in plan.before:
        net = REFERENCE_TIME + timedelta(hours=plan.before["net_hours"])
        before.update(
            {
                "net": stamp(net),
                "window_start": stamp(net),
                "window_end": stamp(net + timedelta(minutes=plan.window_minutes)),
            }
        )
    if "status" in plan.before:
        before["status"] = {
            "id": 6,
            "name": "Launch in Flight",
            "abbrev": plan.before["status"],
            "description": "The rocket is flying.",
        }
    if "landed" in plan.before:
        before["rocket"] = {**rocket_object(plan, index), "launcher_stage": launcher_stages(plan, None)}
    return before


def launch_record(plan: Plan, index: int) -> dict[str, Any]:
    name = f"{plan.rocket} | {plan.mission}"
    launch_id = str(uuid.uuid5(ID_NAMESPACE, name))
    net = REFERENCE_TIME + timedelta(hours=plan.net_hours)
    status_id, status_name, status_text = STATUSES[plan.status]
    precision_id, precision_name, precision_text = PRECISIONS[plan.precision]
    updated_hours = 1 + (index * 7) % 30
    videos = video_list(plan, net)
    record: dict[str, Any] = {
        "id": launch_id,
        "url": f"{API}/launches/{launch_id}/",
        "name": name,
        "response_mode": "detailed",
        "slug": slugify(name),
        "launch_designator": None,
        "status": {
            "id": status_id,
            "name": status_name,
            "abbrev": plan.status,
            "description": status_text,
        },
        "last_updated": stamp(REFERENCE_TIME - timedelta(hours=updated_hours)),
        "net": stamp(net),
        "net_precision": {
            "id": precision_id,
            "name": precision_name,
            "abbrev": plan.precision,
            "description": precision_text,
        },
        "window_end": stamp(net + timedelta(minutes=plan.window_minutes)),
        "window_start": stamp(net),
        "image": image_object(plan.picture, "RocketWatch demo art"),
        "infographic": None,
        "probability": plan.probability,
        "weather_concerns": plan.weather,
        "holdreason": plan.holdreason,
        "failreason": "",
        "hashtag": None,
        "launch_service_provider": provider_object(plan.provider),
        "rocket": rocket_object(plan, index),
        "mission": {
            "id": 8000 + index,
            "name": plan.mission,
            "type": plan.mission_type,
            "description": plan.description,
            "image": None,
            "orbit": {
                "id": 100 + list(ORBITS).index(plan.orbit),
                "name": ORBITS[plan.orbit],
                "abbrev": plan.orbit,
                "celestial_body": {"response_mode": "list", "id": 1, "name": "Earth"},
            },
            "agencies": [],
            "info_urls": [],
            "vid_urls": videos,
        },
        "pad": pad_object(plan.pad),
        "webcast_live": plan.webcast_live,
        "vid_urls": videos,
        "program": [{"id": 25, "name": plan.program}] if plan.program else [],
        "flightclub_url": f"https://flightclub.io/result?llId={launch_id}" if plan.boosters else None,
        "updates": update_list(plan, index),
        "info_urls": [],
        "timeline": [],
        "mission_patches": patch_list(plan),
    }
    before = before_fields(plan, index)
    if before:
        record["x_demo_before"] = before
    return record


def launches_document() -> dict[str, Any]:
    return {
        "reference_time": stamp(REFERENCE_TIME),
        "about": "Made-up launches for RocketWatch's demo mode; times are shifted relative to "
        "reference_time when served. Regenerate with resources/demo/make_demo.py.",
        "launches": [launch_record(plan, index) for index, plan in enumerate(PLANS)],
    }


# --- pictures --------------------------------------------------------------------------------


def blend(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def paint_sky(draw: ImageDraw.ImageDraw, picture: Picture, horizon: int) -> None:
    for y in range(horizon):
        draw.line([(0, y), (WIDTH, y)], fill=blend(picture.sky_top, picture.sky_bottom, y / horizon))


def paint_stars(draw: ImageDraw.ImageDraw, picture: Picture, rng: random.Random, horizon: int) -> None:
    for _ in range(picture.stars):
        x, y = rng.randrange(WIDTH), rng.randrange(int(horizon * 0.8))
        level = rng.randrange(150, 256)
        size = 1 if rng.random() < 0.85 else 2
        draw.rectangle([x, y, x + size - 1, y + size - 1], fill=(level, level, min(255, level + 20)))


def paint_sun(draw: ImageDraw.ImageDraw, picture: Picture, horizon: int) -> None:
    if picture.sun is None:
        return
    cx = 140 if picture.x > WIDTH // 2 else WIDTH - 140
    cy = horizon - 40
    for radius, t in ((70, 0.85), (50, 0.5), (32, 0.0)):
        colour = blend(picture.sun, picture.sky_bottom, t)
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=colour)


def paint_ground(draw: ImageDraw.ImageDraw, picture: Picture, horizon: int) -> None:
    for y in range(horizon, HEIGHT):
        t = (y - horizon) / (HEIGHT - horizon)
        draw.line([(0, y), (WIDTH, y)], fill=blend(picture.ground, (0, 0, 0), t * 0.6))


def paint_tower(draw: ImageDraw.ImageDraw, picture: Picture, base: int) -> None:
    left = picture.x + 34
    top = base - picture.height - 30
    dark = blend(picture.ground, (0, 0, 0), 0.5)
    draw.rectangle([left, top, left + 18, base], outline=dark, width=3)
    for y in range(top, base, 18):
        draw.line([(left, y), (left + 18, y + 18)], fill=dark, width=2)
    for y in range(top + 40, base - 30, 70):
        draw.line([(left, y), (picture.x + 8, y)], fill=dark, width=3)


def paint_rocket(draw: ImageDraw.ImageDraw, picture: Picture, base: int) -> None:
    x, half = picture.x, 11
    top = base - picture.height
    shade = blend(picture.body, (0, 0, 0), 0.35)
    draw.rectangle([x - half, top, x + half, base], fill=picture.body)
    draw.rectangle([x + half // 2, top, x + half, base], fill=shade)
    draw.polygon([(x - half, top), (x + half, top), (x, top - 34)], fill=picture.body)
    draw.line([(x - half, top + 60), (x + half, top + 60)], fill=shade, width=3)
    for number in range(picture.boosters):
        side = -1 if number % 2 == 0 else 1
        offset = (half + 8 + 10 * (number // 2)) * side
        booster_top = base - picture.height // 3
        draw.rectangle([x + offset - 6, booster_top, x + offset + 6, base], fill=picture.body)
        draw.polygon(
            [(x + offset - 6, booster_top), (x + offset + 6, booster_top), (x + offset, booster_top - 16)],
            fill=picture.body,
        )
    draw.polygon([(x - half, base), (x - half - 14, base), (x - half, base - 40)], fill=shade)
    draw.polygon([(x + half, base), (x + half + 14, base), (x + half, base - 40)], fill=shade)


def paint_pad(draw: ImageDraw.ImageDraw, picture: Picture, base: int) -> None:
    colour = blend(picture.ground, (90, 90, 90), 0.5)
    draw.rectangle([picture.x - 70, base, picture.x + 90, base + 14], fill=colour)


def smoke_layer(picture: Picture, rng: random.Random, base: int) -> Image.Image:
    layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    grey = blend(picture.sky_bottom, (235, 235, 235), 0.6)
    for _ in range(picture.smoke * 14):
        cx = picture.x + rng.randint(-160, 160)
        cy = base + rng.randint(-30, 10)
        radius = rng.randint(14, 46)
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=(*grey, rng.randint(60, 150)))
    return layer.filter(ImageFilter.GaussianBlur(8))


def paint_picture(picture: Picture) -> bytes:
    rng = random.Random(picture.seed)
    horizon = 330 + picture.seed % 3 * 10
    base = horizon + 30
    canvas = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(canvas)
    paint_sky(draw, picture, horizon)
    paint_stars(draw, picture, rng, horizon)
    paint_sun(draw, picture, horizon)
    paint_ground(draw, picture, horizon)
    paint_tower(draw, picture, base)
    paint_rocket(draw, picture, base)
    paint_pad(draw, picture, base)
    canvas = Image.alpha_composite(canvas.convert("RGBA"), smoke_layer(picture, rng, base)).convert("RGB")
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def paint_patch(art: PatchArt) -> bytes:
    """A round mission badge on a transparent background: ring, field, a star of `points` and a rocket."""
    import math

    size = 256
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse([4, 4, size - 5, size - 5], fill=(*art.ring, 255))
    draw.ellipse([24, 24, size - 25, size - 25], fill=(*art.field, 255))
    rng = random.Random(art.seed)
    for _ in range(18):
        x, y = rng.randrange(60, size - 60), rng.randrange(50, size - 110)
        draw.ellipse([x, y, x + 3, y + 3], fill=(*art.mark, 200))
    centre = size / 2
    star = []
    for corner in range(art.points * 2):
        radius = 58 if corner % 2 == 0 else 24
        angle = math.pi * corner / art.points - math.pi / 2
        star.append((centre + radius * math.cos(angle), centre - 20 + radius * math.sin(angle)))
    draw.polygon(star, fill=(*art.mark, 255))
    draw.rectangle([centre - 7, centre + 10, centre + 7, centre + 70], fill=(*art.mark, 255))
    draw.polygon(
        [(centre - 7, centre + 10), (centre + 7, centre + 10), (centre, centre - 8)], fill=(*art.mark, 255)
    )
    draw.arc([14, 14, size - 15, size - 15], 200, 340, fill=(*art.mark, 255), width=4)
    out = io.BytesIO()
    canvas.save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    for stale in [*IMAGES.glob("*.jpg"), *IMAGES.glob("*.png")]:
        if stale.name not in PICTURES and stale.name not in PATCHES:
            stale.unlink()
    for picture in PICTURES.values():
        (IMAGES / picture.file).write_bytes(paint_picture(picture))
    for art in PATCHES.values():
        (IMAGES / art.file).write_bytes(paint_patch(art))
    text = json.dumps(launches_document(), indent=2, ensure_ascii=False) + "\n"
    (HERE / "launches.json").write_text(text, encoding="utf-8")
    print(f"wrote {len(PLANS)} launches, {len(PICTURES)} pictures and {len(PATCHES)} patches to {HERE}")


if __name__ == "__main__":
    main()
