"""Every role against every endpoint (issue 7): for an allocated case, a case of the caller's
team, another team's case and a restricted entry, the expected answer of each.

The endpoint list comes from the app's route table: a route missing from MATRIX fails the
test, so no endpoint goes unlisted. Requests are built so that nothing changes the world
between rows (a transfer names nobody, a break-glass reason is too short): each row then
shows whether the caller got past the role and scope checks (400) or not (403 / 404).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.vocabulary import Agency, Role
from sync_server.demo import DemoSeed
from sync_server.services import ServiceContainer
from tests.sync_server.role_builders import ROLE_PEOPLE, person_headers
from tests.sync_server.server_builders import entry, push, sign_in

KINDS = ("allocated", "team", "other_team", "restricted")
HV, SN, SW, PARTNER, SUP, CHAIR, IG, ADMIN = (
    Role.HEALTH_VISITOR,
    Role.SCHOOL_NURSE,
    Role.SOCIAL_WORKER,
    Role.PARTNER_CONTRIBUTOR,
    Role.SUPERVISOR,
    Role.CP_CHAIR,
    Role.IG_OFFICER,
    Role.SYS_ADMIN,
)
ROLES = (HV, SN, SW, PARTNER, SUP, CHAIR, IG, ADMIN)
Expected = int | str  # an HTTP status, or "200 <item status>" for a push


@dataclass(frozen=True, slots=True)
class World:
    """The targets of each case kind, for one caller."""

    case: dict[str, str]
    child: dict[str, str]
    record: dict[str, str]
    restricted_record: str
    user_id: str
    role: Role
    agency: Agency


Request = tuple[str, str, Any]  # method, url, JSON body
Build = Callable[[World, str], Request]


def _get(template: str) -> Build:
    def build(world: World, kind: str) -> Request:
        url = template.format(
            case=world.case[kind], child=world.child[kind], record=world.record[kind]
        )
        return "GET", url, None

    return build


def _push(world: World, kind: str) -> Request:
    note = entry(
        world.case[kind],
        world.user_id,
        [world.child[kind]],
        author_role=world.role.value,
        source_agency=world.agency.value,
    )
    return "POST", "/sync/push", {"protocol_version": 1, "items": [note]}


def _login(world: World, _: str) -> Request:
    username = ROLE_PEOPLE[world.role][0]
    body = {"username": username, "password": "not the password", "device_name": "x"}
    return "POST", "/auth/login", body


def _transfer(world: World, kind: str) -> Request:
    body = {
        "to_username": "nobody-by-this-name",
        "reason": "Moved.",
        "housing_provider_informed": "yes",
        "housing_provider_told": "Ms Patel, Cherwell Housing",
    }
    return "POST", f"/cases/{world.case[kind]}/transfers", body


def _forward(world: World, kind: str) -> Request:
    # A countersigner who does not exist: refused like a wrong sign-in, for every role. Who may
    # forward what: tests/sync_server/test_handover_grace.py.
    item = _push(world, kind)[2]["items"][0]
    body = {"supervisor_username": "nobody-by-this-name", "supervisor_password": "x",
            "version": item}  # fmt: skip
    return "POST", "/sync/forward", body


def _break_glass(world: World, kind: str) -> Request:
    return "POST", f"/cases/{world.case[kind]}/break-glass", {"reason": "too short"}


def _wipe_confirmation(world: World, _: str) -> Request:
    # A live token naming another device: refused like any bad token. Only a revoked device's
    # own token is accepted (tests/sync_server/test_security_wipe_confirmation.py).
    return "POST", f"/devices/{new_id()}/wipe-confirmation", {"unsynced_records": 0}


# (method, route) -> how to call it.
ENDPOINTS: dict[tuple[str, str], Build] = {
    ("GET", "/health"): _get("/health"),
    ("GET", "/me"): _get("/me"),
    ("POST", "/auth/login"): _login,
    ("POST", "/devices/{device_id}/wipe-confirmation"): _wipe_confirmation,
    ("GET", "/sync/pull"): _get("/sync/pull"),
    ("POST", "/sync/push"): _push,
    ("POST", "/sync/forward"): _forward,
    ("GET", "/children/{child_id}/chronology"): _get("/children/{child}/chronology"),
    ("GET", "/cases/{case_id}/chronology"): _get("/cases/{case}/chronology"),
    ("GET", "/records/{record_id}/versions"): _get("/records/{record}/versions"),
    ("GET", "/children/{child_id}/same-event-suggestions"): _get(
        "/children/{child}/same-event-suggestions"
    ),
    ("GET", "/children/{child_id}/alerts"): _get("/children/{child}/alerts"),
    ("GET", "/me/alerts"): _get("/me/alerts"),
    ("GET", "/cases/{case_id}/decisions/pending"): _get("/cases/{case}/decisions/pending"),
    ("GET", "/reports/timeliness"): _get("/reports/timeliness"),
    ("GET", "/children/{child_id}/chronology.pdf"): _get("/children/{child}/chronology.pdf"),
    ("GET", "/cases/{case_id}/chronology.pdf"): _get("/cases/{case}/chronology.pdf"),
    ("GET", "/cases/{case_id}/transfer-pack"): _get("/cases/{case}/transfer-pack"),
    ("GET", "/cases/{case_id}/transfer-pack.pdf"): _get("/cases/{case}/transfer-pack.pdf"),
    ("POST", "/cases/{case_id}/transfers"): _transfer,
    ("POST", "/cases/{case_id}/break-glass"): _break_glass,
    ("GET", "/review/break-glass"): _get("/review/break-glass"),
    ("GET", "/review/queue"): _get("/review/queue"),
    ("GET", "/review/dashboard"): _get("/review/dashboard"),
    ("GET", "/records/{record_id}/reviews"): _get("/records/{record}/reviews"),
    ("GET", "/schema"): _get("/schema"),
    ("GET", "/schema/openapi.json"): _get("/schema/openapi.json"),
    ("GET", "/schema/{path}"): _get("/schema/no-such-page"),
}

Row = tuple[Expected, Expected, Expected, Expected]  # allocated, team, other team, restricted

ALL_200: Row = (200, 200, 200, 200)
FORBIDDEN: Row = (403, 403, 403, 403)
UNKNOWN: Row = (404, 404, 404, 404)  # answered exactly like an id that does not exist
OWN: Row = (200, 404, 404, 200)  # the allocated case (its restricted entry filtered out)
TEAM: Row = (200, 200, 404, 200)  # a supervisor: the team's caseload
OWN_RECORD: Row = (200, 404, 404, 404)  # a restricted entry of another agency: unknown
TEAM_RECORD_CSC: Row = (200, 200, 404, 200)


def table(
    *, hv: Row, sn: Row | None = None, sw: Row, partner: Row, sup: Row, chair: Row, ig: Row,
    admin: Row | None = None,
) -> dict[Role, Row]:  # fmt: skip
    """One endpoint's rows; the school nurse answers as the health visitor and the
    administrator as the IG officer unless given."""
    return {HV: hv, SN: sn or hv, SW: sw, PARTNER: partner, SUP: sup, CHAIR: chair, IG: ig,
            ADMIN: admin or ig}  # fmt: skip


def same(row: Row) -> dict[Role, Row]:
    """The same row for every role."""
    return dict.fromkeys(ROLES, row)


CASE_READ = table(hv=OWN, sw=OWN, partner=OWN, sup=TEAM, chair=OWN, ig=UNKNOWN)
ALERT_READ = table(hv=OWN, sw=OWN, partner=FORBIDDEN, sup=TEAM, chair=OWN, ig=FORBIDDEN)
ALERT_LIST = table(hv=ALL_200, sw=ALL_200, partner=FORBIDDEN, sup=ALL_200, chair=ALL_200,
                   ig=FORBIDDEN)  # fmt: skip
SUPERVISORS_ONLY = table(hv=FORBIDDEN, sw=FORBIDDEN, partner=FORBIDDEN, sup=ALL_200,
                         chair=FORBIDDEN, ig=FORBIDDEN)  # fmt: skip
OWN_PACK: Row = (403, 404, 404, 403)  # a partner: their case is refused, others unknown
CHRONOLOGY_PDF = table(hv=OWN, sw=OWN, partner=OWN_PACK, sup=TEAM, chair=OWN, ig=UNKNOWN)
ACCEPTED = "200 accepted"
REJECTED = "200 rejected"
PUSH_OWN: Row = (ACCEPTED, REJECTED, REJECTED, ACCEPTED)
PUSH = table(hv=PUSH_OWN, sw=PUSH_OWN, partner=PUSH_OWN, sup=PUSH_OWN, chair=PUSH_OWN,
             ig=(REJECTED,) * 4)  # fmt: skip

MATRIX: dict[tuple[str, str], dict[Role, Row]] = {
    ("GET", "/health"): same(ALL_200),
    ("GET", "/me"): same(ALL_200),
    ("POST", "/auth/login"): same((401, 401, 401, 401)),  # a wrong password, for every role
    ("POST", "/devices/{device_id}/wipe-confirmation"): same((401, 401, 401, 401)),
    ("GET", "/sync/pull"): same(ALL_200),  # scope and restriction: see test_pull_*
    ("POST", "/sync/push"): PUSH,
    ("POST", "/sync/forward"): same((401, 401, 401, 401)),  # an unknown countersigner
    ("GET", "/children/{child_id}/chronology"): CASE_READ,
    ("GET", "/cases/{case_id}/chronology"): CASE_READ,
    # a partner reads only their own agency's entries (and the plan summary): the social
    # worker's entry in their allocated case is unknown to them (test_partner_scope.py)
    ("GET", "/records/{record_id}/versions"): table(
        hv=OWN_RECORD, sw=OWN, partner=UNKNOWN, sup=TEAM, chair=OWN, ig=UNKNOWN
    ),
    ("GET", "/children/{child_id}/same-event-suggestions"): CASE_READ,
    ("GET", "/children/{child_id}/alerts"): ALERT_READ,
    ("GET", "/me/alerts"): ALERT_LIST,
    ("GET", "/cases/{case_id}/decisions/pending"): ALERT_READ,
    ("GET", "/reports/timeliness"): ALERT_LIST,
    ("GET", "/children/{child_id}/chronology.pdf"): CHRONOLOGY_PDF,
    ("GET", "/cases/{case_id}/chronology.pdf"): CHRONOLOGY_PDF,
    ("GET", "/cases/{case_id}/transfer-pack"): table(
        hv=OWN, sw=OWN, partner=OWN_PACK, sup=TEAM, chair=OWN, ig=UNKNOWN
    ),
    ("GET", "/cases/{case_id}/transfer-pack.pdf"): table(
        hv=OWN, sw=OWN, partner=OWN_PACK, sup=TEAM, chair=OWN, ig=UNKNOWN
    ),
    # 400: past the role and scope checks (the receiver named does not exist)
    ("POST", "/cases/{case_id}/transfers"): table(
        hv=OWN_PACK,
        sw=(400, 404, 404, 400),
        partner=OWN_PACK,
        sup=(400, 400, 404, 400),
        chair=OWN_PACK,
        ig=UNKNOWN,
    ),
    # 400: an eligible role, stopped by the too-short reason; the role is checked first
    ("POST", "/cases/{case_id}/break-glass"): table(
        hv=(400,) * 4,
        sw=(400,) * 4,
        partner=FORBIDDEN,
        sup=(400,) * 4,
        chair=(400,) * 4,
        ig=FORBIDDEN,
    ),
    ("GET", "/review/break-glass"): SUPERVISORS_ONLY,
    ("GET", "/review/queue"): SUPERVISORS_ONLY,
    ("GET", "/review/dashboard"): SUPERVISORS_ONLY,
    # a record's reviews: its author or their team's supervisor (the callers here author none)
    ("GET", "/records/{record_id}/reviews"): table(
        hv=UNKNOWN, sw=UNKNOWN, partner=UNKNOWN, sup=TEAM, chair=UNKNOWN, ig=UNKNOWN
    ),
    ("GET", "/schema"): same(ALL_200),
    ("GET", "/schema/openapi.json"): same(ALL_200),
    ("GET", "/schema/{path}"): same(UNKNOWN),
}


async def build_world(
    client: AsyncTestClient[Any], services: ServiceContainer, demo: DemoSeed, role: Role
) -> tuple[World, dict[str, str]]:
    """Family 1 is allocated to the caller, family 3 to their team only, family 2 to another
    team only; family 1 also holds a CSC-restricted entry. Return the world and the caller."""
    fam1, fam2, fam3 = (case.family_id for case in demo.cases)
    sw_id = demo.practitioners["demo-sw"].id
    sw = await sign_in(client, "demo-sw")
    notes = {
        kind: entry(case.family_id, sw_id, [case.child_ids[0]])
        for kind, case in zip(("allocated", "other_team", "team"), demo.cases, strict=True)
    }
    secret = entry(fam1, sw_id, [demo.cases[0].child_ids[0]], restricted=True)
    await push(client, sw, [*notes.values(), secret])
    for username in ("demo-hv", "demo-sw", "demo-sup"):
        services.allocations.deallocate(username, fam2)
    services.allocations.allocate("demo-hv2", fam2)
    headers = await person_headers(client, services, role, cases=(fam1,))
    username, agency = ROLE_PEOPLE[role]
    user = services.repository.practitioner_login(username)
    assert user is not None
    cases = {"allocated": fam1, "team": fam3, "other_team": fam2, "restricted": fam1}
    children = dict(zip(KINDS, _children(demo), strict=True))
    records = {kind: note["record_id"] for kind, note in notes.items()}
    records["restricted"] = secret["record_id"]
    world = World(cases, children, records, secret["record_id"], user[0].id, role, agency)
    return world, headers


def _children(demo: DemoSeed) -> list[str]:
    fam1, fam2, fam3 = demo.cases
    return [fam1.child_ids[0], fam3.child_ids[0], fam2.child_ids[0], fam1.child_ids[0]]


async def observe(
    client: AsyncTestClient[Any],
    world: World,
    headers: dict[str, str],
    key: tuple[str, str],
    kind: str,
) -> tuple[Expected, str]:
    """Call one endpoint for one case kind; return what it answered, and the body text."""
    method, url, body = ENDPOINTS[key](world, kind)
    if method == "GET":
        response = await client.get(url, headers=headers)
    else:
        response = await client.post(url, json=body, headers=headers)
    if key == ("POST", "/sync/push") and response.status_code == 200:
        return f"200 {response.json()['results'][0]['status']}", response.text
    return response.status_code, response.text


def route_keys(app: Litestar) -> set[tuple[str, str]]:
    """Every (method, route) the app serves, OPTIONS and HEAD aside."""
    keys = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods - {"OPTIONS", "HEAD"}:
                keys.add((method, route.path_format))
    return keys


def test_every_route_is_in_the_matrix(app: Litestar) -> None:
    assert route_keys(app) == set(ENDPOINTS) == set(MATRIX)
    for key, rows in MATRIX.items():
        assert set(rows) == set(ROLES), key


@pytest.mark.parametrize("role", ROLES, ids=str)
async def test_role_against_every_endpoint(
    client: AsyncTestClient[Any], services: ServiceContainer, demo: DemoSeed, role: Role
) -> None:
    world, headers = await build_world(client, services, demo, role)
    reads_restricted = world.agency == Agency.CSC  # the entry is CSC's, naming no roles
    # every entry of the world is the social worker's: never shown to a partner
    # (docs/domain.md, Roles)
    others_entries = set(world.record.values()) if role == PARTNER else set()
    wrong = []
    for key, rows in MATRIX.items():
        for kind, expected in zip(KINDS, rows[role], strict=True):
            answer, text = await observe(client, world, headers, key, kind)
            if answer != expected:
                wrong.append(f"{key[0]} {key[1]} [{kind}]: {answer}, expected {expected}")
            if not reads_restricted:
                assert world.restricted_record not in text, (key, kind)
            assert not [r for r in others_entries if r in text], (key, kind)
    assert wrong == []
