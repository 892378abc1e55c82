"""Builders for the security tests: practitioners of every role, signed in over HTTP."""

from typing import Any

from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import PASSWORD, sign_in

NORTH, SOUTH = "North Oxon", "South Oxon"  # the demo teams

# One practitioner per role, in the demo's North team (demo-hv's team); username -> role, agency
ROLE_PEOPLE: dict[Role, tuple[str, Agency]] = {
    Role.HEALTH_VISITOR: ("sec-hv", Agency.HEALTH_VISITING),
    Role.SCHOOL_NURSE: ("sec-sn", Agency.SCHOOL_NURSING),
    Role.SOCIAL_WORKER: ("sec-sw", Agency.CSC),
    Role.PARTNER_CONTRIBUTOR: ("sec-partner", Agency.SCHOOL),
    Role.SUPERVISOR: ("sec-sup", Agency.CSC),
    Role.CP_CHAIR: ("sec-chair", Agency.CSC),
    Role.IG_OFFICER: ("sec-ig", Agency.CSC),
    Role.SYS_ADMIN: ("sec-admin", Agency.CSC),
}


def add_person(
    services: ServiceContainer,
    username: str,
    role: Role,
    agency: Agency,
    team: str = NORTH,
    cases: tuple[str, ...] = (),
) -> Practitioner:
    """Store a synthetic practitioner (the test password) and allocate them these cases."""
    person = Practitioner(
        id=new_id(),
        username=username,
        display_name=f"Test {role.value.replace('_', ' ')}",
        role=role,
        agency=agency,
        team=team,
    )
    services.auth.add_practitioner(person, PASSWORD)
    for case_id in cases:
        services.allocations.allocate(username, case_id)
    return person


async def person_headers(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    role: Role,
    team: str = NORTH,
    cases: tuple[str, ...] = (),
    username: str | None = None,
) -> dict[str, str]:
    """Add a practitioner of this role and return the Authorization header of their device."""
    default_name, agency = ROLE_PEOPLE[role]
    name = username or default_name
    add_person(services, name, role, agency, team, cases)
    return await sign_in(client, name)
