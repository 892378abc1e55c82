"""A supervisor's review queue and a record's reviews over HTTP, on a hand-built team: two
practitioners and their supervisor in North Oxon, one practitioner and a supervisor in South
Oxon. No demo data, so every answer is known."""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.models import Practitioner
from shared.synthetic import family_name, given_name, street_address
from shared.vocabulary import Agency, Role
from sync_server.app import create_app
from sync_server.services import ServiceContainer
from sync_server.services.access.audit import AuditAction
from sync_server.services.supervision.review import human_wait
from tests.sync_server.server_builders import (
    PASSWORD,
    Item,
    edit,
    entry,
    fast_settings,
    push,
    sign_in,
    version,
)

Headers = dict[str, str]
NORTH, SOUTH = "North Oxon", "South Oxon"
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday: the families and the plan arrive
NOW = datetime(2025, 3, 6, 12, 0, tzinfo=UTC)


@dataclass
class Clock:
    """The one server clock every service reads in these tests."""

    now: datetime


@dataclass(frozen=True)
class Case:
    """A pushed family with one child."""

    case_id: str
    child_id: str


@dataclass(frozen=True)
class Team:
    """The people, their signed-in devices and their cases."""

    people: dict[str, Practitioner]
    headers: dict[str, Headers]
    a: Case  # north-sw1's, on a CP plan
    b: Case  # north-sw2's
    south: Case  # south-sw's

    def id(self, username: str) -> str:
        """Return a person's id."""
        return self.people[username].id


@pytest.fixture
def app(tmp_path: Path) -> Litestar:
    """The server without demo data: the team below is everything it holds."""
    return create_app(fast_settings(tmp_path / "server.db", demo=False))


@pytest.fixture
def clock(services: ServiceContainer, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Pin the server clock of push, sign-in, the queue, the dashboard and alerts."""
    pinned = Clock(T0)
    for service, name in (
        (services.sync, "_clock"),
        (services.auth, "_clock"),
        (services.review, "clock"),
        (services.dashboard, "clock"),
        (services.alerts, "clock"),
    ):
        monkeypatch.setattr(service, name, lambda: pinned.now)
    return pinned


def add_person(services: ServiceContainer, username: str, role: Role, team: str) -> Practitioner:
    """Store a practitioner who signs in with the test password."""
    person = Practitioner(
        id=new_id(), username=username, display_name=f"Test {username}", role=role,
        agency=Agency.CSC, team=team,
    )  # fmt: skip
    services.auth.add_practitioner(person, PASSWORD)
    return person


def family_items(case: Case, seed: int) -> list[Item]:
    """Return a synthetic family and its child, on a neglect plan."""
    rng = random.Random(seed)
    surname = family_name(rng)
    line1, town, postcode = street_address(rng)
    family = {
        "record_type": "family",
        "family_name": surname,
        "address": {"line1": line1, "town": town, "postcode": postcode},
    }
    child = {
        "record_type": "child",
        "given_name": given_name(rng, "female"),
        "family_name": surname,
        "dob": "2023-05-01",
        "sex": "female",
        "status": "CP",
        "cp_categories": ["neglect"],
    }
    return [
        version(case.case_id, family, record_id=case.case_id),
        version(case.case_id, child, record_id=case.child_id),
    ]


def plan_item(case: Case, lead_id: str, icpc: date, every_days: int = 14) -> Item:
    """Return a CP plan for the case's child from the conference on `icpc`."""
    payload = {
        "record_type": "cp_plan",
        "child_ids": [case.child_id],
        "categories": ["neglect"],
        "icpc_date": icpc.isoformat(),
        "visit_frequency_days": every_days,
        "lead_practitioner_id": lead_id,
    }
    return version(case.case_id, payload)


def visit_item(
    case: Case,
    worker_id: str,
    start: datetime,
    *,
    alone: bool = True,
    kind: str = "statutory_CP",
    father: dict[str, Any] | None = None,
) -> Item:
    """Return a finalised visit to the case's child starting at `start` (the father question
    answered "not known, because", unless `father` gives another answer)."""
    payload = {
        "record_type": "visit",
        "child_ids": [case.child_id],
        "visit_type": kind,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "persons_present": [{"person_id": worker_id}],
        "child_seen": True,
        "seen_alone": alone,
        "not_seen_alone_reason": None if alone else "parent_refused",
        "bedroom_seen": True,
        "father_or_male_carer": father or {"not_known_reason": "Mother declined to say."},
    }
    return {**version(case.case_id, payload), "device_time": start.isoformat()}


def review_item(
    reviewed: Item, reviewer_id: str, action: str, decided_at: datetime, **fields: Any
) -> Item:
    """Return a review decision on exactly the reviewed version."""
    payload = {
        "record_type": "review_decision",
        "reviewed_record_id": reviewed["record_id"],
        "reviewed_version_id": reviewed["version_id"],
        "action": action,
        "reviewer_id": reviewer_id,
        "decided_at": decided_at.isoformat(),
        **fields,
    }
    return {**version(reviewed["case_id"], payload), "device_time": decided_at.isoformat()}


@pytest.fixture
async def team(client: AsyncTestClient[Any], services: ServiceContainer, clock: Clock) -> Team:
    """North Oxon: north-sup over north-sw1 (case a) and north-sw2 (case b); South Oxon:
    south-sup over south-sw (case south). Supervisors are allocated their team's cases."""
    people = {
        username: add_person(services, username, role, team)
        for username, role, team in (
            ("north-sup", Role.SUPERVISOR, NORTH),
            ("north-sw1", Role.SOCIAL_WORKER, NORTH),
            ("north-sw2", Role.SOCIAL_WORKER, NORTH),
            ("south-sw", Role.SOCIAL_WORKER, SOUTH),
            ("south-sup", Role.SUPERVISOR, SOUTH),
        )
    }
    headers = {username: await sign_in(client, username) for username in people}
    a, b, south = (Case(new_id(), new_id()) for _ in range(3))
    for case, worker, sup, seed in (
        (a, "north-sw1", "north-sup", 1),
        (b, "north-sw2", "north-sup", 2),
        (south, "south-sw", "south-sup", 3),
    ):
        services.allocations.allocate(worker, case.case_id)
        services.allocations.allocate(sup, case.case_id)
        await push(client, headers[worker], family_items(case, seed))
    plan = plan_item(a, people["north-sw1"].id, date(2025, 2, 3))
    await push(client, headers["north-sw1"], [plan])
    return Team(people, headers, a, b, south)


async def queue(client: AsyncTestClient[Any], headers: Headers, query: str = "") -> Any:
    response = await client.get(f"/review/queue{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def accepted(results: Any) -> None:
    assert [r["status"] for r in results] == ["accepted"] * len(results), results


@dataclass(frozen=True)
class Pushed:
    """The visit and the entry waiting for north-sup."""

    visit: Item
    entry: Item
    south_entry: Item


@pytest.fixture
async def pushed(client: AsyncTestClient[Any], team: Team, clock: Clock) -> Pushed:
    """A statutory visit on the plan child (reaches the server Monday noon) and a contextual
    entry on case b (Tuesday 09:00); south-sw records on their own case at the same time."""
    clock.now = T0 + timedelta(hours=3)
    visit = visit_item(team.a, team.id("north-sw1"), T0 + timedelta(hours=1))
    accepted(await push(client, team.headers["north-sw1"], [visit]))
    clock.now = T0 + timedelta(days=1)
    note = entry(team.b.case_id, team.id("north-sw2"), [team.b.child_id])
    accepted(await push(client, team.headers["north-sw2"], [note]))
    south = entry(team.south.case_id, team.id("south-sw"), [team.south.child_id])
    accepted(await push(client, team.headers["south-sw"], [south]))
    clock.now = NOW
    return Pushed(visit, note, south)


async def test_the_queue_lists_new_work_oldest_first_with_reasons_and_waits(
    client: AsyncTestClient[Any], team: Team, pushed: Pushed
) -> None:
    body = await queue(client, team.headers["north-sup"])
    assert body["last_review_at"] is None
    visit, note = body["items"]
    assert visit == {
        "record_id": pushed.visit["record_id"],
        "version_id": pushed.visit["version_id"],
        "record_type": "visit",
        "child_ids": [team.a.child_id],
        "author_id": team.id("north-sw1"),
        "author_name": "Test north-sw1",
        "reasons": ["new_since_last_review", "statutory_visit_on_plan"],
        "needs_countersignature": True,
        "waited_seconds": 3 * 86_400,
        "waited": "3 days",
        "reached_server_at": "2025-03-03T12:00:00Z",
    }
    assert (note["record_id"], note["record_type"]) == (
        pushed.entry["record_id"],
        "chronology_entry",
    )
    assert (note["reasons"], note["needs_countersignature"]) == (["new_since_last_review"], False)
    assert (note["waited_seconds"], note["waited"]) == (2 * 86_400 + 3 * 3_600, "2 days")


async def test_a_countersignature_takes_the_visit_off_the_queue(
    client: AsyncTestClient[Any], team: Team, pushed: Pushed
) -> None:
    sup = team.headers["north-sup"]
    signed_at = NOW - timedelta(hours=1)
    signed = review_item(pushed.visit, team.id("north-sup"), "countersign", signed_at)
    accepted(await push(client, sup, [signed]))
    body = await queue(client, sup)
    # The review also marks the supervisor's last review, so Tuesday's entry is not new now.
    assert (body["items"], body["last_review_at"]) == ([], "2025-03-06T11:00:00Z")
    earlier = await queue(client, sup, "?since=2025-03-01T00:00:00%2B00:00")
    assert [i["record_id"] for i in earlier["items"]] == [pushed.entry["record_id"]]


async def test_a_return_then_the_authors_amendment_brings_the_visit_back(
    client: AsyncTestClient[Any], team: Team, pushed: Pushed, clock: Clock
) -> None:
    sup, worker = team.headers["north-sup"], team.headers["north-sw1"]
    returned = review_item(
        pushed.visit, team.id("north-sup"), "return", NOW, comment="Say who else was present."
    )
    accepted(await push(client, sup, [returned]))
    assert (await queue(client, sup))["items"] == []

    clock.now = NOW + timedelta(hours=1)
    amended = edit(pushed.visit, reason="Added who was present.", worries="Synthetic worry.")
    accepted(await push(client, worker, [amended]))
    clock.now = NOW + timedelta(hours=2)
    (item,) = (await queue(client, sup))["items"]
    assert (item["record_id"], item["version_id"]) == (amended["record_id"], amended["version_id"])
    assert item["reasons"] == [
        "new_since_last_review",
        "amended_after_return",
        "statutory_visit_on_plan",
    ]
    assert (item["waited_seconds"], item["waited"]) == (3_600, "1 hour")


async def test_the_author_and_the_team_supervisor_read_a_records_reviews(
    client: AsyncTestClient[Any], team: Team, pushed: Pushed, services: ServiceContainer
) -> None:
    returned = review_item(
        pushed.visit, team.id("north-sup"), "return", NOW, comment="Say who else was present."
    )
    accepted(await push(client, team.headers["north-sup"], [returned]))
    amended = edit(pushed.visit, reason="Added who was present.", worries="Synthetic worry.")
    accepted(await push(client, team.headers["north-sw1"], [amended]))
    url = f"/records/{pushed.visit['record_id']}/reviews"
    for reader in ("north-sw1", "north-sup"):
        response = await client.get(url, headers=team.headers[reader])
        assert response.status_code == 200, reader
        body = response.json()
        assert (body["record_id"], body["case_id"]) == (pushed.visit["record_id"], team.a.case_id)
        (review,) = body["reviews"]
        assert review == {
            "review_record_id": returned["record_id"],
            "reviewed_version_id": pushed.visit["version_id"],
            "of_current_version": False,  # the author has amended it since
            "action": "return",
            "comment": "Say who else was present.",
            "escalation_stage": None,
            "reviewer_id": team.id("north-sup"),
            "reviewer_name": "Test north-sup",
            "decided_at": "2025-03-06T12:00:00Z",
            "reached_server_at": "2025-03-06T12:00:00Z",
        }
    for outsider in ("north-sw2", "south-sup", "south-sw"):
        response = await client.get(url, headers=team.headers[outsider])
        assert response.status_code == 404, outsider
    unknown = await client.get(f"/records/{new_id()}/reviews", headers=team.headers["north-sup"])
    assert unknown.status_code == 404
    events = services.repository.audit_events
    read = [(e.actor_id, e.subject_id) for e in events(AuditAction.REVIEWS_READ.value)]
    assert read == [(team.id(u), pushed.visit["record_id"]) for u in ("north-sw1", "north-sup")]
    assert len(events(AuditAction.REVIEWS_READ_REFUSED.value)) == 4


@pytest.mark.parametrize("path", ["/review/queue", "/review/dashboard"])
@pytest.mark.parametrize("username", ["north-sw1", "south-sw"])
async def test_only_supervisors_have_a_queue_and_a_dashboard(
    client: AsyncTestClient[Any],
    team: Team,
    services: ServiceContainer,
    path: str,
    username: str,
) -> None:
    response = await client.get(path, headers=team.headers[username])
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    refused = services.repository.audit_events(AuditAction.SUPERVISION_REFUSED.value)
    assert [e.actor_id for e in refused] == [team.id(username)]


async def test_another_teams_supervisor_sees_nothing_of_this_team(
    client: AsyncTestClient[Any], team: Team, pushed: Pushed
) -> None:
    body = await queue(client, team.headers["south-sup"])
    assert [i["record_id"] for i in body["items"]] == [pushed.south_entry["record_id"]]


async def test_each_team_case_read_for_the_queue_is_audited(
    client: AsyncTestClient[Any], team: Team, pushed: Pushed, services: ServiceContainer
) -> None:
    await queue(client, team.headers["north-sup"])
    reads = services.repository.audit_events(AuditAction.REVIEW_QUEUE_READ.value)
    assert sorted((e.actor_id, e.subject_type, e.subject_id) for e in reads) == sorted(
        (team.id("north-sup"), "case", case.case_id) for case in (team.a, team.b)
    )


@pytest.mark.parametrize("since", ["yesterday", "2025-03-01T00:00:00"], ids=["text", "naive"])
async def test_a_bad_since_is_refused_naming_the_field_only(
    client: AsyncTestClient[Any], team: Team, since: str
) -> None:
    response = await client.get(f"/review/queue?since={since}", headers=team.headers["north-sup"])
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "since"
    assert since not in response.text


async def test_a_review_must_name_a_stored_version_of_the_record_in_its_own_case(
    client: AsyncTestClient[Any], team: Team, pushed: Pushed
) -> None:
    sup_id, sup = team.id("north-sup"), team.headers["north-sup"]
    visit, note = pushed.visit, pushed.entry
    unknown = review_item({**visit, "version_id": new_id()}, sup_id, "countersign", NOW)
    other_record = review_item(
        {**visit, "version_id": note["version_id"]}, sup_id, "countersign", NOW
    )
    other_case = review_item({**note, "case_id": team.a.case_id}, sup_id, "countersign", NOW)
    results = await push(client, sup, [unknown, other_record, other_case])
    assert [(r["status"], r["field"]) for r in results] == [
        ("rejected", "payload.reviewed_version_id")
    ] * 3


async def test_nobody_countersigns_a_version_they_made(
    client: AsyncTestClient[Any], team: Team, clock: Clock
) -> None:
    sup_id = team.id("north-sup")
    clock.now = NOW  # the review is made now, not in the future
    own = entry(team.a.case_id, sup_id, [team.a.child_id], author_role="supervisor")
    results = await push(
        client, team.headers["north-sup"], [own, review_item(own, sup_id, "countersign", NOW)]
    )
    assert [(r["status"], r["field"]) for r in results] == [
        ("accepted", None),
        ("rejected", "payload.reviewer_id"),
    ]


@pytest.mark.parametrize(
    ("waited", "text"),
    [
        pytest.param(timedelta(seconds=59), "under a minute", id="seconds"),
        pytest.param(timedelta(minutes=1), "1 minute", id="one-minute"),
        pytest.param(timedelta(hours=5, minutes=59), "5 hours", id="hours-round-down"),
        pytest.param(timedelta(days=1), "1 day", id="one-day"),
        pytest.param(timedelta(days=12, hours=23), "12 days", id="days"),
    ],
)
def test_a_wait_reads_in_its_largest_whole_unit(waited: timedelta, text: str) -> None:
    assert human_wait(waited) == text
