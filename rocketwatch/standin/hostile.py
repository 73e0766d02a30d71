"""Bodies for the stand-in's faults and hostile image routes: bombs, huge, endless and fake images.

Big bodies are produced lazily in chunks; small ones are built once and cached.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from functools import cache

CHUNK_SIZE = 64 * 1024
HUGE_SIZE = 200 * 1024 * 1024
BOMB_SIDE = 30_000
TRICKLE_SIZE = 10 * 1024 * 1024
TRICKLE_INTERVAL = 0.2

# The start of a JPEG (SOI + a JFIF APP0 segment): enough for a sniffer to call the body a JPEG.
JPEG_HEAD = bytes.fromhex("ffd8ffe000104a46494600010100000100010000")

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><h1>Bad Gateway</h1><p>The upstream server is having a rest. "
    b"Please try again in a moment.</p></body></html>\n"
)

# Valid JSON that is not an LL2 page.
WRONG_SHAPE: dict[str, object] = {
    "message": "Welcome to the stand-in",
    "results": "nothing here is a list",
    "count": "many",
}


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@cache
def bomb_png() -> bytes:
    """A PNG of a few KB declaring BOMB_SIDE x BOMB_SIDE RGB pixels (about 2.7 GB decoded)."""
    header = struct.pack(">IIBBBBB", BOMB_SIDE, BOMB_SIDE, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * (BOMB_SIDE * 3)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(64)) + packer.flush(zlib.Z_SYNC_FLUSH)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")
    )


def huge_jpeg_chunks() -> Iterator[bytes]:
    """HUGE_SIZE bytes starting like a JPEG, made CHUNK_SIZE at a time."""
    zeros = bytes(CHUNK_SIZE)
    first = JPEG_HEAD + zeros[len(JPEG_HEAD) :]
    yield first
    sent = len(first)
    while sent < HUGE_SIZE:
        chunk = zeros if HUGE_SIZE - sent >= CHUNK_SIZE else zeros[: HUGE_SIZE - sent]
        yield chunk
        sent += len(chunk)


def trickle_bytes() -> Iterator[bytes]:
    """A JPEG start, then zeros, one byte at a time, never reaching TRICKLE_SIZE in practice."""
    for index in range(TRICKLE_SIZE):
        yield JPEG_HEAD[index : index + 1] if index < len(JPEG_HEAD) else b"\x00"


def endless_json_chunks() -> Iterator[bytes]:
    """JSON-looking text that never ends."""
    chunk = b'{"name": "more", "net": "soon"}, ' * (CHUNK_SIZE // 34)
    while True:
        yield chunk


@cache
def small_jpeg() -> bytes:
    """A valid 64x64 JPEG."""
    from PIL import Image

    picture = Image.new("RGB", (64, 64), (30, 60, 120))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()
