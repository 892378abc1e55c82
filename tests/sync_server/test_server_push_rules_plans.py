"""Who may change a plan and its outcomes, and who may approve a professionals-only meeting
(docs/domain.md, Plans, Meetings, Roles; rule V5): a refusal names the field at fault."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.vocabulary import Agency, Role
from sync_server.services import ServiceContainer
from tests.sync_server.alert_builders import Family, cp_family
from tests.sync_server.ingest_counting import ingest_counting
from tests.sync_server.role_builders import add_person
from tests.sync_server.server_builders import edit, entry, push, sign_in, take_back, version

Item = dict[str, Any]
Headers = dict[str, str]


def _plan(family: Family, lead_id: str) -> Item:
    return version(
        family.case_id,
        {
            "record_type": "cp_plan",
            "child_ids": [family.child_id],
            "categories": ["neglect"],
            "icpc_date": "2025-03-03",
            "visit_frequency_days": 10,
            "lead_practitioner_id": lead_id,
        },
    )


def _outcome(family: Family, plan_id: str) -> Item:
    return version(
        family.case_id,
        {
            "record_type": "plan_outcome",
            "plan_id": plan_id,
            "danger_statement": "Social care worry the baby goes without feeds.",
            "safety_goal": "The baby is fed on time every day.",
            "consequence_if_not_achieved": "The baby will not gain weight; legal advice.",
            "measure": "Weight checked weekly by the health visitor.",
            "owner": "Parents, with the family support worker",
            "due": "2025-06-01",
        },
    )


def _professionals_only(family: Family, approver_id: str) -> Item:
    return version(
        family.case_id,
        {
            "record_type": "meeting",
            "meeting_type": "professionals_only",
            "child_ids": [family.child_id],
            "held_at": "2025-03-10T10:00:00Z",
            "chair_id": approver_id,
            "reason_code": "police_investigation",
            "chair_approved_by": approver_id,
            "decisions": ["Share the police disclosure with the core group only."],
        },
    )


def _status(result: dict[str, Any]) -> tuple[str, str | None]:
    return result["status"], result.get("field")


@pytest.fixture
async def family(client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers) -> Family:
    """A CP family of demo-sw's, also allocated to another social worker and a chair."""
    found = await cp_family(client, services, sw)
    add_person(services, "other-sw", Role.SOCIAL_WORKER, Agency.CSC, cases=(found.case_id,))
    add_person(services, "chair-here", Role.CP_CHAIR, Agency.CSC, cases=(found.case_id,))
    add_person(services, "chair-away", Role.CP_CHAIR, Agency.CSC)
    return found


def _id(services: ServiceContainer, username: str) -> str:
    found = services.repository.practitioner_login(username)
    assert found is not None
    return found[0].id


async def test_only_a_conference_chair_of_the_case_approves_a_professionals_only_meeting(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, family: Family
) -> None:
    unknown = new_id()
    named = {
        "unknown": unknown,
        "social_worker": _id(services, "other-sw"),
        "chair_elsewhere": _id(services, "chair-away"),
        "chair_here": _id(services, "chair-here"),
    }

    results = await push(client, sw, [_professionals_only(family, i) for i in named.values()])

    refused = ("rejected", "payload.chair_approved_by")
    assert [_status(r) for r in results] == [refused, refused, refused, ("accepted", None)]
    assert "conference chair allocated to this case" in results[0]["message"]
    assert unknown not in results[0]["message"]


async def test_a_chair_records_a_meeting_approving_it_themselves(
    client: AsyncTestClient[Any], services: ServiceContainer, family: Family
) -> None:
    chair = await sign_in(client, "chair-here")

    results = await push(client, chair, [_professionals_only(family, _id(services, "chair-here"))])

    assert _status(results[0]) == ("accepted", None)


async def test_an_outcome_is_added_by_the_plans_lead_or_a_chair_and_nobody_else(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, family: Family
) -> None:
    plan = _plan(family, family.author_id)
    other_sw = await sign_in(client, "other-sw")
    chair = await sign_in(client, "chair-here")

    with_plan = await push(client, sw, [plan, _outcome(family, plan["record_id"])])
    by_other = await push(client, other_sw, [_outcome(family, plan["record_id"])])
    by_chair = await push(client, chair, [_outcome(family, plan["record_id"])])

    assert [_status(r) for r in with_plan] == [("accepted", None)] * 2  # plan first, same batch
    assert _status(by_other[0]) == ("rejected", "payload.plan_id")
    assert "lead practitioner or a conference chair" in by_other[0]["message"]
    assert _status(by_chair[0]) == ("accepted", None)


async def test_an_outcome_must_name_a_plan_of_its_own_case(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, family: Family
) -> None:
    other = await cp_family(client, services, sw, seed=2)
    elsewhere = _plan(other, family.author_id)
    await push(client, sw, [elsewhere])

    results = await push(
        client,
        sw,
        [_outcome(family, elsewhere["record_id"]), _outcome(family, family.child_id)],
    )

    for result in results:
        assert _status(result) == ("rejected", "payload.plan_id")
        assert result["message"] == "is not a plan in this case"


async def test_only_the_current_lead_or_a_chair_amends_a_plan(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, family: Family
) -> None:
    """Regression: the lead is read from the stored plan, never from the pushed version."""
    plan = _plan(family, family.author_id)
    await push(client, sw, [plan])
    other_sw = await sign_in(client, "other-sw")
    other_id = _id(services, "other-sw")
    chair = await sign_in(client, "chair-here")

    takeover = await push(client, other_sw, [edit(plan, lead_practitioner_id=other_id)])
    handover = edit(plan, lead_practitioner_id=other_id, reason="Case moved to other-sw.")
    handed = await push(client, sw, [handover])
    old_lead = await push(client, sw, [edit(handover, visit_frequency_days=5)])
    new_lead = await push(client, other_sw, [edit(handover, visit_frequency_days=5)])
    by_chair = await push(client, chair, [edit(handover, visit_frequency_days=7)])
    outcome_by_new_lead = await push(client, other_sw, [_outcome(family, plan["record_id"])])

    assert _status(takeover[0]) == ("rejected", "payload.lead_practitioner_id")
    assert _status(handed[0]) == ("accepted", None)
    assert _status(old_lead[0]) == ("rejected", "payload.lead_practitioner_id")
    assert _status(new_lead[0]) == ("accepted", None)
    assert _status(by_chair[0])[0] == "conflict"  # a second edit of the handover: kept, flagged
    assert _status(outcome_by_new_lead[0]) == ("accepted", None)


async def test_plans_and_approvers_are_looked_up_once_per_batch_and_only_when_named(
    services: ServiceContainer, family: Family
) -> None:
    plans = [_plan(family, family.author_id) for _ in range(3)]
    chair_id = _id(services, "chair-here")
    entries = [entry(family.case_id, family.author_id, [family.child_id]) for _ in range(20)]

    entries_only = ingest_counting(services, family, entries)
    mixed = ingest_counting(
        services,
        family,
        [
            *plans,
            *(_outcome(family, p["record_id"]) for p in plans for _ in range(5)),
            *(edit(p, visit_frequency_days=7) for p in plans),
            *(_professionals_only(family, chair_id) for _ in range(5)),
        ],
    )

    assert entries_only["plan_leads"] == entries_only["practitioner_cases"] == 0
    assert mixed["plan_leads"] == mixed["practitioner_cases"] == 1


async def test_an_outcome_stays_on_its_plan_so_another_plans_lead_cannot_take_it_over(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, family: Family
) -> None:
    other_id = _id(services, "other-sw")
    other = await sign_in(client, "other-sw")
    theirs, mine = _plan(family, other_id), _plan(family, family.author_id)
    outcome = _outcome(family, theirs["record_id"])
    assert {r["status"] for r in await push(client, other, [theirs, outcome])} == {"accepted"}
    await push(client, sw, [mine])

    moved = await push(client, sw, [edit(outcome, plan_id=mine["record_id"])])
    kept_by_lead = await push(client, other, [edit(outcome, measure="Weighed fortnightly.")])

    assert _status(moved[0]) == ("rejected", "payload.plan_id")
    assert "stays on its plan" in moved[0]["message"]
    assert _status(kept_by_lead[0]) == ("accepted", None)


async def test_a_meeting_is_taken_back_after_its_approving_chair_left_the_case(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, family: Family
) -> None:
    chair_id = _id(services, "chair-here")
    meeting = _professionals_only(family, chair_id)
    await push(client, sw, [meeting])
    services.repository.deallocate(chair_id, family.case_id, "2025-03-12T09:00:00.000000Z")

    amended = await push(client, sw, [edit(meeting, decisions=["Share with the GP too."])])
    withdrawn = await push(client, sw, [take_back(meeting, "entered_in_error")])

    assert _status(amended[0]) == ("rejected", "payload.chair_approved_by")
    assert _status(withdrawn[0]) == ("accepted", None)
