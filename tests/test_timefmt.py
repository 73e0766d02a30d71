"""Times for people say which clock they are on: zone abbreviations beside times of day."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rocketwatch.schedule import posix_zone
from rocketwatch.timefmt import net_label, net_words, zone_words

NET = datetime(2027, 1, 14, 14, 30, tzinfo=UTC)


def test_a_time_of_day_names_its_zone_and_a_date_does_not() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert net_words(NET, "MIN", paris, zone=True).endswith("15:30 CET")
    assert net_words(NET, "HR", paris, zone=True) == "Thu 14 Jan, about 15:00 CET"
    assert net_label(NET, "DAY", paris, zone=True) == "Thu 14 Jan 2027"  # no time of day: no clock
    assert net_label(NET, "M", paris, zone=True) == "NET January 2027"
    assert net_words(NET, "MIN", paris).endswith("15:30")  # without asking, as before


def test_a_zone_without_letters_is_written_as_an_offset_from_utc() -> None:
    # The tz database names some zones only by their offset ('+03'): a bare '+03' reads like arithmetic.
    assert zone_words(NET.astimezone(ZoneInfo("Asia/Riyadh"))) == "UTC+03"
    assert zone_words(NET.astimezone(ZoneInfo("Asia/Kathmandu"))) == "UTC+05:45"
    assert zone_words(NET.astimezone(posix_zone("<+0530>-5:30"))) == "UTC+05:30"
    assert zone_words(NET.astimezone(posix_zone("<-0330>3:30"))) == "UTC-03:30"
    assert zone_words(NET.astimezone(ZoneInfo("America/New_York"))) == "EST"
    assert zone_words(NET) == "UTC"


def test_the_local_zone_is_used_when_none_is_given(local_zone) -> None:
    local_zone("Asia/Tokyo")
    assert net_words(NET, "SEC", zone=True).endswith("23:30 JST")
