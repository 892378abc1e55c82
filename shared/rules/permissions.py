"""Who may make what (docs/domain.md, Roles): one table the server's push rules and the app's
offers both read, so the app offers an act exactly when the server would accept it.

The table answers role x record type x act with a `Condition`: never, always (in a case the
practitioner holds), only as one of the plan's lead practitioners, or only as whoever made the
record's first version. Beside it, the roles that sign for a record someone else made: the
conference chair who approves a professionals-only meeting (V5) and the supervisor who
countersigns a decision. What it does not hold stays where its facts are: which cases a person
holds or supervises (the server's scope), and that a signed record carries the signer's own id.

A plan and its outcomes are changed only by a social worker who is one of the plan's lead
practitioners, or by a conference chair of the case (who makes and reviews plans). A lead
practitioner of any other role does not hold the plan: in England the lead practitioner for a
child protection plan is a social worker (Working Together to Safeguard Children 2023).
"""

from enum import StrEnum

from shared.vocabulary import Role


class Act(StrEnum):
    """What a practitioner does to a record."""

    CREATE = "create"  # its first version
    CHANGE = "change"  # a later version: amend, withdraw, mark entered in error, resolve


class Condition(StrEnum):
    """When a role may do an act to a record type."""

    NEVER = "never"
    ALWAYS = "always"  # in a case the practitioner holds
    PLAN_LEAD = "plan_lead"  # only as one of the plan's lead practitioners
    OWN_ACCOUNT = "own_account"  # only whoever made the record's first version


_CASE_ROLES = frozenset(
    {
        Role.HEALTH_VISITOR,
        Role.SCHOOL_NURSE,
        Role.SOCIAL_WORKER,
        Role.SUPERVISOR,
        Role.CP_CHAIR,
    }
)
_SOCIAL_WORK = frozenset({Role.SOCIAL_WORKER})
_PLANS = frozenset({Role.SOCIAL_WORKER, Role.CP_CHAIR})
_DECISIONS = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR})
_SUPERVISION = frozenset({Role.SUPERVISOR})
_ASSESSORS = frozenset({Role.HEALTH_VISITOR, Role.SCHOOL_NURSE, Role.SOCIAL_WORKER})
_PARTNER = frozenset({Role.PARTNER_CONTRIBUTOR})
_HOLDERS = "only a practitioner who holds the case may record this"
PARTNER_REFUSAL = "a partner agency may add chronology entries only"

# Record type -> the roles that may make it, and what a refused practitioner is told.
MAKERS: dict[str, tuple[frozenset[Role], str]] = {
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
    # Open to every role that holds cases; a partner agency adds its own entries and links.
    "significant_adult": (_CASE_ROLES, _HOLDERS),
    "visit": (_CASE_ROLES, _HOLDERS),
    "checklist_response": (_CASE_ROLES, _HOLDERS),
    "escalation": (_CASE_ROLES, _HOLDERS),
    "chronology_entry": (_CASE_ROLES | _PARTNER, _HOLDERS),
    "same_event_link": (_CASE_ROLES | _PARTNER, _HOLDERS),
}

# A practitioner's own account (issue 6): only whoever made the first version changes it;
# others add to it (a review, a decision, an entry of their own).
OWN_ACCOUNT_TYPES = frozenset(
    {"chronology_entry", "visit", "checklist_response", "analysis_note", "supervision_note"}
)
# The plan and its outcomes: changed only by the plan's lead, unless a conference chair.
_HELD_BY_LEAD = frozenset(
    {("cp_plan", Act.CHANGE), ("plan_outcome", Act.CREATE), ("plan_outcome", Act.CHANGE)}
)
_HOLDS_EVERY_PLAN = frozenset({Role.CP_CHAIR})


# Who signs for a record another person made, in their own name.
_MEETING_APPROVERS = frozenset({Role.CP_CHAIR})
_COUNTERSIGNERS = frozenset({Role.SUPERVISOR})


def may_approve_meeting(role: Role) -> bool:
    """True when this role may be named as approving a professionals-only meeting (V5)."""
    return role in _MEETING_APPROVERS


def may_countersign(role: Role) -> bool:
    """True when this role countersigns decisions (in a review, or on the decision itself)."""
    return role in _COUNTERSIGNERS


def condition(role: Role, record_type: str, act: Act) -> Condition:
    """Return when this role may do this act to this record type."""
    makers = MAKERS.get(record_type)
    if makers is None or role not in makers[0]:
        return Condition.NEVER
    if (record_type, act) in _HELD_BY_LEAD and role not in _HOLDS_EVERY_PLAN:
        return Condition.PLAN_LEAD
    if act == Act.CHANGE and record_type in OWN_ACCOUNT_TYPES:
        return Condition.OWN_ACCOUNT
    return Condition.ALWAYS


def may(
    role: Role, record_type: str, act: Act, *, plan_lead: bool = False, own_account: bool = False
) -> bool:
    """True when this role may do this act, given whether they lead the plan the record
    belongs to and whether they made the record's first version."""
    match condition(role, record_type, act):
        case Condition.ALWAYS:
            return True
        case Condition.PLAN_LEAD:
            return plan_lead
        case Condition.OWN_ACCOUNT:
            return own_account
        case _:
            return False


def role_refusal(role: Role, record_type: str) -> str:
    """Say in plain words why this role may not make this record type at all."""
    if role == Role.PARTNER_CONTRIBUTOR:
        return PARTNER_REFUSAL
    makers = MAKERS.get(record_type)
    return makers[1] if makers else "this kind of record cannot be made here"
