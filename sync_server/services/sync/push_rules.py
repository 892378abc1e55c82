"""Who may push what (docs/domain.md, Roles), and which children a pushed record names.

Each check is on one version on its own; the ingest checks its place in the record's history.
Which role may create or change which record type, and on what condition (the plan's lead, the
record's own author), is the table in shared.rules.permissions, which the app's offers also read.
A record a practitioner signs (author, assessor, decision maker, reviewer) must be signed
with their own id when they make it: nobody records in another person's name. A plan and its
outcomes are changed only by a social worker who is one of the plan's lead practitioners or a
conference chair of the case, and a meeting's chair approval must name a conference chair of
the case (the ingest looks up plans and practitioners once per batch). Rule V1's times are
checked against the receipt (shared.rules.event_time).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.models import (
    AnalysisNote,
    ChecklistResponse,
    ChronologyEntry,
    CPPlan,
    DecisionRecord,
    Escalation,
    ExternalGCP2Reference,
    Meeting,
    PlanOutcome,
    Practitioner,
    SignificantAdult,
    TransferOut,
    Visit,
)
from shared.models.review import SupervisionNote
from shared.protocol import RecordVersion
from shared.rules.event_time import (
    FUTURE_MESSAGE,
    LATE_ENTRY_MESSAGE,
    EventClock,
    made_at,
    needs_late_reason,
)
from shared.rules.handover import DEFAULT_HANDOVER_GRACE, Handover, handover_refusal
from shared.rules.permissions import (
    OWN_ACCOUNT_TYPES,
    Act,
    Condition,
    condition,
    may,
    may_approve_meeting,
    may_countersign,
    role_refusal,
)
from shared.vocabulary import Lifecycle, Role
from sync_server.services.access.scope import NO_CASE_ROLES

FAMILY_RECORD_TYPES = frozenset({"family", "child"})

# A supervisor may add these in their team's cases as well as in cases allocated to them.
_SUPERVISION_TYPES = frozenset({"review_decision", "supervision_note", "analysis_note"})

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
    # Issue 13: cases a transfer took from them, where what they recorded before it may still
    # arrive within `grace` of the push's receipt (or at any time, forwarded by a supervisor).
    handovers: Mapping[str, Handover] = field(default_factory=dict)
    received_at: datetime | None = None
    grace: timedelta = DEFAULT_HANDOVER_GRACE
    forwarded: bool = False


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


# A practitioner's own account (docs/domain.md, Chronology entry, Visit; issue 6; which types are
# one is shared.rules.permissions.OWN_ACCOUNT_TYPES): only whoever made the record's first version
# amends, withdraws, marks in error or resolves it. Record type -> (field a refusal names, message).
_OWN_ACCOUNTS = {
    "chronology_entry": (
        "payload.author_id",
        "only the entry's author may change it: add an entry of your own instead",
    ),
    "visit": (
        "replaces_version_id",
        "only the practitioner who recorded the visit may change it: add to it instead",
    ),
    "checklist_response": (
        "replaces_version_id",
        "only the practitioner who made the checklist may change it: add to the visit instead",
    ),
    "analysis_note": ("payload.author_id", "only the note's author may change it"),
    "supervision_note": ("payload.author_id", "only the note's author may change it"),
}


def is_own_account(record_type: str) -> bool:
    """True for records that are one practitioner's account, which only they may change
    (entries, visits, checklists, analysis and supervision notes)."""
    return record_type in OWN_ACCOUNT_TYPES


def act_of(version: RecordVersion) -> Act:
    """A record's first version creates it; any later version changes it."""
    return Act.CREATE if version.replaces_version_id is None else Act.CHANGE


def check_authorship(version: RecordVersion, original_author: str | None, pusher: Pusher) -> None:
    """Refuse a new version of an entry or a visit from anyone but its original author.

    A case moved to another worker changes nothing here: the new worker adds entries.

    Args:
        version: the pushed version, already checked against the record's history.
        original_author: who made the record's first version (None if not known).
        pusher: who pushes it.

    Raises:
        Refusal: the version replaces another's entry or visit (amends, withdraws, marks it
            entered in error or resolves its conflict).
    """
    record_type = version.payload.record_type
    role = pusher.practitioner.role
    if condition(role, record_type, act_of(version)) != Condition.OWN_ACCOUNT:
        return
    if not may(
        role, record_type, Act.CHANGE, own_account=original_author == pusher.practitioner.id
    ):
        raise Refusal(*_OWN_ACCOUNTS[record_type])


NOT_ALLOCATED = "this case is not allocated to you"


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
    if me.role in NO_CASE_ROLES:
        raise Refusal("case_id", NOT_ALLOCATED)
    if outside:
        _check_handover(version, pusher)
    if condition(me.role, record_type, act_of(version)) == Condition.NEVER:
        raise Refusal("payload.record_type", role_refusal(me.role, record_type))
    if record_type == "family" and version.case_id != version.record_id:
        raise Refusal("case_id", "a family is its own case: case_id must equal record_id")
    signed = _signer(version)
    if signed is not None and signed[1] != me.id:
        raise Refusal(signed[0], "must be your own practitioner id")
    countersigner = getattr(version.payload, "countersigned_by", None)
    if countersigner is not None and (countersigner != me.id or not may_countersign(me.role)):
        raise Refusal(
            "payload.countersigned_by", "only a supervisor countersigns, in their own name"
        )


def _check_handover(version: RecordVersion, pusher: Pusher) -> None:
    """Refuse a version of a case not allocated to the pusher, unless a transfer from their
    team ended their hold and it is in time (shared.rules.handover).

    Only a case the pusher held hears about its transfer; any other is answered as today.
    """
    handover = pusher.handovers.get(version.case_id)
    if handover is None or pusher.received_at is None:
        raise Refusal("case_id", NOT_ALLOCATED)
    refusal = handover_refusal(
        version, handover, pusher.received_at, pusher.grace, forwarded=pusher.forwarded
    )
    if refusal is not None:
        raise Refusal("case_id", refusal)


def check_event_times(version: RecordVersion, clock: EventClock) -> None:
    """Refuse a version with an event time in the future of the receipt, or a late first
    version without its reason (V1).

    The time of writing is the version's device time, but never later than its receipt: a
    fast clock on a device from before clock correction must not make a prompt entry late.

    Raises:
        Refusal: naming the event-time field, or payload.late_entry_reason.
    """
    if version.lifecycle != Lifecycle.CURRENT:
        return
    payload = version.payload
    future = clock.future_field(payload)
    if future is not None:
        raise Refusal(f"payload.{future}", FUTURE_MESSAGE)
    if version.replaces_version_id is None:
        written_at = made_at(version.device_time, clock.now)
        if needs_late_reason(payload, written_at):
            raise Refusal("payload.late_entry_reason", LATE_ENTRY_MESSAGE)


# A plan's current case and the leads its head versions name; a practitioner's role and cases.
PlanLeads = tuple[str, frozenset[str]]
PractitionerCases = tuple[str, frozenset[str]]
# The record types `plan_of` and `approver_of` look at: the ingest skips the rest cheaply.
HELD_TYPES = frozenset({"cp_plan", "plan_outcome", "meeting"})


def plan_of(version: RecordVersion) -> str | None:
    """The plan whose holder alone may make this version: an outcome's plan, an edited plan."""
    payload = version.payload
    if isinstance(payload, PlanOutcome):
        return payload.plan_id
    if isinstance(payload, CPPlan) and version.replaces_version_id is not None:
        return version.record_id
    return None


def approver_of(version: RecordVersion) -> str | None:
    """The chair a meeting names as approving it (V5), if any; taking a meeting back (withdrawn,
    entered in error) approves nothing, so it stays possible after that chair left the case."""
    payload = version.payload
    if not isinstance(payload, Meeting) or version.lifecycle != Lifecycle.CURRENT:
        return None
    return payload.chair_approved_by


def check_plan_holder(version: RecordVersion, plan: PlanLeads | None, pusher: Pusher) -> None:
    """Refuse an outcome, or an amended plan, from anyone but the plan's lead or a chair.

    Who holds a plan is shared.rules.permissions: a social worker who is one of its lead
    practitioners, or a conference chair of the case, who makes and reviews plans; the app
    offers the change to the same people (mobile_app/services/planning/plans.py).

    Args:
        version: the pushed version, its pusher's role and case already checked.
        plan: the plan `plan_of` names, as stored or made earlier in this batch (None if not).
        pusher: who pushes it.

    Raises:
        Refusal: an outcome names no plan of this case, or the pusher neither leads the plan
            (in any of its current versions) nor chairs.
    """
    if isinstance(version.payload, PlanOutcome):
        if plan is None or plan[0] != version.case_id:
            raise Refusal("payload.plan_id", "is not a plan in this case")
        field, what = "payload.plan_id", "add or change its outcomes"
    elif plan_of(version) is not None:
        field, what = "payload.lead_practitioner_id", "change the plan"
    else:
        return
    me = pusher.practitioner
    lead = plan is not None and me.id in plan[1]
    if not may(me.role, version.payload.record_type, act_of(version), plan_lead=lead):
        raise Refusal(field, f"only the plan's lead practitioner or a conference chair may {what}")


def check_chair_approval(version: RecordVersion, approver: PractitionerCases | None) -> None:
    """Refuse a meeting whose chair_approved_by is not a conference chair of its case.

    Whoever records the meeting (its chair, or a social worker naming the chair) names a
    practitioner who answers for the approval: one the server knows as a conference chair
    and who is allocated to this case now, so they see the meeting made in their name.

    Raises:
        Refusal: the approver is unknown, not a conference chair, or not allocated here.
    """
    if approver_of(version) is None:
        return
    chair = approver is not None and may_approve_meeting(Role(approver[0]))
    if not chair or approver is None or version.case_id not in approver[1]:
        raise Refusal(
            "payload.chair_approved_by",
            "must be the practitioner id of a conference chair allocated to this case",
        )
