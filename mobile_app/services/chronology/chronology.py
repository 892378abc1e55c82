"""A child's or a family's chronology as this device holds it: newest event first, filtered.

The filters and the order are the shared chronology query (`shared/chronology.py`), the one
the server runs, read backwards: newest first. Each line is the shared `ChronologyItem`.
Like the server's, it shows every current version of an entry: an entry in conflict shows
each competing version, flagged, and a withdrawn or entered-in-error entry stays, flagged by
its lifecycle. A filter that matches one side of a conflict shows both sides, so the person
resolving it sees everything.
"""

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from mobile_app.errors import MobileError
from mobile_app.services.chronology.history import author_label
from mobile_app.services.chronology.same_event import linked_entries
from mobile_app.services.records import RecordService
from mobile_app.store import DeviceStore, StoredVersion, SyncState
from shared.chronology import (
    ChronologyLine,
    ChronologyQuery,
    FilterRefused,
    entry_line_fields,
    run_query,
)
from shared.models import ChronologyEntry, Practitioner
from shared.protocol import ChronologyItem, PulledVersion

UNKNOWN = "unknown"  # as the server names an author it does not know
# Periods offered on the device, by code: their label and how many days back they reach.
PERIODS: dict[str, tuple[str, int]] = {
    "30d": ("Last 30 days", 30),
    "3m": ("Last 3 months", 91),
    "12m": ("Last 12 months", 365),
}


def screen_query(
    today: date,
    period: str = "",
    *,
    agency: str = "",
    significance: str = "",
    neglect_type: str = "",
    event_type: str = "",
) -> ChronologyQuery:
    """Build the query from a period code (see PERIODS; "" for all time) and one choice of each.

    Raises:
        MobileError: the period code is not one of PERIODS, or a choice is not one offered.
    """
    if period and period not in PERIODS:
        raise MobileError("Choose one of the periods offered.")
    start = today - timedelta(days=PERIODS[period][1]) if period else None
    try:
        return ChronologyQuery.parse(
            start=start.isoformat() if start else None,
            agencies=[agency] if agency else None,
            significances=[significance] if significance else None,
            neglect_types=[neglect_type] if neglect_type else None,
            event_types=[event_type] if event_type else None,
        )
    except FilterRefused:
        raise MobileError("Choose one of the filters offered.") from None


def _author(
    stored: StoredVersion, entry: ChronologyEntry, me: Practitioner | None
) -> tuple[str, str, str]:
    """The author's id, role and agency, as far as this device knows them."""
    version = stored.version
    if isinstance(version, PulledVersion):
        role = entry.author_role.value if entry.author_id == version.author_id else UNKNOWN
        return version.author_id, role, version.author_agency.value
    if me is not None:  # a version not from the server was made here, by this device's user
        return me.id, me.role.value, me.agency.value
    return entry.author_id, entry.author_role.value, UNKNOWN


class ChronologyService:
    """Reads chronology entries for a child or a family from the store."""

    def __init__(self, store: DeviceStore, me: Practitioner | None = None) -> None:
        self._store = store
        self._records = RecordService(store)
        self._me = me

    def for_child(
        self, child_id: str, query: ChronologyQuery | None = None
    ) -> list[ChronologyItem]:
        """Return the child's entries (every current version), newest event first, filtered."""
        return self._timeline(lambda _, entry: child_id in entry.child_ids, query)

    def for_case(self, case_id: str, query: ChronologyQuery | None = None) -> list[ChronologyItem]:
        """Return the family's entries, each once whichever children it names, newest first."""
        return self._timeline(lambda stored, _: stored.version.case_id == case_id, query)

    def _timeline(
        self,
        belongs: Callable[[StoredVersion, ChronologyEntry], bool],
        query: ChronologyQuery | None,
    ) -> list[ChronologyItem]:
        lines: list[ChronologyLine[StoredVersion]] = []
        for stored in self._records.current("chronology_entry"):
            version, entry = stored.version, stored.version.payload
            if isinstance(entry, ChronologyEntry) and belongs(stored, entry):
                lines.append(ChronologyLine(version.record_id, version.version_id, entry, stored))
        shown = run_query(query or ChronologyQuery(), lines, newest_first=True)
        heads = Counter(line.record_id for line in lines)  # two or more: in conflict
        linked = linked_entries(self._store) if shown else {}
        # Every version of every entry, counted in one listing rather than one query a line.
        rows = self._store.records.rows(record_type="chronology_entry") if shown else []
        counts = Counter(row.record_id for row in rows)
        return [
            self._item(line, heads[line.record_id], counts[line.record_id], linked)
            for line in shown
        ]

    def _item(
        self,
        line: ChronologyLine[StoredVersion],
        head_count: int,
        version_count: int,
        linked: dict[str, list[str]],
    ) -> ChronologyItem:
        stored, entry = line.held, line.entry
        version = stored.version
        # When it reached this device's records: the server's receipt time, or when it was
        # made here. A late entry can describe an old event yet be news to the reader.
        arrived = version.recorded_at if isinstance(version, PulledVersion) else version.device_time
        author_id, author_role, author_agency = _author(stored, entry, self._me)
        return ChronologyItem(
            version_id=version.version_id,
            record_id=version.record_id,
            case_id=version.case_id,
            **entry_line_fields(entry),
            lifecycle=version.lifecycle,
            amend_reason=version.amend_reason,
            author_id=author_id,
            author_name=author_label(version, self._me.id if self._me else None),
            author_role=author_role,
            author_agency=author_agency,
            recorded_at=arrived,
            version_count=version_count,
            in_conflict=head_count > 1,
            same_event=linked.get(version.record_id, []),
            recorded_before_transfer=isinstance(version, PulledVersion)
            and version.recorded_before_transfer,
            synced=stored.state == SyncState.SYNCED,
        )

    def agencies(self, child_id: str) -> list[str]:
        """Return the agencies with entries for this child, for the filter."""
        return sorted({item.source_agency for item in self.for_child(child_id)})

    def event_types(self, child_id: str) -> list[str]:
        """Return the event types (codes) of this child's entries, for the filter."""
        return sorted({item.event_type for item in self.for_child(child_id)})
