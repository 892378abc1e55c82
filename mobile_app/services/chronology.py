"""A child's or a family's chronology as this device holds it: newest event first, filtered.

Like the server's, it shows every current version of an entry: an entry in conflict shows
each competing version, flagged, and a withdrawn or entered-in-error entry stays, flagged by
its lifecycle. A filter that matches one side of a conflict shows both sides, so the person
resolving it sees everything. Ties on event time always come out in the same order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from mobile_app.errors import MobileError
from mobile_app.services.history import author_label
from mobile_app.services.records import RecordService
from mobile_app.services.same_event import linked_entries
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore, StoredVersion, SyncState
from shared.models import ChronologyEntry
from shared.protocol import PulledVersion
from shared.vocabulary import DatePrecision, Lifecycle, PlanCompliance

_PRECISION_RANK = {DatePrecision.EXACT: 0, DatePrecision.DATE_ONLY: 1, DatePrecision.APPROX: 2}
# Periods offered on the device, by code: their label and how many days back they reach.
PERIODS: dict[str, tuple[str, int]] = {
    "30d": ("Last 30 days", 30),
    "3m": ("Last 3 months", 91),
    "12m": ("Last 12 months", 365),
}


@dataclass(frozen=True)
class TimelineFilter:
    """Which entries to show ("" or None: any). Period ends are inclusive calendar dates."""

    start: date | None = None
    end: date | None = None
    agency: str = ""
    significance: str = ""
    neglect_type: str = ""
    event_type: str = ""

    @classmethod
    def of(
        cls,
        today: date,
        period: str = "",
        *,
        agency: str = "",
        significance: str = "",
        neglect_type: str = "",
        event_type: str = "",
    ) -> "TimelineFilter":
        """Build a filter from a period code (see PERIODS; "" for all time) and choices.

        Raises:
            MobileError: the period code is not one of PERIODS.
        """
        if period and period not in PERIODS:
            raise MobileError("period: choose one of the periods offered.")
        start = today - timedelta(days=PERIODS[period][1]) if period else None
        return cls(start, None, agency, significance, neglect_type, event_type)

    def admits(self, entry: ChronologyEntry) -> bool:
        """Return True when the entry passes every filter given."""
        day = entry.event_datetime.date()  # as the author wrote it, in its own offset
        return (
            (self.start is None or day >= self.start)
            and (self.end is None or day <= self.end)
            and (not self.agency or entry.source_agency == self.agency)
            and (not self.significance or entry.significance == self.significance)
            and (not self.event_type or entry.event_type == self.event_type)
            and (not self.neglect_type or self.neglect_type in entry.neglect_types)
        )


@dataclass(frozen=True)
class TimelineItem:
    """One current version of a chronology entry, ready to show."""

    record_id: str
    event_datetime: datetime
    event_type: str
    agency: str
    significance: str
    summary: str
    action: str
    synced: bool
    # When the entry reached this device's records: the server's receipt time, or the time it
    # was made here. A late entry can describe an old event yet be news to the reader.
    arrived_at: datetime | None = None
    visit_id: str | None = None
    version_id: str = ""
    precision: DatePrecision = DatePrecision.EXACT
    author: str = ""
    lifecycle: Lifecycle = Lifecycle.CURRENT
    amend_reason: str = ""
    version_count: int = 1
    in_conflict: bool = False
    same_event: tuple[str, ...] = field(default=())
    event_code: str = ""
    child_ids: tuple[str, ...] = ()
    # Finding 7: the plan outcomes the entry is evidence for, and how far it shows them met.
    linked_plan_outcome_ids: tuple[str, ...] = ()
    plan_compliance: PlanCompliance | None = None
    # Issue 13: the previous team sent it after the case came here, recorded before the move.
    recorded_before_transfer: bool = False


def _newest_first(item: TimelineItem) -> tuple[object, ...]:
    # Newest instant first; on one instant exact before date-only before approximate, then
    # by ids, as the server orders ties.
    return (
        -item.event_datetime.timestamp(),
        _PRECISION_RANK[item.precision],
        item.record_id,
        item.version_id,
    )


class ChronologyService:
    """Reads chronology entries for a child or a family from the store."""

    def __init__(self, store: DeviceStore, me_id: str | None = None) -> None:
        self._store = store
        self._records = RecordService(store)
        self._me_id = me_id

    def for_child(self, child_id: str, filters: TimelineFilter | None = None) -> list[TimelineItem]:
        """Return the child's entries (every current version), newest event first, filtered."""
        return self._timeline(lambda _, entry: child_id in entry.child_ids, filters)

    def for_case(self, case_id: str, filters: TimelineFilter | None = None) -> list[TimelineItem]:
        """Return the family's entries, each once whichever children it names, newest first."""
        return self._timeline(lambda stored, _: stored.version.case_id == case_id, filters)

    def _timeline(
        self,
        belongs: Callable[[StoredVersion, ChronologyEntry], bool],
        filters: TimelineFilter | None,
    ) -> list[TimelineItem]:
        admits = (filters or TimelineFilter()).admits
        heads: dict[str, list[tuple[StoredVersion, ChronologyEntry]]] = {}
        for stored in self._records.current("chronology_entry"):
            entry = stored.version.payload
            if isinstance(entry, ChronologyEntry) and belongs(stored, entry):
                heads.setdefault(stored.version.record_id, []).append((stored, entry))
        linked = linked_entries(self._store) if heads else {}
        items = [
            self._item(stored, entry, len(lines), linked.get(record_id, []))
            for record_id, lines in heads.items()
            if any(admits(entry) for _, entry in lines)
            for stored, entry in lines
        ]
        return sorted(items, key=_newest_first)

    def _item(
        self, stored: StoredVersion, entry: ChronologyEntry, head_count: int, linked: list[str]
    ) -> TimelineItem:
        version = stored.version
        arrived = version.recorded_at if isinstance(version, PulledVersion) else version.device_time
        return TimelineItem(
            record_id=version.record_id,
            event_datetime=entry.event_datetime,
            event_type=label(entry.event_type),
            agency=str(entry.source_agency),
            significance=str(entry.significance),
            summary=entry.summary,
            action=entry.action_taken or entry.no_action_reason,
            synced=stored.state == SyncState.SYNCED,
            arrived_at=arrived,
            visit_id=entry.visit_id,
            version_id=version.version_id,
            precision=entry.event_date_precision,
            author=author_label(version, self._me_id),
            lifecycle=version.lifecycle,
            amend_reason=version.amend_reason,
            version_count=len(self._store.records.rows(record_id=version.record_id)),
            in_conflict=head_count > 1,
            same_event=tuple(linked),
            event_code=str(entry.event_type),
            child_ids=entry.child_ids,
            linked_plan_outcome_ids=entry.linked_plan_outcome_ids,
            plan_compliance=entry.plan_compliance,
            recorded_before_transfer=isinstance(version, PulledVersion)
            and version.recorded_before_transfer,
        )

    def agencies(self, child_id: str) -> list[str]:
        """Return the agencies with entries for this child, for the filter."""
        return sorted({item.agency for item in self.for_child(child_id)})

    def event_types(self, child_id: str) -> list[str]:
        """Return the event types (codes) of this child's entries, for the filter."""
        return sorted({item.event_code for item in self.for_child(child_id)})
