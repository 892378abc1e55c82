"""Decisions after a serious entry, and escalations of disagreement (docs/domain.md, Decisions).

Child Q finding 2: an incident must lead to a recorded decision with its rationale. Whether a
decision *counts* (the strategy-discussion option on a CP case, a countersigned "no action")
is for the rules (`shared.rules.decisions`), which know the child's status when they run.
"""

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import (
    DoorstepModel,
    LongText,
    NonEmptyLongText,
    RecordTime,
    filled,
)
from shared.vocabulary import DecisionOption


class DecisionRecord(DoorstepModel):
    """The question a serious entry raised, the options weighed, the decision and why."""

    record_type: Literal["decision_record"] = "decision_record"
    schema_version: Literal[1] = 1
    trigger_entry_id: RecordId
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    question: NonEmptyLongText
    options_considered: tuple[DecisionOption, ...] = Field(min_length=1)
    decision: DecisionOption
    rationale: Annotated[LongText, filled("say why this decision was made")]
    decided_by: RecordId
    decided_at: RecordTime
    countersigned_by: RecordId | None = None
    countersigned_at: RecordTime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.decision not in self.options_considered:
            raise ValueError("decision: pick one of the options considered")
        if (self.countersigned_by is None) != (self.countersigned_at is None):
            raise ValueError("countersigned_at: give both who countersigned and when")
        if self.countersigned_by is not None and self.countersigned_by == self.decided_by:
            raise ValueError("countersigned_by: someone other than the decider must countersign")
        if self.countersigned_at is not None and self.countersigned_at < self.decided_at:
            raise ValueError("countersigned_at: a decision is countersigned after it is made")
        return self


class Escalation(DoorstepModel):
    """One stage (1-4) of escalating a professional disagreement about the children."""

    record_type: Literal["escalation"] = "escalation"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    subject: Annotated[LongText, filled("say what is disputed")]
    stage: int = Field(ge=1, le=4)
    raised_by: RecordId
    raised_at: RecordTime
    due_at: RecordTime | None = None
    resolved_at: RecordTime | None = None
    resolution: LongText = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.due_at is not None and self.due_at <= self.raised_at:
            raise ValueError("due_at: the stage must be due after it was raised")
        if self.resolved_at is not None and self.resolved_at < self.raised_at:
            raise ValueError("resolved_at: a stage cannot be resolved before it was raised")
        if self.resolved_at is not None and not self.resolution:
            raise ValueError("resolution: say how the disagreement was resolved")
        if self.resolution and self.resolved_at is None:
            raise ValueError("resolved_at: give the time the disagreement was resolved")
        return self
