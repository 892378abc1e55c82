"""The neglect observation checklist of docs/domain.md (Checklist), loaded from versioned data.

The checklist is data, not code: a partnership adds its own version as a JSON file beside
`doorstep-neglect-v1.json` and no code changes.
"""

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from shared.vocabulary import ChecklistRating, NeglectType

AgeBand = Literal["0-1", "1-4", "5-11", "12+"]


AnswerWords = dict[ChecklistRating, str]


class ChecklistItem(BaseModel):
    """One thing to observe: its question (worded for the child's age where that matters),
    the age bands it applies to, and which answer words fit the question."""

    model_config = ConfigDict(frozen=True)

    key: str
    prompt: str
    age_bands: tuple[str, ...]
    answers: str = "yes"
    prompt_for_band: dict[str, str] = {}

    def prompt_for(self, age_band: str) -> str:
        """Return the question as asked about a child in this age band."""
        return self.prompt_for_band.get(age_band, self.prompt)


class ChecklistDomain(BaseModel):
    """A group of items, and the neglect type a concern in it evidences."""

    model_config = ConfigDict(frozen=True)

    code: str
    label: str
    neglect_type: NeglectType | None
    items: tuple[ChecklistItem, ...]


class ChecklistDefinition(BaseModel):
    """A whole versioned checklist."""

    model_config = ConfigDict(frozen=True)

    checklist_id: str
    version: int
    title: str
    age_bands: tuple[str, ...]
    # The words each kind of question is answered with ("No sign" fits "any sign of ...?",
    # "Meets needs" does not); every set names all four ratings, checked at load.
    answer_sets: dict[str, AnswerWords]
    domains: tuple[ChecklistDomain, ...]

    @model_validator(mode="after")
    def _answers_defined(self) -> "ChecklistDefinition":
        for name, words in self.answer_sets.items():
            if set(words) != set(ChecklistRating):
                raise ValueError(f"answer_sets: {name} must name all four ratings")
        for domain in self.domains:
            for item in domain.items:
                if item.answers not in self.answer_sets:
                    raise ValueError(f"answers: {item.key} uses an unknown answer set")
        return self

    def answer_words(self, item: ChecklistItem) -> AnswerWords:
        """Return the answer words for an item, in the order of the ratings."""
        words = self.answer_sets[item.answers]
        return {rating: words[rating] for rating in ChecklistRating}

    def item_keys(self) -> frozenset[str]:
        """Return every item key in this checklist."""
        return frozenset(item.key for domain in self.domains for item in domain.items)

    def items_for(self, age_band: str) -> list[ChecklistItem]:
        """Return the items shown for a child in the given age band, in checklist order."""
        return [i for d in self.domains for i in d.items if age_band in i.age_bands]

    def neglect_type_of(self, item_key: str) -> NeglectType | None:
        """Return the neglect type a concern on this item evidences, if any."""
        code = item_key.split(".", 1)[0]
        for domain in self.domains:
            if domain.code == code:
                return domain.neglect_type
        return None


@cache
def load_checklist(checklist_id: str = "doorstep-neglect", version: int = 1) -> ChecklistDefinition:
    """Load a checklist definition shipped with the package."""
    name = f"{checklist_id}-v{version}.json"
    text = resources.files("shared.checklists").joinpath(name).read_text(encoding="utf-8")
    return ChecklistDefinition.model_validate(json.loads(text))


def age_in_years(dob: date, on: date) -> int:
    """Return completed years of age on a date (0 for an unborn child)."""
    if on < dob:
        return 0
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_band_on(dob: date | None, on: date) -> AgeBand:
    """Return the checklist age band of a child on a date; unborn or unknown counts as 0-1."""
    years = age_in_years(dob, on) if dob else 0
    if years < 1:
        return "0-1"
    if years < 5:
        return "1-4"
    if years < 12:
        return "5-11"
    return "12+"
