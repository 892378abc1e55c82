"""Rule V3 in one place (docs/domain.md, Validation rules): what a visit needs before it is
finalised, keyed by the Visit field, in the words the practitioner reads."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.ids import new_id
from shared.models import Visit
from shared.validation import field_errors
from shared.visit_completeness import MESSAGES, NOT_SEEN_REASON, VisitFacts, visit_completeness

WHOLE = VisitFacts(
    access_gained=True,
    people_present=1,
    child_seen=True,
    seen_alone=True,
    infant=True,
    seen_awake=True,
    father_answered=True,
)
NO_ACCESS = VisitFacts(access_gained=False, attempts=1, sighting_given=True, next_steps_given=True)


def _with(facts: VisitFacts, **changes: Any) -> VisitFacts:
    return VisitFacts(**{**{f: getattr(facts, f) for f in facts.__slots__}, **changes})


def test_a_whole_visit_and_a_whole_visit_without_access_need_nothing() -> None:
    assert visit_completeness(WHOLE) == {}
    assert visit_completeness(NO_ACCESS) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"people_present": 0}, "persons_present"),
        ({"child_seen": None}, "child_seen"),
        ({"seen_alone": None}, "seen_alone"),
        ({"seen_alone": False}, "not_seen_alone_reason"),
        ({"seen_awake": None}, "seen_awake"),
        ({"father_answered": False}, "father_or_male_carer"),
    ],
)
def test_each_gap_of_a_visit_that_got_in_is_named(changes: dict[str, Any], field: str) -> None:
    assert visit_completeness(_with(WHOLE, **changes)) == {field: MESSAGES[field]}


def test_a_child_not_seen_needs_why_and_no_more() -> None:
    facts = _with(WHOLE, child_seen=False, seen_alone=None, seen_awake=None)
    assert visit_completeness(facts) == {"not_seen_alone_reason": NOT_SEEN_REASON}
    assert visit_completeness(_with(facts, reason_given=True)) == {}


def test_seen_awake_is_asked_only_for_a_baby() -> None:
    assert visit_completeness(_with(WHOLE, infant=False, seen_awake=None)) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attempts": 0}, "access_attempts"),
        ({"sighting_given": False}, "child_sighting"),
        ({"next_steps_given": False}, "next_steps"),
    ],
)
def test_each_gap_of_a_visit_without_access_is_named(changes: dict[str, Any], field: str) -> None:
    assert visit_completeness(_with(NO_ACCESS, **changes)) == {field: MESSAGES[field]}


def test_no_message_names_a_field() -> None:
    for message in (*MESSAGES.values(), NOT_SEEN_REASON):
        assert "_" not in message
        assert message[0].isupper()
        assert message.endswith(".")


def _visit(**changes: Any) -> dict[str, Any]:
    return {
        "child_ids": [new_id()],
        "visit_type": "statutory_CP",
        "start": "2026-11-20T10:00:00Z",
        "end": "2026-11-20T11:00:00Z",
        "persons_present": [{"description": "mother"}],
        "child_seen": True,
        "seen_alone": True,
        "father_or_male_carer": {"adult_ids": [new_id()]},
        **changes,
    }


@given(
    people=st.booleans(),
    child_seen=st.booleans(),
    seen_alone=st.booleans(),
    reason=st.booleans(),
    father=st.booleans(),
)
def test_the_model_refuses_a_visit_with_the_first_gap_in_the_rules_words(
    people: bool, child_seen: bool, seen_alone: bool, reason: bool, father: bool
) -> None:
    data = _visit(
        persons_present=[{"description": "mother"}] if people else [],
        child_seen=child_seen,
        seen_alone=seen_alone and child_seen,
        not_seen_alone_reason="pre_verbal" if reason else None,
        father_or_male_carer={"not_known_reason": "Not said."} if father else None,
    )
    facts = VisitFacts(
        access_gained=True,
        people_present=int(people),
        child_seen=child_seen,
        seen_alone=seen_alone and child_seen,
        reason_given=reason,
        father_answered=father,
    )
    missing = visit_completeness(facts)
    if not missing:
        assert Visit.model_validate(data)
        return
    with pytest.raises(ValidationError) as refused:
        Visit.model_validate(data)
    [error] = field_errors(refused.value)
    assert (error.field, error.message) == next(iter(missing.items()))
