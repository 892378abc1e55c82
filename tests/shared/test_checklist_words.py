"""The checklist's answers fit its questions, and its questions fit the child's age."""

import pytest
from pydantic import ValidationError

from shared.checklist import ChecklistDefinition, ChecklistItem, load_checklist
from shared.vocabulary import ChecklistRating


def item(key: str) -> ChecklistItem:
    return next(i for d in load_checklist().domains for i in d.items if i.key == key)


def test_a_sign_question_is_answered_no_sign_never_meets_needs() -> None:
    words = load_checklist().answer_words(item("CTX.DA"))
    assert words[ChecklistRating.MEETS_NEEDS] == "No sign"
    assert "Meets needs" not in words.values()
    assert list(words) == list(ChecklistRating)  # always the four ratings, in order


@pytest.mark.parametrize(
    ("key", "no_concern", "unknown"),
    [
        ("PHY.FOOD_INTAKE", "Yes", "Not seen"),
        ("PHY.GROWTH_CONCERN", "No worry", "Not known"),
        ("MED.IMMUNISATIONS", "Yes", "Not known"),
        ("CTX.SUBSTANCE", "No sign", "Not known"),
    ],
)
def test_each_item_has_words_that_answer_its_question(
    key: str, no_concern: str, unknown: str
) -> None:
    words = load_checklist().answer_words(item(key))
    assert words[ChecklistRating.MEETS_NEEDS] == no_concern
    assert words[ChecklistRating.NOT_OBSERVED] == unknown


def test_a_baby_is_not_asked_about_teeth() -> None:
    hygiene = item("PHY.HYGIENE")
    assert "teeth" not in hygiene.prompt_for("0-1")
    assert "teeth" in hygiene.prompt_for("1-4")
    assert "teeth" in hygiene.prompt_for("5-11")
    assert all("teeth" not in i.prompt_for("0-1") for i in load_checklist().items_for("0-1"))


def test_items_that_do_not_fit_an_age_are_not_asked() -> None:
    baby = {i.key for i in load_checklist().items_for("0-1")}
    assert "MED.DENTAL" not in baby
    assert "DEV.SETTING_ATTENDANCE" not in baby
    assert "ENV.SAFE_SLEEP_SPACE" in baby
    assert "ENV.SAFE_SLEEP_SPACE" not in {i.key for i in load_checklist().items_for("5-11")}


def test_a_checklist_with_an_answer_set_missing_a_rating_is_refused() -> None:
    data = load_checklist().model_dump()
    data["answer_sets"]["yes"].pop(ChecklistRating.NOT_OBSERVED)
    with pytest.raises(ValidationError, match="answer_sets: yes must name all four ratings"):
        ChecklistDefinition.model_validate(data)


def test_an_item_naming_an_unknown_answer_set_is_refused() -> None:
    data = load_checklist().model_dump()
    data["domains"][0]["items"][0]["answers"] = "maybe"
    with pytest.raises(ValidationError, match="uses an unknown answer set"):
        ChecklistDefinition.model_validate(data)
