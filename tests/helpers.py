"""Helpers shared by the tests: config files, pictures made for a test, real samples served locally.

Imported as `helpers` (the tests folder is on sys.path through its conftest).
"""

from __future__ import annotations

from pathlib import Path

from rocketwatch.notify import Notification
from rocketwatch.standin import StandIn


class RecordingNotifier:
    """A notifier backend that keeps what it was asked to show."""

    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)


SAMPLES = {
    "2.0.0": "ll2_v2.0.0_launch-upcoming_default-mode_limit10_2023-06.json",
    "2.2.0": "ll2_v2.2.0_launch-upcoming_normal_limit5_2025-11.json",
    "2.2.0-detailed": "ll2_v2.2.0_launch-upcoming_detailed_100results_wrapped_2026-08.json",
    "2.3.0": "ll2_v2.3.0_launches-upcoming_normal_results-array-only_10items_2024-09.json",
}


def write_config(home: Path, **sections: dict) -> Path:
    """Write `home/config.toml` from {section: {key: value}} (fast retries by default in tests)."""
    import tomlkit

    sections.setdefault("pipeline", {})
    sections["pipeline"] = {
        "retry_delay": 0.01,
        "max_retry_delay": 0.05,
        "timeout": 5,
        **sections["pipeline"],
    }
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(tomlkit.dumps(sections), encoding="utf-8")
    return path


def picture_bytes(seed: str, size: tuple[int, int] = (64, 36)) -> bytes:
    """A small JPEG made for a test, different per seed."""
    import hashlib
    import io

    from PIL import Image

    digest = hashlib.sha256(seed.encode()).digest()
    buffer = io.BytesIO()
    Image.new("RGB", size, tuple(digest[:3])).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def localize_pictures(records: list[dict], server: StandIn) -> list[str]:
    """Point every launch picture and mission patch URL of real samples at the stand-in (never the
    internet).

    Returns the distinct launch image and patch paths registered on the stand-in."""
    import re

    pattern = re.compile(r"^https?://[^/]+(/.*)$")
    registered: dict[str, None] = {}

    def rewrite(url: object) -> object:
        if not isinstance(url, str) or not (match := pattern.match(url)):
            return url
        path = "/samples" + match.group(1)
        if path not in registered:
            registered[path] = None
            server.add_image(path, picture_bytes(path))
        return "{server}" + path

    launch_paths: dict[str, None] = {}
    for record in records:
        image = record.get("image")
        if isinstance(image, dict):
            image["image_url"] = rewrite(image.get("image_url"))
            image["thumbnail_url"] = rewrite(image.get("thumbnail_url"))
            url = image["image_url"]
        else:
            record["image"] = url = rewrite(image)
        if isinstance(url, str):
            launch_paths[url.removeprefix("{server}")] = None
        for patch in record.get("mission_patches") or []:
            if isinstance(patch, dict):
                patch["image_url"] = url = rewrite(patch.get("image_url"))
                if isinstance(url, str) and url.startswith("{server}"):
                    launch_paths[url.removeprefix("{server}")] = None
    return list(launch_paths)
