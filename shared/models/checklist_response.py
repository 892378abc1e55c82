"""Answers to the neglect observation checklist (DOMAIN.md section 4)."""

from typing import Literal, Self

from pydantic import AwareDatetime, model_validator

from shared.checklist import AgeBand, load_checklist
from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText
from shared.vocabulary import ChecklistRating

CONCERN_RATINGS = frozenset({ChecklistRating.SOME_CONCERN, ChecklistRating.SIGNIFICANT_CONCERN})


class ChecklistAnswer(DoorstepModel):
    """One item rated; any concern carries the evidence for it."""

    key: str
    rating: ChecklistRating
    evidence: LongText = ""

    @model_validator(mode="after")
    def _concern_needs_evidence(self) -> Self:
        if self.rating in CONCERN_RATINGS and not self.evidence:
            raise ValueError(f"evidence: {self.key} is rated a concern, say what was seen")
        return self


class ChecklistResponse(DoorstepModel):
    """The checklist as completed for one child on one visit."""

    record_type: Literal["checklist_response"] = "checklist_response"
    schema_version: Literal[1] = 1
    child_id: RecordId
    visit_id: RecordId | None = None
    assessed_at: AwareDatetime
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
        for answer in self.answers:
            if answer.key not in allowed:
                raise ValueError(
                    f"answers: {answer.key} is not an item for age band {self.age_band}"
                )
            if answer.key in seen:
                raise ValueError(f"answers: {answer.key} is answered twice")
            seen.add(answer.key)
        return self
