"""A withdrawn device confirms its wipe with its revoked token (issue 7): recorded once in the
devices table and the audit chain; any other token is refused like a bad one."""

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from sync_server.admin_cli import admin_command
from sync_server.demo import DemoSeed
from sync_server.repository import Repository
from sync_server.services import AuditAction, ServiceContainer
from sync_server.services.access.audit import verify_chain
from tests.sync_server.server_builders import PASSWORD

LOST = {"unsynced_records": 3, "unfinished_drafts": 1}
NOT_AUTHENTICATED = {
    "code": "not_authenticated",
    "message": "Sign in first: the device token is missing or unknown.",
    "details": {},
}


async def _login(client: AsyncTestClient[Any], username: str) -> dict[str, Any]:
    response = await client.post(
        "/auth/login",
        json={"username": username, "password": PASSWORD, "device_name": f"{username} tablet"},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _bearer(login: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {login['token']}"}


def _url(device_id: str) -> str:
    return f"/devices/{device_id}/wipe-confirmation"


async def _revoked(
    client: AsyncTestClient[Any], services: ServiceContainer, username: str = "demo-hv"
) -> dict[str, Any]:
    login = await _login(client, username)
    assert services.auth.revoke_device(login["device_id"])
    return login


async def test_a_revoked_device_confirms_its_wipe_once_in_the_table_and_the_audit_chain(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    repository: Repository,
    demo: DemoSeed,
) -> None:
    device = await _revoked(client, services)

    answer = await client.post(_url(device["device_id"]), json=LOST, headers=_bearer(device))

    assert answer.status_code == 200
    body = answer.json()
    assert body == {"device_id": device["device_id"], "confirmed_at": body["confirmed_at"], **LOST}
    [wipe] = repository.device_wipes([device["device_id"]]).values()
    assert (wipe.confirmed_at, wipe.unsynced_records, wipe.unfinished_drafts) == (
        body["confirmed_at"],
        3,
        1,
    )
    [event] = repository.audit_events(AuditAction.DEVICE_WIPE_CONFIRMED)
    assert event.actor_id == demo.practitioners["demo-hv"].id
    assert (event.device_id, event.subject_type, event.subject_id) == (
        device["device_id"],
        "device",
        device["device_id"],
    )
    assert verify_chain(repository.audit_chain()).ok


async def test_a_replayed_confirmation_changes_nothing_and_answers_the_first(
    client: AsyncTestClient[Any], services: ServiceContainer, repository: Repository
) -> None:
    device = await _revoked(client, services)
    first = await client.post(_url(device["device_id"]), json=LOST, headers=_bearer(device))

    replay = await client.post(
        _url(device["device_id"]),
        json={"unsynced_records": 0, "unfinished_drafts": 0},
        headers=_bearer(device),
    )

    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert repository.device_wipes([device["device_id"]])[device["device_id"]].unsynced_records == 3
    assert len(repository.audit_events(AuditAction.DEVICE_WIPE_CONFIRMED)) == 1


async def test_the_revoked_token_still_opens_nothing_else(
    client: AsyncTestClient[Any], services: ServiceContainer
) -> None:
    device = await _revoked(client, services)
    await client.post(_url(device["device_id"]), json=LOST, headers=_bearer(device))

    for method, path in (("GET", "/me"), ("GET", "/sync/pull")):
        answer = await client.request(method, path, headers=_bearer(device))
        assert answer.status_code == 401
        assert answer.json()["code"] == "device_revoked"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer never-issued-token"}, {"Authorization": "Basic abc"}],
    ids=["no_header", "never_issued", "not_bearer"],
)
async def test_a_token_never_issued_is_refused_like_any_bad_token(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    repository: Repository,
    headers: dict[str, str],
) -> None:
    device = await _revoked(client, services)

    answer = await client.post(_url(device["device_id"]), json=LOST, headers=headers)

    assert answer.status_code == 401
    assert answer.json() == NOT_AUTHENTICATED
    assert answer.json() == (await client.get("/me", headers=headers)).json()
    assert repository.device_wipes([device["device_id"]]) == {}


async def test_another_devices_token_is_refused_like_any_bad_token(
    client: AsyncTestClient[Any], services: ServiceContainer, repository: Repository
) -> None:
    """Neither a revoked nor a live token confirms the wipe of a device that is not its own."""
    target = await _revoked(client, services)
    other_revoked = await _revoked(client, services, "demo-sw")
    live = await _login(client, "demo-hv2")

    for caller in (other_revoked, live):
        answer = await client.post(_url(target["device_id"]), json=LOST, headers=_bearer(caller))
        assert answer.status_code == 401
        assert answer.json() == NOT_AUTHENTICATED
    unknown = await client.post(_url(new_id()), json=LOST, headers=_bearer(target))
    assert unknown.json() == NOT_AUTHENTICATED

    ids = [target["device_id"], other_revoked["device_id"], live["device_id"]]
    assert repository.device_wipes(ids) == {}
    assert repository.audit_events(AuditAction.DEVICE_WIPE_CONFIRMED) == []


async def test_a_live_device_cannot_claim_a_wipe(
    client: AsyncTestClient[Any], repository: Repository
) -> None:
    live = await _login(client, "demo-hv")

    answer = await client.post(_url(live["device_id"]), json=LOST, headers=_bearer(live))

    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"
    assert repository.device_wipes([live["device_id"]]) == {}
    assert (await client.get("/me", headers=_bearer(live))).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unsynced_records": -7}, "unsynced_records"),
        ({"unsynced_records": 2, "unfinished_drafts": 99_000_001}, "unfinished_drafts"),
        ({"unsynced_records": 1, "note": "Jane Example"}, "note"),
        ({}, "unsynced_records"),
    ],
    ids=["negative", "absurd", "content", "missing"],
)
async def test_a_bad_body_names_the_field_without_echoing_it(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    repository: Repository,
    body: dict[str, Any],
    field: str,
) -> None:
    device = await _revoked(client, services)

    answer = await client.post(_url(device["device_id"]), json=body, headers=_bearer(device))

    assert answer.status_code == 400
    error = answer.json()
    assert error["code"] == "validation_failed"
    assert field in error["message"]
    for sent in ("-7", "99000001", "Jane"):
        assert sent not in answer.text
    assert repository.device_wipes([device["device_id"]]) == {}


async def test_list_devices_shows_revoked_and_wipe_confirmed_at(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wiped = await _revoked(client, services)
    silent = await _revoked(client, services, "demo-sw")  # revoked, never heard from again
    live = await _login(client, "demo-hv2")
    confirmed = await client.post(_url(wiped["device_id"]), json=LOST, headers=_bearer(wiped))

    assert admin_command(["list-devices", "--db", str(db_path)]) == 0

    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split("\t")
    rows = {
        line.split("\t")[0]: dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]
    }
    assert header[5:] == ["revoked_at", "wipe_confirmed_at", "unsynced_lost", "drafts_lost"]
    assert rows[wiped["device_id"]]["wipe_confirmed_at"] == confirmed.json()["confirmed_at"]
    assert (rows[wiped["device_id"]]["unsynced_lost"], rows[wiped["device_id"]]["drafts_lost"]) == (
        "3",
        "1",
    )
    assert rows[silent["device_id"]]["revoked_at"] != "-"
    assert rows[silent["device_id"]]["wipe_confirmed_at"] == "-"
    assert rows[live["device_id"]]["revoked_at"] == "-"
    assert rows[live["device_id"]]["wipe_confirmed_at"] == "-"
