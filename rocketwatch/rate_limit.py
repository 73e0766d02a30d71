"""LL2's request budget in one place: how many requests an hour LL2 answers, when a schedule or a refresh
budget can ask for more, and the warnings about it that the command line, the tray and Settings all show.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from rocketwatch.addresses import private_api_host
from rocketwatch.config import DEV_API_URL
from rocketwatch.i18n import N_, _

if TYPE_CHECKING:
    from rocketwatch.config import Config
    from rocketwatch.schedule import Schedule

ANONYMOUS_REQUESTS_PER_HOUR = 15  # LL2's limit for requests without an API token
TOKEN_REQUESTS_PER_HOUR = 210  # with a token: the smallest supporter tier

# Marked only: shown with _(DEV_SERVER_WORDS).
DEV_SERVER_WORDS = N_(
    "LL2's development server (lldev.thespacedevs.com) has no rate limit, but it is meant "
    "for trying things out: its data can be stale (days old) and may hold test entries, so "
    "reminders from it can come at the wrong time."
)

# Marked only: rate_limit_warning() gives it in the current language, or in English for --json.
SCHEDULE_TOO_FAST = N_(
    "This schedule can run up to {runs} times in an hour, but LL2 answers "
    "{limit} requests an hour without an API token, so some runs would be "
    "refused. Add an API token, choose a slower schedule, or switch to LL2's development server "
    "(lldev.thespacedevs.com): it has no rate limit, but its data can be stale (days old) and may "
    "hold test entries, so it suits trying things out, not reminders you rely on."
)


def hourly_request_limit(token: str) -> int:
    """LL2 requests an hour: 15 for anonymous users; with a token, the smallest supporter tier."""
    return TOKEN_REQUESTS_PER_HOUR if token.strip() else ANONYMOUS_REQUESTS_PER_HOUR


def limited_source(api_url: str, token: str) -> bool:
    """Whether runs against this server count against LL2's anonymous limit: the production server (or any
    public one) without a token. The development server, and a stand-in or mirror on this computer or the
    local network, do not."""
    if token.strip():
        return False
    url = api_url.strip().rstrip("/")
    return url != DEV_API_URL and not private_api_host(url)


def rate_limit_warning(schedule: Schedule, api_url: str, token: str, tz: tzinfo) -> str | None:
    """The warning for a schedule that can run more often than LL2 answers an anonymous user; None when
    the schedule fits (or the server does not limit it)."""
    if not limited_source(api_url, token):
        return None
    per_hour = schedule.max_runs_per_hour(tz)
    if per_hour <= ANONYMOUS_REQUESTS_PER_HOUR:
        return None
    return _(SCHEDULE_TOO_FAST).format(runs=f"{per_hour:g}", limit=ANONYMOUS_REQUESTS_PER_HOUR)


def saved_schedule_warning(config: Config, tz: tzinfo) -> str | None:
    """The warning for the saved settings' schedule; None when it is paused, unreadable (reported
    elsewhere) or fits LL2's limit."""
    from rocketwatch.schedule import ScheduleError, parse_every

    if config.schedule.paused:
        return None
    try:
        schedule = parse_every(config.schedule.every)
    except ScheduleError:
        return None
    return rate_limit_warning(schedule, config.source.api_url, config.source.token, tz)


def refresh_budget_warning(budget: int, api_url: str, token: str) -> str | None:
    """The warning for a refresh budget (LL2 requests an hour that refreshes before a reminder may use)
    larger than LL2 answers an anonymous user; None when it fits."""
    if not limited_source(api_url, token) or budget <= ANONYMOUS_REQUESTS_PER_HOUR:
        return None
    return _(
        "Without an API token LL2 answers {limit} requests an hour; "
        "a larger budget lets refreshes run into that limit."
    ).format(limit=ANONYMOUS_REQUESTS_PER_HOUR)
