"""A time window in the rule settings is refused when out of order, naming the key only."""

import pytest
from pydantic import ValidationError

from shared.rules import RuleSettings
from shared.rules.settings import WINDOW_ERROR


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("hcp_new_birth_days", (14, 10)),
        ("hcp_1_year_months", (-1, 12)),
        ("escalation_stage_working_days", (2, -5, 2, 2)),
    ],
    ids=["start after end", "negative start", "negative stage"],
)
def test_a_misordered_window_is_refused_naming_its_key_not_its_value(
    key: str, value: tuple[int, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        RuleSettings.model_validate({key: value})
    [error] = caught.value.errors()
    assert error["type"] == WINDOW_ERROR
    assert error["ctx"] == {"key": key}
    assert error["msg"].startswith(f"{key}: ")
    assert str(value[1]) not in error["msg"].removeprefix(f"{key}: ")
    assert "-5" not in error["msg"]
    assert "14" not in error["msg"]


def test_windows_in_order_and_single_day_windows_are_taken() -> None:
    rules = RuleSettings(hcp_new_birth_days=(12, 12), escalation_stage_working_days=(0, 0, 0, 0))
    assert rules.hcp_new_birth_days == (12, 12)
