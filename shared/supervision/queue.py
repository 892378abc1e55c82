"""A supervisor's review queue (issue 6): what is new since their last review, and what waits
for a countersignature, oldest first, with how long each has waited.

Pure: the team's current heads, the review decisions, the supervisor's last review and `now`
are parameters. A review names the exact version it reviewed: it settles that version only,
so an amended version comes back, and a returned record re-enters the queue when its author
amends it. Nobody's review of their own record counts. A chronology entry made from a visit
is read and decided with that visit, not queued as a second item beside it (while the visit is
among the team's records).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared.models import (
    ChronologyEntry,
    DecisionRecord,
    Escalation,
    Meeting,
    RecordPayload,
    SignificantAdult,
    TransferOut,
    Visit,
)
from shared.models.review import ReviewAction, ReviewDecision
from shared.rules.calendar import local_date
from shared.rules.inputs import (
    AdultRecord,
    CPPlanInput,
    DecisionInput,
    DecisionOption,
    EntryRecord,
    EscalationInput,
    MeetingInput,
    MeetingType,
    TransferOutInput,
    VisitRecord,
)
from shared.vocabulary import Lifecycle, VisitType

ReviewedRecord = (
    VisitRecord
    | EntryRecord
    | AdultRecord
    | DecisionInput
    | MeetingInput
    | TransferOutInput
    | EscalationInput
)


def reviewed_record(
    record_id: str, payload: RecordPayload, entry_recorded_at: datetime | None = None
) -> ReviewedRecord | None:
    """Return a record as the review queue reads it; None for kinds nobody reviews.

    `entry_recorded_at` is when a chronology entry first reached the record, where known.
    """
    record: ReviewedRecord | None = None
    match payload:
        case Visit():
            record = VisitRecord(record_id=record_id, visit=payload)
        case ChronologyEntry():
            record = EntryRecord(record_id=record_id, entry=payload, recorded_at=entry_recorded_at)
        case SignificantAdult():
            record = AdultRecord(record_id=record_id, adult=payload)
        case DecisionRecord():
            record = DecisionInput.from_record(record_id, payload)
        case Meeting():
            record = MeetingInput.from_record(record_id, payload)
        case TransferOut():
            record = TransferOutInput.from_record(record_id, payload)
        case Escalation():
            # The queue lists an escalation once, under the first child it names.
            record = EscalationInput.from_record(record_id, payload, payload.child_ids[0])
    return record


_RECORD_TYPES: dict[type[BaseModel], str] = {
    VisitRecord: "visit",
    EntryRecord: "chronology_entry",
    AdultRecord: "significant_adult",
    DecisionInput: "decision_record",
    MeetingInput: "meeting",
    TransferOutInput: "transfer_out",
    EscalationInput: "escalation",
}


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TeamHead(_Input):
    """A current version of a team record: its content, its author, when it reached the record."""

    version_id: str
    author_id: str
    recorded_at: AwareDatetime
    lifecycle: Lifecycle = Lifecycle.CURRENT
    record: ReviewedRecord

    @property
    def record_id(self) -> str:
        """Return the id of the record this version belongs to."""
        return self.record.record_id

    @property
    def record_type(self) -> str:
        """Return the record type, as the sync protocol names it."""
        return _RECORD_TYPES[type(self.record)]


class QueueReason(StrEnum):
    """Why an item is in the queue: new, amended after a return, or awaiting countersignature."""

    NEW = "new_since_last_review"
    AMENDED_AFTER_RETURN = "amended_after_return"
    STATUTORY_VISIT = "statutory_visit_on_plan"
    NO_ACTION_DECISION = "no_action_decision"
    PROFESSIONALS_ONLY_MEETING = "professionals_only_meeting"
    TRANSFER_OUT = "transfer_out"
    ESCALATION_CLOSURE = "escalation_closure"


COUNTERSIGN_REASONS = frozenset(
    {
        QueueReason.STATUTORY_VISIT,
        QueueReason.NO_ACTION_DECISION,
        QueueReason.PROFESSIONALS_ONLY_MEETING,
        QueueReason.TRANSFER_OUT,
        QueueReason.ESCALATION_CLOSURE,
    }
)


class QueueItem(_Input):
    """One version waiting for the supervisor, why, and how long it has waited."""

    record_id: str
    version_id: str
    record_type: str
    author_id: str
    child_ids: tuple[str, ...]
    recorded_at: AwareDatetime
    waited: timedelta
    reasons: tuple[QueueReason, ...]

    @property
    def needs_countersignature(self) -> bool:
        """Return True when the supervisor must countersign this version."""
        return any(reason in COUNTERSIGN_REASONS for reason in self.reasons)


def _on_plan(visit: VisitRecord, plans: Iterable[CPPlanInput]) -> bool:
    day = local_date(visit.visit.start)
    return any(
        set(plan.child_ids) & set(visit.visit.child_ids)
        and plan.start_date <= day
        and (plan.end_date is None or day <= plan.end_date)
        for plan in plans
    )


def countersign_reason(head: TeamHead, plans: Iterable[CPPlanInput]) -> QueueReason | None:
    """Return why a version needs a supervisor's countersignature, or None if it does not.

    Statutory visits on children with a plan, "no action" decisions after an incident,
    professionals-only meetings, transfers out and escalation closures
    (docs/domain.md, How work flows).
    """
    record = head.record
    if isinstance(record, VisitRecord):
        reason = QueueReason.STATUTORY_VISIT
        applies = record.visit.visit_type == VisitType.STATUTORY_CP and _on_plan(record, plans)
    elif isinstance(record, DecisionInput):
        reason = QueueReason.NO_ACTION_DECISION
        # Counted as signed the same way alert A6 counts it: by someone other than the decider.
        signed = record.countersigned_by not in {None, record.decided_by}
        applies = record.decision == DecisionOption.NO_ACTION and not signed
    elif isinstance(record, MeetingInput):
        reason = QueueReason.PROFESSIONALS_ONLY_MEETING
        applies = record.meeting_type == MeetingType.PROFESSIONALS_ONLY
    elif isinstance(record, TransferOutInput):
        reason, applies = QueueReason.TRANSFER_OUT, True
    elif isinstance(record, EscalationInput):
        reason, applies = QueueReason.ESCALATION_CLOSURE, record.resolved_at is not None
    else:
        return None
    # A withdrawn record, or one entered in error, has nothing left to sign.
    return reason if applies and head.lifecycle == Lifecycle.CURRENT else None


def _decision_key(decision: ReviewDecision) -> tuple[datetime, str, str, str]:
    return (
        decision.decided_at,
        decision.reviewed_version_id,
        decision.action.value,
        decision.reviewer_id,
    )


def decisions_on(head: TeamHead, decisions: Iterable[ReviewDecision]) -> list[ReviewDecision]:
    """Return the reviews that count for this exact version, oldest first.

    A review of another version of the record does not count, nor one by the version's author.
    """
    mine = [
        d
        for d in decisions
        if d.reviewed_record_id == head.record_id
        and d.reviewed_version_id == head.version_id
        and d.reviewer_id != head.author_id
    ]
    return sorted(mine, key=_decision_key)


def countersignature(head: TeamHead, decisions: Iterable[ReviewDecision]) -> ReviewDecision | None:
    """Return the first countersignature of this exact version, or None."""
    signed = [d for d in decisions_on(head, decisions) if d.action == ReviewAction.COUNTERSIGN]
    return signed[0] if signed else None


def countersigned(
    decision: DecisionInput, version_id: str, author_id: str, reviews: Iterable[ReviewDecision]
) -> DecisionInput:
    """Return the decision, countersigned by the first review countersigning this version of it.

    A countersignature written into the decision itself by someone other than the decider
    stands; a review by the decider, or by the version's author, does not count.
    """
    if decision.countersigned_by not in {None, decision.decided_by}:
        return decision
    head = TeamHead(
        version_id=version_id, author_id=author_id, recorded_at=decision.decided_at, record=decision
    )
    signed = countersignature(head, reviews)
    if signed is None or signed.reviewer_id == decision.decided_by:
        return decision
    return decision.model_copy(
        update={"countersigned_by": signed.reviewer_id, "countersigned_at": signed.decided_at}
    )


def _returned_before(head: TeamHead, decisions: list[ReviewDecision]) -> bool:
    """Return True when the record's latest review returned an earlier version to its author."""
    on_record = [
        d
        for d in decisions
        if d.reviewed_record_id == head.record_id and d.reviewer_id != head.author_id
    ]
    if not on_record:
        return False
    latest = max(on_record, key=_decision_key)
    return latest.action == ReviewAction.RETURN and latest.reviewed_version_id != head.version_id


def _child_ids(head: TeamHead, entry_children: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    record = head.record
    if isinstance(record, VisitRecord):
        ids: Iterable[str] = record.visit.child_ids
    elif isinstance(record, EntryRecord):
        ids = record.entry.child_ids
    elif isinstance(record, AdultRecord):
        ids = record.adult.child_ids
    elif isinstance(record, DecisionInput):
        ids = entry_children.get(record.trigger_entry_id, ())
    elif isinstance(record, EscalationInput):
        ids = (record.child_id,)
    else:
        ids = record.child_ids
    return tuple(sorted(set(ids)))


def _part_of_a_visit(head: TeamHead, visits: set[str]) -> bool:
    """True for a chronology entry made from a visit the supervisor reviews as a whole."""
    return isinstance(head.record, EntryRecord) and head.record.entry.visit_id in visits


def _unique(heads: Iterable[TeamHead]) -> list[TeamHead]:
    """Keep one head per version (the same one whatever the order)."""
    chosen: dict[tuple[str, str], TeamHead] = {}
    for head in heads:
        key = (head.record_id, head.version_id)
        held = chosen.get(key)
        if held is None or head.model_dump_json() > held.model_dump_json():
            chosen[key] = head
    return list(chosen.values())


def _aware(name: str, moment: datetime | None) -> None:
    if moment is not None and moment.tzinfo is None:
        raise ValueError(f"{name}: give an aware datetime (UTC), not a naive one")


def _reasons(
    head: TeamHead,
    decisions: list[ReviewDecision],
    plans: tuple[CPPlanInput, ...],
    last_review_at: datetime | None,
) -> tuple[QueueReason, ...]:
    if decisions_on(head, decisions):
        return ()
    reasons: list[QueueReason] = []
    if last_review_at is None or head.recorded_at > last_review_at:
        reasons.append(QueueReason.NEW)
    if _returned_before(head, decisions):
        reasons.append(QueueReason.AMENDED_AFTER_RETURN)
    needed = countersign_reason(head, plans)
    if needed is not None:
        reasons.append(needed)
    return tuple(reasons)


def review_queue(
    heads: Iterable[TeamHead],
    decisions: Iterable[ReviewDecision],
    plans: Iterable[CPPlanInput],
    *,
    supervisor_id: str,
    last_review_at: datetime | None,
    now: datetime,
) -> list[QueueItem]:
    """Return the supervisor's queue, oldest first, whatever order the inputs came in.

    Args:
        heads: the current versions of the team's records.
        decisions: every review decision on the team's records.
        plans: the children's CP plans (a statutory visit on a plan needs a countersignature).
        supervisor_id: the supervisor; their own records are not queued for them.
        last_review_at: when the supervisor last finished a review; None for never.
        now: the current time.

    Raises:
        ValueError: when `now` or `last_review_at` is a naive datetime.
    """
    _aware("now", now)
    _aware("last_review_at", last_review_at)
    team = _unique(heads)
    all_decisions = list(decisions)
    all_plans = tuple(plans)
    entry_children: dict[str, tuple[str, ...]] = {}
    for head in team:
        if isinstance(head.record, EntryRecord):
            known = entry_children.get(head.record_id, ())
            entry_children[head.record_id] = (*known, *head.record.entry.child_ids)
    visits = {head.record_id for head in team if isinstance(head.record, VisitRecord)}
    items: list[QueueItem] = []
    for head in team:
        if head.author_id == supervisor_id or _part_of_a_visit(head, visits):
            continue
        reasons = _reasons(head, all_decisions, all_plans, last_review_at)
        if not reasons:
            continue
        items.append(
            QueueItem(
                record_id=head.record_id,
                version_id=head.version_id,
                record_type=head.record_type,
                author_id=head.author_id,
                child_ids=_child_ids(head, entry_children),
                recorded_at=head.recorded_at,
                waited=max(now - head.recorded_at, timedelta(0)),
                reasons=reasons,
            )
        )
    return sorted(items, key=lambda i: (i.recorded_at, i.record_id, i.version_id))
