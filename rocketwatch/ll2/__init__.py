"""The LL2 source: an HTTP client for Launch Library 2 and a tolerant parser into Launch values.

Import from here: ``from rocketwatch.ll2 import LL2Client, parse_page_bytes, Launch``.
"""

from __future__ import annotations

from rocketwatch.ll2.client import (
    FetchResult,
    LL2Cancelled,
    LL2Client,
    LL2Error,
    LL2HTTPError,
    LL2Timeout,
    LL2Unreachable,
    RateLimited,
    endpoint_for,
)
from rocketwatch.ll2.model import PRECISION_ORDER, STATUS_ABBREVS, Launch, ParsedPage
from rocketwatch.ll2.parse import PageError, parse_launch, parse_page, parse_page_bytes

__all__ = [
    "PRECISION_ORDER",
    "STATUS_ABBREVS",
    "FetchResult",
    "LL2Cancelled",
    "LL2Client",
    "LL2Error",
    "LL2HTTPError",
    "LL2Timeout",
    "LL2Unreachable",
    "Launch",
    "PageError",
    "ParsedPage",
    "RateLimited",
    "endpoint_for",
    "parse_launch",
    "parse_page",
    "parse_page_bytes",
]
