"""Every threshold is a setting with the spec's default, and settings cannot be mutated."""

import pytest
from pydantic import ValidationError

from shared.rules import RuleSettings


def test_defaults_follow_the_spec() -> None:
    s = RuleSettings()
    assert (s.finalise_within_hours, s.submit_within_working_days) == (24, 2)
    assert s.not_seen_alone_consecutive == 2
    assert s.unseen_alert_days == 42
    assert (s.wnb_neglect_cp_threshold, s.wnb_other_threshold, s.wnb_window_days) == (1, 2, 90)
    assert s.decision_within_working_days == 1
    assert (s.significant_neglect_threshold, s.scaling_fall_points) == (3, 2)
    assert (s.icpc_within_working_days, s.core_group_within_working_days) == (15, 10)
    assert (s.first_rcpc_within_months, s.later_rcpc_within_months) == (3, 6)
    assert (s.chairs_letter_within_working_days, s.minutes_within_working_days) == (1, 15)
    assert s.distribution_standard == 0.8
    assert s.hcp_1_year_months == (9, 12)
    assert s.escalation_stage_working_days[:3] == (2, 5, 2)


def test_settings_are_frozen() -> None:
    s = RuleSettings()
    with pytest.raises(ValidationError):
        s.unseen_alert_days = 10  # type: ignore[misc]


def test_a_partnership_overrides_a_threshold() -> None:
    assert RuleSettings(default_visit_frequency_days=10).default_visit_frequency_days == 10
    with pytest.raises(ValidationError, match="unseen_alert_days"):
        RuleSettings(unseen_alert_days=0)
    with pytest.raises(ValidationError, match="Extra inputs"):
        RuleSettings.model_validate({"no_such_threshold": 1})
