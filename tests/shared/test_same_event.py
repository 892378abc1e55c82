"""The same-event rule the app and the server both suggest links by (shared/same_event.py)."""

from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.ids import new_id
from shared.same_event import APPROX_DAYS, CurrentEntry, may_be_one_event, suggest
from shared.vocabulary import Agency, DatePrecision, EventType
from tests.shared.rules import builders


def current(
    author_id: str,
    day: int = 8,
    event_type: EventType = EventType.HOME_VISIT,
    precision: DatePrecision = DatePrecision.EXACT,
    agency: Agency = Agency.CSC,
) -> CurrentEntry:
    """A current entry about the test child, on a day of October 2026."""
    entry = builders.entry(datetime(2026, 10, day, 10, 0, tzinfo=UTC), event_type).entry
    entry = entry.model_copy(
        update={"event_date_precision": precision, "author_id": author_id, "source_agency": agency}
    )
    return CurrentEntry(new_id(), author_id, agency.value, entry)


def test_two_agencies_on_one_day_make_one_suggestion_in_record_id_order() -> None:
    police = current(new_id(), agency=Agency.POLICE)
    social = current(new_id(), agency=Agency.CSC)
    [suggestion] = suggest([social, police], {})
    first, second = sorted([police, social], key=lambda e: e.record_id)
    assert suggestion.entry_record_ids == (first.record_id, second.record_id)
    assert suggestion.author_agencies == (first.author_agency, second.author_agency)
    assert suggestion.event_type == "home_visit"
    assert suggestion.event_date == date(2026, 10, 8)


def test_a_linked_pair_is_not_suggested() -> None:
    a, b = current(new_id()), current(new_id())
    assert suggest([a, b], {a.record_id: [b.record_id], b.record_id: [a.record_id]}) == []


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ({"event_type": EventType.INJURY}, False),
        ({"day": 9}, False),
        ({"day": 8 + APPROX_DAYS, "precision": DatePrecision.APPROX}, True),
        ({"day": 9 + APPROX_DAYS, "precision": DatePrecision.APPROX}, False),
        ({"precision": DatePrecision.DATE_ONLY}, True),
    ],
    ids=["other_type", "next_day", "approx_at_the_edge", "approx_past_the_edge", "date_only"],
)
def test_may_be_one_event_on_type_and_date(second: dict[str, Any], expected: bool) -> None:
    assert may_be_one_event(current(new_id()), current(new_id(), **second)) is expected


def test_one_author_twice_is_never_one_event() -> None:
    author = new_id()
    assert not may_be_one_event(current(author), current(author))


def test_the_known_date_wins_over_an_approximate_one() -> None:
    approx = current(new_id(), day=10, precision=DatePrecision.APPROX)
    exact = current(new_id(), day=8)
    [suggestion] = suggest([approx, exact], {})
    assert suggestion.event_date == date(2026, 10, 8)


def _possible_days(entry: CurrentEntry) -> set[date]:
    day = entry.entry.event_datetime.date()
    if entry.entry.event_date_precision != DatePrecision.APPROX:
        return {day}
    return {day + timedelta(days=n) for n in range(-APPROX_DAYS, APPROX_DAYS + 1)}


def _by_the_book(
    entries: list[CurrentEntry], linked: dict[str, list[str]]
) -> list[tuple[tuple[str, str], date]]:
    """The rule as docs/domain.md (Same-event links) states it, written out plainly over the
    possible days."""
    found = []
    for first, second in combinations(sorted(entries, key=lambda e: e.record_id), 2):
        if second.record_id in linked.get(first.record_id, []):
            continue
        if first.author_id == second.author_id:
            continue
        if first.entry.event_type != second.entry.event_type:
            continue
        if not _possible_days(first) & _possible_days(second):
            continue
        exact = [e for e in (first, second) if e.entry.event_date_precision != DatePrecision.APPROX]
        # of two approximate dates, the later record's stands
        known = (exact[0] if exact else second).entry.event_datetime.date()
        found.append(((first.record_id, second.record_id), known))
    return sorted(found, key=lambda pair: (pair[1], pair[0]))


_AUTHORS = [new_id() for _ in range(3)]
_entries = st.lists(
    st.tuples(
        st.sampled_from(_AUTHORS),
        st.sampled_from([EventType.HOME_VISIT, EventType.INJURY]),
        st.integers(min_value=1, max_value=12),
        st.sampled_from(list(DatePrecision)),
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(_entries, st.data())
def test_suggestions_match_the_rule_written_out_plainly(
    drawn: list[tuple[str, EventType, int, DatePrecision]], data: st.DataObject
) -> None:
    entries = [
        current(author, day, event_type, precision) for author, event_type, day, precision in drawn
    ]
    record_ids = [e.record_id for e in entries]
    linked: dict[str, list[str]] = {}
    if len(record_ids) >= 2:
        a, b = data.draw(st.sampled_from(record_ids)), data.draw(st.sampled_from(record_ids))
        if a != b:
            linked = {a: [b], b: [a]}
    found = suggest(entries, linked)
    assert [(s.entry_record_ids, s.event_date) for s in found] == _by_the_book(entries, linked)
