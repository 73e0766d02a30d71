"""What a downloaded file must be to be kept: a JPEG, PNG, GIF or WebP picture of a sane pixel count.

The reasons a picture is refused are plain words shown to the user.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from PIL import GifImagePlugin, Image, ImageFile, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

from rocketwatch.i18n import N_, _

DEFAULT_MAX_PIXELS = 50_000_000
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}

# Marked only: given with _() where a picture is refused.
NOT_A_PICTURE = N_("not a picture")
DAMAGED_PICTURE = N_("not a picture: the data is damaged or incomplete")

_OPENERS: dict[str, Callable[[IO[bytes]], ImageFile.ImageFile]] = {
    "JPEG": JpegImagePlugin.JpegImageFile,
    "PNG": PngImagePlugin.PngImageFile,
    "GIF": GifImagePlugin.GifImageFile,
    "WEBP": WebPImagePlugin.WebPImageFile,
}


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
        raise _Refused(_(NOT_A_PICTURE))
    try:
        picture = _OPENERS[picture_format](stream)
    except Image.DecompressionBombError as error:
        raise _Refused(_("too many pixels to open safely")) from error
    except Exception as error:
        raise _Refused(_(DAMAGED_PICTURE)) from error
    with picture:
        width, height = picture.size
        if width <= 0 or height <= 0:
            raise _Refused(_(DAMAGED_PICTURE))
        if width * height > max_pixels:
            raise _Refused(
                _("too many pixels to open safely ({width}x{height})").format(width=width, height=height)
            )
        yield picture


def _safe_pixels(max_pixels: int) -> int:
    """max_pixels, kept under Pillow's own limit so Pillow never warns about a picture we keep."""
    pillow_limit = Image.MAX_IMAGE_PIXELS
    return max_pixels if pillow_limit is None else min(max_pixels, pillow_limit)
