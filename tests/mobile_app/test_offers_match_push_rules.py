"""The app offers an act exactly when the server would accept it (docs/domain.md, Roles).

Both sides read shared.rules.permissions; these tests run the server's real push checks
(`check_permission`, `check_authorship`, `check_plan_holder`) on real record versions against
the app's real offers: `offered`, and the services' offers read from a real device store.
"""

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobile_app.services.chronology.decisions import DecisionService
from mobile_app.services.chronology.history import EntryRevisions
from mobile_app.services.offers import offered
from mobile_app.services.planning.meetings import MeetingService
from mobile_app.services.planning.notes import NotesService
from mobile_app.services.planning.plans import PlanService
from mobile_app.services.supervision.review import ReviewService
from mobile_app.store import DeviceStore
from shared.ids import new_id
from shared.models import RECORD_TYPES, Practitioner
from shared.protocol import RecordVersion
from shared.rules.permissions import Act
from shared.vocabulary import Role
from sync_server.services.access.scope import PARTNER_OWN_TYPES
from sync_server.services.sync.push_rules import (
    Pusher,
    Refusal,
    check_authorship,
    check_chair_approval,
    check_permission,
    check_plan_holder,
    plan_of,
)
from tests.mobile_app.safeguarding_builders import person, pulled
from tests.shared import safeguarding_records as records

CASE, CHILD, OTHER = new_id(), new_id(), new_id()
WHEN = "2026-11-20T10:00:00Z"
# Record type -> the payload field signed with its maker's id (shared with push_rules._signer).
SIGNED = {
    "chronology_entry": "author_id",
    "checklist_response": "assessor_id",
    "same_event_link": "made_by",
    "review_decision": "reviewer_id",
    "supervision_note": "author_id",
    "analysis_note": "author_id",
    "decision_record": "decided_by",
    "escalation": "raised_by",
}
EXTRA: dict[str, dict[str, Any]] = {
    "family": {
        "family_name": "Quarmby",
        "address": {"line1": "1 Row", "town": "Banbury", "postcode": "OX16 4AB"},
    },
    "child": {"given_name": "Poppy", "family_name": "Quarmby", "dob": "2026-06-01"},
    "significant_adult": {"child_ids": [CHILD], "relationship": "mother_partner", "name": "A B"},
    "visit": {
        "child_ids": [CHILD],
        "visit_type": "statutory_CP",
        "start": "2026-11-20T09:00:00Z",
        "end": WHEN,
        "persons_present": [{"description": "mother"}],
        "child_seen": True,
        "seen_alone": True,
        "father_or_male_carer": {"not_known_reason": "Mother declined to say."},
    },
    "checklist_response": {
        "child_id": CHILD,
        "assessed_at": WHEN,
        "age_band": "0-1",
        "answers": [],
    },
    "chronology_entry": {
        "child_ids": [CHILD],
        "event_datetime": WHEN,
        "source_agency": "CSC",
        "information_source": "direct_observation",
        "author_role": "social_worker",
        "event_type": "home_visit",
        "summary": "Visited at home; children seen.",
        "action_taken": "Plan reviewed.",
        "significance": "contextual",
    },
    "same_event_link": {"entry_record_ids": [new_id(), new_id()], "reason": "One incident."},
    "review_decision": {
        "reviewed_record_id": new_id(),
        "reviewed_version_id": new_id(),
        "action": "countersign",
        "decided_at": WHEN,
    },
    "supervision_note": {"child_ids": [CHILD], "held_at": WHEN, "discussion": "The visits."},
}


def _payload(record_type: str, me_id: str) -> dict[str, Any]:
    """A valid payload of this type, signed (where it is signed) with my id."""
    build = records.ALL.get(record_type)
    base = build() if build else EXTRA[record_type]
    signed = {SIGNED[record_type]: me_id} if record_type in SIGNED else {}
    return {**base, "record_type": record_type, **signed}


def _version(record_type: str, act: Act, me_id: str) -> RecordVersion:
    changing = act == Act.CHANGE
    return RecordVersion.model_validate(
        {
            "version_id": new_id(),
            "record_id": CASE if record_type == "family" else new_id(),
            "replaces_version_id": new_id() if changing else None,
            "amend_reason": "Corrected." if changing else "",
            "case_id": CASE,
            "device_time": datetime(2026, 11, 20, 11, 0, tzinfo=UTC),
            "payload": _payload(record_type, me_id),
        }
    )


def server_accepts(me: Practitioner, record_type: str, act: Act, lead: bool, author: bool) -> bool:
    """Run the server's push checks as the ingest does, in a case allocated to me."""
    version = _version(record_type, act, me.id)
    pusher = Pusher(practitioner=me, device_id=None, cases=frozenset({CASE}))
    leads = frozenset({me.id if lead else OTHER})
    try:
        check_permission(version, pusher)
        check_authorship(version, me.id if author else OTHER, pusher)
        plan = (CASE, leads) if plan_of(version) or record_type == "plan_outcome" else None
        check_plan_holder(version, plan, pusher)
    except Refusal:
        return False
    return True


def app_offers(me: Practitioner, record_type: str, act: Act, lead: bool, author: bool) -> bool:
    """Ask the app what it offers, as its services do: a new record has no first author."""
    first = (me.id if author else OTHER) if act == Act.CHANGE else None
    return offered(me, record_type, act, plan_leads={me.id if lead else OTHER}, first_author=first)


ROLES = tuple(Role)
PEOPLE = {role: person(role, f"offer-{role.value}") for role in ROLES}


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(ROLES),
    st.sampled_from(RECORD_TYPES),
    st.sampled_from(tuple(Act)),
    st.booleans(),
    st.booleans(),
)
def test_the_app_offers_an_act_exactly_when_the_server_accepts_it(
    role: Role, record_type: str, act: Act, lead: bool, author: bool
) -> None:
    me = PEOPLE[role]
    accepted = server_accepts(me, record_type, act, lead, author)
    assert app_offers(me, record_type, act, lead, author) == accepted


def test_every_role_record_type_and_act_agrees() -> None:
    acts, flags = tuple(Act), (False, True)
    combinations = list(itertools.product(ROLES, RECORD_TYPES, acts, flags, flags))
    differ = [
        (role, record_type, act, lead, author)
        for role, record_type, act, lead, author in combinations
        if app_offers(PEOPLE[role], record_type, act, lead, author)
        != server_accepts(PEOPLE[role], record_type, act, lead, author)
    ]
    assert len(combinations) == len(Role) * len(RECORD_TYPES) * 2 * 2 * 2
    assert differ == []


@pytest.mark.parametrize("role", ROLES)
def test_each_services_offer_is_what_the_server_accepts(role: Role, store: DeviceStore) -> None:
    me = PEOPLE[role]
    never = {"lead": False, "author": False}
    assert NotesService(store, me).can_analyse == server_accepts(
        me, "analysis_note", Act.CREATE, **never
    )
    assert NotesService(store, me).can_supervise == server_accepts(
        me, "supervision_note", Act.CREATE, **never
    )
    assert MeetingService(store, me).can_record == server_accepts(
        me, "meeting", Act.CREATE, **never
    )
    decisions = DecisionService(store, me)
    assert decisions.can_decide == server_accepts(me, "decision_record", Act.CREATE, **never)
    review = server_accepts(me, "review_decision", Act.CREATE, **never)
    assert decisions.can_countersign == ReviewService(store, me).is_supervisor == review


@pytest.mark.parametrize(("role", "lead"), list(itertools.product(ROLES, (False, True))))
def test_a_plan_is_offered_for_change_exactly_to_whom_the_server_lets_change_it(
    role: Role, lead: bool, store: DeviceStore
) -> None:
    me = PEOPLE[role]
    plan_id, child_id = new_id(), records.CHILD
    plan = records.cp_plan(lead_practitioner_id=me.id if lead else OTHER)
    store.records.merge_pulled([pulled(CASE, plan_id, plan, 1)])

    views = PlanService(store, me).for_child(child_id)

    assert [v.can_edit for v in views] == [
        server_accepts(me, "plan_outcome", Act.CHANGE, lead, author=False)
    ]
    assert server_accepts(me, "plan_outcome", Act.CREATE, lead, False) == views[0].can_edit


@pytest.mark.parametrize(("role", "author"), list(itertools.product(ROLES, (False, True))))
def test_an_entry_is_offered_for_change_exactly_to_whom_the_server_lets_change_it(
    role: Role, author: bool, store: DeviceStore
) -> None:
    me = PEOPLE[role]
    entry_id = new_id()
    entry = _payload("chronology_entry", me.id if author else OTHER)
    store.records.merge_pulled([pulled(CASE, entry_id, entry, 1)])

    offered_here = EntryRevisions(store, me).may_change(entry_id)

    assert offered_here == server_accepts(me, "chronology_entry", Act.CHANGE, False, author)


def test_a_partner_makes_exactly_what_the_server_lets_them_read_as_their_own() -> None:
    partner = PEOPLE[Role.PARTNER_CONTRIBUTOR]
    made = {t for t in RECORD_TYPES if server_accepts(partner, t, Act.CREATE, False, False)}
    assert made == PARTNER_OWN_TYPES


def _signed_for(payload: dict[str, Any], replaces: bool = False) -> RecordVersion:
    return RecordVersion.model_validate(
        {
            "version_id": new_id(),
            "record_id": new_id(),
            "replaces_version_id": new_id() if replaces else None,
            "amend_reason": "Countersigned." if replaces else "",
            "case_id": CASE,
            "device_time": datetime(2026, 11, 20, 16, 0, tzinfo=UTC),
            "payload": payload,
        }
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_app_offers_to_approve_a_meeting_exactly_to_whom_the_server_lets_approve(
    role: Role, store: DeviceStore
) -> None:
    me = PEOPLE[role]
    meeting = _signed_for(records.professionals_only(chair_approved_by=me.id))
    try:
        check_chair_approval(meeting, (role.value, frozenset({CASE})))
        accepted = True
    except Refusal:
        accepted = False

    offered_to_me = me.id in {c.chair_id for c in MeetingService(store, me).chairs(CASE)}

    assert offered_to_me == accepted == (role == Role.CP_CHAIR)


@pytest.mark.parametrize("role", ROLES)
def test_the_app_offers_countersigning_exactly_to_whom_the_server_lets_countersign(
    role: Role, store: DeviceStore
) -> None:
    me = PEOPLE[role]
    countersigned = _signed_for(
        records.decision(
            decided_by=OTHER, countersigned_by=me.id, countersigned_at="2026-11-20T15:30:00Z"
        ),
        replaces=True,
    )
    pusher = Pusher(practitioner=me, device_id=None, cases=frozenset({CASE}))
    try:
        check_permission(countersigned, pusher)
        accepted = True
    except Refusal:
        accepted = False

    assert DecisionService(store, me).can_countersign == accepted == (role == Role.SUPERVISOR)
