"""Working days in England: weekends and bank holidays skipped, counts and adds agree."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.rules import WorkingDayCalendar, calendar_from_bank_holidays
from shared.rules.calendar import add_months, local_date
from tests.shared.rules.builders import CALENDAR, ENGLAND_BANK_HOLIDAYS, at


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 4, 2), True),  # Thursday before Good Friday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 4), False),  # Saturday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),  # Tuesday after Easter
        (date(2026, 12, 28), False),  # Boxing Day substitute
    ],
    ids=["thu", "good-friday", "saturday", "easter-monday", "tue", "boxing-day-sub"],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CALENDAR.is_working_day(day) is working


def test_one_working_day_after_the_day_before_easter_is_tuesday() -> None:
    assert CALENDAR.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert CALENDAR.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert CALENDAR.working_days_between(date(2026, 4, 7), date(2026, 4, 2)) == -1


def test_zero_days_from_a_holiday_is_the_next_working_day() -> None:
    assert CALENDAR.add_working_days(date(2026, 4, 3), 0) == date(2026, 4, 7)
    assert CALENDAR.add_working_days(date(2026, 4, 2), 0) == date(2026, 4, 2)


def test_fifteen_working_days_over_christmas() -> None:
    # 14 Dec 2026 + 15 WD skips 25 and 28 Dec and 1 Jan: Thursday 7 January 2027.
    assert CALENDAR.add_working_days(date(2026, 12, 14), 15) == date(2027, 1, 7)


def test_without_holidays_only_weekends_are_skipped() -> None:
    plain = calendar_from_bank_holidays([])
    assert plain.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 3)
    assert plain.bank_holidays == frozenset()


def test_counting_backwards_is_refused() -> None:
    with pytest.raises(ValueError, match="days"):
        CALENDAR.add_working_days(date(2026, 4, 2), -1)


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 10, 1)),
    days=st.integers(min_value=1, max_value=60),
)
def test_adding_then_counting_gives_the_days_back(start: date, days: int) -> None:
    result = CALENDAR.add_working_days(start, days)
    assert CALENDAR.is_working_day(result)
    assert CALENDAR.working_days_between(start, result) == days
    assert CALENDAR.working_days_between(start, result - timedelta(days=1)) == days - 1


@given(day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))
def test_a_working_day_is_a_weekday_not_a_holiday(day: date) -> None:
    expected = day.weekday() < 5 and day not in ENGLAND_BANK_HOLIDAYS
    assert WorkingDayCalendar(ENGLAND_BANK_HOLIDAYS).is_working_day(day) is expected
    assert CALENDAR.working_days_between(day - timedelta(days=1), day) == int(expected)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
    ],
    ids=["month-end", "leap-day", "year-wrap"],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_local_date_is_the_date_in_london() -> None:
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    assert local_date(at(2026, 6, 30, 23, 30)) == date(2026, 7, 1)
    assert local_date(at(2026, 12, 30, 23, 30)) == date(2026, 12, 30)


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(UTC)
    )
)
def test_local_date_agrees_with_the_time_zone_database(moment: datetime) -> None:
    assert local_date(moment) == moment.astimezone(ZoneInfo("Europe/London")).date()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 29, 0, 59), date(2026, 3, 29)),
        (at(2026, 3, 28, 23, 30), date(2026, 3, 28)),  # still GMT
        (at(2026, 10, 24, 23, 30), date(2026, 10, 25)),  # BST: already Sunday
        (at(2026, 10, 25, 23, 30), date(2026, 10, 25)),  # GMT again
    ],
    ids=["spring-forward", "eve-of-bst", "last-night-of-bst", "after-bst"],
)
def test_local_date_at_the_clock_changes(moment: datetime, expected: date) -> None:
    assert local_date(moment) == expected


def test_local_date_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 1, 1))
