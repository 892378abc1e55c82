"""GET /children/{child_id}/chronology: heads in event order, conflicts shown, scope kept."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from sync_server.services import DemoSeed
from tests.sync_server.server_builders import edit, entry, push, sign_in

Headers = dict[str, str]


@pytest.fixture
def fam(demo: DemoSeed) -> Any:
    return demo.cases[0]


@pytest.fixture
def sw_id(demo: DemoSeed) -> str:
    return demo.practitioners["demo-sw"].id


async def chronology(client: AsyncTestClient[Any], headers: Headers, child_id: str) -> Any:
    response = await client.get(f"/children/{child_id}/chronology", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_seeded_chronology_is_in_event_order(
    client: AsyncTestClient[Any], hv: Headers, fam: Any
) -> None:
    body = await chronology(client, hv, fam.child_ids[0])
    assert body["child_id"] == fam.child_ids[0]
    types = [e["event_type"] for e in body["entries"]]
    assert types == ["referral", "strategy_discussion", "conference", "developmental_concern"]
    assert all(e["author_role"] == "social_worker" and e["author_name"] for e in body["entries"])
    assert all(e["version_count"] == 1 and not e["in_conflict"] for e in body["entries"])


async def test_order_is_event_time_then_record_id(
    client: AsyncTestClient[Any], sw: Headers, fam: Any, sw_id: str
) -> None:
    child = fam.child_ids[1]
    # Pushed out of order, in a different offset; two share one instant.
    late = entry(fam.family_id, sw_id, [child], hours=24 * 400)
    tie_a = entry(fam.family_id, sw_id, [child], hours=24 * 300)
    tie_b = entry(fam.family_id, sw_id, [child], hours=24 * 300)
    tie_b["payload"]["event_datetime"] = tie_b["payload"]["event_datetime"].replace(
        "T09:00:00+00:00", "T10:00:00+01:00"
    )
    early = entry(fam.family_id, sw_id, [child], hours=24 * 200)
    await push(client, sw, [late, tie_b, early, tie_a])
    body = await chronology(client, sw, child)
    ours = [e["record_id"] for e in body["entries"] if e["version_id"] in
            {i["version_id"] for i in (late, tie_a, tie_b, early)}]  # fmt: skip
    ties = sorted([tie_a["record_id"], tie_b["record_id"]])
    assert ours == [early["record_id"], *ties, late["record_id"]]


async def test_an_edit_replaces_its_base_in_the_view(
    client: AsyncTestClient[Any], sw: Headers, fam: Any, sw_id: str
) -> None:
    base = entry(fam.family_id, sw_id, [fam.child_ids[0]], hours=24 * 500)
    second = edit(base, summary="Second version.")
    third = edit(second, summary="Third version.")
    await push(client, sw, [base, second, third])
    entries = (await chronology(client, sw, fam.child_ids[0]))["entries"]
    mine = [e for e in entries if e["record_id"] == base["record_id"]]
    assert [(e["version_id"], e["summary"], e["version_count"]) for e in mine] == [
        (third["version_id"], "Third version.", 3)
    ]
    assert mine[0]["in_conflict"] is False


async def test_unresolved_conflict_shows_every_head_flagged(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, fam: Any, sw_id: str
) -> None:
    base = entry(fam.family_id, sw_id, [fam.child_ids[0]], hours=24 * 500)
    await push(client, sw, [base])
    mine, theirs = edit(base, summary="Mine."), edit(base, summary="Theirs.")
    await push(client, sw, [mine])
    await push(client, sw, [theirs])
    entries = (await chronology(client, hv, fam.child_ids[0]))["entries"]
    mine_heads = [e for e in entries if e["record_id"] == base["record_id"]]
    assert {e["version_id"] for e in mine_heads} == {mine["version_id"], theirs["version_id"]}
    assert all(e["in_conflict"] and e["version_count"] == 3 for e in mine_heads)
    others = [e for e in entries if e["record_id"] != base["record_id"]]
    assert not any(e["in_conflict"] for e in others)


async def test_an_edit_that_drops_the_child_leaves_their_chronology(
    client: AsyncTestClient[Any], sw: Headers, fam: Any, sw_id: str
) -> None:
    first, second = fam.child_ids
    base = entry(fam.family_id, sw_id, [first, second], hours=24 * 500)
    moved = edit(base, child_ids=[second])
    await push(client, sw, [base, moved])
    assert base["record_id"] not in {
        e["record_id"] for e in (await chronology(client, sw, first))["entries"]
    }
    assert base["record_id"] in {
        e["record_id"] for e in (await chronology(client, sw, second))["entries"]
    }


@pytest.mark.parametrize("who", ["unallocated", "unknown", "not-an-id"])
async def test_not_found_does_not_reveal_existence(
    client: AsyncTestClient[Any], demo: DemoSeed, who: str, repository: Any
) -> None:
    hv2 = await sign_in(client, "demo-hv2")
    child_id = {"unallocated": demo.cases[0].child_ids[0], "unknown": new_id(),
                "not-an-id": "x' OR 1=1"}[who]  # fmt: skip
    response = await client.get(f"/children/{child_id}/chronology", headers=hv2)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Nothing was found here.",
                               "details": {}}  # fmt: skip
    [event] = repository.audit_events("chronology_read_refused")
    assert event.actor_id == demo.practitioners["demo-hv2"].id


async def test_health_visitor_cannot_read_an_unallocated_family(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed
) -> None:
    response = await client.get(f"/children/{demo.cases[2].child_ids[0]}/chronology", headers=hv)
    assert response.status_code == 404


async def test_every_read_is_audited_with_the_child_id(
    client: AsyncTestClient[Any], hv: Headers, fam: Any, demo: DemoSeed, repository: Any
) -> None:
    await chronology(client, hv, fam.child_ids[0])
    await chronology(client, hv, fam.child_ids[1])
    events = repository.audit_events("chronology_read")
    assert [(e.actor_id, e.subject_type, e.subject_id) for e in events] == [
        (demo.practitioners["demo-hv"].id, "child", fam.child_ids[0]),
        (demo.practitioners["demo-hv"].id, "child", fam.child_ids[1]),
    ]
    assert all(e.device_id for e in events)
