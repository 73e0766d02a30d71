"""The pictures step: download launch images concurrently, validate them and make thumbnails.

Pure Python (httpx + Pillow): no Qt and no database; the pipeline decides which URLs to fetch.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO
from urllib.parse import unquote, urlsplit

import httpx
from PIL import (
    GifImagePlugin,
    Image,
    ImageFile,
    ImageOps,
    JpegImagePlugin,
    PngImagePlugin,
    WebPImagePlugin,
)

import rocketwatch
from rocketwatch.addresses import is_private_host
from rocketwatch.fileio import is_disk_full

logger = logging.getLogger(__name__)

PART_PREFIX = ".part-"
MAX_URL_LENGTH = 2_000
MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 20_000_000
DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_THUMBNAIL_SIZE = 320
THUMBNAIL_QUALITY = 85
MIN_DOWNLOAD_DEADLINE = 60.0

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
ACCEPT = "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1"

ONLY_HTTP = "only http and https pictures are fetched"
NOT_A_PICTURE = "not a picture"
DAMAGED_PICTURE = "not a picture: the data is damaged or incomplete"
TIMED_OUT = "timed out"
CANCELLED = "cancelled"

_OPENERS: dict[str, Callable[[IO[bytes]], ImageFile.ImageFile]] = {
    "JPEG": JpegImagePlugin.JpegImageFile,
    "PNG": PngImagePlugin.PngImageFile,
    "GIF": GifImagePlugin.GifImageFile,
    "WEBP": WebPImagePlugin.WebPImageFile,
}


@dataclass(frozen=True, slots=True)
class ImageOutcome:
    """What happened to one picture URL: where it was saved, or in plain words why not."""

    url: str
    ok: bool
    file: Path | None = None
    thumbnail: Path | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = None
    reason: str | None = None
    unreachable: bool = False


class ImagesUnreachable(Exception):
    """Every picture that was tried failed because its host could not be reached at all."""

    def __init__(self, hosts: list[str], outcomes: list[ImageOutcome]) -> None:
        super().__init__(f"could not reach {', '.join(hosts)} to get the pictures")
        self.hosts = hosts
        self.outcomes = outcomes


class DiskFull(OSError):
    """A picture could not be written because the disk is full: the whole step stops, nothing is blamed
    on the pictures (they are asked for again once there is space). `saved`: the pictures kept before."""

    def __init__(self, saved: Iterable[ImageOutcome] = ()) -> None:
        super().__init__(errno.ENOSPC, "the disk is full")
        self.saved = list(saved)


class _Refused(Exception):
    """Internal: one picture is given up, with the reason shown to the user."""

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable


@dataclass(frozen=True, slots=True)
class _Picture:
    format: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class _Attempt:
    outcome: ImageOutcome
    reached_network: bool


# --- file names and URLs ------------------------------------------------------------------------


def image_name(url: str, ext: str) -> str:
    """A readable, safe file name for the picture at url: last path segment + short hash + ext."""
    if not re.fullmatch(r"[a-z0-9]{1,5}", ext):
        raise ValueError(f"not a picture file extension: {ext!r}")
    stem = _readable_stem(url)
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{stem}-{digest}.{ext}"


def _readable_stem(url: str) -> str:
    try:
        path = urlsplit(url).path
    except ValueError:
        path = ""
    segment = unquote(path.rsplit("/", 1)[-1])
    segment = re.split(r"[/\\]", segment)[-1]
    stem = segment.rsplit(".", 1)[0] if "." in segment else segment
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip("._-")
    return stem[:60].rstrip("._-") or "image"


def thumbnail_name(name: str) -> str:
    """The thumbnail's file name for an image file name: same stem, always .jpg."""
    return f"{Path(name).stem}.jpg"


def check_url(url: str, *, allow_private_hosts: bool) -> str | None:
    """The reason to refuse fetching url, in plain words, or None when it may be fetched."""
    if not isinstance(url, str) or not url:
        return "the picture has no address"
    if len(url) > MAX_URL_LENGTH:
        return f"the picture address is longer than {MAX_URL_LENGTH:,} characters"
    try:
        parsed = httpx.URL(url)
        port = parsed.port
    except (httpx.InvalidURL, ValueError, TypeError):
        return "the picture address is not a valid web address"
    if not parsed.scheme:
        return "the picture address is not a full web address"
    if parsed.scheme not in ("http", "https"):
        return ONLY_HTTP
    if not parsed.raw_host:
        return "the picture address has no host"
    if port is not None and not 0 < port < 65_536:
        return "the picture address is not a valid web address"
    if not allow_private_hosts and is_private_host(parsed.raw_host.decode("ascii"), port):
        return f"pictures on private or local network addresses ({parsed.host}) are not fetched"
    return None


def _host_label(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return url
    return f"{parsed.host}:{parsed.port}" if parsed.port else parsed.host


def _describe_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000:
        return f"{size / 1_000:g} kB"
    return f"{size} bytes"


# --- files --------------------------------------------------------------------------------------


def sweep_partials(*dirs: Path) -> int:
    """Delete temp files (".part-*") a crashed run left in dirs; returns how many were deleted."""
    deleted = 0
    for folder in dirs:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if not entry.name.startswith(PART_PREFIX) or entry.is_dir():
                continue
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                deleted += 1
    return deleted


class _PartFile:
    """A temp file in a folder that becomes a real file only through keep_as; else it is removed."""

    def __init__(self, folder: Path) -> None:
        descriptor, name = tempfile.mkstemp(prefix=PART_PREFIX, dir=folder)
        self.path = Path(name)
        try:
            self.stream: BinaryIO = os.fdopen(descriptor, "wb")
        except BaseException:
            os.close(descriptor)
            self.path.unlink(missing_ok=True)
            raise
        self._kept = False

    def keep_as(self, target: Path) -> None:
        if target.parent != self.path.parent:
            raise ValueError(f"{target} is not in {self.path.parent}")
        self.stream.close()
        os.replace(self.path, target)
        self._kept = True

    def __enter__(self) -> _PartFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stream.close()
        if not self._kept:
            self.path.unlink(missing_ok=True)


# --- pictures -----------------------------------------------------------------------------------


def _sniff_format(head: bytes) -> str | None:
    """The picture format the first bytes announce, among the four that are kept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


@contextlib.contextmanager
def _open_picture(stream: IO[bytes], max_pixels: int) -> Iterator[ImageFile.ImageFile]:
    """Open a picture lazily, refusing anything but JPEG/PNG/GIF/WEBP or over max_pixels.

    The format's own reader is used instead of Image.open so the pixel count is checked here
    before Pillow's decompression-bomb check could warn.
    """
    picture_format = _sniff_format(stream.read(16))
    stream.seek(0)
    if picture_format is None:
        raise _Refused(NOT_A_PICTURE)
    try:
        picture = _OPENERS[picture_format](stream)
    except Image.DecompressionBombError as error:
        raise _Refused("too many pixels to open safely") from error
    except Exception as error:
        raise _Refused(DAMAGED_PICTURE) from error
    with picture:
        width, height = picture.size
        if width <= 0 or height <= 0:
            raise _Refused(DAMAGED_PICTURE)
        if width * height > max_pixels:
            raise _Refused(f"too many pixels to open safely ({width}x{height})")
        yield picture


def _inspect_picture(path: Path, max_pixels: int) -> _Picture:
    """Decode the whole picture at path; its format and size, or _Refused."""
    with path.open("rb") as stream, _open_picture(stream, max_pixels) as picture:
        try:
            picture.load()
        except Exception as error:
            raise _Refused(DAMAGED_PICTURE) from error
        width, height = picture.size
        return _Picture(format=str(picture.format), width=width, height=height)


def make_thumbnail(
    src: Path,
    dst: Path,
    size: int = DEFAULT_THUMBNAIL_SIZE,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> bool:
    """Write an upright RGB JPEG of src fitting size x size to dst; False when it cannot be made."""
    try:
        with src.open("rb") as stream, _open_picture(stream, _safe_pixels(max_pixels)) as picture:
            small = _small_upright_rgb(picture, size)
        dst.parent.mkdir(parents=True, exist_ok=True)
        with _PartFile(dst.parent) as part:
            small.save(part.stream, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
            part.keep_as(dst)
    except Exception as error:
        logger.warning("could not make a thumbnail of %s: %s", src, error)
        return False
    return True


def _small_upright_rgb(picture: ImageFile.ImageFile, size: int) -> Image.Image:
    picture.draft("RGB", (size, size))  # JPEG decodes at a reduced scale; others ignore this
    try:
        upright = ImageOps.exif_transpose(picture)
    except Exception:
        logger.debug("ignoring unreadable EXIF orientation", exc_info=True)
        upright = picture
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    small = upright.convert("RGBA" if has_alpha else "RGB")
    small.thumbnail((size, size), Image.Resampling.LANCZOS)
    if small.mode == "RGB":
        return small
    flattened = Image.new("RGB", small.size, "white")
    flattened.paste(small, mask=small.getchannel("A"))
    return flattened


def _safe_pixels(max_pixels: int) -> int:
    """max_pixels, kept under Pillow's own limit so Pillow never warns about a picture we keep."""
    pillow_limit = Image.MAX_IMAGE_PIXELS
    return max_pixels if pillow_limit is None else min(max_pixels, pillow_limit)


# --- downloads ----------------------------------------------------------------------------------


class ImageFetcher:
    """Downloads pictures concurrently through one bounded httpx connection pool."""

    def __init__(
        self,
        images_dir: Path,
        thumbnails_dir: Path,
        *,
        concurrency: int = 8,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = 30.0,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        thumbnail_size: int = DEFAULT_THUMBNAIL_SIZE,
        allow_private_hosts: bool = False,
        user_agent: str = rocketwatch.USER_AGENT,
        cancel: threading.Event | None = None,
        deadline: float | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.images_dir = images_dir
        self.thumbnails_dir = thumbnails_dir
        self.concurrency = concurrency
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.deadline = max(timeout, MIN_DOWNLOAD_DEADLINE) if deadline is None else deadline
        self.max_pixels = _safe_pixels(max_pixels)
        self.thumbnail_size = thumbnail_size
        self.allow_private_hosts = allow_private_hosts
        self.cancel = cancel if cancel is not None else threading.Event()
        self._disk_full = threading.Event()
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": "identity"},
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            follow_redirects=False,
        )

    def __enter__(self) -> ImageFetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def fetch_all(
        self,
        urls: Iterable[str],
        on_result: Callable[[ImageOutcome], None] | None = None,
    ) -> list[ImageOutcome]:
        """Fetch each distinct URL once; outcomes in input order. Raises ImagesUnreachable, or DiskFull
        (holding the pictures saved before the disk filled up).

        An OSError is let through when the images folder itself cannot be created.
        """
        distinct = list(dict.fromkeys(urls))
        if not distinct:
            return []
        self.images_dir.mkdir(parents=True, exist_ok=True)
        workers = min(self.concurrency, len(distinct))
        with ThreadPoolExecutor(workers, thread_name_prefix="rocketwatch-picture") as pool:
            futures = [pool.submit(self._fetch_and_report, url, on_result) for url in distinct]
        attempts: list[_Attempt] = []
        full: DiskFull | None = None
        for future in futures:
            try:
                attempts.append(future.result())
            except DiskFull as error:
                full = full or error
        if full is not None:
            raise DiskFull(attempt.outcome for attempt in attempts if attempt.outcome.ok) from full
        outcomes = [attempt.outcome for attempt in attempts]
        tried = [attempt.outcome for attempt in attempts if attempt.reached_network]
        if tried and all(outcome.unreachable for outcome in tried):
            hosts = list(dict.fromkeys(_host_label(outcome.url) for outcome in tried))
            raise ImagesUnreachable(hosts, outcomes)
        return outcomes

    def _fetch_and_report(self, url: str, on_result: Callable[[ImageOutcome], None] | None) -> _Attempt:
        attempt = self._fetch_one(url)
        logger.debug("picture %s: %s", url, attempt.outcome.reason or "saved")
        if on_result is not None:
            try:
                on_result(attempt.outcome)
            except Exception:
                logger.exception("the picture result callback failed for %s", url)
        return attempt

    def _fetch_one(self, url: str) -> _Attempt:
        if self.cancel.is_set() or self._disk_full.is_set():
            return _Attempt(ImageOutcome(url=url, ok=False, reason=CANCELLED), reached_network=False)
        refusal = check_url(url, allow_private_hosts=self.allow_private_hosts)
        if refusal is not None:
            return _Attempt(ImageOutcome(url=url, ok=False, reason=refusal), reached_network=False)
        try:
            outcome = self._save_picture(url)
        except _Refused as refused:
            outcome = ImageOutcome(url=url, ok=False, reason=refused.reason, unreachable=refused.unreachable)
        except OSError as error:
            if is_disk_full(error):
                self._disk_full.set()  # the other downloads would fail the same way: stop them
                raise DiskFull() from error
            logger.exception("could not save the picture %s", url)
            reason = f"could not be saved ({error.strerror or error})"
            outcome = ImageOutcome(url=url, ok=False, reason=reason)
        except Exception as error:
            logger.exception("unexpected failure while getting the picture %s", url)
            outcome = ImageOutcome(url=url, ok=False, reason=f"could not be fetched ({error})")
        return _Attempt(outcome, reached_network=True)

    def _save_picture(self, url: str) -> ImageOutcome:
        with _PartFile(self.images_dir) as part:
            size_bytes = self._download(url, part)
            part.stream.close()
            picture = _inspect_picture(part.path, self.max_pixels)
            image_file = self.images_dir / image_name(url, EXTENSIONS[picture.format])
            part.keep_as(image_file)
        thumbnail = self.thumbnails_dir / thumbnail_name(image_file.name)
        made = make_thumbnail(image_file, thumbnail, self.thumbnail_size, max_pixels=self.max_pixels)
        return ImageOutcome(
            url=url,
            ok=True,
            file=image_file,
            thumbnail=thumbnail if made else None,
            format=picture.format,
            width=picture.width,
            height=picture.height,
            size_bytes=size_bytes,
        )

    def _download(self, url: str, part: _PartFile) -> int:
        """Stream url's body (after redirects) into part; the number of bytes written."""
        deadline_at = time.monotonic() + self.deadline
        visited = {url}
        current = url
        answered = False
        while True:
            if self.cancel.is_set():
                raise _Refused(CANCELLED)
            remaining = deadline_at - time.monotonic()
            if remaining <= 0:
                raise _Refused(TIMED_OUT)
            try:
                with self._client.stream(
                    "GET", current, timeout=httpx.Timeout(min(self.timeout, remaining))
                ) as response:
                    answered = True
                    if response.status_code in REDIRECT_CODES:
                        current = self._redirect_target(response, visited)
                        continue
                    self._check_response(response)
                    return self._stream_body(response, part, deadline_at)
            except httpx.ConnectTimeout as error:
                host = _host_label(current)
                raise _Refused(f"timed out connecting to {host}", unreachable=not answered) from error
            except httpx.ConnectError as error:
                host = _host_label(current)
                raise _Refused(f"could not reach {host}", unreachable=not answered) from error
            except httpx.TimeoutException as error:
                raise _Refused(TIMED_OUT) from error
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
                raise _Refused("the picture address is not a valid web address") from error
            except httpx.HTTPError as error:
                raise _Refused("the download broke off before the end") from error

    def _redirect_target(self, response: httpx.Response, visited: set[str]) -> str:
        location = response.headers.get("location")
        if not location:
            raise _Refused(f"the server answered {_status(response)} without a new address")
        try:
            target = str(response.url.join(location))
        except httpx.InvalidURL as error:
            raise _Refused("redirected to an address that is not valid") from error
        if target in visited:
            raise _Refused("redirected in a loop")
        if len(visited) > MAX_REDIRECTS:
            raise _Refused(f"redirected more than {MAX_REDIRECTS} times")
        refusal = check_url(target, allow_private_hosts=self.allow_private_hosts)
        if refusal is not None:
            raise _Refused(f"redirected to an address that is refused: {refusal}")
        visited.add(target)
        return target

    def _check_response(self, response: httpx.Response) -> None:
        if not response.is_success:
            raise _Refused(f"the server answered {_status(response)}")
        declared = response.headers.get("content-length")
        try:
            declared_size = int(declared) if declared is not None else None
        except ValueError:
            declared_size = None
        if declared_size is not None and declared_size > self.max_bytes:
            raise _Refused(f"larger than {_describe_size(self.max_bytes)}")

    def _stream_body(self, response: httpx.Response, part: _PartFile, deadline_at: float) -> int:
        written = 0
        for chunk in response.iter_raw():
            if self.cancel.is_set():
                raise _Refused(CANCELLED)
            written += len(chunk)
            if written > self.max_bytes:
                raise _Refused(f"larger than {_describe_size(self.max_bytes)}")
            part.stream.write(chunk)
            if time.monotonic() > deadline_at:
                raise _Refused(TIMED_OUT)
        return written


def _status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.reason_phrase}".strip()
