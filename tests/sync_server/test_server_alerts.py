"""GET /children/{id}/alerts, /me/alerts and /cases/{id}/decisions/pending over a real SQLite
file, with hand-built pushes whose answers are known and the server clock pinned."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.services import ServiceContainer
from tests.sync_server.alert_builders import (
    Family,
    Headers,
    countersign,
    cp_family,
    decision,
    incident,
)
from tests.sync_server.server_builders import PASSWORD, push, sign_in, take_back

# Thursday 17 April 2025: the working day before Good Friday; Easter Monday is a holiday too,
# so a decision due "within 1 working day" is due on Tuesday 22 April.
THURSDAY_BEFORE_EASTER = datetime(2025, 4, 17, 10, 0, tzinfo=UTC)
DUE = date(2025, 4, 22)


@pytest.fixture
def pin(services: ServiceContainer, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a function that pins the alert service's clock at a moment."""

    def pin_at(moment: datetime) -> None:
        monkeypatch.setattr(services.alerts, "clock", lambda: moment)

    return pin_at


async def alerts_of(client: AsyncTestClient[Any], headers: Headers, child_id: str) -> Any:
    response = await client.get(f"/children/{child_id}/alerts", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def a6(body: Any) -> list[Any]:
    return [alert for alert in body["alerts"] if alert["code"] == "A6"]


async def injured(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, *users: str
) -> tuple[Family, Any]:
    family = await cp_family(client, services, sw, *users)
    entry = incident(family, THURSDAY_BEFORE_EASTER)
    await push(client, sw, [entry])
    return family, entry


@pytest.mark.parametrize(
    ("now", "severity"),
    [
        pytest.param(datetime(2025, 4, 17, 15, 0, tzinfo=UTC), "due", id="same-day"),
        # without the bank holidays it would be overdue from Saturday 19 April
        pytest.param(datetime(2025, 4, 21, 10, 0, tzinfo=UTC), "due", id="easter-monday"),
        pytest.param(datetime(2025, 4, 22, 22, 59, tzinfo=UTC), "due", id="due-day-late-bst"),
        pytest.param(datetime(2025, 4, 22, 23, 0, tzinfo=UTC), "overdue", id="wed-00:00-bst"),
    ],
)
async def test_injury_before_a_bank_holiday_is_overdue_exactly_when_the_calendar_says(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    sw: Headers,
    pin: Any,
    now: datetime,
    severity: str,
) -> None:
    family, entry = await injured(client, services, sw)
    pin(now)
    body = await alerts_of(client, sw, family.child_id)
    [alert] = a6(body)
    assert alert["severity"] == severity
    assert alert["overdue"] is (severity == "overdue")
    assert alert["due"] == DUE.isoformat()
    assert alert["record_ids"] == [entry["record_id"]]
    assert alert["audience"] == ["worker", "supervisor"]
    assert body["as_of"].startswith(now.date().isoformat())


async def test_no_alert_for_an_injury_when_the_child_is_not_on_a_plan(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family = await cp_family(client, services, sw, status="CIN")
    await push(client, sw, [incident(family, THURSDAY_BEFORE_EASTER)])
    pin(datetime(2025, 4, 23, 9, 0, tzinfo=UTC))
    assert a6(await alerts_of(client, sw, family.child_id)) == []


async def test_a_withdrawn_incident_raises_no_alert(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family, entry = await injured(client, services, sw)
    await push(client, sw, [take_back(entry, "entered_in_error")])
    pin(datetime(2025, 4, 23, 9, 0, tzinfo=UTC))
    assert a6(await alerts_of(client, sw, family.child_id)) == []


async def pending(client: AsyncTestClient[Any], headers: Headers, case_id: str) -> Any:
    response = await client.get(f"/cases/{case_id}/decisions/pending", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["pending"]


async def test_pending_decision_offers_a_strategy_discussion_first(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family, entry = await injured(client, services, sw)
    pin(datetime(2025, 4, 23, 9, 0, tzinfo=UTC))
    [item] = await pending(client, sw, family.case_id)
    assert item["trigger_entry_id"] == entry["record_id"]
    assert item["child_ids"] == [family.child_id]
    assert (item["event_type"], item["due"], item["overdue"]) == ("injury", "2025-04-22", True)
    assert item["options"][0] == "request_strategy_discussion"
    assert "no_action" in item["options"]
    assert item["decision_ids"] == []


async def test_a_decision_with_the_strategy_option_closes_the_prompt(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family, entry = await injured(client, services, sw)
    await push(client, sw, [decision(family, entry, datetime(2025, 4, 22, 9, tzinfo=UTC))])
    pin(datetime(2025, 4, 23, 9, 0, tzinfo=UTC))
    assert await pending(client, sw, family.case_id) == []
    assert a6(await alerts_of(client, sw, family.child_id)) == []


async def test_no_action_stays_pending_until_a_supervisor_countersigns(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family, entry = await injured(client, services, sw, "demo-sup")
    decided = decision(family, entry, datetime(2025, 4, 22, 9, tzinfo=UTC), choice="no_action")
    await push(client, sw, [decided])
    pin(datetime(2025, 4, 22, 12, 0, tzinfo=UTC))
    [item] = await pending(client, sw, family.case_id)
    assert item["decision_ids"] == [decided["record_id"]]
    assert "countersignature" in item["message"]

    sup_headers = await sign_in(client, "demo-sup")
    supervisor = services.repository.practitioner_login("demo-sup")
    assert supervisor is not None
    signed = countersign(decided, supervisor[0].id, datetime(2025, 4, 22, 11, tzinfo=UTC))
    await push(client, sup_headers, [signed])
    assert await pending(client, sw, family.case_id) == []


async def test_caseload_groups_alerts_by_child_in_my_cases_only(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family, entry = await injured(client, services, sw)
    pin(datetime(2025, 4, 23, 9, 0, tzinfo=UTC))
    response = await client.get("/me/alerts", headers=sw)
    assert response.status_code == 200, response.text
    children = {c["child_id"]: c for c in response.json()["children"]}
    mine = children[family.child_id]
    assert mine["case_id"] == family.case_id
    assert [a["record_ids"] for a in mine["alerts"] if a["code"] == "A6"] == [[entry["record_id"]]]
    assert all(a["child_id"] == family.child_id for a in mine["alerts"])

    other = await sign_in(client, "demo-hv2")  # another team, no cases
    response = await client.get("/me/alerts", headers=other)
    assert response.status_code == 200
    assert response.json()["children"] == []


async def test_reads_are_audited_with_the_child_or_case_id(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family, _ = await injured(client, services, sw)
    pin(datetime(2025, 4, 23, 9, 0, tzinfo=UTC))
    await alerts_of(client, sw, family.child_id)
    await pending(client, sw, family.case_id)
    reads = services.repository.audit_events("chronology_read")
    assert [(e.subject_type, e.subject_id) for e in reads[-2:]] == [
        ("child", family.child_id),
        ("case", family.case_id),
    ]


async def test_reads_need_a_token(client: AsyncTestClient[Any]) -> None:
    for path in (
        f"/children/{new_id()}/alerts",
        "/me/alerts",
        f"/cases/{new_id()}/decisions/pending",
    ):
        response = await client.get(path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


async def test_another_teams_worker_gets_404_and_the_refusal_is_audited(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers
) -> None:
    family, _ = await injured(client, services, sw)
    other = await sign_in(client, "demo-hv2")
    for path in (
        f"/children/{family.child_id}/alerts",
        f"/cases/{family.case_id}/decisions/pending",
    ):
        response = await client.get(path, headers=other)
        assert response.status_code == 404, path
        assert family.child_id not in response.text
    refused = services.repository.audit_events("chronology_read_refused")
    assert [(e.subject_type, e.subject_id) for e in refused[-2:]] == [
        ("child", family.child_id),
        ("case", family.case_id),
    ]


async def test_unknown_or_malformed_ids_look_the_same(
    client: AsyncTestClient[Any], sw: Headers
) -> None:
    for child_id in (new_id(), "not-an-id"):
        response = await client.get(f"/children/{child_id}/alerts", headers=sw)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("role", [Role.SYS_ADMIN, Role.IG_OFFICER, Role.PARTNER_CONTRIBUTOR])
async def test_roles_without_case_access_get_403(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, role: Role
) -> None:
    family, _ = await injured(client, services, sw)
    username = f"test-{role.value}"
    person = Practitioner(
        id=new_id(),
        username=username,
        display_name="Test User",
        role=role,
        agency=Agency.CSC,
        team="North Oxon",
    )
    services.auth.add_practitioner(person, PASSWORD)
    services.allocations.allocate(username, family.case_id)
    headers = await sign_in(client, username)
    for path in (
        f"/children/{family.child_id}/alerts",
        "/me/alerts",
        f"/cases/{family.case_id}/decisions/pending",
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"


async def test_a_decision_without_the_strategy_option_stays_pending(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family, entry = await injured(client, services, sw)
    moment = datetime(2025, 4, 22, 9, tzinfo=UTC)
    options = ("visit_within_24h", "no_action")
    decided = decision(family, entry, moment, choice="visit_within_24h", options=options)
    await push(client, sw, [decided])
    pin(datetime(2025, 4, 22, 12, 0, tzinfo=UTC))
    [item] = await pending(client, sw, family.case_id)
    assert item["decision_ids"] == [decided["record_id"]]
    assert "did not consider requesting a strategy discussion" in item["message"]


async def test_a_restricted_incident_is_left_out_for_a_reader_outside_its_agency(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family = await cp_family(client, services, sw, "demo-hv")
    entry = incident(family, THURSDAY_BEFORE_EASTER, restricted=True)
    await push(client, sw, [entry])
    pin(datetime(2025, 4, 23, 9, 0, tzinfo=UTC))
    assert len(a6(await alerts_of(client, sw, family.child_id))) == 1
    hv = await sign_in(client, "demo-hv")  # health visiting: not the entry's agency
    assert a6(await alerts_of(client, hv, family.child_id)) == []
    assert await pending(client, hv, family.case_id) == []


async def test_a_supervisor_sees_the_teams_caseload_alerts(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, pin: Any
) -> None:
    family, entry = await injured(client, services, sw)  # allocated to demo-sw only
    pin(datetime(2025, 4, 23, 9, 0, tzinfo=UTC))
    sup = await sign_in(client, "demo-sup")
    response = await client.get("/me/alerts", headers=sup)
    assert response.status_code == 200
    children = {c["child_id"]: c for c in response.json()["children"]}
    alerts = children[family.child_id]["alerts"]
    assert [a["record_ids"] for a in alerts if a["code"] == "A6"] == [[entry["record_id"]]]
    urgency = ["overdue", "action", "due"]
    ranks = [urgency.index(a["severity"]) for a in alerts]
    assert ranks == sorted(ranks)
