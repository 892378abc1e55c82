"""England's bank holidays from the `holidays` package, as the rules' calendar."""

from datetime import date

import pytest

from shared.rules.bank_holidays import england_bank_holidays, england_calendar


def test_easter_2025_and_a_substitute_boxing_day_are_holidays() -> None:
    days = england_bank_holidays(2025, 2026)
    assert {date(2025, 4, 18), date(2025, 4, 21), date(2026, 12, 25), date(2026, 12, 28)} <= days
    assert date(2025, 3, 17) not in days  # St Patrick's Day is Northern Ireland only


def test_the_calendar_skips_easter_and_christmas_for_working_days() -> None:
    calendar = england_calendar(date(2025, 5, 1))
    assert calendar.add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)
    assert not calendar.is_working_day(date(2025, 12, 25))
    christmas = england_calendar(date(2026, 12, 1))
    assert christmas.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_the_calendar_covers_ten_years_back_and_two_ahead() -> None:
    calendar = england_calendar(date(2026, 6, 1))
    assert date(2016, 12, 26) in calendar.bank_holidays
    assert date(2028, 12, 25) in calendar.bank_holidays
    assert date(2029, 12, 25) not in calendar.bank_holidays


def test_a_backwards_year_range_is_refused() -> None:
    with pytest.raises(ValueError, match="last_year"):
        england_bank_holidays(2026, 2025)
