"""LL2's request budget: one home for the hourly limits and the warnings of the CLI, tray and Settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from rocketwatch.config import DEV_API_URL, Config, ScheduleConfig, SourceConfig
from rocketwatch.rate_limit import (
    ANONYMOUS_REQUESTS_PER_HOUR,
    hourly_request_limit,
    refresh_budget_warning,
    saved_schedule_warning,
)

PRODUCTION = "https://ll.thespacedevs.com/2.3.0"


def config(every: str, *, paused: bool = False, api_url: str = PRODUCTION, token: str = "") -> Config:
    return replace(
        Config(),
        schedule=ScheduleConfig(every=every, paused=paused),
        source=SourceConfig(api_url=api_url, token=token),
    )


def test_a_schedule_faster_than_the_anonymous_limit_is_warned_about_with_the_way_out() -> None:
    warning = saved_schedule_warning(config("*/2 * * * *"), UTC)
    assert warning is not None
    assert "up to 30 times in an hour" in warning and "API token" in warning


def test_no_warning_when_the_schedule_fits_is_paused_or_the_server_does_not_limit() -> None:
    assert saved_schedule_warning(config("@hourly"), UTC) is None
    assert saved_schedule_warning(config("*/2 * * * *", paused=True), UTC) is None
    assert saved_schedule_warning(config("*/2 * * * *", token="secret"), UTC) is None
    assert saved_schedule_warning(config("*/2 * * * *", api_url=DEV_API_URL), UTC) is None
    assert saved_schedule_warning(config("*/2 * * * *", api_url="http://127.0.0.1:8765/2.3.0"), UTC) is None
    assert saved_schedule_warning(config("not a schedule"), UTC) is None  # reported as a config problem


def test_the_refresh_budget_warning_and_the_pages_budget_use_the_same_limit() -> None:
    assert hourly_request_limit("") == ANONYMOUS_REQUESTS_PER_HOUR
    assert hourly_request_limit("secret") > ANONYMOUS_REQUESTS_PER_HOUR
    assert refresh_budget_warning(ANONYMOUS_REQUESTS_PER_HOUR, PRODUCTION, "") is None
    warning = refresh_budget_warning(ANONYMOUS_REQUESTS_PER_HOUR + 1, PRODUCTION, "")
    assert warning is not None and f"{ANONYMOUS_REQUESTS_PER_HOUR} requests an hour" in warning
    assert refresh_budget_warning(100, PRODUCTION, "secret") is None
    assert refresh_budget_warning(100, "http://localhost:8765/2.3.0", "") is None
