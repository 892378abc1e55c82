"""Sign-in, device tokens, revocation and /me."""

import hashlib
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sync_server.demo import DemoSeed
from sync_server.repository import Repository
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import PASSWORD, sign_in


async def test_login_returns_a_token_for_a_new_device(
    client: AsyncTestClient[Any], demo: DemoSeed
) -> None:
    response = await client.post(
        "/auth/login", json={"username": "demo-hv", "password": PASSWORD, "device_name": "tab"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["practitioner"]["id"] == demo.practitioners["demo-hv"].id
    assert body["practitioner"]["role"] == "health_visitor"
    assert len(body["token"]) >= 40
    assert body["device_id"]


async def test_each_login_gets_its_own_device_and_token(client: AsyncTestClient[Any]) -> None:
    first = await sign_in(client, "demo-sw")
    second = await sign_in(client, "demo-sw")
    assert first != second
    for headers in (first, second):
        assert (await client.get("/me", headers=headers)).status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("demo-hv", "wrong password"), ("nobody-here", PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
async def test_bad_credentials_get_the_same_401(
    client: AsyncTestClient[Any], username: str, password: str
) -> None:
    response = await client.post(
        "/auth/login", json={"username": username, "password": password, "device_name": "tab"}
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_credentials",
        "message": "The username or password is not right.",
        "details": {},
    }


async def test_login_validation_error_does_not_echo_the_password(
    client: AsyncTestClient[Any],
) -> None:
    secret = "hunter2-very-secret"
    response = await client.post(
        "/auth/login", json={"username": "", "password": secret, "device_name": "tab", "x": 1}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert {e["field"] for e in body["details"]["errors"]} == {"username", "x"}
    assert secret not in response.text


async def test_only_the_token_hash_is_stored(
    client: AsyncTestClient[Any], repository: Repository, db_path: Path
) -> None:
    response = await client.post(
        "/auth/login", json={"username": "demo-sw", "password": PASSWORD, "device_name": "tab"}
    )
    token = response.json()["token"]
    session = repository.device_session(hashlib.sha256(token.encode()).hexdigest())
    assert session is not None
    assert session.device_id == response.json()["device_id"]
    for path in db_path.parent.glob("server.db*"):
        assert token.encode() not in path.read_bytes()
        assert PASSWORD.encode() not in path.read_bytes()


async def test_me_returns_the_signed_in_practitioner(
    client: AsyncTestClient[Any], hv: dict[str, str]
) -> None:
    response = await client.get("/me", headers=hv)
    assert response.status_code == 200
    assert response.json()["username"] == "demo-hv"
    assert response.json()["team"] == "North Oxon"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"},
     {"Authorization": "Bearer "}],
    ids=["missing", "unknown", "wrong-scheme", "empty"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/me"), ("GET", "/sync/pull"), ("POST", "/sync/push"),
     ("GET", "/children/01900000-0000-7000-8000-000000000000/chronology")],
    ids=["me", "pull", "push", "chronology"],
)  # fmt: skip
async def test_endpoints_need_a_valid_token(
    client: AsyncTestClient[Any], headers: dict[str, str], method: str, path: str
) -> None:
    response = await client.request(method, path, headers=headers, content=b"{}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_revoked_device_is_refused_at_once(
    client: AsyncTestClient[Any], services: ServiceContainer, demo: DemoSeed
) -> None:
    login = await client.post(
        "/auth/login", json={"username": "demo-hv", "password": PASSWORD, "device_name": "lost"}
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    other = await sign_in(client, "demo-hv")
    assert (await client.get("/me", headers=headers)).status_code == 200

    assert services.auth.revoke_device(login.json()["device_id"], demo.practitioners["demo-sup"].id)

    assert (await client.get("/me", headers=headers)).status_code == 401
    assert (await client.get("/sync/pull", headers=headers)).status_code == 401
    assert (await client.get("/me", headers=other)).status_code == 200, "other devices still work"
    assert not services.auth.revoke_device(login.json()["device_id"]), "already revoked"


async def test_logins_are_audited_without_secrets(
    client: AsyncTestClient[Any], repository: Repository, demo: DemoSeed
) -> None:
    await sign_in(client, "demo-hv")
    await client.post(
        "/auth/login", json={"username": "demo-hv", "password": "nope", "device_name": "tab"}
    )
    await client.post(
        "/auth/login", json={"username": "ghost", "password": "nope", "device_name": "tab"}
    )
    hv_id = demo.practitioners["demo-hv"].id
    assert [(e.actor_id, e.device_id is not None) for e in repository.audit_events("login")] == [
        (hv_id, True)
    ]
    assert [e.actor_id for e in repository.audit_events("login_failed")] == [hv_id, None]


async def test_each_token_is_its_own_caller(client: AsyncTestClient[Any]) -> None:
    """Regression: a cached `caller` dependency once answered every request as the first."""
    hv = await sign_in(client, "demo-hv")
    sw = await sign_in(client, "demo-sw")
    for headers, username in ((hv, "demo-hv"), (sw, "demo-sw"), (hv, "demo-hv")):
        assert (await client.get("/me", headers=headers)).json()["username"] == username
