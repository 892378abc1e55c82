"""Same-event links join entries from different agencies without merging them; suggestions
find unlinked pairs on one date, respecting precision and restriction."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sync_server.demo import DemoSeed
from tests.sync_server.server_builders import entry, push, sign_in, take_back, version
from tests.sync_server.test_server_pull import pull_all

Headers = dict[str, str]
HV_ENTRY = {"author_role": "health_visitor", "source_agency": "health_visiting"}
INJURY = {"event_type": "injury", "significance": "serious"}


def link(case_id: str, made_by: str, *entries: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "record_type": "same_event_link",
        "entry_record_ids": [e["record_id"] for e in entries],
        "made_by": made_by,
        "reason": "Both describe the bruise seen on 1 March.",
    }
    return version(case_id, payload)


async def suggested(client: AsyncTestClient[Any], headers: Headers, child: str) -> list[Any]:
    response = await client.get(f"/children/{child}/same-event-suggestions", headers=headers)
    assert response.status_code == 200, response.text
    return [sorted(s["entry_record_ids"]) for s in response.json()["suggestions"]]


async def same_event(client: AsyncTestClient[Any], headers: Headers, child: str) -> dict[str, Any]:
    response = await client.get(f"/children/{child}/chronology", headers=headers)
    assert response.status_code == 200, response.text
    return {e["record_id"]: e["same_event"] for e in response.json()["entries"]}


@pytest.fixture
def ids(demo: DemoSeed) -> tuple[str, str, str, str]:
    """The first family's case, its first child, demo-sw's and demo-hv's ids."""
    case = demo.cases[0]
    people = demo.practitioners
    return case.family_id, case.child_ids[0], people["demo-sw"].id, people["demo-hv"].id


@pytest.mark.parametrize(
    ("hv_hours", "precision", "expected"),
    [
        pytest.param(14.9, "exact", True, id="exact-same-day-late-evening"),
        pytest.param(15, "exact", False, id="exact-next-day-midnight"),
        pytest.param(-9, "date_only", True, id="date-only-same-day"),
        pytest.param(-9.01, "date_only", False, id="date-only-day-before"),
        pytest.param(3 * 24, "approx", True, id="approx-three-days-after"),
        pytest.param(4 * 24, "approx", False, id="approx-four-days-after"),
    ],
)
async def test_a_suggestion_needs_the_same_event_date(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, ids: Any,
    hv_hours: float, precision: str, expected: bool,
) -> None:  # fmt: skip
    case, child, sw_id, hv_id = ids
    ours = entry(case, sw_id, [child], **INJURY)  # 2025-03-01T09:00Z, exact
    theirs = entry(case, hv_id, [child], hours=hv_hours, event_date_precision=precision,
                   **INJURY, **HV_ENTRY)  # fmt: skip
    await push(client, sw, [ours])
    await push(client, hv, [theirs])
    pair = sorted([ours["record_id"], theirs["record_id"]])
    assert (pair in await suggested(client, sw, child)) is expected


async def test_no_suggestion_for_one_author_or_another_event_type(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, ids: Any
) -> None:
    case, child, sw_id, hv_id = ids
    first = entry(case, sw_id, [child], **INJURY)
    second = entry(case, sw_id, [child], hours=1, **INJURY)
    other = entry(case, hv_id, [child], event_type="home_visit", **HV_ENTRY)
    await push(client, sw, [first, second])
    await push(client, hv, [other])
    assert await suggested(client, sw, child) == []


async def test_linking_shows_on_both_entries_and_ends_the_suggestion(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, ids: Any
) -> None:
    case, child, sw_id, hv_id = ids
    ours = entry(case, sw_id, [child], **INJURY)
    theirs = entry(case, hv_id, [child], hours=2, **INJURY, **HV_ENTRY)
    await push(client, sw, [ours])
    await push(client, hv, [theirs])
    pair = sorted([ours["record_id"], theirs["record_id"]])
    assert await suggested(client, hv, child) == [pair]

    joined = link(case, sw_id, ours, theirs)
    assert (await push(client, sw, [joined]))[0]["status"] == "accepted"
    assert await suggested(client, hv, child) == []
    shown = await same_event(client, hv, child)
    assert shown[ours["record_id"]] == [theirs["record_id"]]
    assert shown[theirs["record_id"]] == [ours["record_id"]]
    assert len(shown) >= 2, "the entries stay separate"

    await push(client, sw, [take_back(joined, "withdrawn", "Not the same event after all.")])
    assert await suggested(client, hv, child) == [pair]
    assert (await same_event(client, hv, child))[ours["record_id"]] == []


async def test_no_suggestion_or_link_reveals_a_restricted_entry(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, ids: Any
) -> None:
    case, child, sw_id, hv_id = ids
    secret = entry(case, sw_id, [child], restricted=True, **INJURY)
    theirs = entry(case, hv_id, [child], hours=1, **INJURY, **HV_ENTRY)
    await push(client, sw, [secret])
    await push(client, hv, [theirs])
    assert await suggested(client, hv, child) == []
    assert await suggested(client, sw, child) == [
        sorted([secret["record_id"], theirs["record_id"]])
    ]

    joined = link(case, sw_id, secret, theirs)
    assert (await push(client, sw, [joined]))[0]["status"] == "accepted"
    assert (await same_event(client, sw, child))[theirs["record_id"]] == [secret["record_id"]]
    assert (await same_event(client, hv, child))[theirs["record_id"]] == []
    pulled = {i.record_id for p in await pull_all(client, hv, limit=500) for i in p.items}
    assert joined["record_id"] not in pulled, "a link naming a restricted entry is restricted"
    assert (await client.get(f"/records/{joined['record_id']}/versions", headers=hv)).status_code \
        == 404  # fmt: skip


async def test_a_link_must_name_readable_entries_of_its_case_and_be_your_own(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, ids: Any, demo: DemoSeed
) -> None:
    case, child, sw_id, hv_id = ids
    secret = entry(case, sw_id, [child], restricted=True, **INJURY)
    ours = entry(case, sw_id, [child], hours=1, **INJURY)
    elsewhere = entry(demo.cases[1].family_id, sw_id, [demo.cases[1].child_ids[0]])
    await push(client, sw, [secret, ours, elsewhere])
    theirs = entry(case, hv_id, [child], hours=2, **INJURY, **HV_ENTRY)
    await push(client, hv, [theirs])

    results = await push(client, hv, [
        link(case, hv_id, secret, theirs),
        link(case, hv_id, ours, elsewhere),
        link(case, sw_id, ours, theirs),
    ])  # fmt: skip
    assert [(r["status"], r["field"]) for r in results] == [
        ("rejected", "payload.entry_record_ids"),
        ("rejected", "payload.entry_record_ids"),
        ("rejected", "payload.made_by"),
    ]
    assert results[0]["message"] == results[1]["message"], "hidden reads like elsewhere"


async def test_a_link_may_name_entries_made_earlier_in_the_same_push(
    client: AsyncTestClient[Any], ids: Any
) -> None:
    case, child, sw_id, _ = ids
    sw = await sign_in(client, "demo-sw")
    first = entry(case, sw_id, [child], **INJURY)
    second = entry(case, sw_id, [child], hours=1, **INJURY)
    results = await push(client, sw, [first, second, link(case, sw_id, first, second)])
    assert [r["status"] for r in results] == ["accepted"] * 3
    assert (await same_event(client, sw, child))[first["record_id"]] == [second["record_id"]]
