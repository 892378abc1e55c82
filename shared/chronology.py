"""The chronology query both sides run: what a chronology may be narrowed by, and its order.

A query narrows by period (`from`, `to`), source agency, significance, neglect type and
event type. Several values of one kind match any of them; different kinds must all match;
the empty query shows every entry. An entry in conflict is shown with all its current
versions when any one of them matches, so that neither side of a conflict is hidden from
the person resolving it. Lines are ordered by when the event happened, never by when it was
written (docs/domain.md, Chronology entry), with ties broken by precision and then by ids,
so the app and the server list the same versions in the same order. The server lists them
oldest first; the app shows the very same order read backwards, newest first.

A query travels as the server's query parameters (`parameters`, `parse`): the app asks for a
PDF with the filters on its screen and the server's PDF shows the same entries.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Generic, TypeVar

from shared.models import ChronologyEntry
from shared.vocabulary import Agency, DatePrecision, EventType, NeglectType, Significance

E = TypeVar("E", bound=StrEnum)
H = TypeVar("H")

FILTER_PARAMETERS = frozenset({"from", "to", "agency", "significance", "neglect_type",
                               "event_type"})  # fmt: skip
_MAX_BOUND_LENGTH = 40
_PRECISION_RANK = {DatePrecision.EXACT: 0, DatePrecision.DATE_ONLY: 1, DatePrecision.APPROX: 2}
_ONE_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)

Bound = date | datetime
"""A period end: a calendar date (that whole day) or an instant with its UTC offset."""


class FilterRefused(ValueError):
    """A chronology filter cannot be used: `field` names the parameter, `problem` says why."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def _bound(name: str, value: str | None) -> Bound | None:
    if value is None:
        return None
    text = value.strip()
    problem = "give a date (2025-03-01) or a date-time with its offset (2025-03-01T09:00:00Z)"
    if not text or len(text) > _MAX_BOUND_LENGTH:
        raise FilterRefused(name, problem)
    try:
        if len(text) == len("2025-03-01"):
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FilterRefused(name, problem) from None
    if moment.utcoffset() is None:
        raise FilterRefused(name, "a date-time needs its UTC offset, e.g. Z or +01:00")
    return moment


def _choices(name: str, values: Sequence[str] | None, vocabulary: type[E]) -> frozenset[E]:
    out: set[E] = set()
    for value in values or ():
        try:
            out.add(vocabulary(value))
        except ValueError:
            allowed = ", ".join(member.value for member in vocabulary)
            raise FilterRefused(name, f"must be one of: {allowed}") from None
    return frozenset(out)


def _day(bound: Bound) -> date:
    return bound.date() if isinstance(bound, datetime) else bound


def _check_given(given: Collection[str]) -> None:
    names = list(given)
    unknown = sorted(set(names) - FILTER_PARAMETERS)
    if unknown:
        known = ", ".join(sorted(FILTER_PARAMETERS))
        raise FilterRefused(unknown[0], f"is not a filter; use {known}")
    for name in ("from", "to"):
        if names.count(name) > 1:
            raise FilterRefused(name, "give it once")


@dataclass(frozen=True, slots=True)
class ChronologyQuery:
    """Which entries a chronology shows; the empty query shows every one."""

    start: Bound | None = None
    end: Bound | None = None
    agencies: frozenset[Agency] = frozenset()
    significances: frozenset[Significance] = frozenset()
    neglect_types: frozenset[NeglectType] = frozenset()
    event_types: frozenset[EventType] = frozenset()

    @classmethod
    def parse(
        cls,
        given: Collection[str] = (),
        *,
        start: str | None = None,
        end: str | None = None,
        agencies: Sequence[str] | None = None,
        significances: Sequence[str] | None = None,
        neglect_types: Sequence[str] | None = None,
        event_types: Sequence[str] | None = None,
    ) -> "ChronologyQuery":
        """Check filters given as text (query parameters, or choices on a screen); build the query.

        `given` names every parameter sent, once per value, so that an unknown parameter or
        a second `from` or `to` is refused rather than ignored: a misspelt filter must not
        quietly show everything.

        Raises:
            FilterRefused: an unknown or repeated parameter, or a bad value; it names which.
        """
        _check_given(given)
        low, high = _bound("from", start), _bound("to", end)
        if low is not None and high is not None:
            if isinstance(low, datetime) and isinstance(high, datetime):
                backwards = low > high
            else:
                backwards = _day(low) > _day(high)
            if backwards:
                raise FilterRefused("to", "must not be before from")
        return cls(
            start=low,
            end=high,
            agencies=_choices("agency", agencies, Agency),
            significances=_choices("significance", significances, Significance),
            neglect_types=_choices("neglect_type", neglect_types, NeglectType),
            event_types=_choices("event_type", event_types, EventType),
        )

    def parameters(self) -> list[tuple[str, str]]:
        """Return the query as query parameters: `parse` reads them back to an equal query."""
        pairs = [("from", self.start), ("to", self.end)]
        bounds = [(name, bound.isoformat()) for name, bound in pairs if bound is not None]
        kinds = (
            ("agency", self.agencies),
            ("significance", self.significances),
            ("neglect_type", self.neglect_types),
            ("event_type", self.event_types),
        )
        chosen = [(name, value) for name, values in kinds for value in sorted(values)]
        return bounds + chosen

    def admits(self, entry: ChronologyEntry) -> bool:
        """Return True when the entry passes every filter given."""
        if self.agencies and entry.source_agency not in self.agencies:
            return False
        if self.significances and entry.significance not in self.significances:
            return False
        if self.event_types and entry.event_type not in self.event_types:
            return False
        if self.neglect_types and self.neglect_types.isdisjoint(entry.neglect_types):
            return False
        return self._in_period(entry)

    def _in_period(self, entry: ChronologyEntry) -> bool:
        """Whether the event falls within from..to, both ends inclusive.

        A date bound is compared with the event's calendar date as the device recorded it
        (in its own UTC offset), so an event late on the `to` day is kept. A date-time
        bound is compared with the event's instant; a date_only event spans its whole day
        and is kept when that day overlaps the period, since its time is not known. An
        approximate event is compared by the instant recorded for it.
        """
        moment = entry.event_datetime
        day = moment.date()
        if entry.event_date_precision == DatePrecision.DATE_ONLY:
            first = datetime.combine(day, time(), moment.tzinfo)
            last = first + _ONE_DAY - _TICK
        else:
            first = last = moment
        low, high = self.start, self.end
        if isinstance(low, datetime):
            if last < low:
                return False
        elif low is not None and day < low:
            return False
        if isinstance(high, datetime):
            if first > high:
                return False
        elif high is not None and day > high:
            return False
        return True


@dataclass(frozen=True)
class ChronologyLine(Generic[H]):
    """One current version of an entry, with what the reading side holds it as (`held`)."""

    record_id: str
    version_id: str
    entry: ChronologyEntry
    held: H


def chronology_order(line: ChronologyLine[H]) -> tuple[object, ...]:
    """Return a line's sort key: oldest event first, ties broken so the order never varies.

    Lines are ordered by event time (the instant, whatever offset it was written in); on
    the same instant an exact time comes before a date_only one, which comes before an
    approximate one; then by record id, then version id, so ties (and the heads of one
    entry in conflict) always come out in the same order.
    """
    return (
        line.entry.event_datetime,
        _PRECISION_RANK[line.entry.event_date_precision],
        line.record_id,
        line.version_id,
    )


def run_query(
    query: ChronologyQuery, lines: Iterable[ChronologyLine[H]], *, newest_first: bool = False
) -> list[ChronologyLine[H]]:
    """Return the lines a chronology shows, in its order (`newest_first`: read backwards).

    Every head of an entry is shown when any one of them matches: a filter never hides one
    side of a conflict.
    """
    held = list(lines)
    matching = {line.record_id for line in held if query.admits(line.entry)}
    shown = [line for line in held if line.record_id in matching]
    return sorted(shown, key=chronology_order, reverse=newest_first)


def entry_line_fields(entry: ChronologyEntry) -> dict[str, object]:
    """The part of a chronology line (ChronologyItem) that comes from the entry itself: the
    same on the device and the server, whoever made the version and wherever it is held."""
    return {
        "child_ids": list(entry.child_ids),
        "event_datetime": entry.event_datetime,
        "event_date_precision": entry.event_date_precision,
        "event_type": entry.event_type.value,
        "summary": entry.summary,
        "significance": entry.significance.value,
        "neglect_types": list(entry.neglect_types),
        "source_agency": entry.source_agency.value,
        "information_source": entry.information_source.value,
        "action_taken": entry.action_taken,
        "no_action_reason": entry.no_action_reason,
        "linked_plan_outcome_ids": list(entry.linked_plan_outcome_ids),
        "plan_compliance": entry.plan_compliance,
        "visit_id": entry.visit_id,
    }
