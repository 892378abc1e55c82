"""A supervisor's review queue, and the review decisions on a record (issue 6, server part).

The queue is the shared one (`shared.supervision.queue`) over the current versions of every
record in the supervisor's team caseload: what is new since their last review and what waits
for a countersignature, oldest first. A supervisor's last review is the time of their latest
review decision unless the caller names one. Only supervisors have a queue; every read of
team case content, and every refusal, is audited.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from shared.clock import utc_now
from shared.ids import is_id
from shared.models import CPPlan, Escalation
from shared.models.review import ReviewAction, ReviewDecision
from shared.rules import CPPlanInput
from shared.supervision.queue import (
    QueueItem,
    QueueReason,
    TeamHead,
    review_queue,
    reviewed_record,
)
from shared.vocabulary import Role
from sync_server.errors import Forbidden, NotFound, ValidationFailed
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.scope import caller_scope, readable, viewer
from sync_server.services.chronology.chronology import author_labels
from sync_server.services.chronology.rule_inputs import CurrentRecord, current_records


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class QueueEntry(_View):
    """One version waiting for the supervisor: what it is, whose, why, and how long it waited."""

    record_id: str
    version_id: str
    record_type: str
    child_ids: list[str]
    author_id: str
    author_name: str
    reasons: list[QueueReason]
    needs_countersignature: bool
    waited_seconds: int
    waited: str
    reached_server_at: datetime


class ReviewQueueResponse(_View):
    """GET /review/queue: the supervisor's queue, oldest first."""

    as_of: datetime
    last_review_at: datetime | None
    items: list[QueueEntry]


class ReviewEntry(_View):
    """One review decision on a version of a record."""

    review_record_id: str
    reviewed_version_id: str
    of_current_version: bool
    action: ReviewAction
    comment: str
    escalation_stage: int | None
    reviewer_id: str
    reviewer_name: str
    decided_at: datetime
    reached_server_at: datetime


class RecordReviewsResponse(_View):
    """GET /records/{record_id}/reviews: the reviews of a record's versions, oldest first."""

    record_id: str
    case_id: str
    reviews: list[ReviewEntry]


def human_wait(waited: timedelta) -> str:
    """Return a wait in the largest whole unit that fits: "3 days", "1 hour", "5 minutes"."""
    seconds = int(waited.total_seconds())
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "under a minute"


def team_head(record: CurrentRecord) -> TeamHead | None:
    """Return a current version as the review queue sees it; None for kinds nobody reviews."""
    reviewed = reviewed_record(record.record_id, record.payload, record.first_recorded_at)
    if reviewed is None:
        return None
    return TeamHead(
        version_id=record.version_id,
        author_id=record.author_id,
        recorded_at=record.recorded_at,
        record=reviewed,
    )


def reviews_among(records: Iterable[CurrentRecord]) -> list[ReviewDecision]:
    """Return the review decisions among the records."""
    return [r.payload for r in records if isinstance(r.payload, ReviewDecision)]


def _child_ids(item: QueueItem, record: CurrentRecord) -> list[str]:
    named = record.payload.child_ids if isinstance(record.payload, Escalation) else ()
    return sorted({*item.child_ids, *named})


def _parse_since(since: str | None) -> datetime | None:
    if since is None:
        return None
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationFailed.on(
            "since", "give a time with its UTC offset, e.g. 2025-03-01T09:00Z"
        )
    return moment


class SupervisorGate:
    """Let supervisors through; audit and refuse everyone else."""

    def __init__(self, audit: AuditTrail) -> None:
        self._audit = audit

    def check(self, session: Session, subject_type: str) -> None:
        """Refuse a caller who is not a supervisor.

        Raises:
            Forbidden: the caller is not a supervisor (the refusal is audited).
        """
        if session.practitioner.role == Role.SUPERVISOR:
            return
        self._audit.record(
            AuditAction.SUPERVISION_REFUSED,
            session.practitioner.id,
            session.device_id,
            subject_type=subject_type,
        )
        raise Forbidden()

    def audit_cases(self, session: Session, action: AuditAction, case_ids: Iterable[str]) -> None:
        """Audit one read per team case."""
        for case_id in sorted(case_ids):
            self._audit.record(
                action,
                session.practitioner.id,
                session.device_id,
                subject_type="case",
                subject_id=case_id,
            )


class ReviewService:
    """The supervisor's queue, and the reviews of one record."""

    def __init__(
        self,
        repository: Repository,
        audit: AuditTrail,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._audit = audit
        self._gate = SupervisorGate(audit)
        self.clock = clock  # the server clock; tests pin it

    def queue(self, session: Session, since: str | None = None) -> ReviewQueueResponse:
        """Return the calling supervisor's review queue, oldest first; each case read is audited.

        Args:
            session: the caller.
            since: the supervisor's last review (ISO time with offset); default: the time of
                their latest review decision, or never.

        Raises:
            Forbidden: the caller is not a supervisor.
            ValidationFailed: `since` is not a time with a UTC offset.
        """
        self._gate.check(session, "review_queue")
        me = session.practitioner
        last_review = _parse_since(since)
        cases = caller_scope(self._repository, me).cases
        records = current_records(self._repository, cases, viewer(me))
        reviews = reviews_among(records)
        if since is None:
            mine = [r.decided_at for r in reviews if r.reviewer_id == me.id]
            last_review = max(mine, default=None)
        heads = {(r.record_id, r.version_id): r for r in records}
        plans = [
            CPPlanInput.from_record(r.record_id, r.payload)
            for r in records
            if isinstance(r.payload, CPPlan)
        ]
        now = self.clock()
        items = review_queue(
            [h for h in map(team_head, records) if h is not None],
            reviews,
            plans,
            supervisor_id=me.id,
            last_review_at=last_review,
            now=now,
        )
        authors = self._repository.practitioners({i.author_id for i in items})
        self._gate.audit_cases(session, AuditAction.REVIEW_QUEUE_READ, cases)
        entries = [
            QueueEntry(
                record_id=item.record_id,
                version_id=item.version_id,
                record_type=item.record_type,
                child_ids=_child_ids(item, heads[(item.record_id, item.version_id)]),
                author_id=item.author_id,
                author_name=author_labels(authors.get(item.author_id))[0],
                reasons=list(item.reasons),
                needs_countersignature=item.needs_countersignature,
                waited_seconds=int(item.waited.total_seconds()),
                waited=human_wait(item.waited),
                reached_server_at=item.recorded_at,
            )
            for item in items
        ]
        return ReviewQueueResponse(as_of=now, last_review_at=last_review, items=entries)

    def for_record(self, session: Session, record_id: str) -> RecordReviewsResponse:
        """Return the review decisions on the record's versions, oldest first.

        Open to an author of the record and to a supervisor whose team holds its case.

        Raises:
            NotFound: no such record, or the caller is neither (the two look the same).
        """
        me = session.practitioner
        case_id = self._repository.record_case(record_id) if is_id(record_id) else None
        if case_id is None or not self._may_read_reviews(session, record_id, case_id):
            self._audit.record(
                AuditAction.REVIEWS_READ_REFUSED,
                me.id,
                session.device_id,
                subject_type="record",
                subject_id=record_id if is_id(record_id) else None,
            )
            raise NotFound()
        records = current_records(self._repository, [case_id], viewer(me))
        found = [
            (r, r.payload)
            for r in records
            if isinstance(r.payload, ReviewDecision) and r.payload.reviewed_record_id == record_id
        ]
        heads = set(self._repository.heads({record_id}).get(record_id, ()))
        people = self._repository.practitioners({review.reviewer_id for _, review in found})
        self._audit.record(
            AuditAction.REVIEWS_READ, me.id, session.device_id, subject_type="record",
            subject_id=record_id,
        )  # fmt: skip
        reviews = [
            _review_entry(record, review, heads, author_labels(people.get(review.reviewer_id))[0])
            for record, review in found
        ]
        reviews.sort(key=lambda r: (r.decided_at, r.review_record_id))
        return RecordReviewsResponse(record_id=record_id, case_id=case_id, reviews=reviews)

    def _may_read_reviews(self, session: Session, record_id: str, case_id: str) -> bool:
        me = session.practitioner
        in_scope = caller_scope(self._repository, me).covers(case_id)
        if not in_scope or not readable(self._repository, me, {record_id}):
            return False  # a past author who has lost the case reads nothing of it
        if me.role == Role.SUPERVISOR:
            return True
        return any(row.author_id == me.id for row in self._repository.record_history(record_id))


def _review_entry(
    record: CurrentRecord, review: ReviewDecision, heads: set[str], reviewer_name: str
) -> ReviewEntry:
    return ReviewEntry(
        review_record_id=record.record_id,
        reviewed_version_id=review.reviewed_version_id,
        of_current_version=review.reviewed_version_id in heads,
        action=review.action,
        comment=review.comment,
        escalation_stage=review.escalation_stage,
        reviewer_id=review.reviewer_id,
        reviewer_name=reviewer_name,
        decided_at=review.decided_at,
        reached_server_at=record.recorded_at,
    )
