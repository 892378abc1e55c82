"""Periodic analysis of a chronology, kept apart from the facts (docs/domain.md, Notes)."""

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, RecordDate, ShortText, filled
from shared.vocabulary import Role


class AnalysisNote(DoorstepModel):
    """What a practitioner makes of a period of the chronology: patterns, not new facts."""

    record_type: Literal["analysis_note"] = "analysis_note"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    period_from: RecordDate
    period_to: RecordDate
    analysis: Annotated[LongText, filled("write what the entries of this period show together")]
    patterns: tuple[ShortText, ...] = Field(default=(), max_length=30)
    entry_ids: tuple[RecordId, ...] = Field(default=(), max_length=500)
    author_id: RecordId
    author_role: Role

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        if self.period_to < self.period_from:
            raise ValueError("period_to: the period cannot end before it starts")
        return self
