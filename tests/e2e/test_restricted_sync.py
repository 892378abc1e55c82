"""A restricted entry, over the real server process: headless devices of its own agency
receive it, a health visitor allocated the same family never does; a same-event link naming it
is held back with it."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.ids import new_id
from tests.e2e.conftest import DEMO_PASSWORD, CliDevice, ServerProcess

pytestmark = pytest.mark.e2e

WHEN = datetime(2025, 3, 1, 9, 0, tzinfo=UTC).isoformat()


def signed_in_client(server: ServerProcess, username: str) -> tuple[httpx.Client, str]:
    """Return an HTTP client holding a fresh device token, and the practitioner's id."""
    client = httpx.Client(base_url=server.url, verify=server.verify, timeout=30)
    body = {"username": username, "password": DEMO_PASSWORD, "device_name": "e2e script"}
    answer = client.post("/auth/login", json=body)
    assert answer.status_code == 200, answer.text
    client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return client, answer.json()["practitioner"]["id"]


def first_child(client: httpx.Client) -> tuple[str, str]:
    """Return (case id, child id) of a child the caller can see."""
    items = client.get("/sync/pull?cursor=0&limit=2000").json()["items"]
    child = next(i for i in items if i["payload"]["record_type"] == "child")
    return child["case_id"], child["record_id"]


def versioned(case_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"version_id": new_id(), "record_id": new_id(), "case_id": case_id,
            "device_time": WHEN, "payload": payload}  # fmt: skip


def injury(author_id: str, child_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "record_type": "chronology_entry", "child_ids": [child_id], "event_datetime": WHEN,
        "source_agency": "CSC", "information_source": "direct_observation",
        "author_id": author_id, "author_role": "social_worker", "event_type": "injury",
        "summary": "Bruise seen on the left forearm.", "action_taken": "Strategy discussion.",
        "significance": "serious", **extra,
    }  # fmt: skip


def test_a_restricted_entry_reaches_only_its_own_agencys_devices(
    server: ServerProcess, tmp_path: Path
) -> None:
    sw, sw_id = signed_in_client(server, "demo-sw")
    case_id, child_id = first_child(sw)
    secret = versioned(case_id, injury(sw_id, child_id, restricted=True))
    plain = versioned(case_id, injury(sw_id, child_id, summary="Child seen; settled."))
    joined = versioned(case_id, {
        "record_type": "same_event_link", "made_by": sw_id, "reason": "One incident.",
        "entry_record_ids": [secret["record_id"], plain["record_id"]],
    })  # fmt: skip
    pushed = sw.post("/sync/push", json={"items": [secret, plain, joined]})
    assert [r["status"] for r in pushed.json()["results"]] == ["accepted"] * 3
    sw.close()

    hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
    sup = CliDevice(tmp_path / "sup").signed_in(server, "demo-sup")
    on_hv = {r["version_id"] for r in hv.records() if r["case_id"] == case_id}
    on_sup = {r["version_id"] for r in sup.records() if r["case_id"] == case_id}

    assert plain["version_id"] in on_hv, "the health visitor has the family"
    assert not {secret["version_id"], joined["version_id"]} & on_hv
    assert {secret["version_id"], plain["version_id"], joined["version_id"]} <= on_sup
