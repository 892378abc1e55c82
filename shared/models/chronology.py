"""Chronology entries: the dated facts every agency contributes
(docs/domain.md, Chronology entry; rule V2)."""

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, RecordTime
from shared.vocabulary import (
    Agency,
    DatePrecision,
    EventType,
    InformationSource,
    NeglectType,
    PlanCompliance,
    Role,
    Significance,
)

Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
ThirdPartyRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
"""A short reference to a third party named in an entry, never their details."""


class ChronologyEntry(DoorstepModel):
    """One significant event in a child's life, as a fact, with the action taken or why none."""

    record_type: Literal["chronology_entry"] = "chronology_entry"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    event_datetime: RecordTime
    event_date_precision: DatePrecision = DatePrecision.EXACT
    source_agency: Agency
    information_source: InformationSource
    author_id: RecordId
    author_role: Role
    event_type: EventType
    summary: Summary
    impact_on_child: LongText = ""
    action_taken: LongText = ""
    no_action_reason: LongText = ""
    outcome: LongText = ""
    significance: Significance
    neglect_types: tuple[NeglectType, ...] = ()
    linked_plan_outcome_ids: tuple[RecordId, ...] = ()
    plan_compliance: PlanCompliance | None = None
    third_party_refs: tuple[ThirdPartyRef, ...] = Field(default=(), max_length=20)
    confidential_source: bool = False
    restricted: bool = False
    # Roles outside the author's agency who may still read a restricted entry
    # (docs/domain.md, Roles).
    restricted_roles: tuple[Role, ...] = ()
    child_seen: bool | None = None
    visit_id: RecordId | None = None
    late_entry_reason: LongText = ""

    @model_validator(mode="after")
    def _action_or_reason(self) -> Self:
        if not self.action_taken and not self.no_action_reason:
            raise ValueError(
                "action_taken: record the action taken, or why none (no_action_reason)"
            )
        return self
