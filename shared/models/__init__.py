"""The record models both sides share, and the union every synced record version carries."""

from typing import Annotated

from pydantic import Field

from shared.models.adult import SignificantAdult
from shared.models.checklist_response import ChecklistAnswer, ChecklistResponse
from shared.models.chronology import ChronologyEntry
from shared.models.family import Address, Child, Family
from shared.models.people import Practitioner
from shared.models.visit import FatherQuestion, PersonPresent, SafetyScale, Visit, VisitAction

RecordPayload = Annotated[
    Family | Child | SignificantAdult | Visit | ChecklistResponse | ChronologyEntry,
    Field(discriminator="record_type"),
]

RECORD_TYPES = (
    "family",
    "child",
    "significant_adult",
    "visit",
    "checklist_response",
    "chronology_entry",
)

__all__ = [
    "RECORD_TYPES",
    "Address",
    "ChecklistAnswer",
    "ChecklistResponse",
    "Child",
    "ChronologyEntry",
    "Family",
    "FatherQuestion",
    "PersonPresent",
    "Practitioner",
    "RecordPayload",
    "SafetyScale",
    "SignificantAdult",
    "Visit",
    "VisitAction",
]
