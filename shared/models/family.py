"""The family (the case) and the children in it (docs/domain.md, Child and family)."""

from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, ShortText
from shared.vocabulary import Agency, ChildStatus, CPCategory, ThinkFamilyFlag


class Address(DoorstepModel):
    """A UK postal address, with the dates the family lived there."""

    line1: ShortText
    town: ShortText
    postcode: ShortText
    from_date: date | None = None
    to_date: date | None = None

    @model_validator(mode="after")
    def _left_after_arriving(self) -> Self:
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValueError("to_date: the day they left cannot be before from_date")
        return self


class AgencyInvolvement(DoorstepModel):
    """An agency working with the family, and the named worker there
    (docs/domain.md, Child and family)."""

    agency: Agency
    worker_name: ShortText
    contact: ShortText | None = None


class TeamMember(DoorstepModel):
    """A member of the Team Around the Child / Family, professional or family member."""

    name: ShortText
    agency: Agency
    role: ShortText | None = None


class Family(DoorstepModel):
    """A family: the case every child, adult and entry belongs to."""

    record_type: Literal["family"] = "family"
    schema_version: Literal[1] = 1
    family_name: ShortText
    address: Address
    think_family_flags: tuple[ThinkFamilyFlag, ...] = ()
    lead_practitioner_id: RecordId | None = None
    agencies_involved: tuple[AgencyInvolvement, ...] = ()
    tac_taf_members: tuple[TeamMember, ...] = ()
    # What a practitioner reads on the doorstep before knocking
    # (docs/domain.md, How work flows; "Before"): how to get in (entrance, buzzer, dog) and
    # lone-working or safety warnings about the address.
    access_notes: LongText | None = Field(default=None, description="how to get in")
    safety_notes: LongText | None = Field(
        default=None, description="lone-working and safety warnings about visiting"
    )


class Child(DoorstepModel):
    """A child (or unborn baby) in a family."""

    record_type: Literal["child"] = "child"
    schema_version: Literal[1] = 1
    given_name: ShortText
    family_name: ShortText
    aliases: tuple[ShortText, ...] = ()
    dob: date | None = None
    edd: date | None = Field(default=None, description="expected date of delivery, if unborn")
    nhs_number: str | None = Field(default=None, pattern=r"^\d{10}$")
    sex: Literal["female", "male", "unknown"] = "unknown"
    ethnicity: ShortText | None = None
    first_language: ShortText | None = None
    interpreter_needed: bool | None = Field(default=None, description="None: not yet asked")
    address_history: tuple[Address, ...] = ()
    gp: ShortText | None = None
    setting_or_school: ShortText | None = None
    status: ChildStatus = ChildStatus.UNIVERSAL
    cp_categories: tuple[CPCategory, ...] = ()
    threshold_level: ShortText | None = Field(
        default=None, description="level on the local threshold matrix, in its own words"
    )
    lead_practitioner_id: RecordId | None = None

    @model_validator(mode="after")
    def _born_or_expected(self) -> Self:
        if self.dob is None and self.edd is None:
            raise ValueError("dob: a child needs a date of birth, or an expected date (edd)")
        if self.status == ChildStatus.CP and not self.cp_categories:
            raise ValueError("cp_categories: a child on a CP plan needs at least one category")
        return self
