"""Child protection plans and their outcomes (docs/domain.md, Plans; Child Q finding 1, rule V4)."""

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, RecordDate, filled
from shared.vocabulary import Agency, CPCategory, PlanStatus, Role


class PlanVisitRule(DoorstepModel):
    """A plan's rule for statutory visits: at least every n-th visit, with any detail."""

    every_n_visits: int = Field(ge=1, le=12)
    detail: LongText = ""


class CoreGroupMember(DoorstepModel):
    """A member of the core group: a known person by id, or a role (and agency) still to fill."""

    person_id: RecordId | None = None
    role: Role | None = None
    agency: Agency | None = None

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if self.person_id is None and self.role is None:
            raise ValueError("person_id: give the member's person id, or their role")
        return self


class CPPlan(DoorstepModel):
    """A child protection plan made at the initial conference, until it ends."""

    record_type: Literal["cp_plan"] = "cp_plan"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    categories: tuple[CPCategory, ...] = Field(min_length=1)
    strategy_date: RecordDate | None = None
    icpc_date: RecordDate
    visit_frequency_days: int = Field(ge=1, le=90)
    seen_alone_rule: PlanVisitRule | None = None
    bedroom_rule: PlanVisitRule | None = None
    core_group: tuple[CoreGroupMember, ...] = Field(default=(), max_length=50)
    contingency_plan: LongText = ""
    lead_practitioner_id: RecordId
    status: PlanStatus = PlanStatus.ACTIVE
    ended_on: RecordDate | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.strategy_date is not None and self.strategy_date > self.icpc_date:
            raise ValueError("icpc_date: the conference cannot come before the strategy discussion")
        if self.status == PlanStatus.ENDED and self.ended_on is None:
            raise ValueError("ended_on: give the date the plan ended")
        if self.status == PlanStatus.ACTIVE and self.ended_on is not None:
            raise ValueError("ended_on: an active plan has no end date; set status to ended")
        if self.ended_on is not None and self.ended_on < self.icpc_date:
            raise ValueError("ended_on: the plan cannot end before the conference that made it")
        return self


class PlanOutcome(DoorstepModel):
    """One outcome of a plan: the danger, the goal, and what happens to the child if missed (V4)."""

    record_type: Literal["plan_outcome"] = "plan_outcome"
    schema_version: Literal[1] = 1
    plan_id: RecordId
    danger_statement: Annotated[
        LongText, filled("say who is worried, about what, and what happens if nothing changes")
    ]
    safety_goal: Annotated[LongText, filled("say what the child's safety will look like")]
    consequence_if_not_achieved: Annotated[
        LongText, filled("say what happens to the child if this is not achieved")
    ]
    measure: Annotated[LongText, filled("say how everyone will know the goal is met")]
    owner: Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=200),
        filled("say who owns this outcome"),
    ]
    due: RecordDate
    progress_rating: int | None = Field(default=None, ge=0, le=10)
