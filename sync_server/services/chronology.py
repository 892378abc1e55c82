"""A child's merged chronology: the current version of every entry, in event order.

The chronology is a view over immutable versions, never an overwritten row. An entry with
two or more current versions (an unresolved conflict) shows them all, flagged.
"""

from pydantic import TypeAdapter

from shared.ids import is_id
from shared.models import ChronologyEntry
from shared.protocol import ChronologyItem, ChronologyResponse, RecordVersion
from sync_server.errors import NotFound, StorageError
from sync_server.repository import ChronologyHead, Repository
from sync_server.services.audit import AuditAction, AuditTrail
from sync_server.services.auth import Session

RECORD_VERSION = TypeAdapter(RecordVersion)
UNKNOWN_AUTHOR = "unknown"


def _entry(head: ChronologyHead) -> ChronologyEntry:
    payload = RECORD_VERSION.validate_json(head.payload_json).payload
    if not isinstance(payload, ChronologyEntry):
        raise StorageError("the chronology index names a version that is not an entry")
    return payload


class ChronologyService:
    """Read a child's chronology, for callers whose cases include the child."""

    def __init__(self, repository: Repository, audit: AuditTrail) -> None:
        self._repository = repository
        self._audit = audit

    def for_child(self, session: Session, child_id: str) -> ChronologyResponse:
        """Return the child's chronology; every read (and refusal) is audited.

        Raises:
            NotFound: no such child, or the child is not in a case allocated to the caller
                (the two look the same, so existence is not revealed).
        """
        me = session.practitioner.id
        cases = self._repository.allocated_cases(me)
        case_id = self._repository.child_case(child_id) if is_id(child_id) else None
        if case_id is None or case_id not in cases:
            subject = child_id if is_id(child_id) else None
            self._audit.record(
                AuditAction.CHRONOLOGY_READ_REFUSED,
                me,
                session.device_id,
                subject_type="child",
                subject_id=subject,
            )
            raise NotFound()
        heads = self._repository.chronology_heads(child_id, cases)
        authors = self._repository.practitioners({head.author_id for head in heads})
        entries = sorted(
            ((head, _entry(head)) for head in heads),
            key=lambda pair: (pair[1].event_datetime, pair[0].record_id, pair[0].version_id),
        )
        items = []
        for head, entry in entries:
            author = authors.get(head.author_id)
            items.append(
                ChronologyItem(
                    version_id=head.version_id,
                    record_id=head.record_id,
                    case_id=head.case_id,
                    event_datetime=entry.event_datetime,
                    event_date_precision=entry.event_date_precision.value,
                    event_type=entry.event_type.value,
                    summary=entry.summary,
                    significance=entry.significance.value,
                    source_agency=entry.source_agency.value,
                    information_source=entry.information_source.value,
                    action_taken=entry.action_taken,
                    no_action_reason=entry.no_action_reason,
                    author_id=head.author_id,
                    author_name=author.display_name if author else UNKNOWN_AUTHOR,
                    author_role=author.role.value if author else UNKNOWN_AUTHOR,
                    recorded_at=head.recorded_at,
                    version_count=head.version_count,
                    in_conflict=head.head_count > 1,
                )
            )
        self._audit.record(
            AuditAction.CHRONOLOGY_READ,
            me,
            session.device_id,
            subject_type="child",
            subject_id=child_id,
        )
        return ChronologyResponse(child_id=child_id, entries=items)
