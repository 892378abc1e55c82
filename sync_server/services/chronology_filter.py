"""What a chronology view shows and in which order: its filters, checked, and its sort key.

Filters come from query parameters. `agency` is the entry's source agency; `neglect_type`
matches an entry evidencing that type among others. A parameter given twice (agency,
significance, neglect_type, event_type) matches any of its values; different parameters must
all match. An entry in conflict is shown with all its current versions when any one of them
matches, so that neither side of a conflict is hidden from the person resolving it.
A bad value is refused naming its parameter, and so is an unknown parameter: a misspelt
filter must not quietly show everything.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from shared.models import ChronologyEntry
from shared.vocabulary import Agency, DatePrecision, EventType, NeglectType, Significance
from sync_server.errors import ValidationFailed

E = TypeVar("E", bound=StrEnum)

FILTER_PARAMETERS = frozenset({"from", "to", "agency", "significance", "neglect_type",
                               "event_type"})  # fmt: skip
_MAX_BOUND_LENGTH = 40
_PRECISION_RANK = {DatePrecision.EXACT: 0, DatePrecision.DATE_ONLY: 1, DatePrecision.APPROX: 2}
_ONE_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)

Bound = date | datetime


def _bound(name: str, value: str | None) -> Bound | None:
    if value is None:
        return None
    text = value.strip()
    problem = "give a date (2025-03-01) or a date-time with its offset (2025-03-01T09:00:00Z)"
    if not text or len(text) > _MAX_BOUND_LENGTH:
        raise ValidationFailed.on(name, problem)
    try:
        if len(text) == len("2025-03-01"):
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.on(name, problem) from None
    if moment.utcoffset() is None:
        raise ValidationFailed.on(name, "a date-time needs its UTC offset, e.g. Z or +01:00")
    return moment


def _choices(name: str, values: Sequence[str] | None, vocabulary: type[E]) -> frozenset[E]:
    out: set[E] = set()
    for value in values or ():
        try:
            out.add(vocabulary(value))
        except ValueError:
            allowed = ", ".join(member.value for member in vocabulary)
            raise ValidationFailed.on(name, f"must be one of: {allowed}") from None
    return frozenset(out)


def _day(bound: Bound) -> date:
    return bound.date() if isinstance(bound, datetime) else bound


@dataclass(frozen=True, slots=True)
class ChronologyFilter:
    """Which entries a chronology view shows; the empty filter shows every one."""

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
    ) -> "ChronologyFilter":
        """Check the query parameters and build the filter.

        `given` names every parameter sent, once per value, so that an unknown parameter or
        a second `from` or `to` is refused rather than ignored.

        Raises:
            ValidationFailed: an unknown or repeated parameter, or a bad value; details name it.
        """
        names = list(given)
        unknown = sorted(set(names) - FILTER_PARAMETERS)
        if unknown:
            known = ", ".join(sorted(FILTER_PARAMETERS))
            raise ValidationFailed.on(unknown[0], f"is not a filter; use {known}")
        for name in ("from", "to"):
            if names.count(name) > 1:
                raise ValidationFailed.on(name, "give it once")
        low, high = _bound("from", start), _bound("to", end)
        if low is not None and high is not None:
            if isinstance(low, datetime) and isinstance(high, datetime):
                backwards = low > high
            else:
                backwards = _day(low) > _day(high)
            if backwards:
                raise ValidationFailed.on("to", "must not be before from")
        return cls(
            start=low,
            end=high,
            agencies=_choices("agency", agencies, Agency),
            significances=_choices("significance", significances, Significance),
            neglect_types=_choices("neglect_type", neglect_types, NeglectType),
            event_types=_choices("event_type", event_types, EventType),
        )

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


def chronology_order(entry: ChronologyEntry, record_id: str, version_id: str) -> tuple[object, ...]:
    """Return the sort key of a chronology line.

    Lines are ordered by event time (the instant, whatever offset it was written in); on
    the same instant an exact time comes before a date_only one, which comes before an
    approximate one; then by record id, then version id, so ties (and the heads of one
    entry in conflict) always come out in the same order.
    """
    return (
        entry.event_datetime,
        _PRECISION_RANK[entry.event_date_precision],
        record_id,
        version_id,
    )
