"""From the device's stored versions to the inputs of the shared rules, per child.

A record counts by its current (head) versions only; a withdrawn record, or one marked entered
in error, counts for nothing. A record's clock (an incident's decision deadline) runs from when
its first version was made: the device time, or the server's receipt if that is earlier, the
same rule the server applies (shared.rules.event_time.first_made), so both show the same due
dates. The filing into the rules' inputs is shared with the server (shared/rules/collect.py).

Only the device knows how far its own visit write-ups have got (A1): a draft is a visit not yet
finalised, and a finalised visit still in the outbox is not yet submitted.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mobile_app.services.visits.drafts import DraftService
from mobile_app.store import DeviceStore, StoredVersion, SyncState, heads
from shared.models import Child, RecordPayload, Visit
from shared.protocol import PulledVersion
from shared.rules import CaseRecords, VisitProgress
from shared.rules.collect import CaseInputs
from shared.rules.collect import children as shared_children
from shared.rules.event_time import first_made, made_at
from shared.vocabulary import Lifecycle


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """One current version of a record on this device, and when the record was first made."""

    record_id: str
    case_id: str
    version_id: str
    payload: RecordPayload
    first_recorded_at: datetime
    # When this version reached the server (None while it waits in the outbox or was refused).
    submitted_at: datetime | None = None


def _made_at(stored: StoredVersion) -> datetime:
    version = stored.version
    received = version.recorded_at if isinstance(version, PulledVersion) else None
    return made_at(version.device_time, received)


def _submitted_at(stored: StoredVersion) -> datetime | None:
    if stored.state in (SyncState.PENDING, SyncState.REJECTED):
        return None
    version = stored.version
    # a version synced from here carries no receipt time: its own time is the closest known
    return version.recorded_at if isinstance(version, PulledVersion) else version.device_time


def current_records(store: DeviceStore) -> list[DeviceRecord]:
    """Return the current versions of every record here (both sides of a conflict).

    A version that fails its integrity check is left out: it cannot be read, and the sync
    issues screen already reports it.
    """
    stored = [
        s for s in store.records.read_all() if isinstance(s, StoredVersion) and not s.refused_change
    ]
    first = first_made((s.version.record_id, _made_at(s)) for s in stored)
    return [
        DeviceRecord(
            s.version.record_id,
            s.version.case_id,
            s.version.version_id,
            s.version.payload,
            first[s.version.record_id],
            _submitted_at(s),
        )
        for s in heads(stored)
        if s.version.lifecycle == Lifecycle.CURRENT
    ]


def visit_progress(store: DeviceStore, records: Iterable[DeviceRecord]) -> list[VisitProgress]:
    """Return where each visit's write-up stands: drafts (not finalised; a draft has no end
    time, so its start counts) and finalised visits with their submission, if any."""
    out = [
        VisitProgress(
            record_id=draft.draft_id,
            child_ids=(draft.child_id,),
            visit_type=draft.visit_type,
            ended_at=draft.started_at,
        )
        for draft in DraftService(store).all()
    ]
    out += [
        VisitProgress(
            record_id=r.record_id,
            child_ids=r.payload.child_ids,
            visit_type=r.payload.visit_type,
            ended_at=r.payload.end,
            finalised_at=r.first_recorded_at,
            submitted_at=r.submitted_at,
        )
        for r in records
        if isinstance(r.payload, Visit)
    ]
    return out


def children(records: Iterable[DeviceRecord]) -> dict[str, tuple[str, Child]]:
    """Return every child among the records, with its case, one per child id."""
    return shared_children((r.record_id, r.case_id, r.payload) for r in records)


def case_records(
    records: Iterable[DeviceRecord], progress: Iterable[VisitProgress] = ()
) -> dict[str, CaseRecords]:
    """Return the rules' input for every child among the records, keyed by child id."""
    records = list(records)
    per_case: dict[str, CaseInputs] = {}
    for r in records:
        inputs = per_case.setdefault(r.case_id, CaseInputs())
        inputs.add(r.record_id, r.version_id, r.payload, r.first_recorded_at)
    progress = list(progress)
    for inputs in per_case.values():
        inputs.progress = progress  # filtered per child, like every other list
    return {
        child_id: per_case[case_id].for_child(child_id, child)
        for child_id, (case_id, child) in sorted(children(records).items())
    }
