"""Break-glass (issue 7): a reason is required, the grant is read-only and time limited, the
audit log and the caller's supervisor (GET /review/break-glass) are told."""

import dataclasses
import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.clock import utc_now
from shared.ids import new_id
from shared.vocabulary import Agency, Role
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.demo import DemoSeed
from sync_server.errors import ConfigError
from sync_server.repository.break_glass import BreakGlassGrant
from sync_server.services import AuditAction, ServiceContainer, Session
from sync_server.services.access.break_glass import BreakGlassRequest, BreakGlassService
from tests.sync_server.role_builders import SOUTH, add_person, person_headers
from tests.sync_server.server_builders import entry, fast_settings, push, sign_in
from tests.sync_server.test_server_pull import pull_all

Headers = dict[str, str]
REASON = "Child seen at A&E out of area; checking for prior concerns."


async def break_glass(
    client: AsyncTestClient[Any], headers: Headers, case_id: str, reason: str = REASON
) -> Any:
    return await client.post(
        f"/cases/{case_id}/break-glass", json={"reason": reason}, headers=headers
    )


@pytest.fixture
async def hv2(client: AsyncTestClient[Any]) -> Headers:
    """demo-hv2: a health visitor in the South team, with no cases."""
    return await sign_in(client, "demo-hv2")


async def test_a_grant_opens_chronology_history_and_alerts_for_reading(
    client: AsyncTestClient[Any], sw: Headers, hv2: Headers, demo: DemoSeed
) -> None:
    fam = demo.cases[0]
    child = fam.child_ids[0]
    note = entry(fam.family_id, demo.practitioners["demo-sw"].id, [child])
    await push(client, sw, [note])
    urls = (
        f"/cases/{fam.family_id}/chronology",
        f"/records/{note['record_id']}/versions",
        f"/children/{child}/alerts",
        f"/cases/{fam.family_id}/decisions/pending",
    )
    for url in urls:
        assert (await client.get(url, headers=hv2)).status_code == 404, url

    granted = await break_glass(client, hv2, fam.family_id)

    assert granted.status_code == 201, granted.text
    body = granted.json()
    assert body["case_id"] == fam.family_id
    assert "reason" not in body
    for url in urls:
        response = await client.get(url, headers=hv2)
        assert response.status_code == 200, (url, response.text)
    chronology = (await client.get(urls[0], headers=hv2)).json()
    assert note["record_id"] in {e["record_id"] for e in chronology["entries"]}


async def test_a_grant_lasts_sixty_minutes_by_default(
    client: AsyncTestClient[Any], hv2: Headers, demo: DemoSeed
) -> None:
    body = (await break_glass(client, hv2, demo.cases[0].family_id)).json()
    lifetime = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(
        body["granted_at"]
    )
    assert lifetime == timedelta(minutes=60)


async def test_a_grant_never_reaches_a_device_nor_allows_a_push(
    client: AsyncTestClient[Any], hv2: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    fam = demo.cases[0]
    assert (await break_glass(client, hv2, fam.family_id)).status_code == 201
    pages = await pull_all(client, hv2, limit=500)
    assert [item for page in pages for item in page.items] == []
    assert all(not page.scope for page in pages)
    hv2_id = demo.practitioners["demo-hv2"].id
    note = entry(fam.family_id, hv2_id, [fam.child_ids[0]], author_role="health_visitor",
                 source_agency="health_visiting")  # fmt: skip
    [result] = await push(client, hv2, [note])
    assert result["status"] == "rejected"
    assert note["version_id"] not in services.repository.version_ids()


async def test_an_expired_grant_answers_like_an_unknown_case(
    client: AsyncTestClient[Any], hv2: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    fam, hv2_person = demo.cases[0], demo.practitioners["demo-hv2"]
    two_hours_ago = utc_now() - timedelta(hours=2)
    service = BreakGlassService(services.repository, services.audit, 60, lambda: two_hours_ago)
    service.grant(Session(hv2_person, new_id()), fam.family_id, BreakGlassRequest(reason=REASON))

    expired = await client.get(f"/cases/{fam.family_id}/chronology", headers=hv2)
    unknown = await client.get(f"/cases/{new_id()}/chronology", headers=hv2)

    assert expired.status_code == 404
    assert expired.json() == unknown.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "too short"}, "reason"),
        ({}, "reason"),
        ({"reason": REASON, "extra": 1}, "extra"),
    ],
    ids=["short-reason", "no-reason", "unknown-field"],
)
async def test_a_reason_of_twenty_characters_is_required(
    client: AsyncTestClient[Any], hv2: Headers, demo: DemoSeed, body: Any, field: str
) -> None:
    fam = demo.cases[0].family_id
    response = await client.post(f"/cases/{fam}/break-glass", json=body, headers=hv2)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "validation_failed"
    assert error["message"].startswith(f"{field}:")
    assert "too short" not in response.text  # the submitted value is never echoed
    assert (await client.get(f"/cases/{fam}/chronology", headers=hv2)).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.PARTNER_CONTRIBUTOR, Role.IG_OFFICER, Role.SYS_ADMIN], ids=str
)
async def test_roles_without_case_access_cannot_break_the_glass(
    client: AsyncTestClient[Any], services: ServiceContainer, demo: DemoSeed, role: Role
) -> None:
    headers = await person_headers(client, services, role, team=SOUTH)
    fam = demo.cases[0].family_id
    response = await break_glass(client, headers, fam)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert (await client.get(f"/cases/{fam}/chronology", headers=headers)).status_code == 404
    refused = services.repository.audit_events(AuditAction.BREAK_GLASS_REFUSED.value)
    assert [e.subject_id for e in refused] == [fam]


async def test_an_unknown_case_is_404_and_a_case_in_scope_needs_no_glass(
    client: AsyncTestClient[Any], hv: Headers, hv2: Headers, demo: DemoSeed
) -> None:
    child_not_case = demo.cases[0].child_ids[0]
    for case_id in (new_id(), child_not_case, "not-an-id"):
        response = await break_glass(client, hv2, case_id)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    mine = await break_glass(client, hv, demo.cases[0].family_id)
    assert mine.status_code == 400
    assert mine.json()["message"].startswith("case_id:")


async def test_a_grant_is_audited_for_the_case_and_the_practitioner_reason_never(
    client: AsyncTestClient[Any],
    hv2: Headers,
    demo: DemoSeed,
    services: ServiceContainer,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fam, hv2_id = demo.cases[0].family_id, demo.practitioners["demo-hv2"].id
    with caplog.at_level(logging.DEBUG):
        assert (await break_glass(client, hv2, fam)).status_code == 201
    granted = services.repository.audit_events(AuditAction.BREAK_GLASS_GRANTED.value)
    assert {(e.actor_id, e.subject_type, e.subject_id) for e in granted} == {
        (hv2_id, "case", fam),
        (hv2_id, "practitioner", hv2_id),
    }
    assert REASON not in caplog.text
    conn = sqlite3.connect(db_path)
    try:
        audit_text = repr(conn.execute("SELECT * FROM audit_log").fetchall())
    finally:
        conn.close()
    assert REASON not in audit_text


async def test_the_supervisor_sees_their_teams_grants_with_the_reason(
    client: AsyncTestClient[Any], hv: Headers, hv2: Headers, demo: DemoSeed,
    services: ServiceContainer,
) -> None:  # fmt: skip
    team_case = demo.cases[2].family_id  # demo-sw's and demo-sup's, not demo-hv's
    assert (await break_glass(client, hv, team_case)).status_code == 201
    assert (await break_glass(client, hv2, demo.cases[0].family_id)).status_code == 201
    north_sup = await sign_in(client, "demo-sup")
    south_sup = await person_headers(client, services, Role.SUPERVISOR, team=SOUTH)

    north = (await client.get("/review/break-glass", headers=north_sup)).json()
    south = (await client.get("/review/break-glass", headers=south_sup)).json()

    hv_person = demo.practitioners["demo-hv"]
    assert [(g["case_id"], g["practitioner_id"], g["practitioner_name"], g["reason"])
            for g in north["grants"]] == [
        (team_case, hv_person.id, hv_person.display_name, REASON)]  # fmt: skip
    assert [g["case_id"] for g in south["grants"]] == [demo.cases[0].family_id]
    reviews = services.repository.audit_events(AuditAction.BREAK_GLASS_REVIEWED.value)
    assert len(reviews) == 2


async def test_grants_older_than_thirty_days_leave_the_review(
    client: AsyncTestClient[Any], demo: DemoSeed, services: ServiceContainer
) -> None:
    hv = demo.practitioners["demo-hv"]
    old = utc_now() - timedelta(days=31)
    service = BreakGlassService(services.repository, services.audit, 60, lambda: old)
    service.grant(Session(hv, new_id()), demo.cases[2].family_id, BreakGlassRequest(reason=REASON))
    sup = await sign_in(client, "demo-sup")
    assert (await client.get("/review/break-glass", headers=sup)).json()["grants"] == []


@pytest.mark.parametrize("role", [Role.HEALTH_VISITOR, Role.SOCIAL_WORKER, Role.SYS_ADMIN], ids=str)
async def test_only_supervisors_review(
    client: AsyncTestClient[Any], services: ServiceContainer, demo: DemoSeed, role: Role
) -> None:
    headers = await person_headers(client, services, role)
    response = await client.get("/review/break-glass", headers=headers)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


async def test_a_grant_lasts_the_configured_minutes(tmp_path: Path) -> None:
    settings = dataclasses.replace(fast_settings(tmp_path / "x.db"), break_glass_minutes=5)
    async with AsyncTestClient(app=create_app(settings)) as client:
        demo: DemoSeed = client.app.state["demo"]
        headers = await sign_in(client, "demo-hv2")
        body = (await break_glass(client, headers, demo.cases[0].family_id)).json()
    lifetime = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(
        body["granted_at"]
    )
    assert lifetime == timedelta(minutes=5)


def test_a_grant_must_last_at_least_a_minute() -> None:
    with pytest.raises(ConfigError, match="break_glass_minutes"):
        Settings(break_glass_minutes=0)


async def test_a_grant_does_not_allow_a_transfer(
    client: AsyncTestClient[Any], demo: DemoSeed, services: ServiceContainer
) -> None:
    south_sw = await person_headers(client, services, Role.SOCIAL_WORKER, team=SOUTH)
    add_person(services, "south-receiver", Role.SOCIAL_WORKER, Agency.CSC, team="West Oxon")
    fam = demo.cases[0].family_id
    assert (await break_glass(client, south_sw, fam)).status_code == 201
    response = await client.post(
        f"/cases/{fam}/transfers",
        json={
            "to_username": "south-receiver",
            "reason": REASON,
            "housing_provider_informed": "yes",
            "housing_provider_told": "Ms Patel, Cherwell Housing",
        },
        headers=south_sw,
    )
    assert response.status_code == 404


async def test_a_grant_does_not_allow_an_export(
    client: AsyncTestClient[Any], hv2: Headers, demo: DemoSeed
) -> None:
    fam = demo.cases[0].family_id
    assert (await break_glass(client, hv2, fam)).status_code == 201
    response = await client.get(f"/cases/{fam}/chronology.pdf", headers=hv2)
    assert response.status_code == 404


def test_sqlite_grants_are_live_until_expiry_and_append_only(
    services: ServiceContainer, demo: DemoSeed, db_path: Path
) -> None:
    repository, hv = services.repository, demo.practitioners["demo-hv"]
    fam3 = demo.cases[2].family_id
    grant = BreakGlassGrant(new_id(), hv.id, fam3, hv.team, REASON,
                            "2025-03-01T09:00:00Z", "2025-03-01T10:00:00Z")  # fmt: skip
    repository.add_break_glass(grant)
    assert repository.live_break_glass(hv.id, "2025-03-01T09:59:59Z") == {fam3}
    assert repository.live_break_glass(hv.id, "2025-03-01T10:00:00Z") == frozenset()
    assert repository.team_break_glass(hv.team, "2025-03-01T00:00:00Z") == [grant]
    assert repository.team_break_glass(SOUTH, "2025-03-01T00:00:00Z") == []
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE break_glass_grants SET expires_at = '2999-01-01T00:00:00Z'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM break_glass_grants")
    finally:
        conn.close()


async def test_a_grant_shows_the_childs_chronology(
    client: AsyncTestClient[Any], sw: Headers, hv2: Headers, demo: DemoSeed
) -> None:
    fam = demo.cases[0]
    note = entry(fam.family_id, demo.practitioners["demo-sw"].id, [fam.child_ids[0]])
    await push(client, sw, [note])
    assert (await break_glass(client, hv2, fam.family_id)).status_code == 201
    response = await client.get(f"/children/{fam.child_ids[0]}/chronology", headers=hv2)
    assert note["record_id"] in {e["record_id"] for e in response.json()["entries"]}
