"""Option parsing of `goso dashboard` and `goso report`: bad values get one clear message."""

import argparse
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from infra.dashboard_spec import WIDGETS, WidgetKind
from local import cli
from local.cli_monitoring import MAX_HOURS, day, hours, output_folder
from local.monitoring import MAX_POINTS_PER_LINE, TimeRange, widget_period


@pytest.mark.parametrize(("text", "expected"), [("6", 6.0), ("0.5", 0.5), (str(MAX_HOURS), float(MAX_HOURS))])
def test_hours_accepts_valid_range(text, expected):
    assert hours(text) == expected


@pytest.mark.parametrize("text", ["0", "-1", "abc", "nan", "inf", "1e9", str(MAX_HOURS + 1), ""])
def test_hours_rejects_value(text):
    with pytest.raises(argparse.ArgumentTypeError) as error:
        hours(text)
    assert f"'{text}'" in str(error.value)
    assert str(MAX_HOURS) in str(error.value)


def test_day_accepts_iso_date():
    assert day("2026-12-04") == date(2026, 12, 4)


@pytest.mark.parametrize("text", ["2026-13-01", "20261205", "26-12-05", "2026-12-5", "garbage", "0001-01-01", "9999-12-31"])
def test_day_rejects_value(text):
    with pytest.raises(argparse.ArgumentTypeError) as error:
        day(text)
    assert f"'{text}'" in str(error.value)


def test_dashboard_bad_hours_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["dashboard", "--hours", "-1"])
    assert exit_info.value.code == 2
    assert "invalid hours '-1'" in capsys.readouterr().err


def test_report_to_before_default_from(capsys):
    assert cli.main(["report", "--to", "2000-01-01"]) == 2
    captured = capsys.readouterr()
    assert "--to 2000-01-01 is before --from" in captured.err
    assert "defaults to today" in captured.err
    assert captured.out == ""


def test_widget_period_bounds_points():
    timeseries = [widget for widget in WIDGETS if widget.kind is WidgetKind.TIMESERIES and not widget.period_to_time_range]
    assert timeseries
    now = datetime(2026, 12, 4, tzinfo=UTC)
    short = TimeRange(now - timedelta(hours=6), now)
    longest = TimeRange(now - timedelta(hours=MAX_HOURS), now)
    for widget in timeseries:
        assert widget_period(widget, short) == widget.period_seconds
        period = widget_period(widget, longest)
        assert period % widget.period_seconds == 0
        assert math.ceil(longest.seconds / period) <= MAX_POINTS_PER_LINE


def test_widget_period_whole_range():
    now = datetime(2026, 12, 4, tzinfo=UTC)
    time_range = TimeRange(now - timedelta(hours=6), now)
    (bar, *_) = [widget for widget in WIDGETS if widget.period_to_time_range]
    assert widget_period(bar, time_range) == time_range.seconds


def test_output_folder_rejects_file(tmp_path):
    existing = tmp_path / "report.txt"
    existing.write_text("x")
    with pytest.raises(argparse.ArgumentTypeError) as error:
        output_folder(str(existing))
    assert "it is a file" in str(error.value)
    assert str(existing) in str(error.value)


def test_output_folder_rejects_empty():
    with pytest.raises(argparse.ArgumentTypeError) as error:
        output_folder(" ")
    assert "give a folder path" in str(error.value)


def test_output_folder_accepts_new_path(tmp_path):
    assert output_folder(str(tmp_path / "new" / "out")) == tmp_path / "new" / "out"
