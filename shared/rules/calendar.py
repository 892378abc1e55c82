"""Working days in England: weekdays that are not bank holidays.

The bank holidays are a parameter: shared/rules/bank_holidays.py builds England's from the PyPI
`holidays` package for the app and the server; the rules themselves never read it.
"""

import calendar as _stdcal
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

_SATURDAY = 5
_SUNDAY = 6


class WorkingDayCalendar:
    """Working-day arithmetic over a fixed set of bank holidays."""

    __slots__ = ("_holidays",)

    def __init__(self, bank_holidays: Iterable[date] = ()) -> None:
        self._holidays = frozenset(bank_holidays)

    @property
    def bank_holidays(self) -> frozenset[date]:
        """Return the bank holidays this calendar skips."""
        return self._holidays

    def is_working_day(self, day: date) -> bool:
        """Return True when day is a weekday and not a bank holiday."""
        return day.weekday() < _SATURDAY and day not in self._holidays

    def add_working_days(self, start: date, days: int) -> date:
        """Return the date `days` working days after start (0: start, or the next working day)."""
        if days < 0:
            raise ValueError("days: count forward only, from zero up")
        current = start
        while not self.is_working_day(current) and days == 0:
            current += timedelta(days=1)
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Return the working days after start up to and including end (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def calendar_from_bank_holidays(bank_holidays: Iterable[date]) -> WorkingDayCalendar:
    """Build the calendar the rules use from the bank-holiday dates the edge supplies."""
    return WorkingDayCalendar(bank_holidays)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, _stdcal.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - _SUNDAY) % 7)


def local_date(moment: datetime) -> date:
    """Return the date in England of an aware datetime.

    British Summer Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
    last Sunday of October. The rule is computed here, not read from a time-zone database,
    because a phone's Python build may ship without one.
    """
    if moment.tzinfo is None:
        raise ValueError("moment: give an aware datetime, not a naive one")
    utc = moment.astimezone(UTC)
    one_am = time(1, tzinfo=UTC)
    bst_start = datetime.combine(_last_sunday(utc.year, 3), one_am)
    bst_end = datetime.combine(_last_sunday(utc.year, 10), one_am)
    offset = timedelta(hours=1) if bst_start <= utc < bst_end else timedelta(0)
    return (utc + offset).date()


def add_months(start: date, months: int) -> date:
    """Return the same day `months` later, clamped to the month's last day (31 Jan + 1 = 28 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _stdcal.monthrange(year, month)[1]))
