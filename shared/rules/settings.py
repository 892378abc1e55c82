"""Every alert threshold of docs/domain.md (Alerts) as a setting, with the spec's default.

Local rules (visit frequency, recording deadlines, escalation steps) differ between
partnerships; a partnership overrides these values in its config, never in code.
"""

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# The error type and wording of a time window out of order: a loader names the key with them.
WINDOW_ERROR = "misordered_window"
WINDOW_RULE = "must be whole numbers of 0 or more, each window's start no later than its end"


class RuleSettings(BaseModel):
    """Thresholds for alerts A1-A12 and the paperwork standard; defaults follow docs/domain.md."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # A1 recording deadlines [T6b]
    finalise_within_hours: int = Field(default=24, ge=1)
    submit_within_working_days: int = Field(default=2, ge=0)
    # A2 statutory visits: a plan's own visit_frequency_days wins over this default [T6]
    default_visit_frequency_days: int = Field(default=14, ge=1)
    # A3 seen alone / bedroom
    not_seen_alone_consecutive: int = Field(default=2, ge=1)
    default_bedroom_every_n_visits: int = Field(default=2, ge=1)
    # A4 unseen by any agency while on a CP plan [T6e]
    unseen_alert_days: int = Field(default=42, ge=1)
    # A5 was not brought / no access [H3]
    wnb_neglect_cp_threshold: int = Field(default=1, ge=1)
    wnb_other_threshold: int = Field(default=2, ge=1)
    wnb_window_days: int = Field(default=90, ge=1)
    # A6 decision after a serious entry on a CP case (Child Q finding 2)
    decision_within_working_days: int = Field(default=1, ge=0)
    # A7 accumulating neglect and falling safety scales [C9][P1]
    significant_neglect_threshold: int = Field(default=3, ge=1)
    significant_neglect_window_days: int = Field(default=90, ge=1)
    scaling_fall_points: int = Field(default=2, ge=1)
    # A9 moves [T8]
    move_notify_within_working_days: int = Field(default=5, ge=0)
    # A10 conference timescales [T1][T2][T3][T7]
    icpc_within_working_days: int = Field(default=15, ge=1)
    core_group_within_working_days: int = Field(default=10, ge=1)
    first_rcpc_within_months: int = Field(default=3, ge=1)
    later_rcpc_within_months: int = Field(default=6, ge=1)
    chairs_letter_within_working_days: int = Field(default=1, ge=0)
    minutes_within_working_days: int = Field(default=15, ge=0)
    countdown_days: int = Field(default=15, ge=0, description="show a due timescale this early")
    distribution_standard: float = Field(default=0.8, ge=0, le=1)
    # A11 Healthy Child Programme windows [H1]: days or months from birth (antenatal: weeks)
    hcp_antenatal_from_weeks_gestation: int = Field(default=28, ge=0, le=42)
    hcp_new_birth_days: tuple[int, int] = (10, 14)
    hcp_6_8_week_days: tuple[int, int] = (42, 56)
    hcp_1_year_months: tuple[int, int] = (9, 12)
    hcp_2_year_months: tuple[int, int] = (24, 30)
    # a missed last review stays on the HV caseload view until health visiting ends at 5
    hcp_overdue_shown_until_months: int = Field(default=60, ge=1)
    # A12 escalation: working days allowed at stages 1-4 when a stage has no due date [T9]
    escalation_stage_working_days: tuple[int, int, int, int] = (2, 5, 2, 2)
    # Finding 4: a father or male carer counts as unseen after this many days
    father_unseen_days: int = Field(default=90, ge=1)

    @model_validator(mode="after")
    def _windows_in_order(self) -> Self:
        """Refuse a time window (a tuple setting) with a negative bound or its start after its
        end, naming the key (never the value): Field bounds cover single numbers only."""
        for name, value in self:
            if not isinstance(value, tuple):
                continue
            if any(bound < 0 for bound in value) or (len(value) == 2 and value[0] > value[1]):
                raise PydanticCustomError(WINDOW_ERROR, "{key}: " + WINDOW_RULE, {"key": name})
        return self
