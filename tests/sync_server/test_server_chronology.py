"""GET /children/{child_id}/chronology and /cases/{case_id}/chronology: heads in event order,
amendments, withdrawals and conflicts shown, each entry once per family, scope kept."""

from datetime import datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from sync_server.demo import DemoSeed
from tests.sync_server.server_builders import (
    edit,
    entry,
    push,
    resolve,
    sign_in,
    take_back,
)

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


async def family(client: AsyncTestClient[Any], headers: Headers, case_id: str) -> Any:
    response = await client.get(f"/cases/{case_id}/chronology", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def lines(body: Any, record_id: str) -> list[Any]:
    return [e for e in body["entries"] if e["record_id"] == record_id]


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


@pytest.mark.usefixtures("push_clock_in_2032")
async def test_same_instant_orders_exact_then_date_only_then_approx(
    client: AsyncTestClient[Any], sw: Headers, fam: Any, sw_id: str
) -> None:
    child = fam.child_ids[1]
    # Made in this order, so record ids sort the other way round from the precision order.
    made = {p: entry(fam.family_id, sw_id, [child], hours=24 * 700, event_date_precision=p)
            for p in ("approx", "date_only", "exact")}  # fmt: skip
    await push(client, sw, list(made.values()))
    body = await chronology(client, sw, child)
    ours = [e["event_date_precision"] for e in body["entries"] if e["record_id"] in
            {m["record_id"] for m in made.values()}]  # fmt: skip
    assert ours == ["exact", "date_only", "approx"]


async def test_an_amendment_shows_its_reason_and_author(
    client: AsyncTestClient[Any], hv: Headers, fam: Any, demo: DemoSeed
) -> None:
    hv_id = demo.practitioners["demo-hv"].id
    base = entry(fam.family_id, hv_id, [fam.child_ids[0]], hours=24 * 500,
                 author_role="health_visitor", source_agency="health_visiting",
                 neglect_types=["nutritional"])  # fmt: skip
    amended = edit(base, reason="Weight was misread.", summary="Weight 9.1 kg, not 8.1 kg.")
    await push(client, hv, [base, amended])
    [line] = lines(await chronology(client, hv, fam.child_ids[0]), base["record_id"])
    assert line["version_id"] == amended["version_id"]
    assert (line["amend_reason"], line["lifecycle"], line["version_count"]) == (
        "Weight was misread.", "current", 2)  # fmt: skip
    assert line["neglect_types"] == ["nutritional"]
    author = demo.practitioners["demo-hv"].display_name
    assert (line["author_name"], line["author_role"], line["author_agency"]) == (
        author, "health_visitor", "health_visiting")  # fmt: skip
    assert line["child_ids"] == [fam.child_ids[0]]


@pytest.mark.parametrize("lifecycle", ["withdrawn", "entered_in_error"])
async def test_a_taken_back_entry_is_still_listed_flagged(
    client: AsyncTestClient[Any], sw: Headers, fam: Any, sw_id: str, lifecycle: str
) -> None:
    base = entry(fam.family_id, sw_id, list(fam.child_ids), hours=24 * 500)
    gone = take_back(base, lifecycle, reason="Belongs to another family.")
    await push(client, sw, [base, gone])
    for body in (await chronology(client, sw, fam.child_ids[1]),
                 await family(client, sw, fam.family_id)):  # fmt: skip
        [line] = lines(body, base["record_id"])
        assert (line["version_id"], line["lifecycle"], line["amend_reason"]) == (
            gone["version_id"], lifecycle, "Belongs to another family.")  # fmt: skip
        assert (line["version_count"], line["in_conflict"]) == (2, False)


async def test_two_offline_edits_then_a_resolution_naming_both(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, fam: Any, sw_id: str
) -> None:
    base = entry(fam.family_id, sw_id, [fam.child_ids[0]], hours=24 * 500)
    await push(client, sw, [base])
    tablet = edit(base, reason="Added the school's account.", summary="Tablet version.")
    phone = edit(base, reason="Corrected the time.", summary="Phone version.")
    await push(client, sw, [tablet])
    [clash] = await push(client, sw, [phone])
    assert clash["status"] == "conflict"
    conflicted = lines(await chronology(client, hv, fam.child_ids[0]), base["record_id"])
    assert [(e["version_id"], e["in_conflict"], e["version_count"]) for e in conflicted] == sorted(
        [(tablet["version_id"], True, 3), (phone["version_id"], True, 3)])  # fmt: skip
    merged = resolve([tablet, phone], reason="Both accounts kept, time corrected.",
                     summary="Merged version.")  # fmt: skip
    [result] = await push(client, sw, [merged])
    assert result["status"] == "accepted"
    for body in (await chronology(client, hv, fam.child_ids[0]),
                 await family(client, hv, fam.family_id)):  # fmt: skip
        [line] = lines(body, base["record_id"])
        assert (line["version_id"], line["summary"], line["in_conflict"]) == (
            merged["version_id"], "Merged version.", False)  # fmt: skip
        assert (line["version_count"], line["amend_reason"]) == (
            4, "Both accounts kept, time corrected.")  # fmt: skip
    response = await client.get(f"/records/{base['record_id']}/versions", headers=hv)
    history = response.json()
    all_four = [v["version_id"] for v in (base, tablet, phone, merged)]
    assert [v["version_id"] for v in history["versions"]] == all_four
    assert [v["is_head"] for v in history["versions"]] == [False, False, False, True]
    assert history["versions"][3]["replaces_version_id"] == tablet["version_id"]
    assert history["versions"][3]["also_replaces"] == [phone["version_id"]]
    assert history["in_conflict"] is False


async def test_family_chronology_lists_an_entry_naming_two_siblings_once(
    client: AsyncTestClient[Any], sw: Headers, fam: Any, sw_id: str
) -> None:
    first, second = fam.child_ids
    both = entry(fam.family_id, sw_id, [first, second], hours=24 * 600)
    only_second = entry(fam.family_id, sw_id, [second], hours=24 * 601)
    await push(client, sw, [both, only_second])
    body = await family(client, sw, fam.family_id)
    assert body["case_id"] == fam.family_id
    records = [e["record_id"] for e in body["entries"]]
    assert records.count(both["record_id"]) == 1
    assert records.count(only_second["record_id"]) == 1
    assert len(set(records)) == len(records)
    [line] = lines(body, both["record_id"])
    assert line["child_ids"] == [first, second]
    for child in (first, second):
        assert len(lines(await chronology(client, sw, child), both["record_id"])) == 1
    # Every entry of each child is on the family's chronology, and nothing else is.
    per_child = set()
    for child in (first, second):
        per_child |= {e["version_id"] for e in (await chronology(client, sw, child))["entries"]}
    assert {e["version_id"] for e in body["entries"]} == per_child
    times = [e["event_datetime"] for e in body["entries"]]
    assert times == sorted(times, key=datetime.fromisoformat)


@pytest.mark.parametrize("who", ["unallocated", "unknown", "not-an-id"])
async def test_family_chronology_not_found_does_not_reveal_existence(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed, who: str, repository: Any
) -> None:
    case_id = {"unallocated": demo.cases[2].family_id, "unknown": new_id(),
               "not-an-id": "x' OR 1=1"}[who]  # fmt: skip
    response = await client.get(f"/cases/{case_id}/chronology", headers=hv)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    [event] = repository.audit_events("chronology_read_refused")
    assert (event.actor_id, event.subject_type) == (demo.practitioners["demo-hv"].id, "case")
    assert repository.audit_events("chronology_read") == []


async def test_family_chronology_read_is_audited_with_the_case_id(
    client: AsyncTestClient[Any], hv: Headers, fam: Any, demo: DemoSeed, repository: Any
) -> None:
    await family(client, hv, fam.family_id)
    [event] = repository.audit_events("chronology_read")
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        demo.practitioners["demo-hv"].id, "case", fam.family_id)  # fmt: skip
    assert event.device_id


async def test_reads_need_a_token(client: AsyncTestClient[Any], fam: Any) -> None:
    for path in (f"/children/{fam.child_ids[0]}/chronology", f"/cases/{fam.family_id}/chronology",
                 f"/records/{fam.family_id}/versions"):  # fmt: skip
        response = await client.get(path)
        assert response.status_code == 401, path
