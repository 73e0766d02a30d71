"""Thumbnails: an upright RGB JPEG that fits the gallery's box, made from one reduced-scale decode.

A JPEG is decoded straight at the smallest scale (1/2, 1/4, 1/8) that still covers the thumbnail's real
size, so a download is validated and its thumbnail made by one cheap decode instead of two full ones.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PIL import Image, ImageFile, ImageOps

from rocketwatch.i18n import _
from rocketwatch.images.files import _PartFile
from rocketwatch.images.validate import (
    DAMAGED_PICTURE,
    DEFAULT_MAX_PIXELS,
    _open_picture,
    _Picture,
    _Refused,
    _safe_pixels,
)

logger = logging.getLogger(__name__)

DEFAULT_THUMBNAIL_SIZE = 320
THUMBNAIL_QUALITY = 85


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
            _draft_for_thumbnail(picture, size)
            small = _small_upright_rgb(picture, size)
    except Exception as error:
        logger.warning("could not make a thumbnail of %s: %s", src, error)
        return False
    return save_thumbnail(small, dst)


def decode_with_thumbnail(path: Path, size: int, max_pixels: int) -> tuple[_Picture, Image.Image | None]:
    """Check the picture at path by decoding all of its data once, at the thumbnail's scale.

    Returns its format and full size, with the thumbnail image (None when only the thumbnail failed);
    raises _Refused when the file is not a whole picture.
    """
    with path.open("rb") as stream, _open_picture(stream, max_pixels) as picture:
        width, height = picture.size
        found = _Picture(format=str(picture.format), width=width, height=height)
        _draft_for_thumbnail(picture, size)
        try:
            picture.load()
        except Exception as error:
            raise _Refused(_(DAMAGED_PICTURE)) from error
        try:
            return found, _small_upright_rgb(picture, size)
        except Exception as error:
            logger.warning("could not make a thumbnail of %s: %s", path, error)
            return found, None


def save_thumbnail(small: Image.Image, dst: Path) -> bool:
    """Write small to dst as a JPEG, atomically; False (logged) when it cannot be written."""
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        with _PartFile(dst.parent) as part:
            small.save(part.stream, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
            part.keep_as(dst)
    except Exception as error:
        logger.warning("could not write the thumbnail %s: %s", dst, error)
        return False
    return True


def _draft_for_thumbnail(picture: ImageFile.ImageFile, size: int) -> None:
    """Let a JPEG decode at the smallest scale that still covers the thumbnail's real size.

    Asking for size x size would rarely scale: a 16:9 picture's half is shorter than the box."""
    width, height = picture.size
    scale = min(size / width, size / height, 1.0)
    picture.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))


def _small_upright_rgb(picture: ImageFile.ImageFile, size: int) -> Image.Image:
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
