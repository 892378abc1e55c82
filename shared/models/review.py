"""A supervisor's review of a record, and supervision notes (issue 6, docs/domain.md, Reviews).

A supervisor never edits an author's record: a review decision is a record of its own that
names the exact version it reviewed, so a review of an older version says nothing about a
newer amended one. Supervision notes hold discussion and agreed actions, kept apart from the
chronology's facts [C2][C5].
"""

from datetime import date
from enum import StrEnum
from typing import Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, NonEmptyLongText, RecordTime, ShortText


class ReviewAction(StrEnum):
    """What a supervisor does with a record they review."""

    COUNTERSIGN = "countersign"
    RETURN = "return"
    ESCALATE = "escalate"


class ReviewDecision(DoorstepModel):
    """A supervisor's countersignature, return to the author, or escalation of one version."""

    record_type: Literal["review_decision"] = "review_decision"
    schema_version: Literal[1] = 1
    reviewed_record_id: RecordId
    reviewed_version_id: RecordId
    action: ReviewAction
    comment: LongText = ""
    # The stage of the escalation ladder (docs/domain.md, Decisions) the record is escalated to.
    escalation_stage: int | None = Field(default=None, ge=1, le=4)
    reviewer_id: RecordId
    decided_at: RecordTime

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.action != ReviewAction.COUNTERSIGN and not self.comment:
            raise ValueError(f"comment: say why, when you {self.action.value} a record")
        if self.action == ReviewAction.ESCALATE and self.escalation_stage is None:
            raise ValueError("escalation_stage: give the stage (1-4) you escalate to")
        if self.action != ReviewAction.ESCALATE and self.escalation_stage is not None:
            raise ValueError("escalation_stage: give a stage only when escalating")
        return self


class AgreedAction(DoorstepModel):
    """Something agreed in supervision: what, who owns it, and by when."""

    action: ShortText
    owner: ShortText
    due: date


class SupervisionNote(DoorstepModel):
    """What a supervisor and worker discussed about the children, and the actions agreed."""

    record_type: Literal["supervision_note"] = "supervision_note"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    held_at: RecordTime
    discussion: NonEmptyLongText
    agreed_actions: tuple[AgreedAction, ...] = Field(default=(), max_length=50)
    author_id: RecordId
