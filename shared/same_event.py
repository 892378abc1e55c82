"""Which of a child's chronology entries may record one event: the rule the app and the server
both suggest same-event links by.

A suggestion is a pair of current entries naming the child, by different authors, of the
same event type and on the same event date, not already linked. The date respects
precision: an exact or date-only event is on its calendar date (as its author wrote it); an
approximate one could be on any day within APPROX_DAYS either side. Which entries count as
current, and which are linked, is each side's to say.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from shared.models import ChronologyEntry
from shared.vocabulary import DatePrecision

APPROX_DAYS = 3


@dataclass(frozen=True, slots=True)
class SameEventSuggestion:
    """Two entries that may record one event: their record ids, the event type and date."""

    entry_record_ids: tuple[str, str]
    event_type: str
    event_date: date
    author_agencies: tuple[str, str]


@dataclass(frozen=True, slots=True)
class CurrentEntry:
    """An entry with one current head, its author and their agency: what a suggestion compares."""

    record_id: str
    author_id: str
    author_agency: str
    entry: ChronologyEntry


def _days(entry: ChronologyEntry) -> tuple[date, date]:
    day = entry.event_datetime.date()
    if entry.event_date_precision == DatePrecision.APPROX:
        spread = timedelta(days=APPROX_DAYS)
        return day - spread, day + spread
    return day, day


def _known_date(first: ChronologyEntry, second: ChronologyEntry) -> date:
    # The date of the entry that is not approximate, when there is one.
    if first.event_date_precision == DatePrecision.APPROX:
        return second.event_datetime.date()
    return first.event_datetime.date()


def may_be_one_event(first: CurrentEntry, second: CurrentEntry) -> bool:
    """Return True when two entries are by different authors, of one type, on one date."""
    if first.author_id == second.author_id:
        return False
    if first.entry.event_type != second.entry.event_type:
        return False
    (low_a, high_a), (low_b, high_b) = _days(first.entry), _days(second.entry)
    return low_a <= high_b and low_b <= high_a


def suggest(
    entries: Sequence[CurrentEntry], linked: Mapping[str, Sequence[str]]
) -> list[SameEventSuggestion]:
    """Return the pairs that may record one event and are not linked yet, by date then ids.

    Args:
        entries: The child's current entries.
        linked: Per entry record id, the entries a current link already joins it with.
    """
    ordered = sorted(entries, key=lambda e: e.record_id)
    out = []
    for first, second in combinations(ordered, 2):
        if second.record_id in linked.get(first.record_id, ()):
            continue
        if may_be_one_event(first, second):
            out.append(
                SameEventSuggestion(
                    (first.record_id, second.record_id),
                    first.entry.event_type.value,
                    _known_date(first.entry, second.entry),
                    (first.author_agency, second.author_agency),
                )
            )
    out.sort(key=lambda s: (s.event_date, s.entry_record_ids))
    return out
