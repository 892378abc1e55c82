"""Conflicts and their resolution at push: every version kept, rivals named, and a version
that replaces every current head resolves the conflict (never last-writer-wins: see
docs/architecture.md)."""

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pydantic import TypeAdapter

from shared.protocol import PullResponse
from sync_server.demo import DemoSeed
from sync_server.repository import Repository
from tests.sync_server.server_builders import (
    edit,
    entry,
    push,
    resolve,
    stored_rows,
    take_back,
)

Headers = dict[str, str]
PULL = TypeAdapter(PullResponse)


@pytest.fixture
def base(demo: DemoSeed) -> Any:
    fam = demo.cases[0]
    return entry(fam.family_id, demo.practitioners["demo-sw"].id, [fam.child_ids[0]])


def ids(*items: Any) -> list[str]:
    return [item["version_id"] for item in items]


async def test_a_resolution_naming_both_heads_leaves_one_head(
    client: AsyncTestClient[Any], sw: Headers, base: Any, repository: Repository, db_path: Path
) -> None:
    mine, theirs = edit(base, summary="Mine."), edit(base, summary="Theirs.")
    await push(client, sw, [base, mine])
    [conflict] = await push(client, sw, [theirs])
    assert (conflict["status"], conflict["conflicting_version_ids"]) == ("conflict", ids(mine))
    assert set(repository.heads([base["record_id"]])[base["record_id"]]) == set(ids(mine, theirs))
    fixed = resolve([mine, theirs], summary="Both accounts, checked with the family.")
    [result] = await push(client, sw, [fixed])
    assert (result["status"], result["conflicting_version_ids"]) == ("accepted", [])
    assert repository.heads([base["record_id"]]) == {base["record_id"]: ids(fixed)}
    side = stored_rows(db_path)["also_replaces"]
    assert side == [(theirs["version_id"], fixed["version_id"])], "only the extra id is kept"


async def test_two_resolutions_of_one_conflict_are_a_new_conflict(
    client: AsyncTestClient[Any], sw: Headers, base: Any, repository: Repository
) -> None:
    mine, theirs = edit(base, summary="Mine."), edit(base, summary="Theirs.")
    await push(client, sw, [base, mine, theirs])
    first = resolve([mine, theirs], summary="First merge.")
    second = resolve([theirs, mine], summary="Second merge, made offline.")
    results = await push(client, sw, [first, second])
    assert [r["status"] for r in results] == ["accepted", "conflict"]
    assert results[1]["conflicting_version_ids"] == ids(first)
    assert set(repository.heads([base["record_id"]])[base["record_id"]]) == set(ids(first, second))


async def test_naming_every_head_resolves_even_with_a_stale_base_named_too(
    client: AsyncTestClient[Any], sw: Headers, base: Any, repository: Repository
) -> None:
    mine = edit(base, summary="Mine.")
    mine_again = edit(mine, summary="Mine, corrected.")
    theirs = edit(base, summary="Theirs.")
    await push(client, sw, [base, mine, mine_again, theirs])
    # `base` already has `mine` replacing it, which this does not name: yet `mine` is no
    # longer current, and both current heads are named, so this resolves the conflict.
    fixed = resolve([mine_again, theirs, base])
    [result] = await push(client, sw, [fixed])
    assert (result["status"], result["conflicting_version_ids"]) == ("accepted", [])
    assert repository.heads([base["record_id"]]) == {base["record_id"]: ids(fixed)}


async def test_a_resolution_leaving_out_a_head_is_a_conflict_naming_it(
    client: AsyncTestClient[Any], sw: Headers, base: Any, repository: Repository
) -> None:
    a, b, c = (edit(base, summary=f"Edit {n}.") for n in "abc")
    await push(client, sw, [base, a, b, c])
    partial = resolve([a, base])  # names base, which b and c also replace
    [result] = await push(client, sw, [partial])
    assert (result["status"], result["conflicting_version_ids"]) == ("conflict", ids(b, c))
    heads = set(repository.heads([base["record_id"]])[base["record_id"]])
    assert heads == set(ids(b, c, partial))


async def test_conflict_and_resolution_in_one_batch(
    client: AsyncTestClient[Any], sw: Headers, base: Any, repository: Repository
) -> None:
    mine, theirs = edit(base, summary="Mine."), edit(base, summary="Theirs.")
    fixed = resolve([mine, theirs])
    results = await push(client, sw, [base, mine, theirs, fixed])
    assert [r["status"] for r in results] == ["accepted", "accepted", "conflict", "accepted"]
    assert repository.heads([base["record_id"]]) == {base["record_id"]: ids(fixed)}
    again = await push(client, sw, [base, mine, theirs, fixed])
    assert [r["status"] for r in again] == ["duplicate"] * 4


@pytest.mark.parametrize("lifecycle", ["withdrawn", "entered_in_error"])
async def test_taking_an_entry_back_is_a_version_not_a_delete(
    client: AsyncTestClient[Any], sw: Headers, base: Any, db_path: Path, lifecycle: str
) -> None:
    await push(client, sw, [base])
    before = stored_rows(db_path)["versions"]
    gone = take_back(base, lifecycle)
    [result] = await push(client, sw, [gone])
    assert result["status"] == "accepted"
    after = stored_rows(db_path)["versions"]
    assert after[: len(before)] == before, "nothing stored before is changed or removed"
    assert len(after) == len(before) + 1
    response = await client.get(f"/sync/pull?cursor={result['server_seq'] - 1}", headers=sw)
    [pulled] = PULL.validate_json(response.content).items
    assert (pulled.version_id, pulled.lifecycle) == (gone["version_id"], lifecycle)
    assert pulled.amend_reason == gone["amend_reason"]
    assert pulled.replaced_ids() == (base["version_id"],)
