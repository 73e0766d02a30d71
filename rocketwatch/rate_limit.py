"""LL2's request budget: when a schedule can ask for more than an anonymous user gets, and the one warning
about it that the command line, the tray and Settings all show.
"""

from __future__ import annotations

from datetime import tzinfo

from rocketwatch.addresses import private_api_host
from rocketwatch.config import DEV_API_URL
from rocketwatch.schedule import Schedule

ANONYMOUS_REQUESTS_PER_HOUR = 15  # LL2's limit for requests without an API token

DEV_SERVER_WORDS = ("LL2's development server (lldev.thespacedevs.com) has no rate limit, but it is meant "
                    "for trying things out: its data can be stale (days old) and may hold test entries, so "
                    "reminders from it can come at the wrong time.")


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
    return (f"This schedule can run up to {per_hour:g} times in an hour, but LL2 answers "
            f"{ANONYMOUS_REQUESTS_PER_HOUR} requests an hour without an API token, so some runs would be "
            "refused. Add an API token, choose a slower schedule, or switch to LL2's development server "
            "(lldev.thespacedevs.com): it has no rate limit, but its data can be stale (days old) and may "
            "hold test entries, so it suits trying things out, not reminders you rely on.")
