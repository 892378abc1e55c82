"""A visit without access is recorded as it happened (DOMAIN 3.5): no one present, no father
question, the child not seen; what was tried and what happens next are required."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from shared.ids import new_id
from shared.models import FatherQuestion, PersonPresent, Visit

START = datetime(2026, 11, 3, 10, 5, tzinfo=UTC)


def no_access(**changes: Any) -> Visit:
    fields: dict[str, Any] = {
        "child_ids": (new_id(),),
        "visit_type": "statutory_CP",
        "start": START,
        "end": START + timedelta(minutes=10),
        "access": "refused_entry",
        "access_attempts": ("knocked", "phoned"),
        "child_sighting": "not_seen",
        "child_seen": False,
        "seen_alone": False,
        "not_seen_alone_reason": "child_absent",
        "next_steps": "Tell my supervisor today.",
    }
    return Visit.model_validate(fields | changes)


def test_a_visit_without_access_needs_nobody_present_and_no_father_answer() -> None:
    visit = no_access()
    assert visit.attempted_only
    assert visit.persons_present == ()
    assert visit.father_or_male_carer is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"access_attempts": ()}, "access_attempts"),
        ({"child_sighting": None}, "child_sighting"),
        ({"next_steps": ""}, "next_steps"),
        ({"child_seen": True, "seen_alone": False}, "child_seen"),
    ],
    ids=["nothing-tried", "sighting", "next-step", "seen"],
)
def test_a_visit_without_access_names_what_is_missing(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=f"{field}: "):
        no_access(**change)


def test_a_visit_that_got_in_still_needs_someone_present_and_the_father_answer() -> None:
    base = {
        "access": "gained",
        "access_attempts": (),
        "child_sighting": None,
        "child_seen": True,
        "seen_alone": True,
        "not_seen_alone_reason": None,
    }
    with pytest.raises(ValidationError, match="persons_present: "):
        no_access(**base, father_or_male_carer=FatherQuestion(not_known_reason="Not said."))
    with pytest.raises(ValidationError, match="father_or_male_carer: "):
        no_access(**base, persons_present=(PersonPresent(description="mother"),))
    with pytest.raises(ValidationError, match="access_attempts: "):
        no_access(
            **(base | {"access_attempts": ("knocked",)}),
            persons_present=(PersonPresent(description="mother"),),
            father_or_male_carer=FatherQuestion(not_known_reason="Not said."),
        )
