"""The demo data's child protection plan (issue 6): a statutory visit by demo-hv on a child with
the plan waits in demo-sup's queue for a countersignature."""

from typing import Any

from litestar.testing import AsyncTestClient

from shared.models import CPPlan, PlanOutcome
from shared.vocabulary import CPCategory, PlanStatus
from sync_server.demo import DemoSeed
from tests.sync_server.server_builders import push, sign_in, statutory_visit


def _plans(demo: DemoSeed) -> list[tuple[int, str, CPPlan]]:
    return [
        (number, v.record_id, v.payload)
        for number, case in enumerate(demo.cases, start=1)
        for v in case.versions
        if isinstance(v.payload, CPPlan)
    ]


def test_the_second_family_has_an_active_neglect_plan_with_whole_outcomes(
    demo: DemoSeed,
) -> None:
    [(number, plan_id, plan)] = _plans(demo)
    case = demo.cases[number - 1]
    assert number == 2  # allocated to demo-hv, demo-sw and demo-sup
    assert set(plan.child_ids) == set(case.child_ids)
    assert CPCategory.NEGLECT in plan.categories
    assert plan.status == PlanStatus.ACTIVE
    assert plan.lead_practitioner_id == demo.practitioners["demo-sw"].id
    outcomes = [v.payload for v in case.versions if isinstance(v.payload, PlanOutcome)]
    assert outcomes
    for outcome in outcomes:  # V4: the danger, the goal and the consequence, all stated
        assert outcome.plan_id == plan_id
        assert outcome.danger_statement
        assert outcome.safety_goal
        assert outcome.consequence_if_not_achieved
        assert outcome.due > plan.icpc_date


async def test_a_statutory_visit_on_the_plan_child_awaits_demo_sups_countersignature(
    client: AsyncTestClient[Any], demo: DemoSeed
) -> None:
    [(number, _, plan)] = _plans(demo)
    item = statutory_visit(demo.cases[number - 1].family_id, plan.child_ids[0], hours_ago=2)
    results = await push(client, await sign_in(client, "demo-hv"), [item])
    assert [r["status"] for r in results] == ["accepted"]

    response = await client.get("/review/queue", headers=await sign_in(client, "demo-sup"))
    assert response.status_code == 200, response.text
    [waiting] = [i for i in response.json()["items"] if i["record_id"] == item["record_id"]]
    assert waiting["needs_countersignature"] is True
    assert "statutory_visit_on_plan" in waiting["reasons"]
    assert waiting["author_id"] == demo.practitioners["demo-hv"].id
