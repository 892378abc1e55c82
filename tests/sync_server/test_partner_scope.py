"""A partner contributor reads their own agency's entries plus the plan summary (DOMAIN.md 7).

One family (the demo family on a CP plan) is allocated to a health visitor, two school staff
and a police liaison officer. Each agency records its account of one event; the health
visitor also records a visit and links her entry with the school's; a supervisor countersigns
the school's entry. The school staff must then read, on every read path, the family and child
records, the plan and its outcome, and the school's own entries and links, and nothing else.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.repository import Repository, StoredVersion
from sync_server.services import DemoSeed, ServiceContainer
from sync_server.services.scope import readable, viewer
from tests.sync_server.role_builders import add_person
from tests.sync_server.server_builders import BASE_TIME, Item, entry, push, sign_in, version

Headers = dict[str, str]
WHOLE_TYPES = {"family", "child", "cp_plan", "plan_outcome"}


@dataclass(frozen=True)
class PartnerWorld:
    """The family, who works on it, and the record ids each agency made."""

    case_id: str
    child_id: str
    school: Practitioner
    police: Practitioner
    headers: dict[str, Headers]  # username -> Authorization header
    whole: set[str]  # family, children, plan, outcomes
    school_entries: dict[str, str]  # name -> record id
    school_link: str
    hidden: dict[str, str]  # what the school must never see: name -> record id


def _entry(case_id: str, author: Practitioner, child_id: str, agency: str, role: str) -> Item:
    return entry(
        case_id,
        author.id,
        [child_id],
        event_type="developmental_concern",
        source_agency=agency,
        author_role=role,
        summary="Speech well behind peers; parent told.",
    )


def _link(case_id: str, maker_id: str, *entries: Item) -> Item:
    payload = {
        "record_type": "same_event_link",
        "entry_record_ids": [e["record_id"] for e in entries],
        "made_by": maker_id,
        "reason": "Both record the same concern.",
    }
    return version(case_id, payload)


def _visit(case_id: str, child_id: str, worker_id: str) -> Item:
    start = BASE_TIME - timedelta(days=1)
    payload = {
        "record_type": "visit",
        "child_ids": [child_id],
        "visit_type": "statutory_CP",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "persons_present": [{"person_id": worker_id}],
        "child_seen": True,
        "seen_alone": True,
        "bedroom_seen": True,
        "father_or_male_carer": {"not_known_reason": "Mother declined to say."},
    }
    return version(case_id, payload)


def _review(reviewed: Item, reviewer_id: str) -> Item:
    payload = {
        "record_type": "review_decision",
        "reviewed_record_id": reviewed["record_id"],
        "reviewed_version_id": reviewed["version_id"],
        "action": "countersign",
        "reviewer_id": reviewer_id,
        "decided_at": (BASE_TIME + timedelta(days=2)).isoformat(),
    }
    return version(reviewed["case_id"], payload)


def _records(rows: Iterable[StoredVersion]) -> dict[str, str]:
    """Record id -> record type of each stored version's record."""
    versions = [json.loads(row.payload_json) for row in rows]
    return {v["record_id"]: v["payload"]["record_type"] for v in versions}


def _stored(repository: Repository, case_id: str) -> dict[str, str]:
    """Every record of the case: record id -> record type."""
    return _records(repository.pull([case_id], 0, 10_000))


@pytest.fixture
async def world(
    client: AsyncTestClient[Any], services: ServiceContainer, demo: DemoSeed
) -> PartnerWorld:
    fam = demo.cases[1]  # the demo family on a CP plan
    case_id, child_id = fam.family_id, fam.child_ids[0]
    partner = Role.PARTNER_CONTRIBUTOR
    school = add_person(services, "school-a", partner, Agency.SCHOOL, cases=(case_id,))
    colleague = add_person(services, "school-b", partner, Agency.SCHOOL, cases=(case_id,))
    police = add_person(services, "police-a", partner, Agency.POLICE, cases=(case_id,))
    names = ("school-a", "school-b", "police-a", "demo-hv", "demo-sup")
    headers = {name: await sign_in(client, name) for name in names}
    hv, sup_id = demo.practitioners["demo-hv"], demo.practitioners["demo-sup"].id
    hv_id = hv.id

    a = _entry(case_id, school, child_id, "school", partner.value)
    b = _entry(case_id, colleague, child_id, "school", partner.value)
    c = _entry(case_id, colleague, child_id, "school", partner.value)
    p = _entry(case_id, police, child_id, "police", partner.value)
    hv_entry = _entry(case_id, hv, child_id, "health_visiting", "health_visitor")
    visit = _visit(case_id, child_id, hv_id)
    school_link = _link(case_id, colleague.id, a, b)
    hv_link = _link(case_id, hv_id, hv_entry, a)
    review = _review(a, sup_id)
    pushes = [
        ("school-a", [a]),
        ("school-b", [b, c, school_link]),
        ("police-a", [p]),
        ("demo-hv", [hv_entry, visit, hv_link]),
        ("demo-sup", [review]),
    ]
    for name, items in pushes:
        results = await push(client, headers[name], items)
        assert {r["status"] for r in results} == {"accepted"}, results

    stored = _stored(services.repository, case_id)
    school_ids = {item["record_id"] for item in (a, b, c, school_link)}
    hidden = {
        "police entry": p["record_id"],
        "health visitor's entry": hv_entry["record_id"],
        "visit": visit["record_id"],
        "health visitor's link": hv_link["record_id"],
        "review": review["record_id"],
    }
    named = school_ids | set(hidden.values())
    # the demo's own records of the family: the social worker's entries and the adults
    hidden |= {
        f"demo {kind} {record_id}": record_id
        for record_id, kind in stored.items()
        if kind not in WHOLE_TYPES and record_id not in named
    }
    assert {"significant_adult", "chronology_entry"} <= {stored[v] for v in hidden.values()}
    return PartnerWorld(
        case_id=case_id,
        child_id=child_id,
        school=school,
        police=police,
        headers=headers,
        whole={record_id for record_id, kind in stored.items() if kind in WHOLE_TYPES},
        school_entries={"a": a["record_id"], "b": b["record_id"], "c": c["record_id"]},
        school_link=school_link["record_id"],
        hidden=hidden,
    )


async def _pulled(client: AsyncTestClient[Any], headers: Headers) -> dict[str, str]:
    response = await client.get("/sync/pull", params={"limit": 1000}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body["has_more"]
    return {item["record_id"]: item["payload"]["record_type"] for item in body["items"]}


async def test_a_partner_pulls_the_plan_summary_the_family_and_their_own_agencys_records(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    pulled = await _pulled(client, world.headers["school-a"])

    assert {"cp_plan", "plan_outcome", "family", "child"} <= set(pulled.values())
    own = {*world.school_entries.values(), world.school_link}
    assert set(pulled) == world.whole | own


async def test_a_partner_pulling_page_by_page_gets_the_same_records(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    """Pages skip the records withheld from a partner without losing the cursor's place."""
    cursor, pages, paged = 0, 0, set()
    while True:
        response = await client.get(
            "/sync/pull", params={"cursor": cursor, "limit": 2}, headers=world.headers["school-a"]
        )
        body = response.json()
        paged |= {item["record_id"] for item in body["items"]}
        cursor, pages = body["next_cursor"], pages + 1
        if not body["has_more"]:
            break

    assert paged == set(await _pulled(client, world.headers["school-a"]))
    assert pages > 2


async def test_a_partner_pulls_no_visit_adult_review_or_other_agencys_entry(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    pulled = await _pulled(client, world.headers["school-a"])

    assert set(pulled.values()) <= {*WHOLE_TYPES, "chronology_entry", "same_event_link"}
    assert [name for name, record_id in world.hidden.items() if record_id in pulled] == []


async def test_the_police_partner_pulls_only_the_polices_entry_of_all_entries(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    pulled = await _pulled(client, world.headers["police-a"])

    entries = {record_id for record_id, kind in pulled.items() if kind == "chronology_entry"}
    assert entries == {world.hidden["police entry"]}


async def test_a_health_visitor_still_pulls_every_agencys_records(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    pulled = await _pulled(client, world.headers["demo-hv"])

    assert set(world.hidden.values()) | set(world.school_entries.values()) <= set(pulled)


@pytest.mark.parametrize("path", ["/children/{child}/chronology", "/cases/{case}/chronology"])
async def test_a_partners_chronology_shows_their_agencys_entries_and_links_only(
    client: AsyncTestClient[Any], world: PartnerWorld, path: str
) -> None:
    url = path.format(child=world.child_id, case=world.case_id)
    response = await client.get(url, headers=world.headers["school-a"])

    assert response.status_code == 200, response.text
    entries = {e["record_id"]: e for e in response.json()["entries"]}
    a, b, c = (world.school_entries[k] for k in "abc")
    assert set(entries) == {a, b, c}
    assert entries[a]["same_event"] == [b]  # the health visitor's link names nothing here
    assert [name for name, rid in world.hidden.items() if rid in response.text] == []


async def test_a_partner_is_suggested_only_pairs_of_their_own_agencys_entries(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    url = f"/children/{world.child_id}/same-event-suggestions"
    response = await client.get(url, headers=world.headers["school-a"])

    assert response.status_code == 200, response.text
    pairs = [set(s["entry_record_ids"]) for s in response.json()["suggestions"]]
    a, c = world.school_entries["a"], world.school_entries["c"]
    assert pairs == [{a, c}]  # a and b are linked; b and c have one author


async def test_a_partner_reads_the_history_of_the_plan_the_family_and_their_agencys_entries(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    readable_ids = [*world.whole, *world.school_entries.values(), world.school_link]
    answers = {
        rid: (await client.get(f"/records/{rid}/versions", headers=world.headers["school-a"]))
        for rid in readable_ids
    }

    assert {rid: r.status_code for rid, r in answers.items()} == dict.fromkeys(readable_ids, 200)
    # the supervisor's countersignature of the school's entry is a review: not theirs to read
    assert [v["reviews"] for v in answers[world.school_entries["a"]].json()["versions"]] == [[]]


async def test_every_other_record_is_unknown_to_a_partner_like_an_id_that_does_not_exist(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    unknown = await client.get(f"/records/{new_id()}/versions", headers=world.headers["school-a"])
    answers = {
        name: await client.get(f"/records/{rid}/versions", headers=world.headers["school-a"])
        for name, rid in world.hidden.items()
    }

    assert unknown.status_code == 404
    assert {name: (r.status_code, r.json()) for name, r in answers.items()} == dict.fromkeys(
        world.hidden, (404, unknown.json())
    )


async def test_a_partner_author_asking_for_the_reviews_of_their_entry_is_given_none(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    url = f"/records/{world.school_entries['a']}/reviews"
    response = await client.get(url, headers=world.headers["school-a"])

    assert response.status_code == 200, response.text
    assert response.json()["reviews"] == []


async def test_the_health_visitor_sees_the_supervisors_review_the_partner_does_not(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    url = f"/records/{world.school_entries['a']}/versions"
    response = await client.get(url, headers=world.headers["demo-hv"])

    assert response.status_code == 200, response.text
    assert [len(v["reviews"]) for v in response.json()["versions"]] == [1]


@pytest.mark.parametrize("who", ["school", "police"])
def test_readable_and_pull_apply_one_rule(
    repository: Repository, world: PartnerWorld, who: str
) -> None:
    """The Python predicate (readable) and its SQL twin (pull) must agree record by record."""
    partner = world.school if who == "school" else world.police
    every = _stored(repository, world.case_id)
    pulled = repository.pull([world.case_id], 0, 10_000, viewer(partner))

    by_pull = set(_records(pulled))
    assert by_pull == readable(repository, partner, every)
    assert world.whole < by_pull < set(every)


async def test_a_partner_changing_or_linking_another_agencys_entry_is_answered_as_for_a_missing_one(
    client: AsyncTestClient[Any], world: PartnerWorld
) -> None:
    """A push naming a record the partner may not read must not tell them it exists."""
    police_entry = _entry(
        world.case_id, world.police, world.child_id, "police", "partner_contributor"
    )
    await push(client, world.headers["police-a"], [police_entry])
    never_pushed = _entry(
        world.case_id, world.police, world.child_id, "police", "partner_contributor"
    )
    school = world.school

    def amendment(of: Item) -> Item:
        return entry(
            world.case_id,
            school.id,
            [world.child_id],
            replaces=of,
            reason="Adding the date.",
            source_agency="school",
            author_role="partner_contributor",
        )

    def link_to(other: Item) -> Item:
        own = {"record_id": world.school_entries["a"]}
        return _link(world.case_id, school.id, own, other)

    hidden = await push(
        client, world.headers["school-a"], [amendment(police_entry), link_to(police_entry)]
    )
    missing = await push(
        client, world.headers["school-a"], [amendment(never_pushed), link_to(never_pushed)]
    )

    assert [r["status"] for r in hidden] == ["rejected", "rejected"]
    assert [(r["field"], r["message"]) for r in hidden] == [
        (r["field"], r["message"]) for r in missing
    ]
