"""The rules behind the safety scale and the actions, one plain message each."""

from datetime import date

import pytest

from mobile_app.services.visits.actions import ActionDraft, action_problems, due_error, parse_due
from mobile_app.services.visits.scaling import ScaleDraft, scale_problems

VISIT_DAY = date(2026, 11, 5)
GOOD = {"action": "Weigh Poppy", "owner": "Health visitor", "due": "2026-11-12"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"action": " "}, "Action 1: say what needs to happen."),
        ({"owner": ""}, "Action 1: say who will do it."),
        ({"due": ""}, "Action 1: give a due date."),
        (
            {"due": "12/11/2026"},
            "Action 1: write the due date as year-month-day, for example 2026-11-20.",
        ),
        ({"due": "2026-02-30"}, "Action 1: that is not a real date: check the month and"),
        ({"due": "2026-11-04"}, "Action 1: the due date is before the visit"),
        ({"action": "x" * 201}, "Action 1: keep what needs to happen to 200 characters or fewer."),
        ({"owner": "x" * 201}, "Action 1: keep who will do it to 200 characters or fewer."),
        ({"action": "", "owner": "", "due": ""}, "Action 1 is empty: fill it in or remove it."),
    ],
    ids=["what", "who", "no-due", "format", "not-a-date", "before", "long", "long-owner", "empty"],
)
def test_each_action_problem_has_its_own_message(change: dict[str, str], message: str) -> None:
    found = action_problems([ActionDraft(**{**GOOD, **change})], VISIT_DAY)
    assert len(found) == 1
    assert found[0].startswith(message)


def test_a_complete_action_due_on_the_visit_day_is_fine() -> None:
    assert action_problems([ActionDraft(**{**GOOD, "due": " 2026-11-05 "})], VISIT_DAY) == []
    assert parse_due(" 2026-11-05 ") == VISIT_DAY


@pytest.mark.parametrize("typed", ["2026", "2026-11-", "26-11-5"])
def test_no_advice_beside_the_box_until_a_whole_date_is_typed(typed: str) -> None:
    assert due_error(typed, VISIT_DAY) is None


def test_advice_beside_the_box_starts_with_a_capital() -> None:
    assert due_error("2026/11/12", VISIT_DAY) == (
        "Write the due date as year-month-day, for example 2026-11-20."
    )


@pytest.mark.parametrize(
    ("rating", "messages"),
    [
        (ScaleDraft(value=5), []),
        (ScaleDraft(rated_by="child", value=0), []),
        (ScaleDraft(), ["Rating 1: choose a number from 0 to 10, or remove the rating."]),
        (ScaleDraft(rated_by="other", value=3), ["Rating 1: say who gave this rating."]),
        (ScaleDraft(value=11), ["Rating 1: choose a number from 0 to 10, or remove the rating."]),
        (
            ScaleDraft(rated_by="other", rated_by_other="x" * 201, value=3),
            ["Rating 1: keep who rated to 200 characters or fewer."],
        ),
    ],
    ids=["practitioner", "child", "no-value", "other-unnamed", "eleven", "long-name"],
)
def test_scale_problems(rating: ScaleDraft, messages: list[str]) -> None:
    assert scale_problems([rating]) == messages
