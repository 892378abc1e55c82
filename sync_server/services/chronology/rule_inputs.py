"""From stored versions to the inputs of the shared rules: each record's current version,
grouped per child as `CaseRecords`.

A record counts by its current (head) versions only; a withdrawn record, or one marked entered
in error, counts for nothing. The clock of a record (an incident's decision deadline) runs from
when its first version was made: the device time, or the server's receipt if that is earlier
(a device clock set ahead cannot buy time; shared.rules.event_time.first_made, as on the
app). The filing into the rules' inputs, and the countersigning of decisions by review, is
shared with the app (shared/rules/collect.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.models import Child, RecordPayload
from shared.protocol import MAX_PULL_LIMIT, RecordVersion
from shared.rules import CaseRecords, MeetingInput
from shared.rules.collect import CaseInputs, children
from shared.rules.event_time import first_made, made_at
from shared.vocabulary import Lifecycle
from sync_server.repository import Repository
from sync_server.repository.interface import Viewer
from sync_server.services.sync.bodies import RECORD_VERSION


@dataclass(frozen=True, slots=True)
class CurrentRecord:
    """One current version of a record, who pushed it and when it reached the server, and when
    the record was first recorded."""

    record_id: str
    case_id: str
    version_id: str
    payload: RecordPayload
    first_recorded_at: datetime
    author_id: str
    recorded_at: datetime


def _received(recorded_at: str) -> datetime:
    return datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))


def current_records(
    repository: Repository, case_ids: Iterable[str], reader: Viewer
) -> list[CurrentRecord]:
    """Return the current versions of every record in these cases (both sides of a conflict)
    that the reader may read; a restricted record they may not read counts as absent."""
    cases = sorted(set(case_ids))
    versions: list[tuple[RecordVersion, str, datetime]] = []
    cursor = 0
    while cases:
        page = repository.pull(cases, cursor, MAX_PULL_LIMIT, reader)
        for stored in page:
            version = RECORD_VERSION.validate_json(stored.payload_json)
            versions.append((version, stored.author_id, _received(stored.recorded_at)))
        if len(page) < MAX_PULL_LIMIT:
            break
        cursor = page[-1].server_seq
    first = first_made((v.record_id, made_at(v.device_time, at)) for v, _, at in versions)
    heads = repository.heads({version.record_id for version, _, _ in versions})
    current = {version_id for ids in heads.values() for version_id in ids}
    return [
        CurrentRecord(
            v.record_id, v.case_id, v.version_id, v.payload, first[v.record_id], author, received
        )
        for v, author, received in versions
        if v.version_id in current and v.lifecycle == Lifecycle.CURRENT
    ]


def _inputs(records: Iterable[CurrentRecord]) -> CaseInputs:
    inputs = CaseInputs()
    for r in records:
        inputs.add(r.record_id, r.version_id, r.payload, r.first_recorded_at, r.author_id)
    return inputs


def case_records(records: Iterable[CurrentRecord]) -> list[CaseRecords]:
    """Return the rules' input for every child among the records, in child-id order."""
    records = list(records)
    inputs = _inputs(records)
    found = children((r.record_id, r.case_id, r.payload) for r in records)
    return [inputs.for_child(child_id, child) for child_id, (_, child) in sorted(found.items())]


def meeting_inputs(records: Iterable[CurrentRecord]) -> list[MeetingInput]:
    """Return the meetings among the records, each once."""
    return _inputs(records).meetings


def child_cases(records: Iterable[CurrentRecord]) -> dict[str, str]:
    """Return the case of every child record among the records."""
    return {r.record_id: r.case_id for r in records if isinstance(r.payload, Child)}
