"""An administrator finds and revokes a lost device, then a leaver, against the running server:
the tokens stop working on the very next request, and the audit chain stays intact."""

import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import DEMO_PASSWORD, ROOT, ServerProcess

pytestmark = pytest.mark.e2e


def admin(server: ServerProcess, *args: str, expect: int = 0) -> str:
    command, *rest = args
    done = subprocess.run(
        [sys.executable, "-m", "sync_server", command, "--db", str(server.db), *rest],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == expect, done.stderr
    return done.stdout + done.stderr


def login(server: ServerProcess, username: str, device_name: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/auth/login",
        json={"username": username, "password": DEMO_PASSWORD, "device_name": device_name},
        timeout=30,
    )


def bearer(answer: httpx.Response) -> dict[str, str]:
    token: str = answer.json()["token"]
    return {"Authorization": f"Bearer {token}"}


def listed(server: ServerProcess, *username: str) -> dict[str, list[str]]:
    lines = admin(server, "list-devices", *username).splitlines()
    assert lines[0].startswith("device_id\tusername\tname")
    return {line.split("\t")[0]: line.split("\t") for line in lines[1:]}


def test_a_lost_device_found_in_the_listing_is_revoked_at_once(server: ServerProcess) -> None:
    lost = login(server, "demo-hv", "e2e lost tablet")
    kept = login(server, "demo-hv", "e2e kept tablet")
    assert httpx.get(f"{server.url}/me", headers=bearer(lost)).status_code == 200

    devices = listed(server, "demo-hv")
    [device_id] = [d for d, row in devices.items() if row[2] == "e2e lost tablet"]
    assert device_id == lost.json()["device_id"]
    assert "revoked" in admin(server, "revoke-device", device_id)

    refused = httpx.get(f"{server.url}/sync/pull", headers=bearer(lost))
    assert refused.status_code == 401
    body: dict[str, Any] = refused.json()
    assert body["code"] == "device_revoked"
    assert body["message"]
    assert httpx.get(f"{server.url}/me", headers=bearer(kept)).status_code == 200
    assert listed(server, "demo-hv")[device_id][5] != "-"


def test_a_revoked_user_loses_every_device_and_cannot_sign_in(server: ServerProcess) -> None:
    first, second = login(server, "demo-hv2", "e2e one"), login(server, "demo-hv2", "e2e two")

    out = admin(server, "revoke-user", "demo-hv2")

    assert "2 device(s) revoked" in out
    for answer in (first, second):
        me = httpx.get(f"{server.url}/me", headers=bearer(answer))
        assert me.json()["code"] == "device_revoked"
    assert login(server, "demo-hv2", "e2e three").json()["code"] == "invalid_credentials"


def test_the_audit_chain_holds_while_the_server_writes(server: ServerProcess) -> None:
    for n in range(3):
        login(server, "demo-sw", f"e2e audit {n}")
    out = admin(server, "verify-audit")
    assert out.startswith("OK: ")
    assert int(out.split()[1]) > 10
