"""Significant adults: fathers, male carers and others around the child
(docs/domain.md, Significant adult)."""

from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import (
    DoorstepModel,
    LongText,
    NonEmptyLongText,
    RecordDate,
    RecordTime,
    ShortText,
)
from shared.vocabulary import ParentalResponsibility, PRBasis, Relationship, Residency


class AgencyCheck(DoorstepModel):
    """One round of agency checks on an adult: the day it was done and what it found."""

    done_on: RecordDate
    result: NonEmptyLongText


class SignificantAdult(DoorstepModel):
    """An adult who matters to the child: identified by name, or described if unidentified."""

    record_type: Literal["significant_adult"] = "significant_adult"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...]
    relationship: Relationship
    name: ShortText | None = None
    description_if_unidentified: ShortText | None = None
    aliases: tuple[ShortText, ...] = ()
    dob: date | None = None
    phone: ShortText | None = None
    address: ShortText | None = None
    parental_responsibility: ParentalResponsibility = ParentalResponsibility.UNKNOWN
    pr_basis: PRBasis | None = None
    residency: Residency = Residency.UNKNOWN
    agency_checks: tuple[AgencyCheck, ...] = ()
    involvement: LongText = ""
    risk_factors: tuple[ShortText, ...] = ()
    protective_factors: tuple[ShortText, ...] = ()
    own_childhood_adversity: LongText = ""
    last_seen_at: RecordTime | None = None
    seen_by: RecordId | None = None
    invited_to: tuple[RecordId, ...] = Field(default=(), description="meeting record ids")
    attended: tuple[RecordId, ...] = Field(default=(), description="meeting record ids")
    views_recorded: LongText = ""
    engagement_status: Literal["engaged", "partly_engaged", "not_engaged", "not_known"] = (
        "not_known"
    )
    reason_not_engaged: LongText = ""

    @model_validator(mode="after")
    def _identified_or_described(self) -> Self:
        if not self.child_ids:
            raise ValueError("child_ids: name at least one child this adult matters to")
        if self.name is None and self.description_if_unidentified is None:
            raise ValueError(
                "name: give the adult's name, or describe them in description_if_unidentified"
            )
        if self.parental_responsibility == ParentalResponsibility.YES and self.pr_basis is None:
            raise ValueError("pr_basis: say what parental responsibility rests on")
        for name, meetings in (("invited_to", self.invited_to), ("attended", self.attended)):
            if len(set(meetings)) != len(meetings):
                raise ValueError(f"{name}: list each meeting once")
        return self

    def agency_checks_done_on(self) -> date | None:
        """Return the day of the most recent agency checks, or None if none are recorded."""
        return max((check.done_on for check in self.agency_checks), default=None)
