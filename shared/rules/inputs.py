"""The records the rules read, keyed by record id.

Shared payload models carry no id (the sync envelope does), so each is wrapped with its
record id here. CP plans, meetings, decisions, escalations and transfers have no shared model
yet: the minimal types below hold only what the rules need (see the proposed model changes).
"""

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.models import Child, ChronologyEntry, SignificantAdult, Visit
from shared.vocabulary import CPCategory, VisitType


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


class MeetingType(StrEnum):
    """Meeting types of DOMAIN.md 3.7."""

    STRATEGY = "strategy"
    ICPC = "ICPC"
    RCPC = "RCPC"
    CORE_GROUP = "core_group"
    CIN_REVIEW = "CIN_review"
    TAF = "TAF"
    PROFESSIONALS_ONLY = "professionals_only"
    TRANSFER_IN = "transfer_in"
    DISCHARGE = "discharge"


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


class DecisionOption(StrEnum):
    """What a practitioner may decide after a serious entry (3.8)."""

    REQUEST_STRATEGY_DISCUSSION = "request_strategy_discussion"
    REFER_TO_CSC = "refer_to_csc"
    VISIT_WITHIN_24H = "visit_within_24h"
    CONVENE_CORE_GROUP = "convene_core_group"
    ESCALATE = "escalate"
    NO_ACTION = "no_action"


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


class EscalationInput(_Input):
    """One stage of the escalation ladder for a child (3.8, A12)."""

    record_id: str
    child_id: str
    stage: int = Field(ge=1, le=4)
    opened_at: AwareDatetime
    due_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None


class TransferOutInput(_Input):
    """A transfer out started after a move, and when agencies were notified (3.9, A9)."""

    record_id: str
    child_ids: tuple[str, ...] = Field(min_length=1)
    started_at: AwareDatetime
    notified_at: AwareDatetime | None = None


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
