"""shared.clock.iso: stored times compare as text, so text order must be time order."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from shared.clock import iso

_any = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
moments = st.one_of(_any, _any.map(lambda moment: moment.replace(microsecond=0)))


@given(moments, moments)
def test_text_order_is_time_order(a: datetime, b: datetime) -> None:
    assert (iso(a) < iso(b)) == (a < b)
    assert (iso(a) == iso(b)) == (a == b)


def test_a_whole_second_keeps_its_fraction_and_other_offsets_become_utc() -> None:
    whole = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    later = whole + timedelta(microseconds=500_000)
    assert iso(whole) == "2026-03-01T10:00:00.000000Z"
    assert iso(whole) < iso(later)
    assert iso(whole.astimezone(timezone(timedelta(hours=1)))) == iso(whole)
