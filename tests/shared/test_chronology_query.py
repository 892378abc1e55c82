"""The shared chronology query on its own: filters as text are checked and named when wrong,
travel as query parameters without change, and the newest-first order is the oldest-first
order read backwards."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from shared.chronology import Bound, ChronologyLine, ChronologyQuery, FilterRefused, run_query
from shared.models import ChronologyEntry
from shared.vocabulary import (
    Agency,
    DatePrecision,
    EventType,
    InformationSource,
    NeglectType,
    Role,
    Significance,
)

AUTHOR = "01a24962-56ad-7698-959c-c5638f816972"
CHILD = "01a24962-56ad-78eb-9774-a32c0daa92d1"
START = datetime(2025, 3, 1, tzinfo=UTC)

BOUNDS = st.one_of(
    st.none(),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31), timezones=st.sampled_from([UTC])),
)


def _entry(when: datetime, precision: DatePrecision, agency: Agency) -> ChronologyEntry:
    return ChronologyEntry(
        child_ids=(CHILD,),
        event_datetime=when,
        event_date_precision=precision,
        source_agency=agency,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=AUTHOR,
        author_role=Role.SOCIAL_WORKER,
        event_type=EventType.HOME_VISIT,
        summary="Visited at home.",
        action_taken="None needed.",
        significance=Significance.CONTEXTUAL,
    )


def _backwards(start: Bound | None, end: Bound | None) -> bool:
    if start is None or end is None:
        return False
    if isinstance(start, datetime) and isinstance(end, datetime):
        return start > end
    first = start.date() if isinstance(start, datetime) else start
    return first > (end.date() if isinstance(end, datetime) else end)


@given(
    start=BOUNDS,
    end=BOUNDS,
    agencies=st.frozensets(st.sampled_from(list(Agency))),
    significances=st.frozensets(st.sampled_from(list(Significance))),
    neglect_types=st.frozensets(st.sampled_from(list(NeglectType))),
    event_types=st.frozensets(st.sampled_from(list(EventType))),
)
def test_a_query_travels_as_parameters_unchanged(
    start: Bound | None,
    end: Bound | None,
    agencies: frozenset[Agency],
    significances: frozenset[Significance],
    neglect_types: frozenset[NeglectType],
    event_types: frozenset[EventType],
) -> None:
    """The app asks the server for a PDF with the query on its screen: the server reads the
    same query back."""
    query = ChronologyQuery(start, end, agencies, significances, neglect_types, event_types)
    assume(not _backwards(start, end))  # refused as "to must not be before from", below
    pairs = query.parameters()
    values = {name: [v for n, v in pairs if n == name] for name, _ in pairs}
    read = ChronologyQuery.parse(
        [name for name, _ in pairs],
        start=next(iter(values.get("from", [])), None),
        end=next(iter(values.get("to", [])), None),
        agencies=values.get("agency"),
        significances=values.get("significance"),
        neglect_types=values.get("neglect_type"),
        event_types=values.get("event_type"),
    )
    assert read == query


@pytest.mark.parametrize(
    ("given_names", "arguments", "field"),
    [
        (["agencies"], {}, "agencies"),
        (["from", "from"], {"start": "2025-03-01"}, "from"),
        (["from"], {"start": "1 March"}, "from"),
        (["to"], {"end": "2025-03-01T09:00:00"}, "to"),
        (["from", "to"], {"start": "2025-03-02", "end": "2025-03-01"}, "to"),
        (["agency"], {"agencies": ["NHS England"]}, "agency"),
        (["neglect_type"], {"neglect_types": ["hunger"]}, "neglect_type"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(
    given_names: list[str], arguments: dict[str, object], field: str
) -> None:
    """A misspelt or wrong filter must not quietly show everything."""
    with pytest.raises(FilterRefused) as refused:
        ChronologyQuery.parse(given_names, **arguments)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert refused.value.problem


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.sampled_from(list(DatePrecision)),
            st.sampled_from([Agency.CSC, Agency.POLICE]),
            st.sampled_from(["a", "b", "c"]),
        ),
        max_size=8,
    ),
    st.frozensets(st.sampled_from([Agency.CSC, Agency.POLICE])),
)
def test_newest_first_is_the_oldest_first_order_read_backwards(
    drawn: list[tuple[int, DatePrecision, Agency, str]], agencies: frozenset[Agency]
) -> None:
    """Ties included: the app's newest-first list is the server's list reversed."""
    lines = [
        ChronologyLine(record, f"v{n}", _entry(START + timedelta(hours=h), precision, agency), n)
        for n, (h, precision, agency, record) in enumerate(drawn)
    ]
    query = ChronologyQuery(agencies=agencies)
    oldest_first = run_query(query, lines)
    assert run_query(query, lines, newest_first=True) == oldest_first[::-1]
    # An entry with any matching version shows every version of it.
    shown = {line.record_id for line in oldest_first}
    assert shown == {line.record_id for line in lines if query.admits(line.entry)}
    assert len(oldest_first) == sum(line.record_id in shown for line in lines)
