"""Tests for the pictures step (rocketwatch.images) against the LL2 stand-in on 127.0.0.1.

Pictures are made with Pillow here and served by the stand-in; hostile routes come built in.
"""

from __future__ import annotations

import io
import os
import re
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from rocketwatch.images import (
    ImageFetcher,
    ImageOutcome,
    ImagesUnreachable,
    check_url,
    image_name,
    make_thumbnail,
    sweep_partials,
)
from rocketwatch.standin import Fault, StandIn

WAIT_SECONDS = 10.0
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{10}\.(jpg|png|gif|webp)")


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every request on 127.0.0.1 even when the environment names a proxy."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


@pytest.fixture
def images_dir(tmp_path: Path) -> Path:
    return tmp_path / "gallery" / "images"


@pytest.fixture
def thumbnails_dir(tmp_path: Path) -> Path:
    return tmp_path / "gallery" / "thumbnails"


@pytest.fixture
def watchdog() -> Iterator[threading.Event]:
    """A cancel event that sets itself after WAIT_SECONDS, so a regression fails instead of hanging."""
    cancel = threading.Event()
    timer = threading.Timer(WAIT_SECONDS, cancel.set)
    timer.start()
    yield cancel
    timer.cancel()
    timer.join()


@pytest.fixture
def make_fetcher(
    images_dir: Path, thumbnails_dir: Path, watchdog: threading.Event
) -> Iterator[Callable[..., ImageFetcher]]:
    """Builds fetchers that may use the stand-in's loopback host; closes them all afterwards."""
    fetchers: list[ImageFetcher] = []

    def build(**options: object) -> ImageFetcher:
        options.setdefault("allow_private_hosts", True)
        options.setdefault("cancel", watchdog)
        fetcher = ImageFetcher(images_dir, thumbnails_dir, **options)  # type: ignore[arg-type]
        fetchers.append(fetcher)
        return fetcher

    yield build
    for fetcher in fetchers:
        fetcher.close()


def picture_bytes(
    picture_format: str,
    size: tuple[int, int] = (64, 48),
    mode: str = "RGB",
    color: object = (200, 80, 20),
    **save_options: object,
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, picture_format, **save_options)  # type: ignore[arg-type]
    return out.getvalue()


def opened_size_and_mode(path: Path) -> tuple[tuple[int, int], str, str | None]:
    with Image.open(path) as picture:
        picture.load()
        return picture.size, picture.mode, picture.format


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def part_files(*folders: Path) -> list[Path]:
    return [path for folder in folders if folder.exists() for path in folder.glob(".part-*")]


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        threading.Event().wait(0.01)


def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- saving pictures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("picture_format", "extension", "mode"),
    [("JPEG", ".jpg", "RGB"), ("PNG", ".png", "RGBA"), ("GIF", ".gif", "P"), ("WEBP", ".webp", "RGB")],
)
def test_each_kind_of_picture_is_kept_as_sent_with_a_small_thumbnail(
    standin: StandIn,
    make_fetcher: Callable[..., ImageFetcher],
    images_dir: Path,
    thumbnails_dir: Path,
    picture_format: str,
    extension: str,
    mode: str,
) -> None:
    body = picture_bytes(picture_format, size=(1200, 600), mode=mode, color=40)
    url = standin.add_image(f"/media/launch_images/falcon%209{extension}", body)

    [outcome] = make_fetcher().fetch_all([url])

    assert outcome.ok, outcome.reason
    assert outcome.file is not None and outcome.thumbnail is not None
    assert outcome.file.parent == images_dir
    assert outcome.file.suffix == extension
    assert outcome.file.name.startswith("falcon_9-")
    assert outcome.file.read_bytes() == body
    assert (outcome.format, outcome.width, outcome.height) == (picture_format, 1200, 600)
    assert outcome.size_bytes == len(body)
    assert outcome.thumbnail == thumbnails_dir / (outcome.file.stem + ".jpg")
    assert opened_size_and_mode(outcome.thumbnail) == ((320, 160), "RGB", "JPEG")


def test_a_png_served_as_jpg_is_saved_as_png(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher]
) -> None:
    url = standin.add_image("/media/rocket.jpg", picture_bytes("PNG"), content_type="image/jpeg")

    [outcome] = make_fetcher().fetch_all([url])

    assert outcome.ok, outcome.reason
    assert outcome.format == "PNG"
    assert outcome.file is not None and outcome.file.suffix == ".png"
    assert opened_size_and_mode(outcome.file)[2] == "PNG"


def test_thumbnail_of_a_sideways_photo_is_upright(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher]
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned; show rotated by 90 degrees
    url = standin.add_image("/media/sideways.jpg", picture_bytes("JPEG", size=(400, 200), exif=exif))

    [outcome] = make_fetcher().fetch_all([url])

    assert outcome.ok and outcome.thumbnail is not None
    assert opened_size_and_mode(outcome.thumbnail)[0] == (160, 320)


def test_thumbnail_of_a_transparent_picture_is_white_behind(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher]
) -> None:
    url = standin.add_image("/media/clear.png", picture_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0)))

    [outcome] = make_fetcher().fetch_all([url])

    assert outcome.ok and outcome.thumbnail is not None
    with Image.open(outcome.thumbnail) as thumbnail:
        red, green, blue = thumbnail.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
    assert min(red, green, blue) > 245


def test_a_thumbnail_failure_still_keeps_the_picture(
    standin: StandIn, images_dir: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the thumbnails folder should be")
    url = standin.add_image("/media/rocket.jpg", picture_bytes("JPEG"))

    with ImageFetcher(images_dir, blocked, allow_private_hosts=True) as fetcher:
        [outcome] = fetcher.fetch_all([url])

    assert outcome.ok
    assert outcome.thumbnail is None
    assert outcome.file is not None and outcome.file.is_file()


def test_make_thumbnail_rebuilds_a_missing_thumbnail(tmp_path: Path) -> None:
    source = tmp_path / "rocket.png"
    source.write_bytes(picture_bytes("PNG", size=(1000, 2000)))
    target = tmp_path / "thumbs" / "rocket.jpg"

    assert make_thumbnail(source, target)
    assert opened_size_and_mode(target) == ((160, 320), "RGB", "JPEG")
    assert make_thumbnail(source, tmp_path / "thumbs" / "small.jpg", size=64)
    assert opened_size_and_mode(tmp_path / "thumbs" / "small.jpg")[0] == (32, 64)


def test_make_thumbnail_of_something_that_is_not_a_picture_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "page.jpg"
    source.write_bytes(b"<html><body>not a picture</body></html>")
    thumbs = tmp_path / "thumbs"

    assert not make_thumbnail(source, thumbs / "page.jpg")
    assert files_under(tmp_path) == {source}


# --- refusing bad pictures ------------------------------------------------------------------------


def test_every_hostile_picture_is_refused_and_leaves_nothing_behind(
    standin: StandIn,
    make_fetcher: Callable[..., ImageFetcher],
    images_dir: Path,
    thumbnails_dir: Path,
    tmp_path: Path,
) -> None:
    expected_reasons = {
        "/hostile/bomb.png": "too many pixels",
        "/hostile/huge.jpg": "larger than 20 MB",
        "/hostile/notimage.jpg": "not a picture",
        "/hostile/hang.jpg": "timed out",
        "/hostile/trickle.jpg": "timed out",
        "/hostile/missing.jpg": "the server answered 404 Not Found",
        "/hostile/loop.jpg": "redirected more than 5 times",
        "/hostile/to-file.jpg": "only http and https pictures are fetched",
        "/hostile/to-ftp.jpg": "only http and https pictures are fetched",
    }
    escape_url = standin.url("/hostile/..%2F..%2Fescape.jpg")
    urls = [standin.url(path) for path in expected_reasons] + [escape_url]
    # Four at a time: the stand-in's listen backlog is small, and a dropped SYN waits 1 s to retry.
    fetcher = make_fetcher(timeout=1.0, deadline=1.5, concurrency=4)

    outcomes = {outcome.url: outcome for outcome in fetcher.fetch_all(urls)}

    for path, reason in expected_reasons.items():
        outcome = outcomes[standin.url(path)]
        assert not outcome.ok, path
        assert outcome.reason is not None and reason in outcome.reason, (path, outcome.reason)
        assert not outcome.unreachable, path
        assert outcome.file is None and outcome.thumbnail is None
    escaped = outcomes[escape_url]
    assert escaped.ok, escaped.reason
    assert escaped.file is not None and escaped.file.parent == images_dir
    assert SAFE_NAME.fullmatch(escaped.file.name) and escaped.file.name.startswith("escape-")
    assert standin.count("/hostile/loop.jpg") == 6  # the first request and five redirects
    assert files_under(tmp_path) == {escaped.file, escaped.thumbnail}
    for path in files_under(tmp_path):
        opened_size_and_mode(path)


def test_a_declared_length_over_the_cap_is_refused_without_reading_the_body(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher], images_dir: Path
) -> None:
    [outcome] = make_fetcher().fetch_all([standin.url("/hostile/huge.jpg")])

    assert outcome.reason == "larger than 20 MB"
    wait_for(lambda: standin.in_flight == 0, "the stand-in to stop sending")
    assert standin.bytes_sent("/hostile/huge.jpg") < 20_000_000
    assert part_files(images_dir) == []


def test_a_body_without_a_length_is_cut_off_at_the_cap(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher], images_dir: Path
) -> None:
    standin.push_api_fault(Fault("never_ending"))

    [outcome] = make_fetcher(max_bytes=1_000_000).fetch_all([standin.url(standin.upcoming_path)])

    assert outcome.reason == "larger than 1 MB"
    wait_for(lambda: standin.in_flight == 0, "the stand-in to stop sending")
    assert standin.bytes_sent(standin.upcoming_path) < 20_000_000
    assert part_files(images_dir) == []


def test_a_big_picture_is_streamed_to_disk_not_held_in_memory(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher]
) -> None:
    noise = Image.frombytes("RGB", (1600, 1600), os.urandom(1600 * 1600 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    body = out.getvalue()
    url = standin.add_image("/media/noise.png", body)
    fetcher = make_fetcher()

    tracemalloc.start()
    try:
        [outcome] = fetcher.fetch_all([url])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert outcome.ok and outcome.file is not None
    assert outcome.file.read_bytes() == body
    assert peak < len(body) / 4


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (picture_bytes("JPEG", size=(300, 300))[:-400], "damaged or incomplete"),
        # decoded at a reduced scale for its thumbnail: the whole file is still read and checked
        (picture_bytes("JPEG", size=(1920, 1080))[:-400], "damaged or incomplete"),
        (picture_bytes("BMP"), "not a picture"),
        (picture_bytes("TIFF"), "not a picture"),
        (b"", "not a picture"),
    ],
    ids=["truncated-jpeg", "truncated-big-jpeg", "bmp", "tiff", "empty"],
)
def test_damaged_or_unsupported_pictures_are_refused(
    standin: StandIn,
    make_fetcher: Callable[..., ImageFetcher],
    images_dir: Path,
    body: bytes,
    reason: str,
) -> None:
    url = standin.add_image("/media/odd.jpg", body)

    [outcome] = make_fetcher().fetch_all([url])

    assert not outcome.ok
    assert outcome.reason is not None and reason in outcome.reason
    assert list(images_dir.iterdir()) == []


def test_pictures_with_more_pixels_than_allowed_are_refused(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher], images_dir: Path
) -> None:
    url = standin.add_image("/media/wide.png", picture_bytes("PNG", size=(100, 100)))

    [outcome] = make_fetcher(max_pixels=5_000).fetch_all([url])

    assert not outcome.ok
    assert outcome.reason is not None and "too many pixels" in outcome.reason
    assert list(images_dir.iterdir()) == []


def test_a_download_is_written_to_a_part_file_that_cancel_removes(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher], images_dir: Path
) -> None:
    cancel = threading.Event()
    fetcher = make_fetcher(cancel=cancel)
    outcomes: list[ImageOutcome] = []
    worker = threading.Thread(
        target=lambda: outcomes.extend(fetcher.fetch_all([standin.url("/hostile/trickle.jpg")]))
    )
    worker.start()
    try:
        wait_for(lambda: bool(part_files(images_dir)), "a .part- file in the images folder")
    finally:
        cancel.set()
        worker.join(WAIT_SECONDS)

    assert [outcome.reason for outcome in outcomes] == ["cancelled"]
    assert list(images_dir.iterdir()) == []


# --- addresses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "",
        "/relative.jpg",
        "file:///etc/passwd",
        "ftp://x/y.jpg",
        "data:image/png;base64,iVBOR",
        "javascript:alert(1)",
        "ftp://127.0.0.1:{port}/y.jpg",
        "//127.0.0.1:{port}/media/rocket.jpg",
        "http:/127.0.0.1:{port}/media/rocket.jpg",
        "http://127.0.0.1:{port}/media/" + "a" * 2_000 + ".jpg",
    ],
)
def test_addresses_that_are_not_web_pictures_are_refused_without_a_request(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher], tmp_path: Path, url: str
) -> None:
    standin.add_image("/media/rocket.jpg", picture_bytes("JPEG"))
    url = url.replace("{port}", str(standin.port))

    [outcome] = make_fetcher().fetch_all([url])

    assert not outcome.ok and not outcome.unreachable
    assert outcome.reason
    assert check_url(url, allow_private_hosts=True) == outcome.reason
    assert standin.count() == 0
    assert files_under(tmp_path) == set()


def test_non_http_schemes_get_a_plain_reason() -> None:
    for url in ("file:///etc/passwd", "ftp://x/y.jpg", "data:image/png;base64,iVBOR"):
        assert check_url(url, allow_private_hosts=True) == "only http and https pictures are fetched"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x.jpg",
        "http://10.0.0.1/x.jpg",
        "http://[::1]/x.jpg",
        "http://localhost/x.jpg",
        "http://127.1/x.jpg",
        "http://2130706433/x.jpg",
        "http://[::ffff:192.168.1.1]/x.jpg",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/x.jpg",
    ],
)
def test_private_hosts_are_refused_unless_allowed(url: str) -> None:
    reason = check_url(url, allow_private_hosts=False)

    assert reason is not None and "private or local" in reason
    assert check_url(url, allow_private_hosts=True) is None


def test_public_addresses_are_allowed() -> None:
    assert check_url("https://93.184.216.34/images/rocket.jpg", allow_private_hosts=False) is None
    cdn_url = "https://thespacedevs-prod.nyc3.digitaloceanspaces.com/media/a.jpg"
    assert check_url(cdn_url, allow_private_hosts=True) is None


def test_the_stand_in_is_not_contacted_when_private_hosts_are_refused(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher]
) -> None:
    url = standin.add_image("/media/rocket.jpg", picture_bytes("JPEG"))

    [outcome] = make_fetcher(allow_private_hosts=False).fetch_all([url])

    assert not outcome.ok and outcome.reason is not None and "private or local" in outcome.reason
    assert standin.count() == 0


def test_image_names_for_real_urls_are_readable() -> None:
    url = "https://cdn.example/media/launch_images/Falcon%209%20Block%205_image_20230101.jpeg"

    name = image_name(url, "jpg")

    assert name.startswith("Falcon_9_Block_5_image_20230101-") and name.endswith(".jpg")
    assert image_name(url, "jpg") == name
    assert image_name(url + "?v=2", "jpg") != name
    assert image_name("https://cdn.example/", "png").startswith("image-")
    assert image_name("https://cdn.example/..%2F..%2Fetc%2Fpasswd", "gif").startswith("passwd-")
    assert len(image_name("https://cdn.example/" + "x" * 500 + ".png", "png")) < 80


@settings(deadline=None)
@given(url=st.text(max_size=300), ext=st.sampled_from(["jpg", "png", "gif", "webp"]))
def test_image_names_are_always_safe_file_names(url: str, ext: str) -> None:
    name = image_name(url, ext)

    assert SAFE_NAME.fullmatch(name), name
    assert name.endswith("." + ext)
    assert ".." not in name
    assert image_name(url, ext) == name


# --- many pictures --------------------------------------------------------------------------------


def test_downloads_run_concurrently_within_the_bound(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher], images_dir: Path
) -> None:
    urls = [
        standin.add_image(f"/media/rocket-{index}.png", picture_bytes("PNG", color=index))
        for index in range(20)
    ]
    standin.latency = 0.05

    outcomes = make_fetcher(concurrency=4).fetch_all(urls)

    assert all(outcome.ok for outcome in outcomes)
    assert 2 <= standin.peak_in_flight <= 4
    assert len(list(images_dir.iterdir())) == 20


def test_duplicates_are_fetched_once_and_outcomes_keep_input_order(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher]
) -> None:
    first = standin.add_image("/media/first.jpg", picture_bytes("JPEG"))
    second = standin.add_image("/media/second.gif", picture_bytes("GIF"))
    reported: list[str] = []
    lock = threading.Lock()

    def remember(outcome: ImageOutcome) -> None:
        with lock:
            reported.append(outcome.url)

    outcomes = make_fetcher().fetch_all([second, first, second, second, first], on_result=remember)

    assert [outcome.url for outcome in outcomes] == [second, first]
    assert sorted(reported) == sorted([first, second])
    assert standin.count("/media/first.jpg") == 1
    assert standin.count("/media/second.gif") == 1


def test_cancel_stops_new_downloads(standin: StandIn, make_fetcher: Callable[..., ImageFetcher]) -> None:
    urls = [standin.add_image(f"/media/r{index}.jpg", picture_bytes("JPEG")) for index in range(5)]
    cancel = threading.Event()
    fetcher = make_fetcher(concurrency=1, cancel=cancel)
    outcomes: list[ImageOutcome] = []
    standin.latency = WAIT_SECONDS  # the first picture is still on its way when the user cancels
    worker = threading.Thread(target=lambda: outcomes.extend(fetcher.fetch_all(urls)))
    worker.start()
    try:
        wait_for(lambda: standin.count("/media/") == 1, "the first picture asked for")
        cancel.set()
    finally:
        standin.latency = 0.0
        worker.join(WAIT_SECONDS)

    assert [outcome.reason for outcome in outcomes] == ["cancelled"] * 5
    assert standin.count("/media/") == 1


def test_unreachable_when_the_only_host_is_a_closed_port(
    make_fetcher: Callable[..., ImageFetcher],
) -> None:
    host = f"127.0.0.1:{closed_port()}"
    urls = [f"http://{host}/a.jpg", f"http://{host}/b.jpg", "ftp://elsewhere/c.jpg"]

    with pytest.raises(ImagesUnreachable, match=re.escape(host)) as raised:
        make_fetcher().fetch_all(urls)

    assert [outcome.unreachable for outcome in raised.value.outcomes] == [True, True, False]


def test_one_reachable_host_means_not_unreachable(
    standin: StandIn, make_fetcher: Callable[..., ImageFetcher]
) -> None:
    good = standin.add_image("/media/rocket.jpg", picture_bytes("JPEG"))
    dead = f"http://127.0.0.1:{closed_port()}/a.jpg"

    good_outcome, dead_outcome = make_fetcher().fetch_all([good, dead])

    assert good_outcome.ok
    assert dead_outcome.unreachable and not dead_outcome.ok


def test_nothing_tried_is_not_unreachable(make_fetcher: Callable[..., ImageFetcher]) -> None:
    outcomes = make_fetcher().fetch_all(["", "file:///etc/passwd"])

    assert [outcome.ok for outcome in outcomes] == [False, False]
    assert make_fetcher().fetch_all([]) == []


# --- leftovers ------------------------------------------------------------------------------------


def test_sweep_partials_removes_only_part_files(tmp_path: Path) -> None:
    images = tmp_path / "images"
    thumbnails = tmp_path / "thumbnails"
    images.mkdir()
    thumbnails.mkdir()
    (images / ".part-abc123").write_bytes(b"half a picture")
    (thumbnails / ".part-xyz").write_bytes(b"")
    kept = {
        images / "rocket-0123456789.jpg",
        images / "part-1.jpg",
        images / ".hidden",
        thumbnails / "rocket-0123456789.jpg",
    }
    for path in kept:
        path.write_bytes(b"keep me")
    (images / ".part-folder").mkdir()

    assert sweep_partials(images, thumbnails, tmp_path / "missing") == 2
    assert files_under(tmp_path) == kept
    assert sweep_partials(images, thumbnails) == 0
