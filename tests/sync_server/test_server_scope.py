"""Allocation changes: a case leaving a user's scope is marked on pull, never deleted; a case
(re)entering it comes with a new allocation id so the device fetches its whole history."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sync_server.demo import DemoSeed
from sync_server.errors import NotFound
from sync_server.repository import Repository
from sync_server.services import AuditAction, ServiceContainer
from tests.sync_server.server_builders import sign_in
from tests.sync_server.test_server_pull import PULL, pull_all

Headers = dict[str, str]


async def first_page(client: AsyncTestClient[Any], headers: Headers, cursor: int) -> Any:
    response = await client.get(f"/sync/pull?cursor={cursor}", headers=headers)
    assert response.status_code == 200, response.text
    return PULL.validate_json(response.content)


async def test_a_deallocated_case_is_a_left_scope_marker_and_stays_on_the_server(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed, services: ServiceContainer,
    repository: Repository,
) -> None:  # fmt: skip
    fam = demo.cases[0].family_id
    before = await pull_all(client, hv, limit=500)
    cursor = before[-1].next_cursor
    assert fam in {c.case_id for c in before[0].scope or []}
    assert before[0].left_scope == []
    stored = repository.version_ids()

    assert services.allocations.deallocate("demo-hv", fam) is True
    page = await first_page(client, hv, cursor)
    assert page.left_scope == [fam]
    assert fam not in {c.case_id for c in page.scope or []}
    assert page.items == []
    assert repository.version_ids() == stored, "leaving scope deletes nothing on the server"
    # From cursor 0 too: nothing of the case is served any more.
    items = [i for p in await pull_all(client, hv, limit=500) for i in p.items]
    assert fam not in {i.case_id for i in items}


async def test_a_reallocated_case_has_a_new_allocation_id(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    fam = demo.cases[0].family_id
    first = {c.case_id: c.allocation_id for c in (await first_page(client, hv, 0)).scope or []}
    services.allocations.deallocate("demo-hv", fam)
    assert services.allocations.allocate("demo-hv", fam) is True
    page = await first_page(client, hv, 0)
    again = {c.case_id: c.allocation_id for c in page.scope or []}
    assert set(again) == set(first)
    assert again[fam] != first[fam], "a device must see that it needs the history again"
    assert page.left_scope == []
    items = [i for p in await pull_all(client, hv, limit=7) for i in p.items]
    assert {v.version_id for v in demo.cases[0].versions} <= {i.version_id for i in items}


async def test_scope_never_names_another_users_case(
    client: AsyncTestClient[Any], demo: DemoSeed, services: ServiceContainer
) -> None:
    hv2 = await sign_in(client, "demo-hv2")
    services.allocations.deallocate("demo-hv", demo.cases[0].family_id)
    services.allocations.allocate("demo-sw", demo.cases[0].family_id)  # already: unchanged
    page = await first_page(client, hv2, 0)
    assert (page.items, page.scope, page.left_scope) == ([], [], [])
    sw = await sign_in(client, "demo-sw")
    page = await first_page(client, sw, 0)
    assert page.left_scope == []
    assert {c.case_id for c in page.scope or []} == {c.family_id for c in demo.cases}


def test_allocation_changes_are_audited_and_idempotent(
    services: ServiceContainer, repository: Repository, demo: DemoSeed
) -> None:
    fam, hv = demo.cases[2].family_id, demo.practitioners["demo-hv"].id
    assert services.allocations.allocate("demo-hv", fam) is True
    assert services.allocations.allocate("demo-hv", fam) is False
    assert services.allocations.deallocate("demo-hv", fam) is True
    assert services.allocations.deallocate("demo-hv", fam) is False
    allocated = repository.audit_events(AuditAction.CASE_ALLOCATED)
    ended = repository.audit_events(AuditAction.CASE_DEALLOCATED)
    for events in (allocated, ended):
        assert {(e.subject_type, e.subject_id) for e in events} == {
            ("case", fam),
            ("practitioner", hv),
        }


def test_an_unknown_username_is_not_found(services: ServiceContainer) -> None:
    with pytest.raises(NotFound):
        services.allocations.allocate("nobody", "0190a1b2-0000-7000-8000-000000000000")
