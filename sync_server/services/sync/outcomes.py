"""What happened to each pushed item, and its PushResponse JSON.

The JSON is written directly rather than through PushItemResult models: on a 1,000-item push
building and dumping the models costs about a tenth of the request
(docs/architecture.md, Performance). tests/sync_server/test_server_outcomes.py holds it equal to the
models' own dump.
"""

import json
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from shared.protocol import ItemStatus, PushItemResult


class Outcome(NamedTuple):
    """The answer for one item; `version_id` is a validated id, or "" when none was given."""

    version_id: str
    status: ItemStatus
    server_seq: int | None = None
    field: str | None = None
    message: str | None = None
    conflicting_version_ids: Sequence[str] = ()


def rejected(version_id: str, field: str, message: str) -> Outcome:
    """Return a rejection naming the field at fault."""
    return Outcome(version_id, ItemStatus.REJECTED, None, field, message)


def to_result(outcome: Outcome) -> PushItemResult:
    """Return the protocol model for one outcome."""
    return PushItemResult(
        version_id=outcome.version_id,
        status=outcome.status,
        server_seq=outcome.server_seq,
        field=outcome.field,
        message=outcome.message,
        conflicting_version_ids=list(outcome.conflicting_version_ids),
    )


def _text(value: str | None) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def push_response_json(outcomes: Iterable[Outcome]) -> bytes:
    """Return the PushResponse JSON for outcomes, as pydantic would write it."""
    parts = []
    for o in outcomes:
        seq = "null" if o.server_seq is None else str(o.server_seq)
        if o.field is None and o.message is None and not o.conflicting_version_ids:
            # ids are pattern-checked hex-and-dash strings: nothing to escape
            parts.append(
                f'{{"version_id":"{o.version_id}","status":"{o.status.value}",'
                f'"server_seq":{seq},"field":null,"message":null,"conflicting_version_ids":[]}}'
            )
            continue
        rivals = ",".join(f'"{v}"' for v in o.conflicting_version_ids)
        parts.append(
            f'{{"version_id":"{o.version_id}","status":"{o.status.value}",'
            f'"server_seq":{seq},"field":{_text(o.field)},"message":{_text(o.message)},'
            f'"conflicting_version_ids":[{rivals}]}}'
        )
    return f'{{"protocol_version":1,"results":[{",".join(parts)}]}}'.encode()
