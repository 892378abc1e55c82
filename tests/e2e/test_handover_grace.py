"""Issue 13 with the real server process and headless devices: a transfer's facts reach every
later pack and the receiving team; a visit recorded offline before the transfer arrives within
the grace period marked as the previous team's; after it, the refusal names the transfer on
the device (sync, status, list --json) and the supervisor forwards it from that device."""

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import DEMO_PASSWORD, CliDevice, ServerProcess
from tests.e2e.test_handover import signed_in_client

pytestmark = pytest.mark.e2e
REASON = "Family moved to the south of the county."
TOLD = "Ms Patel, Cherwell Housing"


def record_offline(server: ServerProcess, tmp_path: Path) -> tuple[CliDevice, str, set[str]]:
    """demo-hv records one visit offline; return her device, its case and the versions."""
    hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
    hv.run("demo", "--visits", "1", "--seed", "11")
    pending = [r for r in hv.records() if r.get("state") == "pending"]
    [case_id] = {r["case_id"] for r in pending}
    return hv, case_id, {r["version_id"] for r in pending}


def transfer(server: ServerProcess, case_id: str) -> dict[str, Any]:
    with signed_in_client(server, "demo-sw") as sw:
        response = sw.post(
            f"/cases/{case_id}/transfers",
            json={"to_username": "demo-hv2", "reason": REASON,
                  "housing_provider_informed": "yes", "housing_provider_told": TOLD},
        )  # fmt: skip
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_offline_visit_within_grace_arrives_marked_and_the_transfer_is_on_record(
    server: ServerProcess, tmp_path: Path
) -> None:
    hv, case_id, offline = record_offline(server, tmp_path)
    transfer(server, case_id)

    out = hv.run("sync")

    assert "rejected 0" in out, out
    assert "left your caseload" in out
    hv2 = CliDevice(tmp_path / "hv2").signed_in(server, "demo-hv2")
    mine = {r["version_id"]: r for r in hv2.records() if r["case_id"] == case_id}
    assert offline <= set(mine), "the visit reached the receiving team"
    assert all(mine[v]["recorded_before_transfer"] is True for v in offline)
    others = [r for v, r in mine.items() if v not in offline]
    assert not any(r["recorded_before_transfer"] for r in others)
    [facts] = [r["payload"] for r in others if r["payload"]["record_type"] == "transfer_out"]
    assert (facts["reason"], facts["housing_provider_told"]) == (REASON, TOLD)

    with signed_in_client(server, "demo-hv2") as receiver:
        pack = receiver.get(f"/cases/{case_id}/transfer-pack").json()
        assert receiver.get(f"/cases/{case_id}/transfer-pack.pdf").status_code == 200
        chronology = receiver.get(f"/cases/{case_id}/chronology").json()["entries"]
    assert pack["transfer"]["reason"] == REASON
    assert pack["transfer"]["housing_provider_told"] == TOLD
    assert pack["transfer"]["to_team"] == "South Oxon"
    assert pack["housing_provider_informed"] == "yes"
    flagged = {
        line["version_id"] for line in pack["chronology"] if line["recorded_before_transfer"]
    }
    assert flagged
    assert flagged <= offline
    assert [e["event_type"] for e in chronology].count("transfer_out") == 1


def test_after_the_grace_period_the_refusal_names_the_transfer_and_the_supervisor_forwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOORSTEP_HANDOVER_GRACE_SECONDS", "1")
    server = ServerProcess(tmp_path / "short-grace.db").start()
    try:
        hv, case_id, offline = record_offline(server, tmp_path)
        transfer(server, case_id)
        time.sleep(2.5)  # past the one-second grace period

        out = hv.run("sync")

        assert f"rejected {len(offline)}" in out, out
        assert "This case was transferred to South Oxon on " in out
        status = hv.run("status")
        assert "This case was transferred to South Oxon on " in status
        assert "Your supervisor can check it and forward it" in status
        issues = [r for r in hv.records() if "why" in r]
        assert {i["version_id"] for i in issues} == offline
        assert {i["state"] for i in issues} == {"rejected"}
        details = [i["why"] for i in issues]
        assert all("transferred to South Oxon" in d for d in details)
        assert all("case_id" not in d for d in details), "no field names for people"
        status_json = json.loads(hv.run("status", "--json"))
        assert {i["version_id"] for i in status_json["sync_issues"]} == offline

        monkeypatch.setenv("DOORSTEP_SUPERVISOR_PASSWORD", DEMO_PASSWORD)
        for version_id in sorted(offline):
            assert "Forwarded" in hv.run("forward", version_id, "demo-sup")
        assert not [r for r in hv.records() if "why" in r], "no issue left"
        hv2 = CliDevice(tmp_path / "hv2").signed_in(server, "demo-hv2")
        got = {r["version_id"]: r for r in hv2.records() if r["case_id"] == case_id}
        assert offline <= set(got)
        assert all(got[v]["recorded_before_transfer"] for v in offline)
        assert "rejected 0" in hv.run("sync")
    finally:
        server.stop()


def test_forward_by_someone_not_the_senders_supervisor_is_refused(
    server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
    monkeypatch.setenv("DOORSTEP_SUPERVISOR_PASSWORD", DEMO_PASSWORD)
    listed = [r for r in hv.records() if "payload" in r]
    out = hv.run("forward", listed[0]["version_id"], "demo-sup", expect=2)
    assert "Only a record the server refused can be forwarded." in out
    with httpx.Client(base_url=server.url, timeout=30) as anonymous:
        assert anonymous.post("/sync/forward", json={}).status_code == 401
