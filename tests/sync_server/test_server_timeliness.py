"""GET /reports/timeliness: per month, conference paperwork sent on time against 80%
(Child Q finding 6), over a real SQLite file with hand-built conferences and a pinned clock."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.services import AuditAction, ServiceContainer
from tests.sync_server.alert_builders import Family, Headers, conference, cp_family
from tests.sync_server.server_builders import PASSWORD, push, sign_in

NOW = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
HOURS_2 = timedelta(hours=2)


@pytest.fixture(autouse=True)
def pinned(services: ServiceContainer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.timeliness, "clock", lambda: NOW)


async def conferences(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers
) -> Family:
    """Push March and April 2025 conferences whose on-time counts are known."""
    family = await cp_family(client, services, sw)
    await push(
        client,
        sw,
        [
            # Mon 3 Mar: plan the same day, minutes in 10 days: both on time
            conference(
                family,
                datetime(2025, 3, 3, 10, tzinfo=UTC),
                plan_after=HOURS_2,
                minutes_after=timedelta(days=10),
            ),
            # Wed 5 Mar: plan on Sat 8 Mar (due Thu 6), minutes never sent (due 26 Mar): late
            conference(family, datetime(2025, 3, 5, 10, tzinfo=UTC), plan_after=timedelta(days=3)),
            # Thu 17 Apr: plan on Tue 22 Apr, on time only because Easter's two bank holidays
            # do not count; minutes not yet due on 1 May, so pending
            conference(
                family,
                datetime(2025, 4, 17, 10, tzinfo=UTC),
                plan_after=timedelta(days=4, hours=23),
                meeting_type="RCPC",
            ),
            # a strategy discussion has no conference paperwork
            conference(family, datetime(2025, 3, 10, 10, tzinfo=UTC), meeting_type="strategy"),
        ],
    )
    return family


async def report(client: AsyncTestClient[Any], headers: Headers, **params: str) -> Any:
    response = await client.get("/reports/timeliness", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def counts(period: Any) -> tuple[Any, ...]:
    keys = ("period", "due", "on_time", "late", "pending", "share_on_time", "meets_standard")
    return tuple(period[key] for key in keys)


async def test_share_on_time_per_month_against_the_standard(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers
) -> None:
    await conferences(client, services, sw)
    body = await report(client, sw, **{"from": "2025-02", "to": "2025-04"})
    assert (body["from_month"], body["to_month"], body["scope"]) == (
        "2025-02",
        "2025-04",
        "allocation",
    )
    assert body["standard"] == 0.8
    assert [counts(p) for p in body["periods"]] == [
        ("2025-02", 0, 0, 0, 0, None, None),
        ("2025-03", 4, 2, 2, 0, 0.5, False),
        ("2025-04", 1, 1, 0, 1, 1.0, True),
    ]
    me = services.repository.practitioner_login("demo-sw")
    assert me is not None
    reads = services.repository.audit_events(AuditAction.CHRONOLOGY_READ.value)
    read_cases = {e.subject_id for e in reads if e.actor_id == me[0].id}
    assert services.repository.allocated_cases(me[0].id) <= read_cases  # every case it read


async def test_default_range_is_the_last_twelve_months(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers
) -> None:
    await conferences(client, services, sw)
    body = await report(client, sw)
    months = [p["period"] for p in body["periods"]]
    assert (months[0], months[-1], len(months)) == ("2024-06", "2025-05", 12)
    assert counts(body["periods"][-3])[1:3] == (4, 2)


async def test_another_teams_conferences_are_not_counted(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers
) -> None:
    await conferences(client, services, sw)
    other = await sign_in(client, "demo-hv2")
    body = await report(client, other, **{"from": "2025-03", "to": "2025-03"})
    assert counts(body["periods"][0]) == ("2025-03", 0, 0, 0, 0, None, None)


async def test_a_supervisor_sees_the_team_caseload(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers
) -> None:
    await conferences(client, services, sw)  # allocated to demo-sw only, same team
    sup = await sign_in(client, "demo-sup")
    body = await report(client, sup, **{"from": "2025-03", "to": "2025-03"})
    assert body["scope"] == "team"
    assert counts(body["periods"][0])[1:3] == (4, 2)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"from": "2025-13"}, "from", id="month-13"),
        pytest.param({"from": "March"}, "from", id="words"),
        pytest.param({"to": "2025-03-01"}, "to", id="a-date"),
        pytest.param({"from": "2025-04", "to": "2025-03"}, "to", id="backwards"),
        pytest.param({"from": "2015-01", "to": "2025-03"}, "to", id="too-long"),
    ],
)
async def test_bad_months_give_400_naming_the_field(
    client: AsyncTestClient[Any], sw: Headers, params: dict[str, str], field: str
) -> None:
    response = await client.get("/reports/timeliness", params=params, headers=sw)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["message"].startswith(f"{field}: ")
    assert body["details"]["errors"][0]["field"] == field
    for sent in params.values():
        assert sent not in response.text


async def test_the_report_needs_a_token(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/reports/timeliness")
    assert response.status_code == 401


async def test_a_system_administrator_gets_403(
    client: AsyncTestClient[Any], services: ServiceContainer
) -> None:
    admin = Practitioner(
        id=new_id(),
        username="test-admin",
        display_name="Test Admin",
        role=Role.SYS_ADMIN,
        agency=Agency.CSC,
        team="North Oxon",
    )
    services.auth.add_practitioner(admin, PASSWORD)
    response = await client.get("/reports/timeliness", headers=await sign_in(client, "test-admin"))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
