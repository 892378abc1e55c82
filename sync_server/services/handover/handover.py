"""The previous team's place in a case after a transfer (issue 13).

A transfer made on the server is stored as a transfer_out record with its facts (reason, date,
from team, to team, housing provider told and who was told). From those records and the
pusher's ended allocations the push learns, per case, which transfer ended their hold, so a
version recorded before it can still arrive within the grace period (shared.rules.handover).
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter

from shared.models import Practitioner, TransferOut
from shared.protocol import ItemStatus, RecordVersion
from shared.rules.handover import Handover
from sync_server.repository import Repository
from sync_server.repository.handover import HandoverArrival
from sync_server.services.sync.outcomes import Outcome

_VERSION = TypeAdapter(RecordVersion)
_STORED = frozenset({ItemStatus.ACCEPTED, ItemStatus.CONFLICT})


@dataclass(frozen=True, slots=True)
class StoredTransfer:
    """A transfer made on the server: its record, current version and facts."""

    record_id: str
    author_id: str
    version: RecordVersion
    facts: TransferOut


def stored_transfers(
    repository: Repository, case_ids: Collection[str]
) -> dict[str, list[StoredTransfer]]:
    """Return, per case, its server-made transfers (those naming the receiver), oldest first."""
    latest: dict[str, tuple[str, StoredTransfer]] = {}
    for case_id, record_id, author_id, payload_json in repository.transfer_versions(case_ids):
        version = _VERSION.validate_json(payload_json)
        facts = version.payload
        if isinstance(facts, TransferOut) and facts.to_practitioner_id is not None:
            latest[record_id] = (case_id, StoredTransfer(record_id, author_id, version, facts))
    found: dict[str, list[StoredTransfer]] = {}
    for case_id, transfer in latest.values():
        found.setdefault(case_id, []).append(transfer)
    return found


def latest_transfer(repository: Repository, case_id: str) -> StoredTransfer | None:
    """Return the case's latest server-made transfer, or None if it was never transferred."""
    transfers = stored_transfers(repository, [case_id]).get(case_id, [])
    return max(transfers, key=lambda t: t.facts.started_at, default=None)


def handovers_for(
    repository: Repository, practitioner: Practitioner, case_ids: Collection[str]
) -> dict[str, Handover]:
    """Return, per case among these whose allocation to the practitioner a transfer from
    their team ended, that handover. A case that merely left their caseload has none."""
    ends = repository.allocation_ends(practitioner.id, case_ids)
    if not ends:
        return {}
    found: dict[str, Handover] = {}
    for case_id, transfers in stored_transfers(repository, ends).items():
        ours = [t for t in transfers if t.facts.from_team == practitioner.team]
        if ours:
            last = max(ours, key=lambda t: t.facts.started_at)
            ended_at = datetime.fromisoformat(ends[case_id])
            found[case_id] = Handover(ended_at, last.facts.to_team, last.record_id)
    return found


def outside_cases(items: Iterable[RecordVersion | Outcome], allowed: Collection[str]) -> set[str]:
    """Return the cases pushed items name that the pusher may not push to as allocated."""
    return {
        item.case_id
        for item in items
        if isinstance(item, RecordVersion) and item.case_id not in allowed
    }


def arrivals(
    items: Sequence[RecordVersion | Outcome],
    outcomes: Sequence[Outcome],
    handovers: dict[str, Handover],
    author_id: str,
    *,
    arrived_at: str,
    forwarded_by: str | None = None,
) -> list[HandoverArrival]:
    """Return the marks of the versions stored from the previous team in this push."""
    cases = {item.version_id: item.case_id for item in items if isinstance(item, RecordVersion)}
    marks = []
    for outcome in outcomes:
        case_id = cases.get(outcome.version_id)
        handover = handovers.get(case_id or "")
        if case_id is None or handover is None or outcome.status not in _STORED:
            continue
        marks.append(
            HandoverArrival(
                outcome.version_id, case_id, author_id, handover.ended_at.isoformat(),
                handover.transfer_record_id, handover.receiving_team, arrived_at, forwarded_by,
            )
        )  # fmt: skip
    return marks
