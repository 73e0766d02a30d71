"""Picture file names: one readable, safe name per picture address, and its thumbnail's name."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit


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
