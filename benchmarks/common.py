"""What the scenarios share: result rows, repetition counts, fresh homes, made-up launches and pictures.

Nothing here imports Qt; the pictures are noisy JPEGs made with Pillow, the launches follow LL2 2.3.0.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PICTURE_PREFIX = "/bench/pictures/"
PICTURE_SIZE = (1024, 576)  # a common LL2 picture shape; about 200 KB as a noisy JPEG
PICTURE_QUALITY = 83
LAUNCH_COUNT = 100
LATENCY_S = 0.1


@dataclass
class Row:
    """One line of the results table: a measure's median, its baseline, their ratio and the goal."""

    scenario: str
    measure: str
    value: float | None
    unit: str = ""
    baseline: float | None = None
    baseline_label: str = ""
    goal: str = ""
    met: bool | None = None  # None: no goal (information only) or not measured
    ratio: float | None = None
    reps: str = ""
    note: str = ""
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.ratio is None and self.value is not None and self.baseline:
            self.ratio = self.value / self.baseline


@dataclass
class Skipped:
    """A scenario that could not run here, with the reason printed instead of its rows."""

    scenario: str
    reason: str


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


class Context:
    """State shared by the scenarios of one benchmark run: options, a scratch folder, cached inputs."""

    def __init__(self, *, quick: bool, scratch: Path) -> None:
        self.quick = quick
        self.scratch = scratch
        self.cache: dict[str, Any] = {}
        self.cleanups: list[Callable[[], None]] = []
        self._desktop: Any = None
        self._homes = 0
        self._use_bytecode_cache()

    def _use_bytecode_cache(self) -> None:
        """Let the child processes (the app, the tray) keep compiled bytecode, as an installed app has.

        With PYTHONDONTWRITEBYTECODE set and no .pyc files, every start compiles about 150 modules from
        source (130 ms measured); the cache goes to the scratch folder, never into the repository."""
        previous = {name: os.environ.get(name) for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(self.scratch / "pycache")

        def restore() -> None:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

        self.cleanups.append(restore)

    def reps(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def new_home(self, label: str) -> Path:
        """A fresh, empty home folder (config, data, cache and logs all under it)."""
        self._homes += 1
        home = self.scratch / f"{self._homes:03d}-{label}"
        home.mkdir(parents=True)
        return home

    def pictures(self) -> dict[str, bytes]:
        """The scenario pictures by stand-in path: LAUNCH_COUNT distinct noisy JPEGs of about 200 KB."""
        if "pictures" not in self.cache:
            self.cache["pictures"] = make_pictures(LAUNCH_COUNT)
        return self.cache["pictures"]

    def desktop(self) -> Any:
        """The shared desktop (Xvfb, D-Bus, dunst, trayer), started on first use; None without the tools."""
        if self._desktop is None:
            from benchmarks.desktop import Desktop, missing_tools

            missing = missing_tools()
            if missing:
                self._desktop = False
                self.cache["desktop_missing"] = missing
            else:
                self._desktop = Desktop.start(self.scratch / "desktop")
        return self._desktop or None

    def picture_standin(self) -> Any:
        """The stand-in of scenarios 1, 2, 4, 5 (own process): 100 launches and pictures, 100 ms a request."""
        if "standin" not in self.cache:
            from benchmarks.standin_process import StandInProcess

            pictures = self.pictures()
            records = make_records(LAUNCH_COUNT, list(pictures))
            standin = StandInProcess(self.scratch / "standin-pictures", records, pictures, latency=LATENCY_S)
            self.cleanups.append(standin.stop)
            self.cache["standin"] = standin
        return self.cache["standin"]

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            cleanup()
        self.cleanups.clear()
        if self._desktop:
            self._desktop.stop()


# --- pictures -------------------------------------------------------------------------------------


def make_pictures(
    count: int, size: tuple[int, int] = PICTURE_SIZE, quality: int = PICTURE_QUALITY
) -> dict[str, bytes]:
    """`count` distinct noisy JPEGs (windows of one big noise field), keyed by their stand-in path."""
    from PIL import Image

    width, height = size
    big = (width + 512, height + 288)
    gradient = Image.linear_gradient("L").resize(big)
    planes = [
        Image.blend(gradient.rotate(180) if channel == 1 else gradient, Image.effect_noise(big, 40), 0.5)
        for channel in range(3)
    ]
    noise_field = Image.merge("RGB", planes)
    pictures: dict[str, bytes] = {}
    for number in range(count):
        left, top = (number * 37) % 512, (number * 23) % 288
        buffer = io.BytesIO()
        noise_field.crop((left, top, left + width, top + height)).save(buffer, "JPEG", quality=quality)
        pictures[f"{PICTURE_PREFIX}launch-{number:03d}.jpg"] = buffer.getvalue()
    if len({hashlib.sha256(body).digest() for body in pictures.values()}) != count:
        raise RuntimeError("the generated pictures are not all distinct")
    return pictures


def small_jpeg(seed: str, size: tuple[int, int] = (320, 180), quality: int = 85) -> bytes:
    """A small noisy JPEG, different per seed (thumbnails, sample pictures)."""
    from PIL import Image

    digest = hashlib.sha256(seed.encode()).digest()
    base = Image.new("RGB", size, tuple(digest[:3]))
    noise = Image.effect_noise(size, 30).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(base, noise, 0.35).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


# --- launches -------------------------------------------------------------------------------------


def make_records(
    count: int, picture_paths: list[str] | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """`count` LL2 2.3.0 launch records (from the demo launches' shapes), NETs an hour apart from now.

    The picture of launch i is "{server}" + picture_paths[i % len(picture_paths)] (none when not given).
    """
    from rocketwatch.standin import demo_records

    now = (now or datetime.now(UTC)).replace(microsecond=0)
    templates = demo_records(now)
    records = []
    for number in range(count):
        record = copy.deepcopy(templates[number % len(templates)])
        record.pop("mission_patches", None)  # the demo's patches are not served by the benchmark stand-in
        launch_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"rocketwatch-bench-{number}"))
        net = now + timedelta(hours=number + 1)
        stamp = net.strftime("%Y-%m-%dT%H:%M:%SZ")
        rocket = str(record.get("name", "Rocket")).split("|")[0].strip() or "Rocket"
        record.update(
            id=launch_id,
            url=f"{{server}}/2.3.0/launches/{launch_id}/",
            name=f"{rocket} | Bench Mission {number}",
            slug=f"bench-mission-{number}",
            net=stamp,
            window_start=stamp,
            window_end=stamp,
            last_updated=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            status={"id": 1, "name": "Go for Launch", "abbrev": "Go", "description": "Go"},
        )
        if picture_paths:
            url = "{server}" + picture_paths[number % len(picture_paths)]
            image = dict(record.get("image") or {})
            image.update(id=100_000 + number, image_url=url, thumbnail_url=url)
            record["image"] = image
        else:
            record["image"] = None
        records.append(record)
    return records


# --- homes and runs --------------------------------------------------------------------------------


def write_config(home: Path, api_url: str, **pipeline: Any) -> Path:
    """home/config.toml pointing at api_url with 100 launches per request; other keys at their defaults."""
    import tomlkit

    document: dict[str, Any] = {"source": {"api_url": api_url, "limit": LAUNCH_COUNT}}
    if pipeline:
        document["pipeline"] = pipeline
    path = home / "config.toml"
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return path


def log_notifier() -> Any:
    """The notifier the headless runs use: the log only (no desktop pop-ups during a benchmark)."""
    from rocketwatch.notify import ChainNotifier, LogNotifier

    return ChainNotifier([LogNotifier()])


@dataclass
class RunOutcome:
    seconds: float
    state: str
    images: dict[str, int | None]
    api_requests: int


def timed_run(home: Path) -> RunOutcome:
    """Open the store of `home` and time one full Runner.run() (the store's opening is not timed)."""
    from rocketwatch.config import load_config
    from rocketwatch.paths import paths_for
    from rocketwatch.pipeline import Runner
    from rocketwatch.store import Store

    paths = paths_for(home)
    config = load_config(paths.config_file)
    store = Store.open(paths)
    try:
        runner = Runner(paths, config, store, log_notifier())
        started = time.perf_counter()
        record = runner.run("manual")
        seconds = time.perf_counter() - started
        return RunOutcome(seconds, record.state, dict(record.images), record.api_requests)
    finally:
        store.close()


@contextmanager
def scratch_folder(keep: bool = False) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="rocketwatch-bench-"))
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def python_command(*args: str) -> list[str]:
    """The interpreter running the benchmarks (the project's virtual environment), with args."""
    return [sys.executable, *args]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.update(extra or {})
    return env


def wait_until(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.02) -> Any:
    """Poll `condition` until it is truthy (returned), or raise TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)  # polling another process or a file, with a deadline


def to_json(rows: list[Row | Skipped]) -> list[dict[str, Any]]:
    return [asdict(row) | {"skipped": isinstance(row, Skipped)} for row in rows]


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, default=str)
