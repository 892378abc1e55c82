"""A pointer to a Graded Care Profile 2 assessment held in the licensed system
(docs/domain.md, GCP2 reference).

GCP2 is a licensed NSPCC tool: this record keeps only the date, the assessor, the area grades
as bare numbers and a link. No item text, grade label or free-text note, so none can be copied.
"""

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, RecordDate, ShortText

Grade = Annotated[int, Field(strict=True, ge=1, le=5)]
"""A GCP2 area grade as a bare number: never its label."""

DocumentLink = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https://\S+$")
]
"""Where the assessment lives in the licensed system: an https address."""


class GCP2Grades(DoorstepModel):
    """The grade per GCP2 area, each 1-5 or not graded."""

    physical_care: Grade | None = None
    safety: Grade | None = None
    love_and_care: Grade | None = None
    stimulation_and_education: Grade | None = None

    @model_validator(mode="after")
    def _some_grade(self) -> Self:
        if not any(self.model_dump().values()):
            raise ValueError("grades: give the grade of at least one area")
        return self


class ExternalGCP2Reference(DoorstepModel):
    """That a GCP2 assessment was done, by whom, its grades, and where to read it."""

    record_type: Literal["gcp2_reference"] = "gcp2_reference"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    assessed_on: RecordDate
    licensed_assessor: ShortText
    grades: GCP2Grades
    document_link: DocumentLink
