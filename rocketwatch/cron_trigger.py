"""The APScheduler trigger for a cron line (cron.py computes its fire times).

Apart from cron.py so that reading and checking a schedule setting does not load APScheduler (and asyncio):
the tray app checks the settings before its icon shows and arms the scheduler after.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from apscheduler.triggers.base import BaseTrigger

from rocketwatch.cron import CronLine, just_after
from rocketwatch.cron import _next_fire as next_fire


class CronLineTrigger(BaseTrigger):
    """An APScheduler trigger for one cron line in one time zone, correct across clock changes."""

    __slots__ = ("line", "timezone")

    def __init__(self, line: CronLine, tz: tzinfo) -> None:
        self.line = line
        self.timezone = tz

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        earliest = now
        if previous_fire_time is not None:  # like CronTrigger: the fire after the previous one
            earliest = min(now, just_after(previous_fire_time, self.timezone))
        try:
            fire = next_fire(self.line, self.timezone, earliest)
            return fire.astimezone(self.timezone) if fire is not None else None
        except OverflowError:  # past the year 9999, the end of Python's calendar: no more runs
            return None

    def __str__(self) -> str:
        return f"cron[{self.line.text}]"

    def __repr__(self) -> str:
        return f"<CronLineTrigger {self.line.text!r} timezone={self.timezone}>"
