"""Valid synthetic payloads for the safeguarding record models, as plain dicts to override."""

import random
from typing import Any

from shared.ids import new_id
from shared.synthetic import family_name, given_name, uk_mobile

RNG = random.Random(4)
CHILD = new_id()
SIBLING = new_id()
WORKER = new_id()
SUPERVISOR = new_id()
CHAIR = new_id()
PLAN = new_id()
ENTRY = new_id()
FATHER = new_id()

Payload = dict[str, Any]


def _with(base: Payload, overrides: Payload) -> Payload:
    return {**base, **overrides}


def cp_plan(**overrides: Any) -> Payload:
    """A neglect plan for two siblings, made at a conference after a strategy discussion."""
    return _with(
        {
            "record_type": "cp_plan",
            "child_ids": [CHILD, SIBLING],
            "categories": ["neglect"],
            "strategy_date": "2026-09-01",
            "icpc_date": "2026-09-22",
            "visit_frequency_days": 10,
            "seen_alone_rule": {"every_n_visits": 1},
            "bedroom_rule": {"every_n_visits": 2, "detail": "Both children's bedrooms."},
            "core_group": [
                {"person_id": WORKER},
                {"role": "health_visitor", "agency": "health_visiting"},
            ],
            "contingency_plan": "If the home has no food again, convene a strategy discussion.",
            "lead_practitioner_id": WORKER,
        },
        overrides,
    )


def plan_outcome(**overrides: Any) -> Payload:
    """An outcome with every V4 part filled in."""
    return _with(
        {
            "record_type": "plan_outcome",
            "plan_id": PLAN,
            "danger_statement": "Social care and school worry the children go without food.",
            "safety_goal": "There is food in the home and the children eat three meals a day.",
            "consequence_if_not_achieved": "The children will go hungry and fall behind.",
            "measure": "Food seen at every visit; school reports breakfast eaten.",
            "owner": "Mother, supported by family support worker",
            "due": "2026-12-15",
            "progress_rating": 3,
        },
        overrides,
    )


def meeting(**overrides: Any) -> Payload:
    """An initial conference with the father invited, and its paperwork distributed."""
    return _with(
        {
            "record_type": "meeting",
            "meeting_type": "ICPC",
            "child_ids": [CHILD],
            "held_at": "2026-09-22T10:00:00Z",
            "chair_id": CHAIR,
            "invitees": [
                {
                    "person_id": FATHER,
                    "invited_at": "2026-09-15T09:00:00Z",
                    "attendance": "did_not_attend",
                },
                {"role": "health_visitor", "agency": "health_visiting", "attendance": "attended"},
            ],
            "decisions": ["Child protection plan under neglect."],
            "rationale": "Repeated reports of no food in the home.",
            "dissent": [{"raised_by": "school", "view": "Would have preferred child in need."}],
            "invitations_sent_at": "2026-09-15T09:00:00Z",
            "plan_distributed_at": "2026-09-23T09:00:00Z",
            "minutes_distributed_at": "2026-10-10T09:00:00Z",
        },
        overrides,
    )


def professionals_only(**overrides: Any) -> Payload:
    """A professionals-only meeting with a listed reason and the chair's approval (V5)."""
    base: Payload = {
        "meeting_type": "professionals_only",
        "reason_code": "police_investigation",
        "chair_approved_by": CHAIR,
    }
    return meeting(**{**base, **overrides})


def decision(**overrides: Any) -> Payload:
    """A decision to request a strategy discussion after a serious entry."""
    return _with(
        {
            "record_type": "decision_record",
            "trigger_entry_id": ENTRY,
            "child_ids": [CHILD],
            "question": "Does the bruise need a strategy discussion?",
            "options_considered": ["request_strategy_discussion", "no_action"],
            "decision": "request_strategy_discussion",
            "rationale": "Unexplained bruise on a non-mobile baby.",
            "decided_by": WORKER,
            "decided_at": "2026-11-20T15:00:00Z",
        },
        overrides,
    )


def escalation(**overrides: Any) -> Payload:
    """Stage 1 of a disagreement about closing the case, due in a week."""
    return _with(
        {
            "record_type": "escalation",
            "child_ids": [CHILD, SIBLING],
            "subject": "Health disagrees with stepping the plan down to child in need.",
            "stage": 1,
            "raised_by": WORKER,
            "raised_at": "2026-11-02T10:00:00Z",
            "due_at": "2026-11-09T17:00:00Z",
        },
        overrides,
    )


def transfer_out(**overrides: Any) -> Payload:
    """A handover to a receiving area, notified the next day."""
    contact = f"{given_name(RNG, 'female')} {family_name(RNG)}, {uk_mobile(RNG)}"
    return _with(
        {
            "record_type": "transfer_out",
            "child_ids": [CHILD],
            "started_at": "2026-11-10T09:00:00Z",
            "summary_of_concerns": "Neglect: no food in the home on three visits.",
            "current_health_involvement": "Health visitor; paediatric dietitian.",
            "current_plan_snapshot": "Neglect plan since September; visits every 10 days.",
            "chronology_export_id": new_id(),
            "significant_adults_snapshot": [{"adult_id": FATHER, "label": "Birth father"}],
            "receiving_agency": {"name": "Northshire Children's Services", "contact": contact},
            "notified_at": "2026-11-11T09:00:00Z",
            "housing_provider_informed": "yes",
        },
        overrides,
    )


def gcp2_reference(**overrides: Any) -> Payload:
    """A GCP2 assessment pointer: numbers and a link only."""
    return _with(
        {
            "record_type": "gcp2_reference",
            "child_ids": [CHILD],
            "assessed_on": "2026-10-05",
            "licensed_assessor": "Health visitor (licensed GCP2 assessor)",
            "grades": {"physical_care": 4, "safety": 3, "love_and_care": 2},
            "document_link": "https://gcp2.example.org/assessments/1234",
        },
        overrides,
    )


def analysis_note(**overrides: Any) -> Payload:
    """A quarterly look across the chronology."""
    return _with(
        {
            "record_type": "analysis_note",
            "child_ids": [CHILD],
            "period_from": "2026-08-01",
            "period_to": "2026-10-31",
            "analysis": "Three no-access visits, each after a missed health appointment.",
            "patterns": ["no access follows missed appointments"],
            "entry_ids": [ENTRY],
            "author_id": SUPERVISOR,
            "author_role": "supervisor",
        },
        overrides,
    )


ALL = {
    "cp_plan": cp_plan,
    "plan_outcome": plan_outcome,
    "meeting": meeting,
    "decision_record": decision,
    "escalation": escalation,
    "transfer_out": transfer_out,
    "gcp2_reference": gcp2_reference,
    "analysis_note": analysis_note,
}
