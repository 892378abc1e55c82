"""Who may push what (DOMAIN.md 7), and which children a pushed record names.

Each check is on one version on its own; the ingest checks its place in the record's history.
A record a practitioner signs (author, assessor, decision maker, reviewer) must be signed
with their own id when they make it: nobody records in another person's name.
"""

from dataclasses import dataclass

from shared.models import (
    AnalysisNote,
    ChecklistResponse,
    ChronologyEntry,
    CPPlan,
    DecisionRecord,
    Escalation,
    ExternalGCP2Reference,
    Meeting,
    Practitioner,
    SignificantAdult,
    TransferOut,
    Visit,
)
from shared.models.review import SupervisionNote
from shared.protocol import RecordVersion
from shared.vocabulary import Role
from sync_server.services.scope import NO_CASE_ROLES

FAMILY_RECORD_TYPES = frozenset({"family", "child"})

_SOCIAL_WORK = frozenset({Role.SOCIAL_WORKER})
_PLANS = frozenset({Role.SOCIAL_WORKER, Role.CP_CHAIR})
_DECISIONS = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR})
_SUPERVISION = frozenset({Role.SUPERVISOR})
_ASSESSORS = frozenset({Role.HEALTH_VISITOR, Role.SCHOOL_NURSE, Role.SOCIAL_WORKER})

# Record type -> the roles that may create or amend it; types not listed are open to every
# role the case is allocated to (visits, entries, checklists, adults, links, escalations).
_CREATORS: dict[str, tuple[frozenset[Role], str]] = {
    "family": (_SOCIAL_WORK, "only a social worker may record families and children"),
    "child": (_SOCIAL_WORK, "only a social worker may record families and children"),
    "cp_plan": (_PLANS, "only a social worker or conference chair may record a plan"),
    "plan_outcome": (_PLANS, "only a social worker or conference chair may record a plan"),
    "meeting": (_PLANS, "only a social worker or conference chair may record a meeting"),
    "decision_record": (_DECISIONS, "only a social worker or supervisor may record a decision"),
    "transfer_out": (_DECISIONS, "only a social worker or supervisor may start a transfer"),
    "analysis_note": (_DECISIONS, "only a social worker or supervisor may analyse a chronology"),
    "gcp2_reference": (_ASSESSORS, "only a health or social work assessor may add GCP2 grades"),
    "review_decision": (_SUPERVISION, "only a supervisor may review records"),
    "supervision_note": (_SUPERVISION, "only a supervisor may write supervision notes"),
}
_SUPERVISION_TYPES = frozenset({"review_decision", "supervision_note"})
# A partner agency contributes its own chronology entries and nothing else (DOMAIN.md 7).
_PARTNER_TYPES = frozenset({"chronology_entry", "same_event_link"})

_NAMES_CHILDREN = (
    ChronologyEntry
    | Visit
    | SignificantAdult
    | CPPlan
    | Meeting
    | DecisionRecord
    | Escalation
    | TransferOut
    | ExternalGCP2Reference
    | AnalysisNote
    | SupervisionNote
)


class Refusal(Exception):
    """An item is rejected: `field` is at fault, `message` says what is needed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Pusher:
    """Who pushes: the practitioner, their device, and the cases allocated to them."""

    practitioner: Practitioner
    device_id: str | None
    cases: frozenset[str]
    # A supervisor's team's cases: they may add reviews and supervision notes there.
    team_cases: frozenset[str] = frozenset()


def child_refs(version: RecordVersion) -> tuple[str, tuple[str, ...]]:
    """Return the payload field naming children, and the child ids it names."""
    payload = version.payload
    if isinstance(payload, ChecklistResponse):
        return "payload.child_id", (payload.child_id,)
    if isinstance(payload, _NAMES_CHILDREN):
        return "payload.child_ids", payload.child_ids
    return "", ()


# Record type -> the payload field naming who made it. For decisions and escalations only the
# first version: a later one may be another person's addition (a countersignature, a reply).
_SIGNED_BY = {
    "chronology_entry": "author_id",
    "checklist_response": "assessor_id",
    "same_event_link": "made_by",
    "review_decision": "reviewer_id",
    "supervision_note": "author_id",
    "analysis_note": "author_id",
}
_SIGNED_FIRST_BY = {"decision_record": "decided_by", "escalation": "raised_by"}


def _signer(version: RecordVersion) -> tuple[str, str] | None:
    """The payload field naming who made this version, and its value (None if unsigned)."""
    record_type = version.payload.record_type
    name = _SIGNED_BY.get(record_type)
    if name is None and version.replaces_version_id is None:
        name = _SIGNED_FIRST_BY.get(record_type)
    if name is None:
        return None
    return f"payload.{name}", str(getattr(version.payload, name))


def check_permission(version: RecordVersion, pusher: Pusher) -> None:
    """Refuse a version its pusher may not make.

    Raises:
        Refusal: the case is not theirs, their role may not make this kind of record, or it
            is signed with someone else's id.
    """
    me = pusher.practitioner
    record_type = version.payload.record_type
    supervising = record_type in _SUPERVISION_TYPES and version.case_id in pusher.team_cases
    outside = version.case_id not in pusher.cases and not supervising
    if outside or me.role in NO_CASE_ROLES:
        raise Refusal("case_id", "this case is not allocated to you")
    if me.role == Role.PARTNER_CONTRIBUTOR and record_type not in _PARTNER_TYPES:
        raise Refusal("payload.record_type", "a partner agency may add chronology entries only")
    allowed = _CREATORS.get(record_type)
    if allowed is not None and me.role not in allowed[0]:
        raise Refusal("payload.record_type", allowed[1])
    if record_type == "family" and version.case_id != version.record_id:
        raise Refusal("case_id", "a family is its own case: case_id must equal record_id")
    signed = _signer(version)
    if signed is not None and signed[1] != me.id:
        raise Refusal(signed[0], "must be your own practitioner id")
    countersigner = getattr(version.payload, "countersigned_by", None)
    if countersigner is not None and (countersigner != me.id or me.role != Role.SUPERVISOR):
        raise Refusal(
            "payload.countersigned_by", "only a supervisor countersigns, in their own name"
        )
