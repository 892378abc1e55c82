"""GET /records/{record_id}/versions: every version of a record, in server order, heads
marked, scope kept, every read audited."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.protocol import RecordHistoryResponse
from sync_server.demo import DemoSeed
from tests.sync_server.server_builders import (
    Item,
    edit,
    entry,
    push,
    sign_in,
    take_back,
    version,
)

Headers = dict[str, str]


async def history(client: AsyncTestClient[Any], headers: Headers, record_id: str) -> Any:
    response = await client.get(f"/records/{record_id}/versions", headers=headers)
    assert response.status_code == 200, response.text
    RecordHistoryResponse.model_validate_json(response.content)  # the published shape
    return response.json()


async def test_every_version_in_server_order_with_who_when_and_why(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    fam, sw_person = demo.cases[0], demo.practitioners["demo-sw"]
    base = entry(fam.family_id, sw_person.id, [fam.child_ids[0]], neglect_types=["physical"])
    amended = edit(base, reason="Wrong date.", summary="Amended.")
    withdrawn = take_back(amended, "withdrawn", reason="Duplicate of the school's entry.")
    results = await push(client, sw, [base, amended, withdrawn])
    body = await history(client, hv, base["record_id"])
    assert (body["record_id"], body["case_id"], body["record_type"], body["in_conflict"]) == (
        base["record_id"], fam.family_id, "chronology_entry", False)  # fmt: skip
    versions = body["versions"]
    assert [v["server_seq"] for v in versions] == [r["server_seq"] for r in results]
    assert [(v["version_id"], v["replaces_version_id"], v["lifecycle"], v["amend_reason"],
             v["is_head"]) for v in versions] == [
        (base["version_id"], None, "current", "", False),
        (amended["version_id"], base["version_id"], "current", "Wrong date.", False),
        (withdrawn["version_id"], amended["version_id"], "withdrawn",
         "Duplicate of the school's entry.", True),
    ]  # fmt: skip
    assert [v["payload"]["summary"] for v in versions] == [
        base["payload"]["summary"], "Amended.", "Amended."]  # fmt: skip
    assert versions[0]["payload"]["neglect_types"] == ["physical"]
    for v in versions:
        assert (v["author_id"], v["author_name"], v["author_role"], v["author_agency"]) == (
            sw_person.id, sw_person.display_name, "social_worker", "CSC")  # fmt: skip
        assert v["also_replaces"] == []
        assert datetime.fromisoformat(v["device_time"]) == datetime.fromisoformat(
            base["device_time"])  # fmt: skip
        assert datetime.fromisoformat(v["recorded_at"]).utcoffset() is not None


async def test_a_conflict_shows_both_heads(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed
) -> None:
    fam = demo.cases[0]
    base = entry(fam.family_id, demo.practitioners["demo-sw"].id, [fam.child_ids[0]])
    mine, theirs = edit(base, summary="Mine."), edit(base, summary="Theirs.")
    await push(client, sw, [base, mine, theirs])
    body = await history(client, sw, base["record_id"])
    assert body["in_conflict"] is True
    assert [v["is_head"] for v in body["versions"]] == [False, True, True]


async def test_any_kind_of_record_has_a_history(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed
) -> None:
    fam = demo.cases[0]
    body = await history(client, hv, fam.family_id)  # a family is its own record
    assert body["record_type"] == "family"
    assert [v["is_head"] for v in body["versions"]] == [True]


@pytest.mark.parametrize("who", ["unallocated", "unknown", "not-an-id"])
async def test_not_found_does_not_reveal_existence(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed, who: str, repository: Any
) -> None:
    other = demo.cases[2]  # not allocated to demo-hv
    record_id = {"unallocated": other.child_ids[0], "unknown": new_id(),
                 "not-an-id": "x' OR 1=1"}[who]  # fmt: skip
    response = await client.get(f"/records/{record_id}/versions", headers=hv)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Nothing was found here.",
                               "details": {}}  # fmt: skip
    [event] = repository.audit_events("history_read_refused")
    assert (event.actor_id, event.subject_type) == (demo.practitioners["demo-hv"].id, "record")
    assert event.subject_id == (None if who == "not-an-id" else record_id)
    assert repository.audit_events("history_read") == []


async def test_every_read_is_audited_with_the_record_id(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed, repository: Any
) -> None:
    fam = demo.cases[0]
    await history(client, hv, fam.child_ids[0])
    await history(client, hv, fam.family_id)
    events = repository.audit_events("history_read")
    assert [(e.actor_id, e.subject_type, e.subject_id) for e in events] == [
        (demo.practitioners["demo-hv"].id, "record", fam.child_ids[0]),
        (demo.practitioners["demo-hv"].id, "record", fam.family_id),
    ]
    assert all(e.device_id for e in events)


def review_item(reviewed: Item, reviewer_id: str, action: str, at: datetime, **fields: Any) -> Item:
    """A review decision on exactly the reviewed version."""
    payload = {
        "record_type": "review_decision",
        "reviewed_record_id": reviewed["record_id"],
        "reviewed_version_id": reviewed["version_id"],
        "action": action,
        "reviewer_id": reviewer_id,
        "decided_at": at.isoformat(),
        **fields,
    }
    return {**version(reviewed["case_id"], payload), "device_time": at.isoformat()}


async def test_each_version_shows_the_reviews_that_name_it(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    fam, author = demo.cases[0], demo.practitioners["demo-sw"]
    sup_person = demo.practitioners["demo-sup"]
    sup = await sign_in(client, "demo-sup")
    base = entry(fam.family_id, author.id, [fam.child_ids[0]])
    other = entry(fam.family_id, author.id, [fam.child_ids[0]])
    await push(client, sw, [base, other])
    returned_at = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    await push(client, sup, [
        review_item(base, sup_person.id, "return", returned_at, comment="Say who was there."),
        review_item(other, sup_person.id, "escalate", returned_at, comment="Worrying.",
                    escalation_stage=2),
    ])  # fmt: skip
    amended = edit(base, reason="Named who was there.", summary="Mother and grandmother there.")
    await push(client, sw, [amended])
    signed_at = returned_at + timedelta(hours=2)
    await push(client, sup, [review_item(amended, sup_person.id, "countersign", signed_at)])

    first, second = (await history(client, hv, base["record_id"]))["versions"]
    [returned] = first["reviews"]
    assert (returned["action"], returned["comment"], returned["escalation_stage"]) == (
        "return", "Say who was there.", None)  # fmt: skip
    assert (returned["reviewer_id"], returned["reviewer_name"], returned["reviewer_role"]) == (
        sup_person.id, sup_person.display_name, "supervisor")  # fmt: skip
    assert datetime.fromisoformat(returned["decided_at"]) == returned_at
    [signed] = second["reviews"]
    assert (signed["action"], signed["comment"]) == ("countersign", "")
    assert datetime.fromisoformat(signed["decided_at"]) == signed_at
    assert second["amend_reason"] == "Named who was there."


async def test_a_version_nobody_reviewed_has_no_reviews(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed
) -> None:
    fam = demo.cases[0]
    base = entry(fam.family_id, demo.practitioners["demo-sw"].id, [fam.child_ids[0]])
    await push(client, sw, [base])
    [only] = (await history(client, sw, base["record_id"]))["versions"]
    assert only["reviews"] == []
