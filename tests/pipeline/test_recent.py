"""Which launches of LL2's "upcoming" list already happened: the gallery's Recent, counted apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rocketwatch.ll2.model import Launch, is_recent

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "minutes_from_now", "recent"),
    [
        ("Success", -30, True),  # flew: an outcome makes it recent at once
        ("Failure", -300, True),
        ("Partial Failure", -60, True),
        ("Go", -180, True),  # NET long passed and no word since
        ("Go", -10, False),  # just now: it may be lifting off, LL2 has not caught up
        ("In Flight", -180, False),  # still happening
        ("Go", 90, False),
        ("TBD", 60 * 24, False),
    ],
)
def test_a_launch_is_recent_once_it_has_an_outcome_or_its_net_is_well_past(
    status, minutes_from_now, recent
) -> None:
    launch = Launch(id="a", name="A", net=NOW + timedelta(minutes=minutes_from_now), status_abbrev=status)
    assert is_recent(launch, NOW) is recent
