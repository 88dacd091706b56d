"""Working days skip weekends and Chinese public holidays and count make-up working weekends."""

import logging
from datetime import date, timedelta

import chinese_calendar

from govern.workdays import add_working_days, is_workday, working_days_between


def test_national_day_week_is_skipped():
    assert not is_workday(date(2026, 10, 1)) and not is_workday(date(2026, 10, 5))
    assert add_working_days(date(2026, 9, 30), 1) == next(
        date(2026, 10, d) for d in range(1, 31) if chinese_calendar.is_workday(date(2026, 10, d))
    )


def test_make_up_working_weekend_counts():
    saturday = next(
        day
        for day in (date(2026, 1, 1) + timedelta(days=n) for n in range(365))
        if day.weekday() >= 5 and chinese_calendar.is_workday(day)
    )
    day_before = saturday - timedelta(days=1)
    while not is_workday(day_before):
        day_before -= timedelta(days=1)
    assert add_working_days(day_before, 1) == saturday


def test_ordinary_weeks_skip_weekends():
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Friday → Monday
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == -5


def test_years_without_holiday_data_fall_back_to_weekends_with_a_warning(caplog):
    far = date(2099, 6, 5)  # a Friday in a year no calendar covers
    with caplog.at_level(logging.WARNING, logger="govern.workdays"):
        assert add_working_days(far, 1) == date(2099, 6, 8)
    assert "2099" in caplog.text
