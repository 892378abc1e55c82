"""Working days for due dates: Monday to Friday, England's bank holidays skipped.

A thin front on the shared rules' calendar, built from the `holidays` package (see
bank_holidays), so a due date here matches the server's and the alerts'.
"""

from datetime import date

from shared.rules.bank_holidays import england_calendar


def is_working_day(day: date) -> bool:
    """True for a weekday that is not a bank holiday in England."""
    return england_calendar(day).is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """Return the day `days` working days after `start`, weekends and bank holidays skipped.

    Raises:
        ValueError: days is negative.
    """
    return england_calendar(start).add_working_days(start, days)
