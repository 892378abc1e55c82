"""Administrator revocation of devices and users, and the device listing, all audited."""

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sync_server.admin_cli import EXIT_REFUSED, admin_command
from sync_server.demo import DemoSeed
from sync_server.repository import Repository
from sync_server.services import AuditAction
from tests.sync_server.server_builders import PASSWORD

DEVICE_REVOKED_BODY = {
    "code": "device_revoked",
    "message": "This device's access has been revoked by an administrator.",
    "details": {},
}


async def _login(client: AsyncTestClient[Any], username: str, device: str) -> dict[str, Any]:
    response = await client.post(
        "/auth/login", json={"username": username, "password": PASSWORD, "device_name": device}
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _bearer(login: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {login['token']}"}


async def test_revoke_device_command_stops_the_token_at_once(
    client: AsyncTestClient[Any], db_path: Path, repository: Repository
) -> None:
    lost = await _login(client, "demo-hv", "lost tablet")
    kept = await _login(client, "demo-hv", "new tablet")
    assert (await client.get("/me", headers=_bearer(lost))).status_code == 200

    assert admin_command(["revoke-device", "--db", str(db_path), lost["device_id"]]) == 0

    for method, path in (("GET", "/me"), ("GET", "/sync/pull"), ("POST", "/sync/push")):
        response = await client.request(method, path, headers=_bearer(lost), content=b"{}")
        assert response.status_code == 401, path
        assert response.json() == DEVICE_REVOKED_BODY
        assert response.headers["www-authenticate"] == "Bearer"
    assert (await client.get("/me", headers=_bearer(kept))).status_code == 200
    revoked = repository.audit_events(AuditAction.DEVICE_REVOKED)
    assert [(e.subject_type, e.subject_id) for e in revoked] == [("device", lost["device_id"])]


async def test_an_unknown_token_is_still_not_authenticated(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/me", headers={"Authorization": "Bearer never-issued"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoking_an_unknown_or_revoked_device_is_refused(
    db_path: Path, repository: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    assert admin_command(["revoke-device", "--db", str(db_path), "no-such-device"]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "device_id: no live device" in err
    assert "no-such-device" not in err
    assert repository.audit_events(AuditAction.DEVICE_REVOKED) == []


async def test_revoke_user_revokes_every_device_and_refuses_sign_in(
    client: AsyncTestClient[Any],
    db_path: Path,
    repository: Repository,
    demo: DemoSeed,
    capsys: pytest.CaptureFixture[str],
) -> None:
    devices = [await _login(client, "demo-sw", name) for name in ("phone", "laptop")]
    other = await _login(client, "demo-hv", "tablet")

    assert admin_command(["revoke-user", "--db", str(db_path), "demo-sw"]) == 0
    assert "2 device(s) revoked" in capsys.readouterr().out

    for login in devices:
        response = await client.get("/me", headers=_bearer(login))
        assert response.json()["code"] == "device_revoked"
    again = await client.post(
        "/auth/login", json={"username": "demo-sw", "password": PASSWORD, "device_name": "x"}
    )
    assert again.status_code == 401
    assert again.json()["code"] == "invalid_credentials"
    assert (await client.get("/me", headers=_bearer(other))).status_code == 200
    sw_id = demo.practitioners["demo-sw"].id
    revoked_user = repository.audit_events(AuditAction.PRACTITIONER_REVOKED)
    assert [(e.subject_type, e.subject_id) for e in revoked_user] == [("practitioner", sw_id)]
    revoked_devices = {e.subject_id for e in repository.audit_events(AuditAction.DEVICE_REVOKED)}
    assert revoked_devices == {login["device_id"] for login in devices}
    refused = repository.audit_events(AuditAction.LOGIN_FAILED)
    assert [e.actor_id for e in refused] == [sw_id]


def test_revoke_user_names_the_field_not_the_value(
    db_path: Path, repository: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    status = admin_command(["revoke-user", "--db", str(db_path), "Jane Example"])
    assert status == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "username: no practitioner" in err
    assert "Jane Example" not in err


async def test_list_devices_shows_ids_names_and_revocation(
    client: AsyncTestClient[Any],
    db_path: Path,
    repository: Repository,
    demo: DemoSeed,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hv = await _login(client, "demo-hv", "hv tablet")
    sw = await _login(client, "demo-sw", "sw phone")
    admin_command(["revoke-device", "--db", str(db_path), sw["device_id"]])
    capsys.readouterr()

    assert admin_command(["list-devices", "--db", str(db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert rows[hv["device_id"]][1:3] == ["demo-hv", "hv tablet"]
    assert rows[hv["device_id"]][5] == "-"
    assert rows[sw["device_id"]][5] != "-", "the revoked device shows when"

    assert admin_command(["list-devices", "--db", str(db_path), "demo-hv"]) == 0
    only_hv = capsys.readouterr().out.splitlines()[1:]
    assert [line.split("\t")[0] for line in only_hv] == [hv["device_id"]]
    listed = repository.audit_events(AuditAction.DEVICES_LISTED)
    assert [e.subject_id for e in listed] == [None, demo.practitioners["demo-hv"].id]


def test_admin_commands_refuse_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing-here.db"
    assert admin_command(["verify-audit", "--db", str(missing)]) == EXIT_REFUSED
    assert "db: there is no database file" in capsys.readouterr().err
    assert not missing.exists()
