"""Deadlines in seconds (demo profile) or in working days in WITA (production profile).

Working days are Monday to Friday in WITA (UTC+8, Gorontalo's time zone, which has no
daylight saving time), skipping public holidays and cuti bersama days.
"""

import functools
import math
from datetime import date, datetime, time, timedelta, timezone

from schemas.reference import load_holiday_dates

WITA = timezone(timedelta(hours=8), "WITA")
# When a working-day count starts outside a working day, it starts at this WITA time on the next one.
WORKDAY_START = time(8, 0)
UNITS = ("seconds", "working_days")


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def compute_deadline(start: datetime, duration: int, unit: str, holidays: frozenset[date]) -> datetime:
    """Return the deadline `duration` units after `start`, as an aware UTC datetime.

    "seconds" adds seconds. "working_days" ends at the start's WITA time of day on the Nth
    working day after the start's day. A start on a weekend or holiday is first moved to
    08:00 WITA on the next working day, so Saturday 10:00 plus one working day is Tuesday
    08:00. Hours of the day are not clipped to office hours. Raises ValueError for a naive
    start, a negative duration or an unknown unit.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    if duration < 0:
        raise ValueError(f"duration cannot be negative, got {duration}")
    if unit not in UNITS:
        raise ValueError(f"unknown deadline unit {unit!r}; expected one of {', '.join(UNITS)}")

    if unit == "seconds":
        end = start + timedelta(seconds=duration)
    else:
        end = _add_working_days(start.astimezone(WITA), duration, holidays)
    return end.astimezone(timezone.utc)


def _add_working_days(start: datetime, count: int, holidays: frozenset[date]) -> datetime:
    current = start
    if not is_working_day(current.date(), holidays):
        day = current.date() + timedelta(days=1)
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
        current = datetime.combine(day, WORKDAY_START, tzinfo=WITA)

    day = current.date()
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return datetime.combine(day, current.timetz())


def seconds_until(deadline: datetime, now: datetime) -> int:
    """Return whole seconds from `now` to `deadline`, rounded up so a timer never fires early.

    The result is at least 1, because a wait of 0 seconds is not a valid timer.
    """
    return max(1, math.ceil((deadline - now).total_seconds()))


@functools.cache
def load_holidays() -> frozenset[date]:
    """Return the holidays shipped in schemas/reference/holidays.json, read once per process."""
    return load_holiday_dates()
