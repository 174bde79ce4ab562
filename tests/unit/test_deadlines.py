from datetime import date, datetime, timedelta, timezone

import pytest

from functions.domain.deadlines import WITA, compute_deadline, load_holidays, seconds_until

UTC = timezone.utc
NO_HOLIDAYS: frozenset[date] = frozenset()


def wita(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WITA)


def test_seconds_unit():
    start = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
    assert compute_deadline(start, 8, "seconds", NO_HOLIDAYS) == datetime(2026, 3, 7, 10, 0, 8, tzinfo=UTC)


def test_seconds_unit_ignores_weekends_and_holidays():
    start = wita(2026, 3, 20, 23, 59)  # a Friday that is also cuti bersama
    deadline = compute_deadline(start, 120, "seconds", load_holidays())
    assert deadline == datetime(2026, 3, 20, 16, 1, tzinfo=UTC)


def test_result_is_utc():
    deadline = compute_deadline(wita(2026, 3, 2, 9), 1, "working_days", NO_HOLIDAYS)
    assert deadline.tzinfo is UTC
    assert deadline == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)


def test_working_days_within_week():
    # Monday 2 March 2026, 09:30 WITA, plus 3 working days is Thursday 09:30 WITA.
    deadline = compute_deadline(wita(2026, 3, 2, 9, 30), 3, "working_days", NO_HOLIDAYS)
    assert deadline == datetime(2026, 3, 5, 1, 30, tzinfo=UTC)


def test_working_days_over_weekend():
    # Thursday 5 March 2026 14:00 WITA plus 3 working days: Fri, Mon, Tue.
    deadline = compute_deadline(wita(2026, 3, 5, 14), 3, "working_days", NO_HOLIDAYS)
    assert deadline == datetime(2026, 3, 10, 6, 0, tzinfo=UTC)


def test_working_days_from_saturday():
    # Saturday 7 March 10:00 WITA starts Monday 08:00 WITA; one working day later is Tuesday 08:00.
    deadline = compute_deadline(wita(2026, 3, 7, 10), 1, "working_days", NO_HOLIDAYS)
    assert deadline == datetime(2026, 3, 10, 0, 0, tzinfo=UTC)


def test_working_days_zero_from_sunday():
    deadline = compute_deadline(wita(2026, 3, 8, 22), 0, "working_days", NO_HOLIDAYS)
    assert deadline == datetime(2026, 3, 9, 0, 0, tzinfo=UTC)


def test_working_days_over_holidays():
    # Tuesday 17 March 2026 10:00 WITA. 18-24 March are Nyepi, Idul Fitri and cuti bersama,
    # so 2 working days later is Thursday 26 March (Wednesday 25 is the first).
    deadline = compute_deadline(wita(2026, 3, 17, 10), 2, "working_days", load_holidays())
    assert deadline == datetime(2026, 3, 26, 2, 0, tzinfo=UTC)


def test_working_days_start_on_holiday():
    # Thursday 14 May 2026 (Ascension) and Friday 15 May (cuti bersama) are skipped: the
    # count starts Monday 18 May 08:00 WITA.
    deadline = compute_deadline(wita(2026, 5, 14, 13), 5, "working_days", load_holidays())
    assert deadline == datetime(2026, 5, 25, 0, 0, tzinfo=UTC)


def test_working_days_from_utc_start_uses_wita_date():
    # Friday 6 March 2026 20:00 UTC is already Saturday 04:00 WITA.
    start = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)
    deadline = compute_deadline(start, 1, "working_days", NO_HOLIDAYS)
    assert deadline == datetime(2026, 3, 10, 0, 0, tzinfo=UTC)


def test_working_days_keep_fixed_offset():
    # WITA has no daylight saving time: the same 09:00 WITA on both sides of the European
    # and American clock changes (late March, early November) is 01:00 UTC.
    holidays = load_holidays()
    march = compute_deadline(wita(2026, 3, 27, 9), 1, "working_days", holidays)
    november = compute_deadline(wita(2026, 10, 30, 9), 1, "working_days", holidays)
    assert march == datetime(2026, 3, 30, 1, 0, tzinfo=UTC)
    assert november == datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def test_ten_working_days_production_window():
    deadline = compute_deadline(wita(2026, 12, 21, 10), 10, "working_days", load_holidays())
    # 24 and 25 December 2026, 1 January 2027 and (provisionally) 5 January 2027 are holidays.
    assert deadline == datetime(2027, 1, 8, 2, 0, tzinfo=UTC)


def test_naive_start_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_deadline(datetime(2026, 3, 2, 9), 1, "seconds", NO_HOLIDAYS)


def test_negative_duration_rejected():
    with pytest.raises(ValueError, match="cannot be negative"):
        compute_deadline(wita(2026, 3, 2, 9), -1, "seconds", NO_HOLIDAYS)


def test_unknown_unit_rejected():
    with pytest.raises(ValueError, match="unknown deadline unit 'hours'"):
        compute_deadline(wita(2026, 3, 2, 9), 1, "hours", NO_HOLIDAYS)


def test_seconds_until():
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert seconds_until(now + timedelta(seconds=90), now) == 90
    assert seconds_until(now + timedelta(seconds=90, milliseconds=1), now) == 91
    assert seconds_until(now, now) == 1
    assert seconds_until(now - timedelta(hours=1), now) == 1


def test_load_holidays_contains_decree_dates():
    holidays = load_holidays()
    assert date(2026, 3, 20) in holidays
    assert date(2026, 12, 24) in holidays
    assert date(2026, 3, 25) not in holidays
