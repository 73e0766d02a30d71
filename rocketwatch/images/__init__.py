"""The pictures step: download launch images concurrently, validate them and make thumbnails.

Pure Python (httpx + Pillow): no Qt and no database; the pipeline decides which URLs to fetch.

- `fetch`: which addresses may be fetched, and the concurrent download (`ImageFetcher`).
- `validate`: what a downloaded file must be to be kept.
- `thumbnails`: the gallery's thumbnails, from one reduced-scale decode.
- `names`, `files`: picture file names, and temp files that become real files only when whole.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rocketwatch.images.fetch import (
        ACCEPT,
        CANCELLED,
        DEFAULT_MAX_BYTES,
        MAX_REDIRECTS,
        MAX_URL_LENGTH,
        MIN_DOWNLOAD_DEADLINE,
        ONLY_HTTP,
        REDIRECT_CODES,
        TIMED_OUT,
        DiskFull,
        ImageFetcher,
        ImageOutcome,
        ImagesUnreachable,
        check_url,
    )
    from rocketwatch.images.files import PART_PREFIX, sweep_partials
    from rocketwatch.images.names import image_name, thumbnail_name
    from rocketwatch.images.thumbnails import DEFAULT_THUMBNAIL_SIZE, THUMBNAIL_QUALITY, make_thumbnail
    from rocketwatch.images.validate import DAMAGED_PICTURE, DEFAULT_MAX_PIXELS, EXTENSIONS, NOT_A_PICTURE

# Loaded on first use, so naming a constant here does not import httpx and Pillow (start-up time).
_HOMES = {
    "fetch": (
        "ACCEPT",
        "CANCELLED",
        "DEFAULT_MAX_BYTES",
        "MAX_REDIRECTS",
        "MAX_URL_LENGTH",
        "MIN_DOWNLOAD_DEADLINE",
        "ONLY_HTTP",
        "REDIRECT_CODES",
        "TIMED_OUT",
        "DiskFull",
        "ImageFetcher",
        "ImageOutcome",
        "ImagesUnreachable",
        "check_url",
    ),
    "files": ("PART_PREFIX", "sweep_partials"),
    "names": ("image_name", "thumbnail_name"),
    "thumbnails": ("DEFAULT_THUMBNAIL_SIZE", "THUMBNAIL_QUALITY", "make_thumbnail"),
    "validate": ("DAMAGED_PICTURE", "DEFAULT_MAX_PIXELS", "EXTENSIONS", "NOT_A_PICTURE"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


__all__ = [
    "ACCEPT",
    "CANCELLED",
    "DAMAGED_PICTURE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_THUMBNAIL_SIZE",
    "EXTENSIONS",
    "MAX_REDIRECTS",
    "MAX_URL_LENGTH",
    "MIN_DOWNLOAD_DEADLINE",
    "NOT_A_PICTURE",
    "ONLY_HTTP",
    "PART_PREFIX",
    "REDIRECT_CODES",
    "THUMBNAIL_QUALITY",
    "TIMED_OUT",
    "DiskFull",
    "ImageFetcher",
    "ImageOutcome",
    "ImagesUnreachable",
    "check_url",
    "image_name",
    "make_thumbnail",
    "sweep_partials",
    "thumbnail_name",
]
