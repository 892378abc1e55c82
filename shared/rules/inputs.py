"""The records the rules read, keyed by record id.

Shared payload models carry no id (the sync envelope does), so each is wrapped with its
record id here. Plans, meetings, decisions, escalations and transfers are read through small
types holding only what the rules need; `from_record` builds each from its shared model.
"""

from datetime import date
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.models import (
    Child,
    ChronologyEntry,
    CPPlan,
    DecisionRecord,
    Escalation,
    Meeting,
    SignificantAdult,
    TransferOut,
    Visit,
)
from shared.rules.calendar import local_date
from shared.vocabulary import CPCategory, DecisionOption, MeetingType, VisitType

__all__ = [
    "CONFERENCES",
    "AdultRecord",
    "CPPlanInput",
    "CaseRecords",
    "DecisionInput",
    "DecisionOption",
    "EntryRecord",
    "EscalationInput",
    "MeetingInput",
    "MeetingType",
    "TransferOutInput",
    "VisitProgress",
    "VisitRecord",
]


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VisitRecord(_Input):
    """A finalised visit and its record id."""

    record_id: str
    visit: Visit


class VisitProgress(_Input):
    """Where a visit's write-up stands (A1): ended, finalised on the device, submitted."""

    record_id: str
    child_ids: tuple[str, ...] = Field(min_length=1)
    visit_type: VisitType
    ended_at: AwareDatetime
    finalised_at: AwareDatetime | None = None
    submitted_at: AwareDatetime | None = None


class EntryRecord(_Input):
    """A chronology entry, its record id, and when it reached the record (if known)."""

    record_id: str
    entry: ChronologyEntry
    recorded_at: AwareDatetime | None = None


class AdultRecord(_Input):
    """A significant adult, its record id, and the date agency checks were done (3.3)."""

    record_id: str
    adult: SignificantAdult
    agency_checks_done_on: date | None = None


class CPPlanInput(_Input):
    """The dates and rules of a child protection plan that the alerts need (3.6)."""

    record_id: str
    child_ids: tuple[str, ...] = Field(min_length=1)
    categories: tuple[CPCategory, ...] = ()
    start_date: date
    end_date: date | None = None
    visit_frequency_days: int | None = Field(default=None, ge=1)
    bedroom_every_n_visits: int | None = Field(default=None, ge=1)

    @classmethod
    def from_record(cls, record_id: str, plan: CPPlan) -> Self:
        """Return the rules' view of a plan: it runs from its conference until it ends."""
        return cls(
            record_id=record_id,
            child_ids=plan.child_ids,
            categories=plan.categories,
            start_date=plan.icpc_date,
            end_date=plan.ended_on,
            visit_frequency_days=plan.visit_frequency_days,
            bedroom_every_n_visits=plan.bedroom_rule.every_n_visits if plan.bedroom_rule else None,
        )


CONFERENCES = frozenset({MeetingType.ICPC, MeetingType.RCPC, MeetingType.TRANSFER_IN})


class MeetingInput(_Input):
    """A meeting held, with the distribution times of its paperwork (3.7, finding 6)."""

    record_id: str
    child_ids: tuple[str, ...] = Field(min_length=1)
    meeting_type: MeetingType
    held_on: date
    s47_started: bool = False
    plan_distributed_at: AwareDatetime | None = None
    minutes_distributed_at: AwareDatetime | None = None

    @classmethod
    def from_record(cls, record_id: str, meeting: Meeting) -> Self:
        """Return the rules' view of a meeting, held on its date in England."""
        return cls(
            record_id=record_id,
            child_ids=meeting.child_ids,
            meeting_type=meeting.meeting_type,
            held_on=local_date(meeting.held_at),
            s47_started=meeting.s47_started,
            plan_distributed_at=meeting.plan_distributed_at,
            minutes_distributed_at=meeting.minutes_distributed_at,
        )


class DecisionInput(_Input):
    """A decision recorded on a trigger entry; "no action" counts once countersigned (A6)."""

    record_id: str
    trigger_entry_id: str
    options_considered: tuple[DecisionOption, ...]
    decision: DecisionOption
    rationale: str = Field(min_length=1)
    decided_by: str
    decided_at: AwareDatetime
    countersigned_by: str | None = None
    countersigned_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _decision_among_options(self) -> Self:
        if self.decision not in self.options_considered:
            raise ValueError("decision: pick one of the options considered")
        return self

    @classmethod
    def from_record(cls, record_id: str, decision: DecisionRecord) -> Self:
        """Return the rules' view of a decision record."""
        return cls(
            record_id=record_id,
            trigger_entry_id=decision.trigger_entry_id,
            options_considered=decision.options_considered,
            decision=decision.decision,
            rationale=decision.rationale,
            decided_by=decision.decided_by,
            decided_at=decision.decided_at,
            countersigned_by=decision.countersigned_by,
            countersigned_at=decision.countersigned_at,
        )


class EscalationInput(_Input):
    """One stage of the escalation ladder for a child (3.8, A12)."""

    record_id: str
    child_id: str
    stage: int = Field(ge=1, le=4)
    opened_at: AwareDatetime
    due_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None

    @classmethod
    def from_record(cls, record_id: str, escalation: Escalation, child_id: str) -> Self:
        """Return the rules' view of an escalation stage for one of the children it names.

        Raises:
            ValueError: the escalation does not name child_id.
        """
        if child_id not in escalation.child_ids:
            raise ValueError("child_id: this escalation does not name the child")
        return cls(
            record_id=record_id,
            child_id=child_id,
            stage=escalation.stage,
            opened_at=escalation.raised_at,
            due_at=escalation.due_at,
            resolved_at=escalation.resolved_at,
        )


class TransferOutInput(_Input):
    """A transfer out started after a move, and when agencies were notified (3.9, A9)."""

    record_id: str
    child_ids: tuple[str, ...] = Field(min_length=1)
    started_at: AwareDatetime
    notified_at: AwareDatetime | None = None

    @classmethod
    def from_record(cls, record_id: str, transfer: TransferOut) -> Self:
        """Return the rules' view of a transfer out."""
        return cls(
            record_id=record_id,
            child_ids=transfer.child_ids,
            started_at=transfer.started_at,
            notified_at=transfer.notified_at,
        )


class CaseRecords(_Input):
    """Everything the device or server holds for one child's alerts; order does not matter."""

    child_id: str
    child: Child
    visits: tuple[VisitRecord, ...] = ()
    visit_progress: tuple[VisitProgress, ...] = ()
    entries: tuple[EntryRecord, ...] = ()
    adults: tuple[AdultRecord, ...] = ()
    plans: tuple[CPPlanInput, ...] = ()
    meetings: tuple[MeetingInput, ...] = ()
    decisions: tuple[DecisionInput, ...] = ()
    escalations: tuple[EscalationInput, ...] = ()
    transfers: tuple[TransferOutInput, ...] = ()
