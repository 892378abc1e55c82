"""A child's chronology as this device holds it: newest first, filtered by agency and
significance."""

from dataclasses import dataclass
from datetime import datetime

from mobile_app.services.records import RecordService
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore, SyncState
from shared.models import ChronologyEntry
from shared.protocol import PulledVersion


@dataclass(frozen=True)
class TimelineItem:
    """One chronology entry, ready to show."""

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


class ChronologyService:
    """Reads chronology entries for a child from the store."""

    def __init__(self, store: DeviceStore) -> None:
        self._records = RecordService(store)

    def for_child(
        self, child_id: str, agency: str | None = None, significance: str | None = None
    ) -> list[TimelineItem]:
        """Return the child's entries, newest event first, optionally filtered."""
        items = []
        for stored in self._records.current("chronology_entry"):
            entry = stored.version.payload
            if not isinstance(entry, ChronologyEntry) or child_id not in entry.child_ids:
                continue
            if agency and entry.source_agency != agency:
                continue
            if significance and entry.significance != significance:
                continue
            version = stored.version
            arrived = (
                version.recorded_at if isinstance(version, PulledVersion) else version.device_time
            )
            items.append(
                TimelineItem(
                    record_id=stored.version.record_id,
                    event_datetime=entry.event_datetime,
                    event_type=label(entry.event_type),
                    agency=str(entry.source_agency),
                    significance=str(entry.significance),
                    summary=entry.summary,
                    action=entry.action_taken or entry.no_action_reason,
                    synced=stored.state == SyncState.SYNCED,
                    arrived_at=arrived,
                    visit_id=entry.visit_id,
                )
            )
        return sorted(items, key=lambda i: i.event_datetime, reverse=True)

    def agencies(self, child_id: str) -> list[str]:
        """Return the agencies with entries for this child, for the filter."""
        return sorted({item.agency for item in self.for_child(child_id)})
