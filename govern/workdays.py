"""Working days: weekends and Chinese public holidays skipped, make-up working weekends counted.

The calendar comes from the chinesecalendar package, which covers the years the State Council has
published. For a year it does not cover yet, weekends alone are skipped and a warning is logged once;
``coverage_warning`` tells the deadlines page and the health check when next year is not covered, so the
package gets upgraded in time.
"""

import functools
import logging
from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@functools.cache
def _warn_uncovered(year: int) -> None:
    logger.warning(
        "No Chinese holiday data for %s: counting weekends only (upgrade chinesecalendar).", year
    )


def is_covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def coverage_warning(today: date | None = None) -> str:
    """A warning to show where deadlines are managed when next year's holidays are not known yet."""
    next_year = (today or date.today()).year + 1
    if is_covered(next_year):
        return ""
    return _(
        "No Chinese public-holiday data for %(year)d yet: deadlines in %(year)d skip weekends only. "
        "Upgrade the chinesecalendar package once the State Council publishes the holidays."
    ) % {"year": next_year}


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_uncovered(day.year)
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if is_workday(current):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=n)))
