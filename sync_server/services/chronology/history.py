"""A record's version history: every version ever stored, in server order, heads marked,
each with the supervisors' review decisions that name it.

Nothing is left out: amendments, withdrawals, entries marked in error, both sides of a
conflict and the resolution that joined them. The caller's scope decides (a supervisor's is
their team's caseload), and a record they may not read (restricted from them, or, for a
partner, not of a kind their role reads) is answered exactly like an unknown one; a partner
reads a child or family record's versions reduced (services/partner_view). Every read, and
every refusal, is audited.
"""

from shared.ids import is_id
from shared.models import Practitioner
from shared.models.review import ReviewDecision
from shared.protocol import HistoryReview, HistoryVersion, RecordHistoryResponse
from sync_server.errors import NotFound
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.partner_view import reads_reduced, reduced_payload
from sync_server.services.access.scope import caller_scope, readable, viewer
from sync_server.services.chronology.chronology import author_labels
from sync_server.services.chronology.rule_inputs import current_records
from sync_server.services.sync.bodies import RECORD_VERSION


def version_reviews(
    repository: Repository, reader: Practitioner, case_id: str, record_id: str
) -> dict[str, list[HistoryReview]]:
    """Return the review decisions on each version of a record, oldest first.

    Only the reviews the reader could pull themselves: current, and not restricted from them.
    """
    found = [
        (r.record_id, r.payload)
        for r in current_records(repository, [case_id], viewer(reader))
        if isinstance(r.payload, ReviewDecision) and r.payload.reviewed_record_id == record_id
    ]
    people = repository.practitioners({review.reviewer_id for _, review in found})
    by_version: dict[str, list[HistoryReview]] = {}
    for review_id, review in sorted(found, key=lambda f: (f[1].decided_at, f[0])):
        name, role = author_labels(people.get(review.reviewer_id))
        by_version.setdefault(review.reviewed_version_id, []).append(
            HistoryReview(
                review_record_id=review_id,
                action=review.action,
                comment=review.comment,
                escalation_stage=review.escalation_stage,
                reviewer_id=review.reviewer_id,
                reviewer_name=name,
                reviewer_role=role,
                decided_at=review.decided_at,
            )
        )
    return by_version


class HistoryService:
    """Read one record's history, for callers whose scope covers its case."""

    def __init__(self, repository: Repository, audit: AuditTrail) -> None:
        self._repository = repository
        self._audit = audit

    def for_record(self, session: Session, record_id: str) -> RecordHistoryResponse:
        """Return every version of the record, oldest first.

        Raises:
            NotFound: no such record, its case is outside the caller's scope, or it is
                restricted from the caller (all look the same: existence is not revealed).
        """
        me, device = session.practitioner.id, session.device_id
        case_id = self._repository.record_case(record_id) if is_id(record_id) else None
        scope = caller_scope(self._repository, session.practitioner)
        if (
            case_id is None
            or not scope.covers(case_id)
            or not readable(self._repository, session.practitioner, {record_id})
        ):
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
        reviews = version_reviews(self._repository, session.practitioner, case_id, record_id)
        reduce = reads_reduced(session.practitioner)
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
                    payload=reduced_payload(version.payload) if reduce else version.payload,
                    reviews=reviews.get(row.version_id, []),
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
