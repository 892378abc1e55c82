"""The transfer pack: what a receiving practitioner needs when a case moves
(docs/domain.md, Transfer).

Child Q's third finding was a late, partial handover. The pack is one document with the
summary of concerns, who is involved now, the significant adults (fathers and male carers
first), the plan outcomes and the whole chronology. Its JSON form has a published schema
(docs/schemas/transfer-pack.v1.schema.json, written by scripts/publish-schemas) so a
receiving system can check what it is given.
"""

import json
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.protocol import RecordVersion
from shared.vocabulary import DatePrecision, Lifecycle, Relationship, YesNoNotApplicable

TRANSFER_PACK_SCHEMA_ID: Final = "urn:doorstep:schema:transfer-pack:v1"
TRANSFER_PACK_SCHEMA_VERSION: Final = 1
TRANSFER_PACK_SCHEMA_FILE: Final = "docs/schemas/transfer-pack.v1.schema.json"

# Who a pack lists first among the significant adults (docs/domain.md, Findings; finding 4).
FATHER_FIGURES = frozenset(
    {
        Relationship.BIRTH_FATHER,
        Relationship.STEP_PARENT,
        Relationship.MOTHER_PARTNER,
        Relationship.UNKNOWN_MALE,
    }
)

TransferReason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                  max_length=1000)]  # fmt: skip


class _PackPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackPractitioner(_PackPart):
    """A practitioner as the pack names them: never their username or credentials."""

    practitioner_id: str
    name: str
    role: str
    agency: str
    team: str


class PackFamily(_PackPart):
    """The case: the family's name, current address and think-family flags."""

    case_id: str
    family_name: str
    address_line1: str
    town: str
    postcode: str
    think_family_flags: list[str]
    lead_practitioner: PackPractitioner | None


class PackChild(_PackPart):
    """A child in the family, as now recorded."""

    child_id: str
    given_name: str
    family_name: str
    dob: date | None
    edd: date | None
    nhs_number: str | None
    sex: str
    status: str
    cp_categories: list[str]


class PackConcern(_PackPart):
    """A significant or serious event: one line of the summary of concerns."""

    record_id: str
    event_datetime: datetime
    event_type: str
    significance: str
    source_agency: str
    summary: str


class PackAlert(_PackPart):
    """An open alert on a child (docs/domain.md, Alerts): part of the summary of concerns."""

    code: str
    child_id: str
    severity: str
    overdue: bool
    due: date | None
    message: str


class PackInvolvement(_PackPart):
    """A practitioner involved now: allocated to the case, or an author of its entries."""

    practitioner: PackPractitioner
    allocated: bool
    entries_authored: int


class PackAdult(_PackPart):
    """A significant adult, with parental responsibility, residency and when last seen."""

    record_id: str
    name: str | None
    description_if_unidentified: str | None
    relationship: Relationship
    father_or_male_carer: bool
    child_ids: list[str]
    parental_responsibility: str
    pr_basis: str | None
    residency: str
    seen: bool
    last_seen_at: datetime | None
    seen_by: str | None
    engagement_status: str


class PackPlanOutcome(_PackPart):
    """One outcome of the child protection plan, with what happens if it is not achieved."""

    outcome_id: str
    danger_statement: str
    safety_goal: str
    consequence_if_not_achieved: str
    measure: str
    owner: str
    due: date | None
    progress_rating: int | None


class PackChronologyLine(_PackPart):
    """One current version of an entry, in event order, with its history counts."""

    record_id: str
    version_id: str
    event_datetime: datetime
    event_date_precision: DatePrecision
    event_type: str
    summary: str
    significance: str
    neglect_types: list[str]
    source_agency: str
    action_taken: str
    no_action_reason: str
    lifecycle: Lifecycle
    amend_reason: str
    author_name: str
    author_role: str
    author_agency: str
    recorded_at: datetime
    version_count: int
    in_conflict: bool
    # A version received from another authority's server: "received from <authority> on <date>".
    received_from: str | None = None
    # Issue 13: pushed after the case moved by the team that held it, within the grace period.
    recorded_before_transfer: bool = False


class PackTransfer(_PackPart):
    """The case's latest transfer, as stored (issue 13): who moved it, to whom, when and why."""

    to: PackPractitioner | None
    reason: str
    transfer_record_id: str | None = None
    transferred_at: datetime | None = None
    transferred_by: PackPractitioner | None = None
    from_team: str = ""
    to_team: str = ""
    housing_provider_informed: YesNoNotApplicable | None = None
    housing_provider_told: str = ""


class TransferPack(_PackPart):
    """Everything a receiving practitioner needs, as one document (docs/domain.md, Transfer)."""

    schema_id: Literal["urn:doorstep:schema:transfer-pack:v1"] = TRANSFER_PACK_SCHEMA_ID
    schema_version: Literal[1] = TRANSFER_PACK_SCHEMA_VERSION
    pack_id: str
    generated_at: datetime
    generated_by: PackPractitioner
    transfer: PackTransfer | None = None
    housing_provider_informed: YesNoNotApplicable | None = None
    family: PackFamily
    children: list[PackChild]
    summary_of_concerns: list[PackConcern]
    open_alerts: list[PackAlert] = Field(default_factory=list)
    current_involvement: list[PackInvolvement]
    significant_adults: list[PackAdult]
    plan_outcomes: list[PackPlanOutcome]
    chronology: list[PackChronologyLine]


class TransferRequest(_PackPart):
    """POST /cases/{case_id}/transfers: move the case to a practitioner in another team."""

    to_username: str = Field(min_length=1, max_length=100)
    reason: TransferReason
    housing_provider_informed: YesNoNotApplicable
    # Who at the housing provider was told: needed when housing_provider_informed is yes.
    housing_provider_told: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _who_was_told(self) -> Self:
        told = self.housing_provider_told.strip()
        if self.housing_provider_informed == YesNoNotApplicable.YES and not told:
            raise ValueError("housing_provider_told: say who at the housing provider was told")
        return self


class TransferResponse(_PackPart):
    """What a transfer did: who holds the case now, whose allocations ended, and the pack."""

    case_id: str
    transferred_to: PackPractitioner
    ended_allocations: list[PackPractitioner]
    pack_id: str
    pack: TransferPack


class HandoverForwardRequest(_PackPart):
    """POST /sync/forward: a supervisor, in person on a team member's device, forwards a version
    refused after a transfer (issue 13). The password is checked like a sign-in, never kept."""

    supervisor_username: str = Field(min_length=1, max_length=100)
    supervisor_password: str = Field(min_length=1, max_length=200)
    version: RecordVersion


def transfer_pack_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the transfer pack's JSON form."""
    schema = TransferPack.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": TRANSFER_PACK_SCHEMA_ID,
        **schema,
    }


def published_schema_text() -> str:
    """Return the schema exactly as it is published: sorted keys, two-space indent."""
    return json.dumps(transfer_pack_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
