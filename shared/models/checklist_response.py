"""Answers to the neglect observation checklist (docs/domain.md, Checklist)."""

from typing import Literal, Self

from pydantic import Field, model_validator

from shared.checklist import AgeBand, load_checklist
from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, RecordTime
from shared.vocabulary import ChecklistRating

CONCERN_RATINGS = frozenset({ChecklistRating.SOME_CONCERN, ChecklistRating.SIGNIFICANT_CONCERN})


class ChecklistAnswer(DoorstepModel):
    """One item rated; any concern carries the evidence for it."""

    key: str = Field(pattern=r"^[A-Z]{2,5}\.[A-Z0-9_]{2,40}$")
    rating: ChecklistRating
    evidence: LongText = ""

    @model_validator(mode="after")
    def _concern_needs_evidence(self) -> Self:
        if self.rating in CONCERN_RATINGS and not self.evidence:
            raise ValueError("evidence: this item is rated a concern, say what was seen")
        return self


class ChecklistResponse(DoorstepModel):
    """The checklist as completed for one child on one visit."""

    record_type: Literal["checklist_response"] = "checklist_response"
    schema_version: Literal[1] = 1
    child_id: RecordId
    visit_id: RecordId | None = None
    assessed_at: RecordTime
    assessor_id: RecordId
    checklist_id: str = "doorstep-neglect"
    checklist_version: int = 1
    age_band: AgeBand
    answers: tuple[ChecklistAnswer, ...]

    @model_validator(mode="after")
    def _answers_match_checklist(self) -> Self:
        try:
            definition = load_checklist(self.checklist_id, self.checklist_version)
        except (FileNotFoundError, ValueError) as exc:
            raise ValueError(
                f"checklist_version: no checklist {self.checklist_id} v{self.checklist_version}"
            ) from exc
        allowed = {item.key for item in definition.items_for(self.age_band)}
        seen: set[str] = set()
        # Messages give the answer's position, never the submitted key: nothing is echoed back.
        for position, answer in enumerate(self.answers, start=1):
            if answer.key not in allowed:
                raise ValueError(
                    f"answers: answer {position} is not a checklist item for age band "
                    f"{self.age_band}"
                )
            if answer.key in seen:
                raise ValueError(f"answers: answer {position} repeats an item already answered")
            seen.add(answer.key)
        return self
