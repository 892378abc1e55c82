"""GET /sync/pull: paging by server_seq, and only the caller's allocated cases."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pydantic import TypeAdapter

from shared.protocol import PullResponse
from sync_server.demo import DemoSeed
from tests.sync_server.server_builders import entry, push, sign_in

Headers = dict[str, str]
PULL = TypeAdapter(PullResponse)


async def pull_all(client: AsyncTestClient[Any], headers: Headers, limit: int) -> list[Any]:
    """Pull page by page from cursor 0; return the pages."""
    pages, cursor = [], 0
    for _ in range(1000):
        response = await client.get(f"/sync/pull?cursor={cursor}&limit={limit}", headers=headers)
        assert response.status_code == 200, response.text
        page = PULL.validate_json(response.content)
        pages.append(page)
        cursor = page.next_cursor
        if not page.has_more:
            return pages
    raise AssertionError("pull never finished")


async def test_pull_pages_through_everything_in_order(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed
) -> None:
    pages = await pull_all(client, sw, limit=4)
    items = [item for page in pages for item in page.items]
    seqs = [item.server_seq for item in items]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    expected = {v.version_id for case in demo.cases for v in case.versions}
    assert {item.version_id for item in items} == expected
    assert all(len(page.items) == 4 for page in pages[:-1])
    assert pages[-1].has_more is False
    assert [page.has_more for page in pages[:-1]] == [True] * (len(pages) - 1)
    first = items[0]
    assert first.author_id == demo.practitioners["demo-sw"].id
    assert first.author_agency == "CSC"
    assert first.recorded_at.tzinfo is not None


async def test_pull_after_the_last_cursor_is_empty_and_keeps_the_cursor(
    client: AsyncTestClient[Any], sw: Headers
) -> None:
    pages = await pull_all(client, sw, limit=500)
    cursor = pages[-1].next_cursor
    page = PULL.validate_json((await client.get(f"/sync/pull?cursor={cursor}", headers=sw)).content)
    assert (page.items, page.next_cursor, page.has_more) == ([], cursor, False)


async def test_a_push_is_visible_to_the_next_pull(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    fam = demo.cases[0]
    cursor = (await pull_all(client, hv, limit=500))[-1].next_cursor
    item = entry(fam.family_id, demo.practitioners["demo-sw"].id, [fam.child_ids[0]])
    [result] = await push(client, sw, [item])
    page = PULL.validate_json((await client.get(f"/sync/pull?cursor={cursor}", headers=hv)).content)
    assert [(i.version_id, i.server_seq) for i in page.items] == [
        (item["version_id"], result["server_seq"])
    ]
    assert page.items[0].payload.model_dump(mode="json")["summary"] == item["payload"]["summary"]


@pytest.mark.parametrize(
    ("username", "families"),
    [("demo-hv", {0, 1}), ("demo-sw", {0, 1, 2}), ("demo-sup", {0, 1, 2}), ("demo-hv2", set())],
    ids=["hv", "sw", "sup", "hv2-unallocated"],
)
async def test_pull_returns_only_allocated_cases(
    client: AsyncTestClient[Any], demo: DemoSeed, username: str, families: set[int]
) -> None:
    headers = await sign_in(client, username)
    items = [i for page in await pull_all(client, headers, limit=7) for i in page.items]
    assert {item.case_id for item in items} == {demo.cases[n].family_id for n in families}
    expected = {v.version_id for n in families for v in demo.cases[n].versions}
    assert {item.version_id for item in items} == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [("cursor=-1", "cursor"), ("cursor=abc", "cursor"), ("limit=0", "limit"),
     ("limit=2001", "limit"), ("limit=x", "limit")],
    ids=["negative-cursor", "text-cursor", "zero-limit", "big-limit", "text-limit"],
)  # fmt: skip
async def test_bad_cursor_or_limit_is_a_400_naming_it(
    client: AsyncTestClient[Any], sw: Headers, query: str, field: str
) -> None:
    response = await client.get(f"/sync/pull?{query}", headers=sw)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["details"]["errors"][0]["field"] == field
    assert "abc" not in response.text


async def test_pulls_are_audited(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed, repository: Any
) -> None:
    await client.get("/sync/pull", headers=hv)
    [event] = repository.audit_events("sync_pull")
    assert event.actor_id == demo.practitioners["demo-hv"].id
    assert event.device_id is not None
