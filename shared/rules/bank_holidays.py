"""England's bank holidays, from the PyPI `holidays` package, as the rules' working-day calendar.

The app and the server both build their calendar here, so both compute the same due dates.
It is kept out of `shared.rules`' own exports so that importing the rules does not load the
`holidays` tables.
"""

from datetime import date
from functools import lru_cache

import holidays

from shared.rules.calendar import WorkingDayCalendar, calendar_from_bank_holidays

# Due dates start from records a few years old at most; a wide window costs microseconds.
YEARS_BACK = 10
YEARS_AHEAD = 2


@lru_cache(maxsize=16)
def england_bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """Return England's bank holidays (substitute days included) from first to last year.

    Raises:
        ValueError: last_year is before first_year.
    """
    if last_year < first_year:
        raise ValueError("last_year: must not be before first_year")
    table = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return frozenset(table.keys())


def england_calendar(today: date) -> WorkingDayCalendar:
    """Return the working-day calendar of England for the years around today."""
    return calendar_from_bank_holidays(
        england_bank_holidays(today.year - YEARS_BACK, today.year + YEARS_AHEAD)
    )
