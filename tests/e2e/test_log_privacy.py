"""The server log of a busy session holds no family's name, no password and no token.

A real server process (at its most verbose log level, with demo data) serves a headless
device that signs in, records and syncs visits, a second practitioner who pulls and reads
chronologies and histories, and a run of bad requests that carry names: wrong sign-ins, a locked-out
username, malformed pushes and paths. Then the log is read whole.
"""

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import DEMO_PASSWORD, CliDevice, ServerProcess

pytestmark = pytest.mark.e2e

PERSONAL_FIELDS = ("family_name", "given_name", "name", "line1", "postcode", "nhs_number")
SHORTEST_CHECKED = 4  # shorter strings ("Ann") could occur in any log line by chance


def demo_personal_values(db: Path) -> set[str]:
    """Names, addresses and NHS numbers the demo seeded, read from the server's own store."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT payload_json FROM versions"
            " WHERE record_type IN ('family', 'child', 'significant_adult')"
        ).fetchall()
    finally:
        conn.close()
    values: set[str] = set()
    for (payload_json,) in rows:
        payload = json.loads(payload_json)["payload"]
        found = [payload.get(key) for key in PERSONAL_FIELDS]
        found += [(payload.get("address") or {}).get(key) for key in ("line1", "postcode")]
        for value in filter(None, found):
            values.add(str(value))
            values.update(part for part in str(value).split() if len(part) >= SHORTEST_CHECKED)
    return {value for value in values if len(value) >= SHORTEST_CHECKED}


@pytest.fixture
def chatty_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerProcess]:
    monkeypatch.setenv("DOORSTEP_LOG_LEVEL", "debug")
    running = ServerProcess(tmp_path / "server.db").start()
    yield running
    running.stop()


def login(url: str, username: str, password: str) -> httpx.Response:
    body = {"username": username, "password": password, "device_name": "log-privacy"}
    return httpx.post(f"{url}/auth/login", json=body, timeout=30)


def busy_session(server: ServerProcess, device_data: Path, personal: str) -> list[str]:
    """Drive every kind of request; return the tokens the server issued."""
    hv = CliDevice(device_data).signed_in(server, "demo-hv")
    hv.run("demo", "--visits", "3", "--seed", "11")
    hv.run("sync")

    url = server.url
    token = login(url, "demo-sw", DEMO_PASSWORD).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    pulled: list[dict[str, Any]] = httpx.get(
        f"{url}/sync/pull", params={"limit": 1000}, headers=auth, timeout=30
    ).json()["items"]
    children = [i["record_id"] for i in pulled if i["payload"]["record_type"] == "child"]
    assert children, "the demo gives demo-sw children to read"
    for child_id in children:
        assert httpx.get(f"{url}/children/{child_id}/chronology", headers=auth).status_code == 200
    record = pulled[0]["record_id"]
    assert httpx.get(f"{url}/records/{record}/versions", headers=auth).status_code == 200

    # Bad requests that carry personal text, where a careless log line would copy it.
    assert login(url, personal, DEMO_PASSWORD).status_code == 401
    statuses = {login(url, "demo-hv", f"{personal}-guess-{n}").status_code for n in range(7)}
    assert statuses == {401, 429}
    bad_push = {"protocol_version": 1, "items": [{"payload": {"family_name": personal}}]}
    # an invalid item is refused in its own result (200), never stored
    answer = httpx.post(f"{url}/sync/push", json=bad_push, headers=auth)
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "rejected"
    not_json = f'{{"family_name": "{personal}"'.encode()
    assert httpx.post(f"{url}/sync/push", content=not_json, headers=auth).status_code == 400
    assert httpx.get(f"{url}/children/{personal}/chronology", headers=auth).status_code in {
        400,
        404,
    }
    assert (
        httpx.get(f"{url}/me", headers={"Authorization": f"Bearer {personal}"}).status_code == 401
    )
    return [token]


def test_the_server_log_holds_no_names_passwords_or_tokens(
    chatty_server: ServerProcess, tmp_path: Path
) -> None:
    personal = demo_personal_values(chatty_server.db)
    sample = max(personal, key=len)
    assert len(personal) > 10, "the demo seeded families with names"

    tokens = busy_session(chatty_server, tmp_path / "hv", sample)
    chatty_server.stop()  # flush and close the log

    assert chatty_server.log is not None
    log = chatty_server.log.read_text()
    assert "Doorstep sync server on" in log, "this is the server's log"
    leaked = sorted(value for value in personal if value in log)
    assert leaked == [], f"{len(leaked)} personal value(s) in the server log"
    assert DEMO_PASSWORD not in log
    for token in tokens:
        assert token not in log
    assert "Bearer" not in log
