"""A restricted entry, over the real server process: headless devices of its own agency
receive it, a health visitor allocated the same family never does; a same-event link naming it
is held back with it. An entry restricted after the health visitor's phone pulled it leaves
that phone on its next sync (issue 7), and stays on its author's; so does a review of it."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobile_app.services.records import RecordService
from mobile_app.services.sync.sync_settings import READ_RULES_SETTING
from shared.ids import new_id
from shared.models import ChronologyEntry
from shared.protocol import PullResponse
from shared.vocabulary import Lifecycle
from sync_server.services.access.scope import READ_RULES_GENERATION
from tests.e2e.conftest import DEMO_PASSWORD, CliDevice, ServerProcess
from tests.e2e.sync_devices import SyncDevice

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


def restrict_here(device: SyncDevice, record_id: str) -> str:
    """Amend the record on the device so that it is restricted; return the new version id."""
    [head] = device.heads(record_id)
    base = device.store.records.get(head).version.payload
    assert isinstance(base, ChronologyEntry)
    restricted = base.model_copy(update={"restricted": True})
    reason = "Disclosure by the parent: CSC only."
    return RecordService(device.store).amend(record_id, restricted, reason=reason).version_id


def test_an_entry_restricted_after_the_hv_synced_leaves_her_phone_on_her_next_sync(
    server: ServerProcess, tmp_path: Path
) -> None:
    sw = SyncDevice.sign_in("sw phone", tmp_path / "sw", server.url, "demo-sw")
    hv = SyncDevice.sign_in("hv phone", tmp_path / "hv", server.url, "demo-hv")
    try:
        case_id = next(case for case in hv.children if case in sw.children)
        child_id = sw.children[case_id][0]
        [first] = sw.record_entries(case_id, child_id, ["Child seen at home; settled."])
        sw.sync()
        hv.sync()
        assert hv.heads(first.record_id) == [first.version_id], "the HV's phone holds it"
        assert hv.store.settings.get(READ_RULES_SETTING) == READ_RULES_GENERATION

        restricting = restrict_here(sw, first.record_id)
        assert sw.sync().accepted == 1
        # Made offline before she knew: her amendment is refused as unknown and kept.
        mine = hv.amend(first.record_id, "Seen again at the clinic.", Lifecycle.CURRENT)
        report = hv.sync()

        assert report.withdrawn == [first.record_id]
        assert report.rejected == [mine.version_id]
        left = {row.version_id: row.state for row in hv.store.records.rows()}
        assert first.version_id not in left
        assert restricting not in left
        assert hv.refused() == {mine.version_id: first.record_id}
        assert hv.store.sync_issues.get(mine.version_id)["field"] == "replaces_version_id"
        assert hv.heads(first.record_id) == []
        assert first.record_id not in hv.all_heads("chronology_entry", with_refused=False)

        sw.sync()
        assert sw.heads(first.record_id) == [restricting], "the author's phone keeps it"
        assert first.version_id in sw.version_ids()
        assert hv.sync().withdrawn == [], "nothing more to let go of"
    finally:
        sw.close()
        hv.close()


def test_a_review_of_an_entry_restricted_later_leaves_the_hv_phone_with_it(
    server: ServerProcess, tmp_path: Path
) -> None:
    """A supervisor's comment describes the entry it reviews: once the author restricts the
    entry, the review the HV's phone already held leaves it on the same sync."""
    sw = SyncDevice.sign_in("sw phone", tmp_path / "sw", server.url, "demo-sw")
    hv = SyncDevice.sign_in("hv phone", tmp_path / "hv", server.url, "demo-hv")
    try:
        case_id = next(case for case in hv.children if case in sw.children)
        child_id = sw.children[case_id][0]
        [first] = sw.record_entries(case_id, child_id, ["Parent disclosed a new partner."])
        sw.sync()
        sup, sup_id = signed_in_client(server, "demo-sup")
        review = versioned(case_id, {
            "record_type": "review_decision", "reviewed_record_id": first.record_id,
            "reviewed_version_id": first.version_id, "action": "return",
            "comment": "Name the partner and say how the parent described him.",
            "reviewer_id": sup_id, "decided_at": WHEN,
        })  # fmt: skip
        pushed = sup.post("/sync/push", json={"items": [review]})
        sup.close()
        assert [r["status"] for r in pushed.json()["results"]] == ["accepted"]
        hv.sync()
        assert hv.heads(review["record_id"]) == [review["version_id"]], "her phone holds it"

        restrict_here(sw, first.record_id)
        assert sw.sync().accepted == 1
        report = hv.sync()

        assert sorted(report.withdrawn) == sorted([first.record_id, review["record_id"]])
        for record_id in (first.record_id, review["record_id"]):
            assert hv.store.records.rows(record_id=record_id) == []
        assert hv.sync().withdrawn == [], "nothing more to let go of"
        sw.sync()
        assert sw.heads(review["record_id"]) == [review["version_id"]], "the author keeps it"
    finally:
        sw.close()
        hv.close()


def test_a_phone_that_pulled_under_older_read_rules_lets_go_of_what_they_allowed(
    server: ServerProcess, tmp_path: Path
) -> None:
    """A read rule narrowed (as for partners): a phone that last pulled under the older
    generation drops every server copy and pulls again, so only what it may read now stays."""
    hv = SyncDevice.sign_in("hv phone", tmp_path / "hv", server.url, "demo-hv")
    try:
        case_id, [child_id, *_] = next(iter(hv.children.items()))
        sw, sw_id = signed_in_client(server, "demo-sw")
        secret = versioned(case_id, injury(sw_id, child_id, restricted=True))
        assert sw.post("/sync/push", json={"items": [secret]}).is_success
        page = PullResponse.model_validate_json(sw.get("/sync/pull?limit=2000").content)
        sw.close()
        # What an older rule let through: a server copy the HV may not read now.
        [leftover] = [i for i in page.items if i.version_id == secret["version_id"]]
        hv.store.records.merge_pulled([leftover])
        hv.store.settings.put(READ_RULES_SETTING, READ_RULES_GENERATION - 1)
        held = set(hv.version_ids()) - {leftover.version_id}

        report = hv.sync()
        assert report.read_rules_changed
        assert hv.store.records.rows(record_id=secret["record_id"]) == []
        assert set(hv.version_ids()) == held, "everything she may read came back"
        assert hv.store.settings.get(READ_RULES_SETTING) == READ_RULES_GENERATION
    finally:
        hv.close()
