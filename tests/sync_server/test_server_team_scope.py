"""A supervisor's scope is their team's caseload: pull, chronology and history all cover every
case allocated to anyone in the team, and a case leaving the team is a left-scope marker."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.clock import utc_now
from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.demo import DemoSeed
from sync_server.services import AllocationService, ServiceContainer
from tests.sync_server.server_builders import PASSWORD, sign_in
from tests.sync_server.test_server_pull import PULL, pull_all

Headers = dict[str, str]
SOUTH = "South Oxon"  # demo-hv2's team; nobody in it has a case at the start


def add_person(services: ServiceContainer, username: str, role: Role, team: str) -> Practitioner:
    person = Practitioner(
        id=new_id(), username=username, display_name=f"Test {username}", role=role,
        agency=Agency.HEALTH_VISITING, team=team,
    )  # fmt: skip
    services.auth.add_practitioner(person, PASSWORD)
    return person


@pytest.fixture
async def south_sup(client: AsyncTestClient[Any], services: ServiceContainer) -> Headers:
    """A supervisor of South Oxon (demo-hv2's team) with no allocation of their own."""
    add_person(services, "south-sup", Role.SUPERVISOR, SOUTH)
    return await sign_in(client, "south-sup")


@pytest.fixture
def ticking(services: ServiceContainer) -> AllocationService:
    """Allocations on a clock that moves on a second per change, some on a whole second."""
    start = utc_now().replace(microsecond=0) + timedelta(minutes=1)
    # a whole second (isoformat drops ".000000") next to fractions: text order is not time's
    moments: Iterator[datetime] = (
        start + timedelta(seconds=n // 2, microseconds=n % 2 * 500_000) for n in range(1000)
    )
    return AllocationService(services.repository, services.audit, lambda: next(moments))


async def scope_of(client: AsyncTestClient[Any], headers: Headers) -> Any:
    response = await client.get("/sync/pull?cursor=0&limit=1", headers=headers)
    assert response.status_code == 200, response.text
    page = PULL.validate_json(response.content)
    return {c.case_id: c.allocation_id for c in page.scope or []}, page.left_scope


async def test_a_supervisor_pulls_every_case_of_their_team_and_nothing_else(
    client: AsyncTestClient[Any], south_sup: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    fam1, fam2 = demo.cases[0].family_id, demo.cases[1].family_id
    assert await scope_of(client, south_sup) == ({}, [])

    services.allocations.allocate("demo-hv2", fam1)
    scope, left = await scope_of(client, south_sup)
    assert scope == services.repository.allocations(demo.practitioners["demo-hv2"].id)
    assert (set(scope), left) == ({fam1}, [])
    items = [i for p in await pull_all(client, south_sup, limit=3) for i in p.items]
    assert {i.version_id for i in items} == {v.version_id for v in demo.cases[0].versions}
    assert fam2 not in {i.case_id for i in items}


async def test_a_case_leaving_the_team_is_a_left_scope_marker_for_the_supervisor(
    client: AsyncTestClient[Any], south_sup: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    fam1 = demo.cases[0].family_id
    add_person(services, "south-hv", Role.HEALTH_VISITOR, SOUTH)
    services.allocations.allocate("demo-hv2", fam1)
    services.allocations.allocate("south-hv", fam1)
    first, _ = await scope_of(client, south_sup)

    services.allocations.deallocate("demo-hv2", fam1)  # still held by south-hv
    scope, left = await scope_of(client, south_sup)
    assert (set(scope), left) == ({fam1}, [])

    services.allocations.deallocate("south-hv", fam1)
    scope, left = await scope_of(client, south_sup)
    assert (scope, left) == ({}, [fam1])
    page = PULL.validate_json((await client.get("/sync/pull?cursor=0", headers=south_sup)).content)
    assert page.items == []

    services.allocations.allocate("south-hv", fam1)  # back in the team: a new allocation id
    scope, left = await scope_of(client, south_sup)
    assert (set(scope), left) == ({fam1}, [])
    assert scope[fam1] != first[fam1], "the supervisor's device must fetch the history again"


async def test_a_supervisor_keeps_a_case_a_team_member_still_holds(
    client: AsyncTestClient[Any], demo: DemoSeed, services: ServiceContainer
) -> None:
    sup = await sign_in(client, "demo-sup")
    fam3 = demo.cases[2].family_id  # allocated to demo-sup and demo-sw
    services.allocations.deallocate("demo-sup", fam3)
    scope, left = await scope_of(client, sup)
    assert set(scope) == {c.family_id for c in demo.cases}
    assert left == []
    services.allocations.deallocate("demo-sw", fam3)
    scope, left = await scope_of(client, sup)
    assert (fam3 in scope, left) == (False, [fam3])


async def test_a_supervisor_reads_team_chronologies_and_histories(
    client: AsyncTestClient[Any], south_sup: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    case = demo.cases[0]
    child, record = case.child_ids[0], case.versions[0].record_id
    urls = (
        f"/children/{child}/chronology",
        f"/cases/{case.family_id}/chronology",
        f"/records/{record}/versions",
    )
    for url in urls:
        assert (await client.get(url, headers=south_sup)).status_code == 404, url

    services.allocations.allocate("demo-hv2", case.family_id)
    sw = await sign_in(client, "demo-sw")
    for url in urls:
        mine = await client.get(url, headers=south_sup)
        assert mine.status_code == 200, url
        assert mine.json() == (await client.get(url, headers=sw)).json(), url
    assert (await client.get(urls[0], headers=south_sup)).json()["entries"], "entries are shown"


async def test_other_roles_see_only_their_own_allocations(
    client: AsyncTestClient[Any], demo: DemoSeed, services: ServiceContainer
) -> None:
    """Regression: team scope is for supervisors only; a team-mate's case is not a hv's."""
    hv2 = await sign_in(client, "demo-hv2")
    add_person(services, "south-sw", Role.SOCIAL_WORKER, SOUTH)
    services.allocations.allocate("south-sw", demo.cases[0].family_id)
    assert await scope_of(client, hv2) == ({}, [])
    child = demo.cases[0].child_ids[0]
    assert (await client.get(f"/children/{child}/chronology", headers=hv2)).status_code == 404


async def test_reallocating_within_the_team_keeps_the_supervisors_allocation_id(
    client: AsyncTestClient[Any],
    south_sup: Headers,
    demo: DemoSeed,
    services: ServiceContainer,
    ticking: AllocationService,
) -> None:
    """Regression: ending the earliest holder's allocation made the supervisor's device
    treat the case as new to its scope and download it all again."""
    fam1 = demo.cases[0].family_id
    add_person(services, "south-hv", Role.HEALTH_VISITOR, SOUTH)
    ticking.allocate("demo-hv2", fam1)
    first, _ = await scope_of(client, south_sup)
    ticking.allocate("south-hv", fam1)
    ticking.deallocate("demo-hv2", fam1)  # the first holder goes; south-hv still holds it
    assert await scope_of(client, south_sup) == (first, [])
    south_sw = add_person(services, "south-sw", Role.SOCIAL_WORKER, SOUTH)
    ticking.allocate("south-sw", fam1)
    ticking.deallocate("south-hv", fam1)
    assert await scope_of(client, south_sup) == (first, [])
    assert services.repository.allocations(south_sw.id)[fam1] != first[fam1]


async def test_leaving_the_team_and_coming_back_changes_the_supervisors_allocation_id(
    client: AsyncTestClient[Any],
    south_sup: Headers,
    demo: DemoSeed,
    services: ServiceContainer,
    ticking: AllocationService,
) -> None:
    fam1 = demo.cases[0].family_id
    add_person(services, "south-hv", Role.HEALTH_VISITOR, SOUTH)
    ticking.allocate("south-hv", fam1)
    first, _ = await scope_of(client, south_sup)
    ticking.deallocate("south-hv", fam1)  # out of the team altogether
    assert await scope_of(client, south_sup) == ({}, [fam1])
    ticking.allocate("demo-hv2", fam1)  # back, to another member
    back, left = await scope_of(client, south_sup)
    assert (set(back), left) == ({fam1}, [])
    assert back[fam1] != first[fam1], "the supervisor's device must fetch the history again"
    ticking.allocate("south-hv", fam1)  # a later holder joins the stretch: no change
    ticking.deallocate("demo-hv2", fam1)
    assert await scope_of(client, south_sup) == (back, [])
