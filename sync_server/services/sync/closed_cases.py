"""A case sent to another authority is closed here: pushes into it are refused, named.

Checked before the ingest rules see a push (services/sync/sync.py), so no rule that would accept
a version into a case (a handover grace period included) can store one in a closed case.
A retry of a version stored before the case was sent is left to the ingest rules, which
acknowledge it as a duplicate. Who held the case is told where it went, so they can pass
on what they recorded; anyone else is answered as for any case not allocated to them.
"""

from collections.abc import Sequence
from datetime import datetime

from shared.protocol import RecordVersion
from sync_server.repository import IngestBatch, Repository
from sync_server.services.sync.outcomes import Outcome, rejected
from sync_server.services.sync.push_rules import NOT_ALLOCATED


def closed_message(to_authority: str, exported_at: str) -> str:
    """Return the refusal a previous holder reads for a push into a closed case."""
    moment = datetime.fromisoformat(exported_at)
    day = f"{moment.day} {moment:%B %Y}"
    return (
        f"this family's record moved to {to_authority} on {day} and is closed here: "
        f"give what you recorded to {to_authority}"
    )


def refuse_closed(
    repository: Repository,
    batch: IngestBatch,
    practitioner_id: str,
    items: Sequence[RecordVersion | Outcome],
) -> Sequence[RecordVersion | Outcome]:
    """Return the items with each new version for a closed case turned into a refusal."""
    closed = repository.closed_cases(
        {item.case_id for item in items if isinstance(item, RecordVersion)}
    )
    if not closed:  # the common push: one indexed query, nothing else
        return items
    aimed = [i for i in items if isinstance(i, RecordVersion) and i.case_id in closed]
    stored = batch.known_versions([item.version_id for item in aimed])
    held = set(repository.ended_allocations(practitioner_id))
    answered: list[RecordVersion | Outcome] = []
    for item in items:
        if not isinstance(item, RecordVersion) or item.case_id not in closed:
            answered.append(item)
        elif item.version_id in stored:
            answered.append(item)  # a retry: the ingest rules acknowledge it
        else:
            sent = closed[item.case_id]
            message = (
                closed_message(sent.to_authority, sent.exported_at)
                if item.case_id in held
                else NOT_ALLOCATED
            )
            answered.append(rejected(item.version_id, "case_id", message))
    return answered
