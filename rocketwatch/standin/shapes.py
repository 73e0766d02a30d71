"""The shapes LL2 gives a launch per mode and version: what normal mode leaves out, and the 2.2.0
names of the detailed parts (``vidURLs``, ``infoURLs``, no ``live``) versus 2.3.0's (``vid_urls``).

Also the demo's "before" versions: a record may carry ``x_demo_before``, the fields as the first page
of a stand-in shows them (a NET that slips afterwards, a landing whose outcome arrives later).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rocketwatch.standin.protocol import version_tuple

DEMO_BEFORE = "x_demo_before"
# Parts only the detailed mode sends (top level, rocket, mission).
DETAILED_ONLY = (
    "vid_urls",
    "vidURLs",
    "info_urls",
    "infoURLs",
    "updates",
    "timeline",
    "mission_patches",
    "flightclub_url",
    "pad_turnaround",
)
DETAILED_ONLY_ROCKET = ("launcher_stage", "spacecraft_stage")
DETAILED_ONLY_MISSION = ("vid_urls", "info_urls")
RENAMED_BEFORE_2_3 = (("vid_urls", "vidURLs"), ("info_urls", "infoURLs"))


def served_record(record: Any, version: str, *, detailed: bool, first: bool) -> Any:
    """The record as this stand-in's version sends it in this mode (a new dict; the stored one is kept).
    A record that is not an object (hostile tests serve those too) goes out as it is."""
    if not isinstance(record, Mapping):
        return record
    served = dict(record)
    before = served.pop(DEMO_BEFORE, None)
    if first and isinstance(before, Mapping):
        served.update(before)
    if not detailed:
        for key in DETAILED_ONLY:
            served.pop(key, None)
        for holder, keys in (("rocket", DETAILED_ONLY_ROCKET), ("mission", DETAILED_ONLY_MISSION)):
            if isinstance(served.get(holder), Mapping):
                served[holder] = {k: v for k, v in served[holder].items() if k not in keys}
        return served
    if version_tuple(version) < (2, 3, 0):
        for new, old in RENAMED_BEFORE_2_3:
            if new in served:
                served[old] = served.pop(new)
        if isinstance(served.get("vidURLs"), list):
            served["vidURLs"] = [_without_live(link) for link in served["vidURLs"]]
    else:
        for new, old in RENAMED_BEFORE_2_3:
            if old in served:
                served[new] = served.pop(old)
    return served


def _without_live(link: Any) -> Any:
    """A 2.2.0 video link: no ``live`` flag."""
    if isinstance(link, Mapping):
        return {key: value for key, value in link.items() if key != "live"}
    return link
