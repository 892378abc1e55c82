"""A home visit as finalised by the practitioner (docs/domain.md, Visit and rule V3)."""

from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, RecordTime, ShortText
from shared.visit_completeness import VisitFacts, visit_completeness
from shared.vocabulary import (
    AccessAttempt,
    ChildSighting,
    NotSeenAloneReason,
    VisitAccess,
    VisitType,
)


class PersonPresent(DoorstepModel):
    """Someone at the visit: a known person by id, or a description if unidentified."""

    person_id: RecordId | None = None
    description: ShortText | None = None

    @model_validator(mode="after")
    def _identified_or_described(self) -> Self:
        if self.person_id is None and self.description is None:
            raise ValueError("persons_present: give a person id or a description")
        return self


class FatherQuestion(DoorstepModel):
    """The father / male carer question (Child Q finding 4): who, or why not known."""

    adult_ids: tuple[RecordId, ...] = ()
    not_known_reason: LongText = ""

    @model_validator(mode="after")
    def _answered(self) -> Self:
        if not self.adult_ids and not self.not_known_reason:
            raise ValueError(
                "father_or_male_carer: pick the father or male carer, or say why he is not known"
            )
        return self


class SafetyScale(DoorstepModel):
    """One person's 0-10 rating: 0 "not safe in parents' care", 10 "safe enough to close"."""

    rated_by: ShortText
    value: int = Field(ge=0, le=10)


class VisitAction(DoorstepModel):
    """Something agreed at the visit: what, who owns it, and by when."""

    action: ShortText
    owner: ShortText
    due: date


class Visit(DoorstepModel):
    """A finalised visit: who was there, whether the child was seen (alone), what was seen.

    A visit without access (nobody answered, or entry was refused) is recorded truthfully:
    what was tried, whether the child was glimpsed, and the next step; nobody present, no
    checklist and no father answer. The child counts as not seen.
    """

    record_type: Literal["visit"] = "visit"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    visit_type: VisitType
    start: RecordTime
    end: RecordTime
    announced: bool = True
    access: VisitAccess = VisitAccess.GAINED
    access_attempts: tuple[AccessAttempt, ...] = ()
    child_sighting: ChildSighting | None = None
    persons_present: tuple[PersonPresent, ...] = ()
    persons_expected_absent: tuple[PersonPresent, ...] = ()
    child_seen: bool
    seen_alone: bool
    not_seen_alone_reason: NotSeenAloneReason | None = None
    seen_awake: bool | None = None
    bedroom_seen: bool | None = None
    home_conditions: LongText = ""
    child_presentation: LongText = ""
    voice_of_child: LongText = ""
    parent_views: LongText = ""
    father_or_male_carer: FatherQuestion | None = None
    worries: LongText = ""
    working_well: LongText = ""
    next_steps: LongText = ""
    scaling: tuple[SafetyScale, ...] = ()
    actions: tuple[VisitAction, ...] = ()
    late_entry_reason: LongText = ""

    @property
    def attempted_only(self) -> bool:
        """True for a visit where the practitioner did not get in."""
        return self.access != VisitAccess.GAINED

    def completeness_facts(self) -> VisitFacts:
        """What V3 asks of this visit; the child's age is not known here (`infant` is False:
        the server's push rules and the app's form, which know it, set it)."""
        return VisitFacts(
            access_gained=not self.attempted_only,
            people_present=len(self.persons_present),
            child_seen=self.child_seen,
            seen_alone=self.seen_alone,
            reason_given=self.not_seen_alone_reason is not None,
            seen_awake=self.seen_awake,
            father_answered=self.father_or_male_carer is not None,
            attempts=len(self.access_attempts),
            sighting_given=self.child_sighting is not None,
            next_steps_given=bool(self.next_steps),
        )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.end < self.start:
            raise ValueError("end: the visit cannot end before it starts")
        # V3 in the words the app's form uses (shared.visit_completeness); the first is named.
        missing = visit_completeness(self.completeness_facts())
        if missing:
            field, message = next(iter(missing.items()))
            raise ValueError(f"{field}: {message}")
        if self.attempted_only:
            if self.child_seen or self.seen_alone:
                raise ValueError("child_seen: a visit without access cannot have seen the child")
            return self
        if self.access_attempts or self.child_sighting is not None:
            raise ValueError("access_attempts: only a visit without access records attempts")
        if self.seen_alone and not self.child_seen:
            raise ValueError("seen_alone: a child not seen cannot have been seen alone")
        return self
