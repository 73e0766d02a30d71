"""Tests for rocketwatch.schedule: what the user's ``every`` setting makes RocketWatch do, and when.

Times are checked as the user sees them (local wall clock) and, across clock changes, in UTC.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from rocketwatch.schedule import MISSED_CAP, Schedule, ScheduleError, local_tz, parse_every

NEW_YORK = ZoneInfo("America/New_York")
SEOUL = ZoneInfo("Asia/Seoul")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # clocks change by 30 minutes there


def ny(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NEW_YORK)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def fires(expr: str, after: datetime, count: int = 3, tz: ZoneInfo = NEW_YORK) -> list[datetime]:
    return parse_every(expr).next_fire_times(count, after, tz)


def in_utc(times: list[datetime]) -> list[datetime]:
    return [time.astimezone(UTC) for time in times]


# --- what runs when ----------------------------------------------------------------------------


@pytest.mark.parametrize("expr", ["0 6 * * 0", "0 6 * * 7", "0 6 * * sun", "0 6 * * SUN"])
def test_sunday_is_both_0_and_7(expr: str) -> None:
    # Wednesday 1 May 2024 at noon; the next Sundays are 5, 12 and 19 May.
    sundays = [ny(2024, 5, 5, 6), ny(2024, 5, 12, 6), ny(2024, 5, 19, 6)]
    assert fires(expr, ny(2024, 5, 1, 12)) == sundays


def test_monday_is_1_not_0() -> None:
    assert fires("0 6 * * 1", ny(2024, 5, 1, 12), 1) == [ny(2024, 5, 6, 6)]


def test_fire_times_are_local_aware_and_strictly_after() -> None:
    times = fires("0 6 * * 0", ny(2024, 5, 5, 6))  # exactly at a fire time
    assert times[0] == ny(2024, 5, 12, 6)
    assert all(time.tzinfo == NEW_YORK for time in times)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # after Wednesday 15 May 2024 10:20 in Seoul
        ("@hourly", [(2024, 5, 15, 11, 0), (2024, 5, 15, 12, 0)]),
        ("@daily", [(2024, 5, 16, 0, 0), (2024, 5, 17, 0, 0)]),
        ("@midnight", [(2024, 5, 16, 0, 0), (2024, 5, 17, 0, 0)]),
        ("@DAILY", [(2024, 5, 16, 0, 0), (2024, 5, 17, 0, 0)]),
        ("@weekly", [(2024, 5, 19, 0, 0), (2024, 5, 26, 0, 0)]),  # Sundays
        ("@monthly", [(2024, 6, 1, 0, 0), (2024, 7, 1, 0, 0)]),
        ("@yearly", [(2025, 1, 1, 0, 0), (2026, 1, 1, 0, 0)]),
        ("@annually", [(2025, 1, 1, 0, 0), (2026, 1, 1, 0, 0)]),
    ],
)
def test_presets(expr: str, expected: list[tuple[int, ...]]) -> None:
    schedule = parse_every(expr)
    assert schedule.kind == "preset"
    after = datetime(2024, 5, 15, 10, 20, tzinfo=SEOUL)
    assert fires(expr, after, 2, SEOUL) == [datetime(*parts, tzinfo=SEOUL) for parts in expected]


def test_seoul_has_no_clock_changes() -> None:
    # Seoul is UTC+9 all year, so 06:00 there is 21:00 UTC the day before, in winter and summer.
    times = in_utc(fires("0 6 * * *", datetime(2024, 1, 1, tzinfo=SEOUL), 1, SEOUL))
    times += in_utc(fires("0 6 * * *", datetime(2024, 7, 1, tzinfo=SEOUL), 1, SEOUL))
    assert times == [utc(2023, 12, 31, 21), utc(2024, 6, 30, 21)]


@pytest.mark.parametrize(
    ("expr", "interval"),
    [
        ("30m", timedelta(minutes=30)),
        ("6h", timedelta(hours=6)),
        ("1d", timedelta(days=1)),
        ("90s", timedelta(seconds=90)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1H 30M", timedelta(hours=1, minutes=30)),
        ("2w", timedelta(weeks=2)),
        ("90 minutes", timedelta(minutes=90)),
        ("  45 min ", timedelta(minutes=45)),
    ],
)
def test_intervals(expr: str, interval: timedelta) -> None:
    schedule = parse_every(expr)
    assert (schedule.kind, schedule.interval) == ("interval", interval)
    start = ny(2024, 5, 1, 10)
    assert schedule.next_fire_times(2, start, NEW_YORK) == [start + interval, start + 2 * interval]


def test_interval_counts_from_the_anchor() -> None:
    # The last run started at 10:00; at 10:45 the next runs of "every 30 minutes" are 11:00, 11:30.
    schedule = parse_every("30m")
    times = schedule.next_fire_times(2, ny(2024, 5, 1, 10, 45), NEW_YORK, anchor=ny(2024, 5, 1, 10))
    assert times == [ny(2024, 5, 1, 11), ny(2024, 5, 1, 11, 30)]


def test_interval_trigger_starts_at_the_anchor() -> None:
    anchor = ny(2024, 5, 1, 10)
    trigger = parse_every("30m").trigger(NEW_YORK, anchor)
    assert trigger.get_next_fire_time(None, ny(2024, 5, 1, 10, 59)) == ny(2024, 5, 1, 11)


def test_month_and_weekday_names_ranges_and_lists() -> None:
    # After Friday 28 June 2024: weekdays in January and July only.
    assert fires("0 9 * jan,JUL mon-fri", ny(2024, 6, 28, 12)) == [
        ny(2024, 7, 1, 9),
        ny(2024, 7, 2, 9),
        ny(2024, 7, 3, 9),
    ]


def test_weekday_range_may_end_on_sunday() -> None:
    assert [t.strftime("%a") for t in fires("0 6 * * fri-sun", ny(2024, 5, 1), 4)] == [
        "Fri",
        "Sat",
        "Sun",
        "Fri",
    ]


def test_steps_and_ranges() -> None:
    assert fires("5/20 9-10 * * *", ny(2024, 5, 1), 4) == [
        ny(2024, 5, 1, 9, 5),
        ny(2024, 5, 1, 9, 25),
        ny(2024, 5, 1, 9, 45),
        ny(2024, 5, 1, 10, 5),
    ]


def test_day_of_month_or_day_of_week() -> None:
    # Both day fields restricted: cron runs on the 15th AND on every Friday.
    # July 2024: Fridays are the 5th, 12th, 19th; the 15th is a Monday.
    assert fires("0 6 15 * 5", ny(2024, 7, 1), 4) == [
        ny(2024, 7, 5, 6),
        ny(2024, 7, 12, 6),
        ny(2024, 7, 15, 6),
        ny(2024, 7, 19, 6),
    ]


def test_day_field_starting_with_star_counts_as_unrestricted() -> None:
    # As in Vixie cron and cronie: "*/15" (days 1, 16, 31) starts with "*", so both day fields
    # must match: a Friday that is the 1st, 16th or 31st. In 2024: 16 Aug, then 1 Nov.
    assert fires("0 6 */15 * 5", ny(2024, 7, 1), 2) == [ny(2024, 8, 16, 6), ny(2024, 11, 1, 6)]


# --- clock changes (America/New_York: 10 March 2024 02:00 -> 03:00; 3 Nov 2024 02:00 -> 01:00) --


def test_daily_at_0230_on_spring_forward_day_runs_an_hour_late_not_never() -> None:
    # 02:30 does not exist on 10 March (02:00 EST jumps to 03:00 EDT). The job runs as if the
    # clock had not jumped yet: 02:30 EST = 07:30 UTC (03:30 EDT). On other days 02:30 EST is
    # 07:30 UTC before the change and 02:30 EDT is 06:30 UTC after it.
    times = in_utc(fires("30 2 * * *", ny(2024, 3, 9, 0), 3))
    assert times == [utc(2024, 3, 9, 7, 30), utc(2024, 3, 10, 7, 30), utc(2024, 3, 11, 6, 30)]


def test_midnight_job_does_not_skip_the_day_after_spring_forward() -> None:
    # APScheduler 3.x's CronTrigger, asked on 10 March after midnight, answers 12 March.
    # Midnight EST is 05:00 UTC; midnight EDT (11 March onward) is 04:00 UTC.
    times = in_utc(fires("@daily", ny(2024, 3, 10, 0, 0, 30), 2))
    assert times == [utc(2024, 3, 11, 4), utc(2024, 3, 12, 4)]


def test_hourly_job_keeps_going_in_real_time_across_fall_back() -> None:
    # 01:00 happens twice on 3 November: 01:00 EDT = 05:00 UTC, then 01:00 EST = 06:00 UTC.
    # An hourly job runs at both (cron's rule for "*" in the hour field), so runs stay one hour
    # apart in real time: 05:00, 06:00, 07:00 (02:00 EST), 08:00 UTC.
    times = in_utc(fires("0 * * * *", ny(2024, 11, 3, 0, 30), 4))
    assert times == [utc(2024, 11, 3, hour) for hour in (5, 6, 7, 8)]


def test_skipped_time_that_meets_a_listed_time_keeps_its_own_run() -> None:
    # 8 March 2026: 02:30 does not exist; as if the clock had not jumped it is 03:30 EDT, which is
    # listed too. Both listed times run that day: 03:30 EDT (07:30 UTC) and the minute after.
    times = in_utc(fires("30 2,3 * * *", ny(2026, 3, 8, 0), 4))
    assert times == [
        utc(2026, 3, 8, 7, 30),
        utc(2026, 3, 8, 7, 31),
        utc(2026, 3, 9, 6, 30),
        utc(2026, 3, 9, 7, 30),
    ]
    assert parse_every("30 2,3 * * *").missed_since(ny(2026, 3, 8, 0), ny(2026, 3, 8, 12), NEW_YORK) == 2


@pytest.mark.parametrize(
    ("expr", "zone", "start", "expected"),
    [
        # New York, the run at 02:00 and the one at 03:00 both land on 03:00 EDT.
        ("0 2,3 * * *", "America/New_York", (2026, 3, 8), ["03:00", "03:01"]),
        # Troll (Antarctica) jumps two hours, 01:00 -> 03:00: 01:00 meets 03:00, 02:00 becomes 04:00.
        ("0 1,2,3 * * *", "Antarctica/Troll", (2026, 3, 29), ["03:00", "03:01", "04:00"]),
        # Lord Howe jumps 30 minutes, 02:00 -> 02:30: 02:00 meets 02:30.
        ("0,30 2 * * *", "Australia/Lord_Howe", (2026, 10, 4), ["02:30", "02:31"]),
        # Santiago skips midnight (00:00 -> 01:00): midnight meets the 01:00 run.
        ("0 0,1 * * *", "America/Santiago", (2026, 9, 6), ["01:00", "01:01"]),
        # A field starting with "*" keeps real hours, as in cron: the skipped 02:00 is the 03:00 run.
        ("*/60 0-4 * * *", "America/New_York", (2026, 3, 8), ["00:00", "01:00", "03:00", "04:00"]),
        ("*/30 2,3 * * *", "America/New_York", (2026, 3, 8), ["03:00", "03:30"]),
    ],
)
def test_runs_on_a_spring_forward_day(
    expr: str, zone: str, start: tuple[int, int, int], expected: list[str]
) -> None:
    tz = ZoneInfo(zone)
    day = datetime(*start, tzinfo=tz)
    times = parse_every(expr).next_fire_times(len(expected) + 1, day - timedelta(microseconds=1), tz)
    on_the_day = [time.strftime("%H:%M") for time in times if time.date() == day.date()]
    assert on_the_day == expected
    assert len(set(times)) == len(times)


def test_fixed_time_job_runs_once_on_fall_back_day() -> None:
    # 01:30 happens twice on 3 November; a daily 01:30 job runs at the first one only:
    # 01:30 EDT = 05:30 UTC, then 4 November 01:30 EST = 06:30 UTC.
    times = in_utc(fires("30 1 * * *", ny(2024, 11, 2, 12), 2))
    assert times == [utc(2024, 11, 3, 5, 30), utc(2024, 11, 4, 6, 30)]


def test_star_minute_job_runs_in_both_passes_of_the_repeated_hour() -> None:
    # "*/30 1 * * *": 01:00 and 01:30 EDT (05:00, 05:30 UTC), then again in EST (06:00, 06:30).
    times = in_utc(fires("*/30 1 * * *", ny(2024, 11, 3, 0), 5))
    assert times == [
        utc(2024, 11, 3, 5),
        utc(2024, 11, 3, 5, 30),
        utc(2024, 11, 3, 6),
        utc(2024, 11, 3, 6, 30),
        utc(2024, 11, 4, 6),
    ]


def test_intervals_are_real_time_across_clock_changes() -> None:
    # "6h" means six real hours, whatever the wall clock does.
    start = ny(2024, 3, 9, 23)
    times = in_utc(parse_every("6h").next_fire_times(2, start, NEW_YORK))
    assert times == [utc(2024, 3, 10, 10), utc(2024, 3, 10, 16)]


# --- APScheduler integration -------------------------------------------------------------------


def test_cron_trigger_is_an_apscheduler_trigger_object() -> None:
    trigger = parse_every("0 6 * * 7").trigger(NEW_YORK)
    assert isinstance(trigger, BaseTrigger)
    assert str(trigger) == "cron[0 6 * * 7]"
    assert trigger.get_next_fire_time(None, ny(2024, 5, 1)) == ny(2024, 5, 5, 6)


def test_cron_trigger_lists_missed_runs_like_apscheduler_expects() -> None:
    # The scheduler asks for the fire time after the previous one even when that is already past.
    trigger = parse_every("@hourly").trigger(NEW_YORK)
    previous, now = ny(2024, 5, 1, 9), ny(2024, 5, 1, 12, 30)
    assert trigger.get_next_fire_time(previous, now) == ny(2024, 5, 1, 10)


WEEKDAY_NAMES_FROM_MONDAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

FIELD_TEXTS = {
    "minute": st.sampled_from(["*", "0", "*/7", "15,45", "10-20", "5-50/15", "59"]),
    "hour": st.sampled_from(["*", "0", "*/5", "6,18", "9-17", "1-23/4", "23"]),
    "day": st.sampled_from(["*", "1", "*/10", "13", "1,15", "28-31", "30", "10-20/3"]),
    "month": st.sampled_from(["*", "1", "*/4", "2", "2,8", "3-5", "12"]),
    "weekday": st.sampled_from(["*", "0", "7", "1", "1-5", "0,6", "5,7", "*/2", "2-4"]),
}


def apscheduler_weekdays(text: str) -> str:
    """The test's own translation of a cron weekday field into APScheduler's names."""
    if text.startswith("*"):
        step = int(text.partition("/")[2] or 1)
        days = range(0, 8, step)
    elif "-" in text:
        first, last = map(int, text.split("-"))
        days = range(first, last + 1)
    else:
        days = [int(day) for day in text.split(",")]
    return ",".join(WEEKDAY_NAMES_FROM_MONDAY[(day - 1) % 7] for day in days)


def apscheduler_reference(fields: dict[str, str]) -> BaseTrigger:
    """APScheduler's own CronTrigger (right when there are no clock changes, as in UTC)."""

    def cron(day: str, day_of_week: str) -> CronTrigger:
        return CronTrigger(
            month=fields["month"],
            day=day,
            day_of_week=day_of_week,
            hour=fields["hour"],
            minute=fields["minute"],
            second=0,
            timezone=UTC,
        )

    weekdays = apscheduler_weekdays(fields["weekday"])
    if not fields["day"].startswith("*") and not fields["weekday"].startswith("*"):
        return OrTrigger([cron(fields["day"], "*"), cron("*", weekdays)])
    return cron(fields["day"], weekdays)


@settings(max_examples=150, deadline=None, database=None)
@given(
    fields=st.fixed_dictionaries(FIELD_TEXTS),
    after=st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)),
)
def test_agrees_with_apscheduler_cron_where_clocks_do_not_change(
    fields: dict[str, str], after: datetime
) -> None:
    expr = " ".join(fields[name] for name in ("minute", "hour", "day", "month", "weekday"))
    try:
        schedule = parse_every(expr)
    except ScheduleError as error:
        assert "never runs" in str(error)  # e.g. the 30th of February
        return
    reference = apscheduler_reference(fields)
    expected: list[datetime] = []
    moment = after
    for _ in range(4):
        moment = reference.get_next_fire_time(None, moment + timedelta(microseconds=1))
        expected.append(moment)
    assert schedule.next_fire_times(4, after, UTC) == expected


# --- catching up and rate limits ---------------------------------------------------------------


def test_missed_since_counts_fire_times_in_the_gap() -> None:
    hourly = parse_every("@hourly")
    # Asleep from 08:00 to 11:30: the 09:00, 10:00 and 11:00 runs were missed.
    assert hourly.missed_since(ny(2024, 5, 1, 8), ny(2024, 5, 1, 11, 30), NEW_YORK) == 3
    # (last, now]: a run at exactly `now` counts, one at exactly `last` does not.
    assert hourly.missed_since(ny(2024, 5, 1, 8), ny(2024, 5, 1, 11), NEW_YORK) == 3
    assert hourly.missed_since(ny(2024, 5, 1, 8), ny(2024, 5, 1, 8, 59), NEW_YORK) == 0


def test_missed_since_for_intervals_counts_from_the_anchor() -> None:
    every_30 = parse_every("30m")
    last, now = ny(2024, 5, 1, 8, 10), ny(2024, 5, 1, 10)
    assert every_30.missed_since(last, now, NEW_YORK) == 3  # 08:40, 09:10, 09:40
    assert every_30.missed_since(last, now, NEW_YORK, anchor=ny(2024, 5, 1, 8)) == 4


def test_missed_since_is_capped() -> None:
    minutely = parse_every("* * * * *")
    assert minutely.missed_since(ny(2024, 5, 1), ny(2024, 5, 3), NEW_YORK) == MISSED_CAP


def test_missed_since_across_fall_back_counts_real_runs() -> None:
    # 00:30 EDT to 02:30 EST is three real hours: 01:00 EDT, 01:00 EST, 02:00 EST.
    last, now = ny(2024, 11, 3, 0, 30), utc(2024, 11, 3, 7, 30)
    assert parse_every("@hourly").missed_since(last, now, NEW_YORK) == 3


@pytest.mark.parametrize(
    ("expr", "runs"),
    [
        ("*/1 * * * *", 60),
        ("@daily", 1),
        ("30m", 2),
        ("40m", 2),
        ("2h", 1),
        ("*/4 * * * *", 15),
        ("4m", 15),
        ("0,30 * * * *", 2),
        ("*/5 9 * * 1", 12),
        ("@yearly", 1),
    ],
)
def test_max_runs_per_hour(expr: str, runs: int) -> None:
    assert parse_every(expr).max_runs_per_hour(NEW_YORK, now=ny(2024, 5, 1, 12, 17)) == runs


def test_max_runs_per_hour_sees_a_coming_half_hour_fall_back() -> None:
    # Lord Howe Island turns clocks back 30 minutes on 7 April 2024 (02:00 -> 01:30), so
    # 01:30-01:59 happens twice in a row: 60 runs of "30-59 * * * *" within one real hour.
    schedule = parse_every("30-59 * * * *")
    assert schedule.max_runs_per_hour(LORD_HOWE, now=datetime(2024, 4, 1, tzinfo=LORD_HOWE)) == 60
    assert schedule.max_runs_per_hour(LORD_HOWE, now=datetime(2024, 5, 1, tzinfo=LORD_HOWE)) == 30


# --- words -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("0 6 * * 0", "At 06:00, only on Sunday"),
        ("0 6 * * 7", "At 06:00, only on Sunday"),
        ("0 6 * * 0,7", "At 06:00, only on Sunday"),
        ("30 18 * * 1-5", "At 18:30, Monday through Friday"),
        ("0 6 * * fri-sun", "At 06:00, Friday through Sunday"),
        ("0 6 * * 6,0", "At 06:00, Saturday through Sunday"),
        ("0 6 15 * 5", "At 06:00, on day 15 of the month, or on Friday"),
        ("0 6 */15 * 5", "At 06:00, on day 1, 16, and 31 of the month, and only on Friday"),
        ("*/15 * * * *", "Every 15 minutes"),
        ("5/15 * * * *", "Every 15 minutes, starting at 5 minutes past the hour"),
        ("0-30/10 * * * *", "Every 10 minutes, minutes 0 through 30 past the hour"),
        # A step that does not divide its field: the values are named, never "every 45 minutes".
        ("*/45 * * * *", "At 0 and 45 minutes past the hour"),
        ("50/15 * * * *", "At 50 minutes past the hour"),
        ("0 */5 * * *", "At 00:00, 05:00, 10:00, 15:00 and 20:00"),
        (
            "0 0 */2 * *",
            "At 00:00, on day 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, and 31 of the month",
        ),
        ("0 0 1 */5 *", "At 00:00, on day 1 of the month, only in January, June, and November"),
        # Several minutes in a list of hours: not "at 01:00 and 03:00", which reads as two runs.
        ("*/15 1,3 * * *", "Every 15 minutes, during hours 01 and 03"),
        (
            "*/45 */5 * * 1",
            "At 0 and 45 minutes past the hour, during hours 00, 05, 10, 15, and 20, only on Monday",
        ),
        ("5 1,3 * * *", "At 01:05 and 03:05"),
        ("0 0 1 */3 *", "At 00:00, on day 1 of the month, every 3 months"),
        # Day-of-week steps run up to 7, Sunday again: 3/2 is Wednesday, Friday and Sunday.
        ("0 0 * * 3/2", "At 00:00, only on Wednesday, Friday, and Sunday"),
        ("0 0 * * 7-0", "At 00:00, only on Sunday"),
        ("@hourly", "Every hour"),
        ("@daily", "At 00:00"),
        ("@midnight", "At 00:00"),
        ("@weekly", "At 00:00, only on Sunday"),
        ("@monthly", "At 00:00, on day 1 of the month"),
        ("@yearly", "At 00:00, on day 1 of the month, only in January"),
        ("30m", "Every 30 minutes"),
        ("1h", "Every hour"),
        ("1h30m", "Every 1 hour and 30 minutes"),
        ("1d", "Every day"),
        ("2w", "Every 2 weeks"),
        ("90s", "Every 1 minute and 30 seconds"),
    ],
)
def test_describe(expr: str, words: str) -> None:
    assert parse_every(expr).describe() == words


# --- refusing what cannot be understood --------------------------------------------------------


def test_error_names_the_expression_and_the_problem() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_every("0 6 * * 8")
    assert str(caught.value) == "'0 6 * * 8': day of week must be 0-7 (0 and 7 are Sunday)"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("0 6 * * * *", "has 5 fields"),
        ("0 0 6 * * * 2024", "has 5 fields"),
        ("* * * *", "not a schedule"),
        ("every day", "not a schedule"),
        ("0m", "at least 1 minute"),
        ("30s", "at least 1 minute"),
        ("400d", "at most 366 days"),
        ("9" * 150 + "w", "at most 366 days"),
        ("1y", "'y' is not a unit"),
        ("1h 1h", "appears twice"),
        ("60 * * * *", "minute must be 0-59"),
        ("0 24 * * *", "hour must be 0-23"),
        ("0 0 0 * *", "day of month must be 1-31"),
        ("0 0 * 13 *", "month must be 1-12 or jan-dec"),
        ("0 0 * foo *", "'foo' is not a month"),
        ("0 0 * * funday", "'funday' is not a day of week"),
        ("*/0 * * * *", "minute step must be 1-60"),
        ("*/61 * * * *", "minute step must be 1-60"),
        ("*/99999999999999999999 * * * *", "minute step must be 1-60"),
        ("0 */25 * * *", "hour step must be 1-24"),
        ("0 0 2/32 * *", "day of month step must be 1-31"),
        ("0 0 * */13 *", "month step must be 1-12"),
        ("0 0 * * */9", "day of week step must be 1-8"),
        ("5-1 * * * *", "goes backwards"),
        ("1,,2 * * * *", "empty item"),
        ("0 0 L * *", "'l' is not a day of month"),
        ("0 0 ? * *", "not a valid day of month"),
        ("0 0 30 2 *", "never runs"),
        ("@reboot", "unknown preset"),
    ],
)
def test_errors(expr: str, problem: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_every(expr)
    message = str(caught.value)
    assert problem in message
    assert message.startswith(f"'{' '.join(expr.split())[:40]}")


def test_times_without_a_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_every("@daily").next_fire_times(1, datetime(2024, 5, 1), NEW_YORK)


def test_schedule_value() -> None:
    assert parse_every(" @Weekly ") == Schedule(expr="@Weekly", kind="preset", cron="0 0 * * 0")
    assert parse_every("0  6 * *  7").cron == "0 6 * * 7"


# --- the local time zone -----------------------------------------------------------------------


def test_local_tz_follows_the_tz_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Seoul")
    assert local_tz() == SEOUL
    monkeypatch.setenv("TZ", ":America/New_York")
    assert local_tz() == NEW_YORK


def test_local_tz_with_a_bogus_tz_falls_back_to_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Nowhere/Atlantis")
    assert datetime(2024, 5, 1, 12, tzinfo=local_tz()).utcoffset() == timedelta(0)


@pytest.fixture
def c_library_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Sets $TZ for both this code and the C library (time.tzset), and puts both back afterwards."""

    def use(value: str) -> None:
        monkeypatch.setenv("TZ", value)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="the C library's TZ rules are read on POSIX systems")
@pytest.mark.parametrize(
    "value",
    [
        "<+0530>-5:30",  # India's offset, as a POSIX rule with a numeric name
        ":<+0530>-5:30",
        "IST-5:30",
        "<-03>3",
        "JST-9",
        "UTC0",
        "",  # set but empty: UTC
        "CET-1CEST,M3.5.0,M10.5.0/3",  # central Europe, with its summer-time dates
        "NZST-12NZDT-13,M9.5.0,M4.1.0/3",  # southern hemisphere: summer time across the new year
        "<+05>-5<+06>,J60/25,J300",  # Julian days and a transition hour past 24
        "ABC-5DEF",  # summer time without dates: glibc uses the US dates
        "<+0530>-5:30x",  # what cannot be read after the standard time is left out
        "Europe/Paris",
        ":America/New_York",
    ],
)
def test_local_tz_reads_tz_as_the_c_library_does(value: str, c_library_tz: Callable[[str], None]) -> None:
    c_library_tz(value)
    zone = local_tz()
    moment = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    while moment.year < 2028:  # every 5 days and 7 hours for two years: both seasons, many hours
        expected = time.localtime(moment.timestamp()).tm_gmtoff
        assert moment.astimezone(zone).utcoffset() == timedelta(seconds=expected), moment
        moment += timedelta(days=5, hours=7)


def test_schedule_runs_on_the_clock_a_posix_tz_rule_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "<+0530>-5:30")
    tz = local_tz()
    times = parse_every("0 9 * * *").next_fire_times(2, utc(2026, 12, 2, 20), tz)
    assert [t.astimezone(UTC) for t in times] == [utc(2026, 12, 3, 3, 30), utc(2026, 12, 4, 3, 30)]
    assert times[0].strftime("%H:%M %Z") == "09:00 +0530"


def test_spring_forward_rules_hold_in_a_posix_tz_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # Central Europe by rule: on 29 March 2026 02:00 CET becomes 03:00 CEST.
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    tz = local_tz()
    times = parse_every("30 2,3 * * *").next_fire_times(2, utc(2026, 3, 28, 23), tz)
    assert [t.strftime("%d %H:%M %Z") for t in times] == ["29 03:30 CEST", "29 03:31 CEST"]


CLOCK_CHANGE_DAYS = [  # (zone, a day its clocks go forward, a day they go back)
    ("America/New_York", (2026, 3, 8), (2026, 11, 1)),
    ("Australia/Lord_Howe", (2026, 10, 4), (2026, 4, 5)),
    ("Antarctica/Troll", (2026, 3, 29), (2026, 10, 25)),
    ("America/Santiago", (2026, 9, 6), (2026, 4, 5)),
    ("Europe/London", (2026, 3, 29), (2026, 10, 25)),
]


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.sets(st.integers(0, 59), min_size=1, max_size=4),
    hours=st.sets(st.integers(0, 23), min_size=1, max_size=4),
    zone_days=st.sampled_from(CLOCK_CHANGE_DAYS),
    forward=st.booleans(),
)
def test_a_fixed_time_line_runs_each_listed_time_once_on_a_clock_change_day(
    minutes: set[int], hours: set[int], zone_days: tuple[str, tuple[int, ...], tuple[int, ...]], forward: bool
) -> None:
    # The README's promise: every listed time of the day gets its own run, never two at one moment,
    # whichever way the clocks go.
    zone, spring, autumn = zone_days
    tz = ZoneInfo(zone)
    day = datetime(*(spring if forward else autumn), tzinfo=tz).date()
    expr = f"{','.join(map(str, sorted(minutes)))} {','.join(map(str, sorted(hours)))} * * *"
    listed = len(minutes) * len(hours)
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz) - timedelta(hours=4)
    times = parse_every(expr).next_fire_times(2 * listed + 2, start, tz)
    on_the_day = [t for t in times if t.date() == day]
    assert len(on_the_day) == listed, expr
    assert len({t.astimezone(UTC) for t in times}) == len(times)
