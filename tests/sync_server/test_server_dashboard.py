"""The team dashboard as JSON over HTTP, on hand-built team data whose figures are known.

North Oxon (north-sup over north-sw1 and north-sw2):
- child A (north-sw1): statutory visits on 1 and 15 May, neither seen alone, so the visit due
  by 29 May is overdue on 10 June; no father or male carer recorded (the visits name one whose
  record was never added, so no "not known, because" answer settles F4); an injury on 8 June
  with no decision; an escalation raised 2 June and not resolved; an ICPC whose minutes went late.
- child B (north-sw2): seen alone on 25 May and 5 June, father recorded, an injury on 8 June
  decided "no action" (counts once a supervisor countersigns it), an RCPC sent on time.
South Oxon's child (south-sw) has no father recorded either, and must not show in North.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.clock import iso
from shared.ids import new_id
from sync_server.services import ServiceContainer
from sync_server.services.access.audit import AuditAction
from tests.sync_server import test_server_review as review
from tests.sync_server.alert_builders import Family, at, conference, decision, incident
from tests.sync_server.server_builders import Item, push, sign_in, version
from tests.sync_server.test_server_review import (
    Case,
    Clock,
    Team,
    accepted,
    plan_item,
    review_item,
    visit_item,
)

# The hand-built team of the review tests: no demo data, a pinned clock.
app, clock, team = review.app, review.clock, review.team

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)  # a Tuesday


def day(month: int, dom: int, hour: int = 10) -> datetime:
    return datetime(2025, month, dom, hour, 0, tzinfo=UTC)


def family(case: Case, author_id: str) -> Family:
    return Family(case.case_id, case.child_id, author_id)


def escalation_item(case: Case, raised_by: str, raised_at: datetime) -> Item:
    payload = {
        "record_type": "escalation",
        "child_ids": [case.child_id],
        "subject": "Disagreement with the school about the attendance plan.",
        "stage": 1,
        "raised_by": raised_by,
        "raised_at": raised_at.isoformat(),
    }
    return at(raised_at, version(case.case_id, payload))


# A father named at a visit whose significant-adult record nobody added.
UNRECORDED = {"adult_ids": [new_id()]}


def father_item(case: Case) -> Item:
    payload = {
        "record_type": "significant_adult",
        "child_ids": [case.child_id],
        "relationship": "birth_father",
        "name": "Test Father",
    }
    return version(case.case_id, payload)


class Scenario:
    """The records pushed for the dashboard, by name."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}


@pytest.fixture
async def scenario(client: AsyncTestClient[Any], team: Team, clock: Clock) -> Scenario:
    """Push the records the module docstring describes; the server receives them on NOW."""
    clock.now = NOW
    sw1, sw2 = team.id("north-sw1"), team.id("north-sw2")
    a, b = family(team.a, sw1), family(team.b, sw2)
    made = Scenario()
    injury_a, injury_b = incident(a, day(6, 8)), incident(b, day(6, 8))
    made.items = {
        "visit_a1": visit_item(team.a, sw1, day(5, 1), alone=False, father=UNRECORDED),
        "visit_a2": visit_item(team.a, sw1, day(5, 15), alone=False, father=UNRECORDED),
        "injury_a": injury_a,
        "escalation_a": escalation_item(team.a, sw1, day(6, 2)),
        "icpc_a": conference(
            a, day(3, 3), plan_after=timedelta(days=1), minutes_after=timedelta(days=38)
        ),
        "plan_b": plan_item(team.b, sw2, date(2025, 3, 3)),
        "visit_b1": visit_item(team.b, sw2, day(5, 25)),
        "visit_b2": visit_item(team.b, sw2, day(6, 5)),
        "father_b": father_item(team.b),
        "injury_b": injury_b,
        "decision_b": decision(
            b, injury_b, day(6, 8, 15), "no_action", ("request_strategy_discussion", "no_action")
        ),
        "rcpc_b": conference(
            b,
            day(5, 1),
            plan_after=timedelta(hours=2),
            minutes_after=timedelta(days=7),
            meeting_type="RCPC",
        ),
    }
    a_items = [item for item in made.items.values() if item["case_id"] == team.a.case_id]
    b_items = [item for item in made.items.values() if item["case_id"] == team.b.case_id]
    accepted(await push(client, team.headers["north-sw1"], a_items))
    accepted(await push(client, team.headers["north-sw2"], b_items))
    return made


async def dashboard(client: AsyncTestClient[Any], headers: dict[str, str], query: str = "") -> Any:
    response = await client.get(f"/review/dashboard{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def figures(body: Any) -> dict[str, Any]:
    return {f["key"]: f for f in body["figures"]}


def rows(figure: Any) -> list[tuple[list[str], list[str]]]:
    return [(item["child_ids"], item["record_ids"]) for item in figure["items"]]


def set_last_seen(services: ServiceContainer, practitioner_id: str, moment: datetime) -> str:
    (device,) = services.repository.devices(practitioner_id)
    services.repository.touch_device(device.id, iso(moment))
    return device.id


async def test_each_figure_counts_and_lists_exactly_what_is_behind_it(
    client: AsyncTestClient[Any], team: Team, scenario: Scenario, services: ServiceContainer
) -> None:
    items, a, b = scenario.items, team.a.child_id, team.b.child_id
    set_last_seen(services, team.id("north-sw1"), NOW - timedelta(days=1))
    quiet = set_last_seen(services, team.id("north-sw2"), day(6, 1))
    await sign_in(client, "north-sw2")  # a second device, signed in (so seen) just now

    body = await dashboard(client, team.headers["north-sup"])
    found = figures(body)
    assert (body["as_of"], body["team"]) == ("2025-06-10T12:00:00Z", "North Oxon")
    assert list(found) == [
        "visits_overdue",
        "not_seen_alone_twice",
        "no_father_or_male_carer",
        "incidents_without_decision",
        "escalations_past_due",
        "drafts_older_than_a_day",
        "devices_not_synced",
    ]
    assert {key: f["count"] for key, f in found.items()} == {
        "visits_overdue": 1,
        "not_seen_alone_twice": 1,
        "no_father_or_male_carer": 1,
        "incidents_without_decision": 2,
        "escalations_past_due": 1,
        "drafts_older_than_a_day": None,
        "devices_not_synced": 1,
    }
    assert rows(found["visits_overdue"]) == [([a], [items["visit_a2"]["record_id"]])]
    ((child, records),) = rows(found["not_seen_alone_twice"])
    assert (child, sorted(records)) == (
        [a],
        sorted(items[k]["record_id"] for k in ("visit_a1", "visit_a2")),
    )
    assert rows(found["no_father_or_male_carer"]) == [([a], [])]
    incidents = found["incidents_without_decision"]["items"]
    assert sorted(i["child_ids"][0] for i in incidents) == sorted([a, b])
    assert {i["record_ids"][0] for i in incidents} <= {
        items["injury_a"]["record_id"],
        items["injury_b"]["record_id"],
        items["decision_b"]["record_id"],
    }
    assert rows(found["escalations_past_due"]) == [([a], [items["escalation_a"]["record_id"]])]
    # South Oxon's devices, last seen in March, are another team's.
    assert [
        (d["record_ids"], d["practitioner_id"], d["detail"])
        for d in found["devices_not_synced"]["items"]
    ] == [([quiet], team.id("north-sw2"), "Last synced Sun 1 Jun 2025.")]
    # The quiet device's user is named, so the supervisor's app never shows an id.
    assert body["names"][team.id("north-sw2")]
    assert team.id("north-sw2") not in body["names"].values()


async def test_drafts_are_reported_as_not_known_to_the_server_not_as_zero(
    client: AsyncTestClient[Any], team: Team, scenario: Scenario
) -> None:
    drafts = figures(await dashboard(client, team.headers["north-sup"]))["drafts_older_than_a_day"]
    assert (drafts["known_to_server"], drafts["count"], drafts["items"]) == (False, None, [])
    assert "server holds none" in drafts["note"]


async def test_conference_paperwork_on_time_against_the_80_percent_standard(
    client: AsyncTestClient[Any], team: Team, scenario: Scenario
) -> None:
    paperwork = (await dashboard(client, team.headers["north-sup"]))["paperwork"]
    assert (paperwork["on_time"], paperwork["late"], paperwork["pending"]) == (3, 1, 0)
    assert paperwork["share_on_time"] == pytest.approx(0.75)
    assert (paperwork["standard"], paperwork["meets_standard"]) == (0.8, False)
    assert paperwork["late_meeting_ids"] == [scenario.items["icpc_a"]["record_id"]]


async def test_a_supervisors_countersignature_review_settles_a_no_action_decision(
    client: AsyncTestClient[Any], team: Team, scenario: Scenario
) -> None:
    """Guards the A6 rule counting a review_decision countersignature (rule_inputs)."""
    sup = team.headers["north-sup"]
    signed = review_item(scenario.items["decision_b"], team.id("north-sup"), "countersign", NOW)
    accepted(await push(client, sup, [signed]))
    incidents = figures(await dashboard(client, sup))["incidents_without_decision"]
    assert (incidents["count"], [i["child_ids"] for i in incidents["items"]]) == (
        1,
        [[team.a.child_id]],
    )
    pending = await client.get(f"/cases/{team.b.case_id}/decisions/pending", headers=sup)
    assert pending.json()["pending"] == []


async def test_one_figure_alone_by_its_key(
    client: AsyncTestClient[Any], team: Team, scenario: Scenario
) -> None:
    body = await dashboard(client, team.headers["north-sup"], "?figure=escalations_past_due")
    assert set(body) == {"as_of", "team", "figure"}
    assert body["figure"]["key"] == "escalations_past_due"
    assert rows(body["figure"]) == [
        ([team.a.child_id], [scenario.items["escalation_a"]["record_id"]])
    ]


async def test_an_unknown_figure_is_refused_naming_the_field_only(
    client: AsyncTestClient[Any], team: Team
) -> None:
    response = await client.get(
        "/review/dashboard?figure=everything_secret", headers=team.headers["north-sup"]
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "figure"
    assert "everything_secret" not in response.text


async def test_another_teams_supervisor_sees_nothing_of_this_team(
    client: AsyncTestClient[Any], team: Team, scenario: Scenario
) -> None:
    body = await dashboard(client, team.headers["south-sup"])
    north = {team.a.child_id, team.b.child_id, *(i["record_id"] for i in scenario.items.values())}
    shown = {
        value
        for f in body["figures"]
        for item in f["items"]
        for value in (*item["child_ids"], *item["record_ids"])
    }
    assert shown & north == set()
    assert set(body["names"]) & {team.id("north-sw1"), team.id("north-sw2")} == set()
    assert rows(figures(body)["no_father_or_male_carer"]) == [([team.south.child_id], [])]
    assert body["paperwork"]["late_meeting_ids"] == []


async def test_each_team_case_read_for_the_dashboard_is_audited(
    client: AsyncTestClient[Any], team: Team, services: ServiceContainer
) -> None:
    await dashboard(client, team.headers["north-sup"])
    reads = services.repository.audit_events(AuditAction.TEAM_DASHBOARD_READ.value)
    assert sorted((e.actor_id, e.subject_type, e.subject_id) for e in reads) == sorted(
        (team.id("north-sup"), "case", case.case_id) for case in (team.a, team.b)
    )
