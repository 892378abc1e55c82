"""Push and pull: the sync use cases, speaking shared.protocol as JSON bytes.

Both directions are hot paths. Push validates the raw body in one call and stores a batch in
one transaction; pull splices the stored version JSON into the page without re-parsing it.
"""

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from json.encoder import encode_basestring_ascii

from shared.clock import iso, utc_now
from shared.models import Practitioner
from shared.protocol import MAX_PULL_LIMIT, PushItemResult, RecordVersion
from shared.rules.event_time import DEFAULT_CLOCK_TOLERANCE, EventClock
from shared.rules.handover import DEFAULT_HANDOVER_GRACE, Handover
from sync_server.errors import ValidationFailed
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.partner_view import reads_reduced, reduced_version_json
from sync_server.services.access.scope import (
    READ_RULES_GENERATION,
    caller_scope,
    push_scope,
    viewer,
    withdrawn_records,
)
from sync_server.services.handover.handover import arrivals, handovers_for, outside_cases
from sync_server.services.sync.bodies import decode_push
from sync_server.services.sync.closed_cases import refuse_closed
from sync_server.services.sync.ingest import ingest
from sync_server.services.sync.outcomes import Outcome, push_response_json, to_result
from sync_server.services.sync.push_rules import Pusher

DEFAULT_PULL_LIMIT = 500
# json.dumps of a str, without its per-call set-up: three per pulled row add up.
_quote = encode_basestring_ascii
_NO_END = 2**63 - 1  # the largest server_seq SQLite can hold
_LATE = ',"recorded_before_transfer":true'


class SyncService:
    """Take pushed record versions in, hand allocated versions out after a cursor."""

    def __init__(
        self,
        repository: Repository,
        audit: AuditTrail,
        clock: Callable[[], datetime] = utc_now,
        clock_tolerance: timedelta = DEFAULT_CLOCK_TOLERANCE,
        handover_grace: timedelta = DEFAULT_HANDOVER_GRACE,
    ) -> None:
        self._repository = repository
        self._audit = audit
        self._clock = clock
        # V1: how far past the receipt an event time may be (devices' clocks drift).
        self._tolerance = clock_tolerance
        # Issue 13: how long after a transfer the previous team's earlier records still arrive.
        self._grace = handover_grace

    def push_json(self, session: Session, body: bytes) -> bytes:
        """Take a PushRequest body; return the PushResponse JSON, one result per item.

        Raises:
            InvalidJson: the body is not JSON.
            ValidationFailed: the envelope is wrong (items are answered one by one instead).
        """
        outcomes = self._ingest(session.practitioner, session.device_id, decode_push(body))
        return push_response_json(outcomes)

    def push(
        self,
        practitioner: Practitioner,
        device_id: str | None,
        items: Sequence[RecordVersion],
    ) -> list[PushItemResult]:
        """Apply the ingest rules to versions (already validated) in one transaction."""
        return [to_result(o) for o in self._ingest(practitioner, device_id, items)]

    def _ingest(
        self,
        practitioner: Practitioner,
        device_id: str | None,
        items: Sequence[RecordVersion | Outcome],
        forwarded_by: Practitioner | None = None,
    ) -> list[Outcome]:
        practitioner_id = practitioner.id
        with self._repository.ingest() as batch:
            cases, team = push_scope(self._repository, practitioner)
            # A case sent to another authority takes no more versions (closed_cases.py).
            items = refuse_closed(self._repository, batch, practitioner_id, items)
            now = self._clock()
            # Only a push naming a case not allocated to the pusher costs the handover lookup.
            outside = outside_cases(items, cases | team)
            handovers = handovers_for(self._repository, practitioner, outside) if outside else {}
            pusher = Pusher(
                practitioner, device_id, cases, team, handovers, now, self._grace,
                forwarded=forwarded_by is not None,
            )  # fmt: skip
            results = ingest(batch, pusher, items, iso(now), EventClock(now, self._tolerance))
            self._audit.record(
                AuditAction.SYNC_PUSH, practitioner_id, device_id, subject_type="batch", batch=batch
            )
            if handovers:
                self._mark_arrivals(
                    items, results, handovers,
                    author_id=practitioner_id, now=now, forwarded_by=forwarded_by,
                )  # fmt: skip
        return results

    def _mark_arrivals(
        self,
        items: Sequence[RecordVersion | Outcome],
        results: Sequence[Outcome],
        handovers: dict[str, Handover],
        *,
        author_id: str,
        now: datetime,
        forwarded_by: Practitioner | None,
    ) -> None:
        """Mark, audited, the versions stored from the previous team after a transfer."""
        by = forwarded_by.id if forwarded_by else None
        marks = arrivals(items, results, handovers, author_id, arrived_at=iso(now), forwarded_by=by)
        self._repository.add_handover_arrivals(marks)
        for mark in marks:
            self._audit.record(
                AuditAction.HANDOVER_FORWARDED if by else AuditAction.HANDOVER_ARRIVAL,
                by or author_id, None, subject_type="version", subject_id=mark.version_id,
            )  # fmt: skip

    def store_for_holder(
        self,
        practitioner: Practitioner,
        device_id: str | None,
        case_id: str,
        items: Sequence[RecordVersion],
    ) -> list[Outcome]:
        """Store versions a service makes for a caller it has checked holds the case (a
        supervisor holds their team's cases), under every other ingest rule, audited."""
        with self._repository.ingest() as batch:
            now = self._clock()
            pusher = Pusher(practitioner, device_id, frozenset({case_id}))
            results = ingest(batch, pusher, items, iso(now), EventClock(now, self._tolerance))
            self._audit.record(
                AuditAction.SYNC_PUSH, practitioner.id, device_id, subject_type="batch", batch=batch
            )
        return results

    def forward(
        self,
        supervisor: Practitioner,
        sender: Practitioner,
        device_id: str | None,
        version: RecordVersion,
    ) -> Outcome:
        """Store a version the sender's push was refused after a transfer, forwarded by their
        supervisor (checked by the caller): the grace period is waived, nothing else."""
        return self._ingest(sender, device_id, [version], forwarded_by=supervisor)[0]

    def pull_json(self, session: Session, cursor: int, limit: int) -> bytes:
        """Return the PullResponse JSON: the caller's versions after cursor, oldest first.

        The caller's scope (a supervisor's is their team's caseload) decides the cases;
        records the caller may not read (restricted from them, or, for a partner, not of a
        kind their role reads: services/scope.viewer) are left out as if they did not exist.
        A partner is given child and family versions reduced (services/partner_view), each
        with its own ids and server_seq; everyone else's page splices the stored JSON as is.
        `withdrawn` names the records that became hidden from the caller in the page's range
        after they could read them (scope.withdrawn_records); `read_rules` is the server's
        READ_RULES_GENERATION.

        Raises:
            ValidationFailed: cursor is negative, or limit is outside 1..MAX_PULL_LIMIT.
        """
        if not 0 <= cursor < 2**63:
            raise ValidationFailed.on("cursor", "must be a whole number from 0 to 2^63 - 1")
        if not 1 <= limit <= MAX_PULL_LIMIT:
            raise ValidationFailed.on("limit", f"must be between 1 and {MAX_PULL_LIMIT}")
        me = session.practitioner.id
        scope = caller_scope(self._repository, session.practitioner)
        reader = viewer(session.practitioner)
        rows = self._repository.pull(scope.cases.keys(), cursor, limit + 1, reader)
        has_more = len(rows) > limit
        rows = rows[:limit]
        if reads_reduced(session.practitioner):
            rows = [
                row._replace(payload_json=reduced_version_json(row.payload_json)) for row in rows
            ]
        next_cursor = rows[-1].server_seq if rows else cursor
        # Issue 13: the few versions the previous team sent after a transfer say so.
        late = self._repository.arrival_seqs(scope.cases.keys(), cursor, next_cursor)
        # Each stored JSON object is a RecordVersion; close it with the server's own fields.
        items = ",".join(
            f'{row.payload_json[:-1]},"server_seq":{row.server_seq},'
            f'"author_id":{_quote(row.author_id)},'
            f'"author_agency":{_quote(row.author_agency)},'
            f'"recorded_at":{_quote(row.recorded_at)}'
            f"{_LATE if row.server_seq in late else ''}}}"
            for row in rows
        )
        # The page covers (cursor, next_cursor]; the last page covers everything after the
        # cursor, so the pages of a pull together name every record hidden since it.
        upto = next_cursor if has_more else _NO_END
        withdrawn = withdrawn_records(self._repository, scope, reader, cursor, upto)
        self._audit.record(AuditAction.SYNC_PULL, me, session.device_id)
        return (
            f'{{"protocol_version":1,"items":[{items}],'
            f'"next_cursor":{next_cursor},"has_more":{"true" if has_more else "false"},'
            f'"scope":{_scope_json(scope.cases)},'
            f'"left_scope":{json.dumps(scope.left)},'
            f'"withdrawn":{json.dumps(withdrawn)},'
            f'"read_rules":{READ_RULES_GENERATION}}}'
        ).encode()


def _scope_json(allocations: dict[str, str]) -> str:
    return json.dumps(
        [{"case_id": case, "allocation_id": allocation} for case, allocation in allocations.items()]
    )
