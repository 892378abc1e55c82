"""The caseload import format (v1): families, children, adults and allocations as a council's
case-management system exports them, each named by that system's own reference.

Published as docs/schemas/caseload-import.v1.schema.json (scripts/publish-schemas). The CSV
layout (services/caseload_csv.py) is the same records flattened, one per line.
"""

import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.ids import RecordId
from shared.vocabulary import (
    ChildStatus,
    CPCategory,
    ParentalResponsibility,
    PRBasis,
    Relationship,
    Residency,
)

CASELOAD_SCHEMA_FILE = "docs/schemas/caseload-import.v1.schema.json"
_SCHEMA_ID = "https://doorstep.example/schemas/caseload-import.v1.schema.json"

Ref = str  # the source system's own reference for a record (its case or person number)
_REF = Field(min_length=1, max_length=64, description="the source system's own reference")
_NAME = Field(min_length=1, max_length=200)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImportAddress(_Row):
    """Where the family lives now."""

    line1: str = _NAME
    town: str = _NAME
    postcode: str = Field(min_length=1, max_length=16)


class ImportFamily(_Row):
    """A family: one case. `case_id` keeps an id already known elsewhere; else one is derived
    from the source and ref, so importing the file again finds the same case."""

    ref: Ref = _REF
    family_name: str = _NAME
    address: ImportAddress
    case_id: RecordId | None = None


class ImportChild(_Row):
    """A child (or unborn baby) of one family."""

    ref: Ref = _REF
    family_ref: Ref = _REF
    given_name: str = _NAME
    family_name: str = _NAME
    dob: date | None = None
    edd: date | None = Field(default=None, description="expected date of delivery, if unborn")
    nhs_number: str | None = Field(default=None, pattern=r"^\d{10}$")
    sex: Literal["female", "male", "unknown"] = "unknown"
    status: ChildStatus = ChildStatus.UNIVERSAL
    cp_categories: tuple[CPCategory, ...] = ()


class ImportAdult(_Row):
    """A significant adult, linked to children of the same family."""

    ref: Ref = _REF
    family_ref: Ref = _REF
    child_refs: tuple[Ref, ...] = Field(min_length=1)
    relationship: Relationship
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description_if_unidentified: str | None = Field(default=None, min_length=1, max_length=200)
    residency: Residency = Residency.UNKNOWN
    parental_responsibility: ParentalResponsibility = ParentalResponsibility.UNKNOWN
    pr_basis: PRBasis | None = None


class ImportAllocation(_Row):
    """A family's case allocated to a practitioner already added (by username)."""

    family_ref: Ref = _REF
    username: str = Field(min_length=1, max_length=100)


class CaseloadImport(_Row):
    """One caseload export: everything in it is stored together, or nothing is."""

    format: Literal["doorstep-caseload-import"] = "doorstep-caseload-import"
    schema_version: Literal[1] = 1
    source: str = Field(
        min_length=1, max_length=100, description="the exporting system; refs are its own"
    )
    families: tuple[ImportFamily, ...] = ()
    children: tuple[ImportChild, ...] = ()
    adults: tuple[ImportAdult, ...] = ()
    allocations: tuple[ImportAllocation, ...] = ()


def caseload_schema() -> dict[str, Any]:
    """Return the JSON Schema of the caseload import file."""
    schema = CaseloadImport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = _SCHEMA_ID
    return schema


def published_caseload_schema_text() -> str:
    """Return the schema exactly as it is published: sorted keys, two-space indent."""
    return json.dumps(caseload_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
