"""A case handed whole to another team, with the real server process: the health visitor's
offline visit reaches the server, a social worker transfers the case to demo-hv2 (South
Oxon), whose first sync on a fresh device brings every version, amendments included, and
the health visitor's next sync removes the case from her device."""

from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.ids import new_id
from tests.e2e.conftest import DEMO_PASSWORD, CliDevice, ServerProcess

pytestmark = pytest.mark.e2e


def signed_in_client(server: ServerProcess, username: str) -> httpx.Client:
    response = httpx.post(
        f"{server.url}/auth/login",
        json={"username": username, "password": DEMO_PASSWORD, "device_name": "e2e script"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )


def case_versions(client: httpx.Client, case_id: str) -> dict[str, dict[str, Any]]:
    page = client.get("/sync/pull", params={"cursor": 0, "limit": 2000}).json()
    assert page["has_more"] is False
    return {item["version_id"]: item for item in page["items"] if item["case_id"] == case_id}


def test_transfer_hands_the_whole_history_over_and_the_old_team_leaves_scope(
    server: ServerProcess, tmp_path: Path
) -> None:
    hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
    assert "waiting to sync" in hv.run("demo", "--visits", "1", "--seed", "7")
    pending = [r for r in hv.records() if r["state"] == "pending"]
    case_id = pending[0]["case_id"]
    kinds = {r["payload"]["record_type"] for r in pending}
    assert {"visit", "chronology_entry"} <= kinds
    hv.run("sync")
    assert {r["state"] for r in hv.records() if r["case_id"] == case_id} == {"synced"}

    with signed_in_client(server, "demo-hv") as hv_web:  # her second device amends the entry
        held = case_versions(hv_web, case_id)
        [hv_entry] = [held[r["version_id"]] for r in pending
                      if r["payload"]["record_type"] == "chronology_entry"]  # fmt: skip
        amendment = {
            **{k: hv_entry[k] for k in ("record_id", "case_id", "device_time", "payload")},
            "version_id": new_id(),
            "replaces_version_id": hv_entry["version_id"],
            "amend_reason": "Time of visit corrected after supervision.",
        }
        pushed = hv_web.post("/sync/push", json={"protocol_version": 1, "items": [amendment]})
        assert pushed.json()["results"][0]["status"] == "accepted", pushed.text

    with signed_in_client(server, "demo-sw") as sw:
        history = set(case_versions(sw, case_id))
        assert {hv_entry["version_id"], amendment["version_id"]} <= history

        transfer = sw.post(
            f"/cases/{case_id}/transfers",
            json={"to_username": "demo-hv2", "reason": "Family moved to the south of the county.",
                  "housing_provider_informed": "n/a"},
        )  # fmt: skip
        assert transfer.status_code == 201, transfer.text
        answer = transfer.json()
        assert answer["pack"]["housing_provider_informed"] == "n/a"
        summaries = {line["summary"] for line in answer["pack"]["chronology"]}
        assert hv_entry["payload"]["summary"] in summaries
        assert sw.get(f"/cases/{case_id}/chronology").status_code == 404

    hv2 = CliDevice(tmp_path / "hv2").signed_in(server, "demo-hv2")  # first sync, fresh device
    got = [r for r in hv2.records() if r["case_id"] == case_id]
    moved = {r["version_id"] for r in got if r["version_id"] not in history}
    kinds = sorted(r["payload"]["record_type"] for r in got if r["version_id"] in moved)
    assert kinds == ["chronology_entry", "transfer_out"], "the transfer is a record of its own"
    received = {r["version_id"] for r in got} - moved
    assert received == history, "the whole history, every version, amendments included"
    assert {r["case_id"] for r in hv2.records()} == {case_id}

    out = hv.run("sync")
    assert "left your caseload" in out
    assert case_id in out
    assert [r for r in hv.records() if r["case_id"] == case_id] == []

    with signed_in_client(server, "demo-hv2") as receiver:
        pack = receiver.get(f"/cases/{case_id}/transfer-pack.pdf")
        assert pack.status_code == 200
        assert pack.content.startswith(b"%PDF-")
