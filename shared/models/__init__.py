"""The record models both sides share, and the union every synced record version carries."""

from typing import Annotated

from pydantic import Field

from shared.models.adult import SignificantAdult
from shared.models.analysis import AnalysisNote
from shared.models.checklist_response import ChecklistAnswer, ChecklistResponse
from shared.models.chronology import ChronologyEntry
from shared.models.cp_plan import CoreGroupMember, CPPlan, PlanOutcome, PlanVisitRule
from shared.models.decision import DecisionRecord, Escalation
from shared.models.family import Address, Child, Family
from shared.models.gcp2 import ExternalGCP2Reference, GCP2Grades
from shared.models.link import SameEventLink
from shared.models.meeting import Dissent, Invitee, Meeting
from shared.models.people import Practitioner
from shared.models.review import ReviewDecision, SupervisionNote
from shared.models.transfer import AdultSnapshot, ReceivingAgency, TransferOut
from shared.models.visit import FatherQuestion, PersonPresent, SafetyScale, Visit, VisitAction

RecordPayload = Annotated[
    Family
    | Child
    | SignificantAdult
    | Visit
    | ChecklistResponse
    | ChronologyEntry
    | CPPlan
    | PlanOutcome
    | Meeting
    | DecisionRecord
    | Escalation
    | TransferOut
    | ExternalGCP2Reference
    | AnalysisNote
    | SameEventLink
    | ReviewDecision
    | SupervisionNote,
    Field(discriminator="record_type"),
]

RECORD_TYPES = (
    "family",
    "child",
    "significant_adult",
    "visit",
    "checklist_response",
    "chronology_entry",
    "cp_plan",
    "plan_outcome",
    "meeting",
    "decision_record",
    "escalation",
    "transfer_out",
    "gcp2_reference",
    "analysis_note",
    "same_event_link",
    "review_decision",
    "supervision_note",
)

__all__ = [
    "RECORD_TYPES",
    "Address",
    "AdultSnapshot",
    "AnalysisNote",
    "CPPlan",
    "ChecklistAnswer",
    "ChecklistResponse",
    "Child",
    "ChronologyEntry",
    "CoreGroupMember",
    "DecisionRecord",
    "Dissent",
    "Escalation",
    "ExternalGCP2Reference",
    "Family",
    "FatherQuestion",
    "GCP2Grades",
    "Invitee",
    "Meeting",
    "PersonPresent",
    "PlanOutcome",
    "PlanVisitRule",
    "Practitioner",
    "ReceivingAgency",
    "RecordPayload",
    "SafetyScale",
    "SignificantAdult",
    "TransferOut",
    "Visit",
    "VisitAction",
]
