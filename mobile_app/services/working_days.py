"""Working days for due dates: Monday to Friday.

A plain Mon-Fri rule for now: England's bank holidays are not skipped yet. DOMAIN.md section 5
asks for working days from a configurable bank-holiday calendar; until that calendar exists, a
due date that lands on a bank holiday is one day early, never late.
"""

from datetime import date, timedelta

SATURDAY = 5


def is_working_day(day: date) -> bool:
    """True for Monday to Friday."""
    return day.weekday() < SATURDAY


def add_working_days(start: date, days: int) -> date:
    """Return the day `days` working days after `start`, weekends skipped."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current
