"""A record's version history: every version ever stored, in server order, heads marked.

Nothing is left out: amendments, withdrawals, entries marked in error, both sides of a
conflict and the resolution that joined them. Every read, and every refusal, is audited.
"""

from shared.ids import is_id
from shared.protocol import HistoryVersion, RecordHistoryResponse
from sync_server.errors import NotFound
from sync_server.repository import Repository
from sync_server.services.audit import AuditAction, AuditTrail
from sync_server.services.auth import Session
from sync_server.services.bodies import RECORD_VERSION
from sync_server.services.chronology import author_labels


class HistoryService:
    """Read one record's history, for callers to whom its case is allocated."""

    def __init__(self, repository: Repository, audit: AuditTrail) -> None:
        self._repository = repository
        self._audit = audit

    def for_record(self, session: Session, record_id: str) -> RecordHistoryResponse:
        """Return every version of the record, oldest first.

        Raises:
            NotFound: no such record, or its case is not allocated to the caller (the two
                look the same, so existence is not revealed).
        """
        me, device = session.practitioner.id, session.device_id
        case_id = self._repository.record_case(record_id) if is_id(record_id) else None
        if case_id is None or case_id not in self._repository.allocated_cases(me):
            subject = record_id if is_id(record_id) else None
            self._audit.record(
                AuditAction.HISTORY_READ_REFUSED,
                me,
                device,
                subject_type="record",
                subject_id=subject,
            )
            raise NotFound()
        rows = self._repository.record_history(record_id)
        authors = self._repository.practitioners({row.author_id for row in rows})
        versions = []
        for row in rows:
            version = RECORD_VERSION.validate_json(row.payload_json)
            author_name, author_role = author_labels(authors.get(row.author_id))
            versions.append(
                HistoryVersion(
                    server_seq=row.server_seq,
                    version_id=row.version_id,
                    replaces_version_id=version.replaces_version_id,
                    also_replaces=list(version.also_replaces),
                    lifecycle=version.lifecycle,
                    amend_reason=version.amend_reason,
                    author_id=row.author_id,
                    author_name=author_name,
                    author_role=author_role,
                    author_agency=row.author_agency,
                    recorded_at=row.recorded_at,
                    device_time=version.device_time,
                    is_head=row.is_head,
                    payload=version.payload,
                )
            )
        self._audit.record(
            AuditAction.HISTORY_READ, me, device, subject_type="record", subject_id=record_id
        )
        return RecordHistoryResponse(
            record_id=record_id,
            case_id=case_id,
            record_type=versions[0].payload.record_type,
            in_conflict=sum(v.is_head for v in versions) > 1,
            versions=versions,
        )
