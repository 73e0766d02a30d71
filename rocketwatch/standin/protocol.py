"""The stand-in's vocabulary: faults to inject, the request log, and small HTTP helpers.

Shared by the server (state, life cycle) and the request handler.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS: frozenset[str] = frozenset(
    {
        "status",
        "rate_limit",
        "malformed",
        "truncated",
        "html",
        "wrong_shape",
        "empty",
        "hang",
        "never_ending",
    }
)

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
STOP_GRACE_SECONDS = 5.0
_CLIENT_GONE_ERRORS = (ConnectionError, TimeoutError, OSError)


@dataclass(frozen=True)
class Fault:
    """One way for an API request to go wrong.

    kind: one of FAULT_KINDS.
    code: status code for "status" (default 500), "html" (default 200) and "malformed",
        "truncated", "wrong_shape", "empty" (default 200).
    headers: extra response headers ("status" and "rate_limit").
    body: response body for "status" (bytes, str, or a JSON-able value) and "wrong_shape".
    retry_after: "rate_limit" only; seconds for the Retry-After header (a str is sent verbatim,
        e.g. an HTTP date); no header when None.
    body_seconds: "rate_limit" only; the N in LL2's "Expected available in N seconds." body.
    seconds: "hang" only; how long to send nothing before answering normally.
    """

    kind: str
    code: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    retry_after: float | str | None = None
    body_seconds: int | None = None
    seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {sorted(FAULT_KINDS)}")


class Headers(dict[str, str]):
    """Request headers: keys stored lower-case, looked up case-insensitively."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__((name.lower(), value) for name, value in pairs)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


@dataclass
class RequestLog:
    """One request the stand-in received; status is None until the response starts."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int | None = None


def api_segment(version: str) -> str:
    """The collection name LL2 uses in this version: 'launches' from 2.3.0, 'launch' before."""
    return "launches" if version_tuple(version) >= (2, 3, 0) else "launch"


def version_tuple(version: str) -> tuple[int, ...]:
    """'2.3.0' -> (2, 3, 0); anything unparsable counts as the newest style."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (99,)


def read_int(text: str | None, default: int) -> int:
    """An integer query value, or the default when missing or not a number (as LL2 does)."""
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def json_bytes(value: Any) -> bytes:
    """A value as compact UTF-8 JSON."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
