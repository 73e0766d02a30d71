"""Fetching pictures: which addresses may be fetched, and a concurrent, bounded, cancellable download.

Each download is streamed into a temp file by one of `concurrency` connection threads, then handed to a
small pool of decode threads (Pillow decodes without the GIL) that validates it, names it and makes its
thumbnail, so a connection takes the next address instead of waiting for the CPU.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import rocketwatch
from rocketwatch.addresses import is_private_host
from rocketwatch.fileio import is_disk_full
from rocketwatch.http import httpx
from rocketwatch.i18n import N_, _, ngettext
from rocketwatch.images.files import _PartFile
from rocketwatch.images.names import image_name, thumbnail_name
from rocketwatch.images.thumbnails import DEFAULT_THUMBNAIL_SIZE, decode_with_thumbnail, save_thumbnail
from rocketwatch.images.validate import DEFAULT_MAX_PIXELS, EXTENSIONS, _Refused, _safe_pixels
from rocketwatch.tls import verified_context

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

MAX_URL_LENGTH = 2_000
MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 20_000_000
MIN_DOWNLOAD_DEADLINE = 60.0
MAX_DECODERS = 4  # decode threads: about the cores a desktop gives a background task
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
ACCEPT = "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1"

# Why a picture was not kept, in words (marked only: given with _() where the picture fails).
ONLY_HTTP = N_("only http and https pictures are fetched")
TIMED_OUT = N_("timed out")
CANCELLED = N_("cancelled")


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
        super().__init__(_("could not reach {hosts} to get the pictures").format(hosts=", ".join(hosts)))
        self.hosts = hosts
        self.outcomes = outcomes


class DiskFull(OSError):
    """A picture could not be written because the disk is full: the whole step stops, nothing is blamed
    on the pictures (they are asked for again once there is space). `saved`: the pictures kept before."""

    def __init__(self, saved: Iterable[ImageOutcome] = ()) -> None:
        super().__init__(errno.ENOSPC, _("the disk is full"))
        self.saved = list(saved)


@dataclass(frozen=True, slots=True)
class _Attempt:
    outcome: ImageOutcome
    reached_network: bool


@dataclass(frozen=True, slots=True)
class _Downloaded:
    """A whole body in a closed temp file, on its way from a connection thread to a decode thread."""

    part: _PartFile
    size_bytes: int

    def discard(self) -> None:
        with self.part:
            pass


# --- addresses ----------------------------------------------------------------------------------


def check_url(url: str, *, allow_private_hosts: bool) -> str | None:
    """The reason to refuse fetching url, in plain words, or None when it may be fetched."""
    if not isinstance(url, str) or not url:
        return _("the picture has no address")
    if len(url) > MAX_URL_LENGTH:
        return _("the picture address is longer than {count} characters").format(count=f"{MAX_URL_LENGTH:,}")
    try:
        parsed = httpx.URL(url)
        port = parsed.port
    except (httpx.InvalidURL, ValueError, TypeError):
        return _("the picture address is not a valid web address")
    if not parsed.scheme:
        return _("the picture address is not a full web address")
    if parsed.scheme not in ("http", "https"):
        return _(ONLY_HTTP)
    if not parsed.raw_host:
        return _("the picture address has no host")
    if port is not None and not 0 < port < 65_536:
        return _("the picture address is not a valid web address")
    if not allow_private_hosts and is_private_host(parsed.raw_host.decode("ascii"), port):
        return _("pictures on private or local network addresses ({host}) are not fetched").format(
            host=parsed.host
        )
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
    return ngettext("{count} byte", "{count} bytes", size).format(count=size)


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
            verify=verified_context(),
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
        decoders = max(1, min(workers, MAX_DECODERS, os.cpu_count() or 1))
        # The connection pool is left first, so every download has handed its file on before the decode
        # pool is shut down (which waits for the decodes).
        with (
            ThreadPoolExecutor(decoders, thread_name_prefix="rocketwatch-picture-decode") as decode_pool,
            ThreadPoolExecutor(workers, thread_name_prefix="rocketwatch-picture") as pool,
        ):
            futures = [pool.submit(self._fetch_and_hand_on, url, on_result, decode_pool) for url in distinct]
        attempts: list[_Attempt] = []
        full: DiskFull | None = None
        for future in futures:
            try:
                handed_on = future.result()
                attempts.append(handed_on if isinstance(handed_on, _Attempt) else handed_on.result())
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

    def _fetch_and_hand_on(
        self,
        url: str,
        on_result: Callable[[ImageOutcome], None] | None,
        decode_pool: ThreadPoolExecutor,
    ) -> _Attempt | Future[_Attempt]:
        """Download url in a connection thread; what remains (decode, thumbnail) goes to decode_pool."""
        fetched = self._fetch_one(url)
        if isinstance(fetched, _Attempt):
            return self._report(fetched, on_result)
        try:
            return decode_pool.submit(self._keep_and_report, url, fetched, on_result)
        except BaseException:
            fetched.discard()
            raise

    def _keep_and_report(
        self, url: str, fetched: _Downloaded, on_result: Callable[[ImageOutcome], None] | None
    ) -> _Attempt:
        kept = self._guarded(url, lambda: self._keep_picture(url, fetched))
        return self._report(kept if isinstance(kept, _Attempt) else _Attempt(kept, True), on_result)

    def _report(self, attempt: _Attempt, on_result: Callable[[ImageOutcome], None] | None) -> _Attempt:
        url = attempt.outcome.url
        logger.debug("picture %s: %s", url, attempt.outcome.reason or "saved")
        if on_result is not None:
            try:
                on_result(attempt.outcome)
            except Exception:
                logger.exception("the picture result callback failed for %s", url)
        return attempt

    def _fetch_one(self, url: str) -> _Attempt | _Downloaded:
        if self.cancel.is_set() or self._disk_full.is_set():
            return _Attempt(ImageOutcome(url=url, ok=False, reason=_(CANCELLED)), reached_network=False)
        refusal = check_url(url, allow_private_hosts=self.allow_private_hosts)
        if refusal is not None:
            return _Attempt(ImageOutcome(url=url, ok=False, reason=refusal), reached_network=False)
        return self._guarded(url, lambda: self._download_part(url))

    def _guarded(self, url: str, step: Callable[[], _T]) -> _T | _Attempt:
        """step(), or the attempt that failed in plain words; raises DiskFull (and stops the others)."""
        try:
            return step()
        except _Refused as refused:
            outcome = ImageOutcome(url=url, ok=False, reason=refused.reason, unreachable=refused.unreachable)
        except OSError as error:
            if is_disk_full(error):
                self._disk_full.set()  # the other downloads would fail the same way: stop them
                raise DiskFull() from error
            logger.exception("could not save the picture %s", url)
            reason = _("could not be saved ({reason})").format(reason=error.strerror or error)
            outcome = ImageOutcome(url=url, ok=False, reason=reason)
        except Exception as error:
            logger.exception("unexpected failure while getting the picture %s", url)
            outcome = ImageOutcome(
                url=url, ok=False, reason=_("could not be fetched ({error})").format(error=error)
            )
        return _Attempt(outcome, reached_network=True)

    def _download_part(self, url: str) -> _Downloaded:
        """url's body in a closed temp file, which the caller keeps or discards."""
        part = _PartFile(self.images_dir)
        with contextlib.ExitStack() as on_failure:
            on_failure.push(part)  # removes the temp file if the download fails
            size_bytes = self._download(url, part)
            part.stream.close()
            on_failure.pop_all()
        return _Downloaded(part, size_bytes)

    def _keep_picture(self, url: str, fetched: _Downloaded) -> ImageOutcome:
        """Validate the downloaded file, keep it under its picture name, and write its thumbnail."""
        with fetched.part as part:
            picture, small = decode_with_thumbnail(part.path, self.thumbnail_size, self.max_pixels)
            image_file = self.images_dir / image_name(url, EXTENSIONS[picture.format])
            part.keep_as(image_file)
        thumbnail = self.thumbnails_dir / thumbnail_name(image_file.name)
        made = small is not None and save_thumbnail(small, thumbnail)
        return ImageOutcome(
            url=url,
            ok=True,
            file=image_file,
            thumbnail=thumbnail if made else None,
            format=picture.format,
            width=picture.width,
            height=picture.height,
            size_bytes=fetched.size_bytes,
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
                raise _Refused(
                    _("timed out connecting to {host}").format(host=host), unreachable=not answered
                ) from error
            except httpx.ConnectError as error:
                host = _host_label(current)
                raise _Refused(
                    _("could not reach {host}").format(host=host), unreachable=not answered
                ) from error
            except httpx.TimeoutException as error:
                raise _Refused(_(TIMED_OUT)) from error
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
                raise _Refused(_("the picture address is not a valid web address")) from error
            except httpx.HTTPError as error:
                raise _Refused(_("the download broke off before the end")) from error

    def _redirect_target(self, response: httpx.Response, visited: set[str]) -> str:
        location = response.headers.get("location")
        if not location:
            raise _Refused(
                _("the server answered {status} without a new address").format(status=_status(response))
            )
        try:
            target = str(response.url.join(location))
        except httpx.InvalidURL as error:
            raise _Refused(_("redirected to an address that is not valid")) from error
        if target in visited:
            raise _Refused(_("redirected in a loop"))
        if len(visited) > MAX_REDIRECTS:
            raise _Refused(_("redirected more than {count} times").format(count=MAX_REDIRECTS))
        refusal = check_url(target, allow_private_hosts=self.allow_private_hosts)
        if refusal is not None:
            raise _Refused(_("redirected to an address that is refused: {reason}").format(reason=refusal))
        visited.add(target)
        return target

    def _check_response(self, response: httpx.Response) -> None:
        if not response.is_success:
            raise _Refused(_("the server answered {status}").format(status=_status(response)))
        declared = response.headers.get("content-length")
        try:
            declared_size = int(declared) if declared is not None else None
        except ValueError:
            declared_size = None
        if declared_size is not None and declared_size > self.max_bytes:
            raise _Refused(_("larger than {size}").format(size=_describe_size(self.max_bytes)))

    def _stream_body(self, response: httpx.Response, part: _PartFile, deadline_at: float) -> int:
        written = 0
        for chunk in response.iter_raw():
            if self.cancel.is_set():
                raise _Refused(_(CANCELLED))
            written += len(chunk)
            if written > self.max_bytes:
                raise _Refused(_("larger than {size}").format(size=_describe_size(self.max_bytes)))
            part.stream.write(chunk)
            if time.monotonic() > deadline_at:
                raise _Refused(_(TIMED_OUT))
        return written


def _status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.reason_phrase}".strip()
