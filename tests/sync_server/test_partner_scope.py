"""A partner contributor reads their own agency's entries plus the plan summary
(docs/domain.md, Roles).

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
from shared.models import Child, ChronologyEntry, Practitioner
from shared.protocol import RecordVersion
from shared.vocabulary import Agency, Role
from sync_server.demo import DemoSeed
from sync_server.repository import Repository, StoredVersion
from sync_server.services import ServiceContainer
from sync_server.services.access.partner_view import may_be_reduced, reduced_payload
from sync_server.services.access.scope import readable, viewer
from tests.sync_server.role_builders import add_person
from tests.sync_server.server_builders import (
    BASE_TIME,
    Item,
    edit,
    entry,
    push,
    sign_in,
    version,
)

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
    # the demo's own school (demo-school) is the same agency: its entry is the school's too
    school_entries = {"a": a["record_id"], "b": b["record_id"], "c": c["record_id"]}
    demo_school_id = demo.practitioners["demo-school"].id
    school_entries |= {
        f"demo school {v.record_id}": v.record_id
        for v in fam.versions
        if isinstance(v.payload, ChronologyEntry) and v.payload.author_id == demo_school_id
    }
    school_ids = {*school_entries.values(), school_link["record_id"]}
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
        school_entries=school_entries,
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
    a, b = world.school_entries["a"], world.school_entries["b"]
    assert set(entries) == set(world.school_entries.values())
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


# --- Child and family records reach a partner reduced (services/access/partner_view.py) ---------

CHILD_DETAIL = {
    "aliases": ["Kit"],
    "ethnicity": "White British",
    "first_language": "English",
    "interpreter_needed": False,
    "address_history": [{"line1": "2 Old Row", "town": "Bicester", "postcode": "OX26 1AA"}],
    "gp": "Banbury Cross Surgery",
    "setting_or_school": "St Mary's Primary",
    "threshold_level": "Level 4",
}
FAMILY_DETAIL = {
    "think_family_flags": ["DA", "substance", "adult_MH"],
    "agencies_involved": [{"agency": "police", "worker_name": "PC Example"}],
    "tac_taf_members": [{"name": "Example Aunt", "agency": "CSC"}],
    "access_notes": "Side door; the buzzer does not work.",
    "safety_notes": "Dog in the house: ask for it to be shut away.",
}
# What a partner keeps of each (beyond record_type and schema_version).
CHILD_KEPT = {"given_name", "family_name", "dob", "edd", "status", "cp_categories"}
FAMILY_KEPT = {"family_name", "address"}


@dataclass(frozen=True)
class Detailed:
    """The world, after the social worker recorded the child and family in full detail."""

    world: PartnerWorld
    child: dict[str, Any]  # the child's new head, as the social worker pushed it
    family: dict[str, Any]


def _pulled_items(response_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert not response_json["has_more"]
    return {item["record_id"]: item for item in response_json["items"]}


@pytest.fixture
async def detailed(client: AsyncTestClient[Any], world: PartnerWorld) -> Detailed:
    sw = await sign_in(client, "demo-sw")
    response = await client.get("/sync/pull", params={"limit": 2000}, headers=sw)
    items = _pulled_items(response.json())
    child = edit(items[world.child_id], reason="Details from the GP.", **CHILD_DETAIL)
    family = items[world.case_id]
    address = {**family["payload"]["address"], "from_date": "2019-04-01"}
    family = edit(family, reason="Strategy meeting.", address=address, **FAMILY_DETAIL)
    results = await push(client, sw, [child, family])
    assert {r["status"] for r in results} == {"accepted"}, results
    assert child["payload"]["nhs_number"] is not None  # the demo child has one
    return Detailed(world, child, family)


def _unkept(payload: dict[str, Any], kept: set[str]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in {*kept, "record_type", "schema_version"}}


def test_a_reduced_child_keeps_its_names_and_dates_and_resets_every_other_field() -> None:
    child = Child.model_validate(
        {
            **CHILD_DETAIL,
            "given_name": "Ada",
            "family_name": "Example",
            "dob": "2019-02-03",
            "nhs_number": "9434765919",
            "sex": "female",
            "status": "CP",
            "cp_categories": ["neglect"],
            "lead_practitioner_id": new_id(),
        }
    )

    reduced = reduced_payload(child)

    assert isinstance(reduced, Child)
    for name, spec in Child.model_fields.items():
        expected = getattr(child, name) if name in CHILD_KEPT else spec.get_default()
        assert getattr(reduced, name) == expected, name
    assert reduced.nhs_number is None
    assert reduced.address_history == ()


async def test_a_partner_pulls_the_child_and_family_reduced_under_their_own_ids(
    client: AsyncTestClient[Any], detailed: Detailed
) -> None:
    world = detailed.world
    school = await client.get(
        "/sync/pull", params={"limit": 1000}, headers=world.headers["school-a"]
    )
    hv = await client.get("/sync/pull", params={"limit": 1000}, headers=world.headers["demo-hv"])
    pulled, whole = _pulled_items(school.json()), _pulled_items(hv.json())

    child, family = pulled[world.child_id], pulled[world.case_id]
    for item in (child, family):
        RecordVersion.model_validate(_version_fields(item))  # as the partner's app validates
        same = whole[item["record_id"]]
        assert {k: item[k] for k in _SERVER_KEYS} == {k: same[k] for k in _SERVER_KEYS}
    sent = detailed.child["payload"]
    assert {k: child["payload"][k] for k in CHILD_KEPT} == {k: sent[k] for k in CHILD_KEPT}
    assert _unkept(child["payload"], CHILD_KEPT) == _unkept(_default_child(), CHILD_KEPT)
    assert child["payload"]["nhs_number"] is None
    assert (child["payload"]["ethnicity"], child["payload"]["gp"]) == (None, None)
    assert child["payload"]["address_history"] == []
    assert family["payload"]["think_family_flags"] == []
    assert family["payload"]["agencies_involved"] == family["payload"]["tac_taf_members"] == []
    assert family["payload"]["lead_practitioner_id"] is None
    assert family["payload"]["access_notes"] == family["payload"]["safety_notes"] is None
    # the practitioners who visit read the doorstep notes as the social worker wrote them
    assert whole[world.case_id]["payload"]["safety_notes"] == FAMILY_DETAIL["safety_notes"]
    address = detailed.family["payload"]["address"]
    assert family["payload"]["address"] == {**address, "from_date": None}
    # every earlier version of the child (the demo's own) is reduced too
    assert [
        i["payload"]["nhs_number"]
        for i in pulled.values()
        if i["payload"]["record_type"] == "child"
    ] == [None] * sum(i["payload"]["record_type"] == "child" for i in pulled.values())


async def test_a_health_visitors_pull_of_the_child_and_family_is_whole_and_as_stored(
    client: AsyncTestClient[Any], repository: Repository, detailed: Detailed
) -> None:
    world = detailed.world
    response = await client.get(
        "/sync/pull", params={"limit": 1000}, headers=world.headers["demo-hv"]
    )

    pulled = _pulled_items(response.json())
    sent = Child.model_validate(detailed.child["payload"]).model_dump(mode="json")
    assert pulled[world.child_id]["payload"] == sent
    assert (
        pulled[world.case_id]["payload"]["think_family_flags"]
        == FAMILY_DETAIL["think_family_flags"]
    )
    # byte for byte, each stored version is spliced in as it was before partners were reduced
    stored = [
        row
        for row in repository.pull([world.case_id], 0, 10_000)
        if json.loads(row.payload_json)["payload"]["record_type"] in {"child", "family"}
    ]
    assert len(stored) >= 3
    for row in stored:
        assert f'{row.payload_json[:-1]},"server_seq":{row.server_seq},' in response.text


async def test_a_partners_history_of_the_child_and_family_is_reduced_the_health_visitors_whole(
    client: AsyncTestClient[Any], detailed: Detailed
) -> None:
    world = detailed.world
    cleared: dict[str, tuple[str, Any]] = {
        world.child_id: ("nhs_number", None),
        world.case_id: ("agencies_involved", []),
    }
    for record_id, (name, default) in cleared.items():
        url = f"/records/{record_id}/versions"
        school = await client.get(url, headers=world.headers["school-a"])
        hv = (await client.get(url, headers=world.headers["demo-hv"])).json()["versions"]
        reduced = school.json()["versions"]

        assert [v["version_id"] for v in reduced] == [v["version_id"] for v in hv]
        assert hv[-1]["payload"][name]  # the health visitor reads the detail
        assert [v["payload"][name] for v in reduced] == [default] * len(hv)
        assert "Banbury Cross Surgery" not in school.text


async def test_a_partner_cannot_base_a_child_or_family_version_on_the_reduced_copy(
    client: AsyncTestClient[Any], repository: Repository, detailed: Detailed
) -> None:
    world = detailed.world
    headers = world.headers["school-a"]
    pulled = _pulled_items(
        (await client.get("/sync/pull", params={"limit": 1000}, headers=headers)).json()
    )
    child, family = pulled[world.child_id], pulled[world.case_id]
    edits = [
        edit(child, reason="Our records say otherwise.", given_name="Changed"),
        edit(family, reason="Our records say otherwise.", family_name="Changed"),
    ]
    heads_before = repository.heads([world.child_id, world.case_id])

    resent = await push(client, headers, [_version_fields(child), _version_fields(family)])
    edited = await push(client, headers, edits)

    # the reduced copy is not the stored version: its id is not theirs to reuse
    assert [(r["status"], r["field"]) for r in resent] == [("rejected", "version_id")] * 2
    assert [(r["status"], r["field"]) for r in edited] == [("rejected", "payload.record_type")] * 2
    assert repository.heads([world.child_id, world.case_id]) == heads_before


async def test_a_partner_entry_quoting_a_record_type_is_pulled_as_stored(
    client: AsyncTestClient[Any], repository: Repository, world: PartnerWorld
) -> None:
    """Only child and family versions are rebuilt; free text cannot make an entry one."""
    text = 'Mum wrote "record_type":"child" on the form.'
    item = entry(
        world.case_id, world.school.id, [world.child_id], summary=text,
        source_agency="school", author_role="partner_contributor",
    )  # fmt: skip
    [result] = await push(client, world.headers["school-a"], [item])
    response = await client.get(
        "/sync/pull", params={"limit": 1000}, headers=world.headers["school-a"]
    )

    [row] = [
        r
        for r in repository.pull([world.case_id], 0, 10_000)
        if r.server_seq == result["server_seq"]
    ]
    assert f'{row.payload_json[:-1]},"server_seq":' in response.text
    assert not may_be_reduced(row.payload_json)  # JSON escapes the quotes in the summary
    kinds = {
        r.payload_json: json.loads(r.payload_json)["payload"]["record_type"]
        for r in repository.pull([world.case_id], 0, 10_000)
    }
    assert {k for k in kinds if may_be_reduced(k)} == {
        k for k, kind in kinds.items() if kind in {"child", "family"}
    }


_SERVER_KEYS = ("version_id", "record_id", "case_id", "server_seq", "author_id", "recorded_at")


def _version_fields(item: dict[str, Any]) -> dict[str, Any]:
    """A pulled item without the server's own fields: the RecordVersion the device keeps."""
    server = {"server_seq", "author_id", "author_agency", "recorded_at"}
    return {k: v for k, v in item.items() if k not in server}


def _default_child() -> dict[str, Any]:
    """A child with only the fields the model requires, as JSON: every default."""
    return Child(given_name="A", family_name="B", dob=BASE_TIME.date()).model_dump(mode="json")


async def test_no_other_route_gives_a_partner_what_the_reduction_withholds(
    client: AsyncTestClient[Any], detailed: Detailed
) -> None:
    """Chronologies, suggestions and alerts carry no child or family detail; exports (and so
    transfer packs: tests/sync_server/test_server_exports.py) are refused to a partner."""
    world, headers = detailed.world, detailed.world.headers["school-a"]
    child, case = world.child_id, world.case_id
    reads = [
        f"/children/{child}/chronology",
        f"/cases/{case}/chronology",
        f"/children/{child}/same-event-suggestions",
        f"/children/{child}/alerts",
        "/me/alerts",
        f"/cases/{case}/decisions/pending",
    ]
    exports = [f"/children/{child}/chronology.pdf", f"/cases/{case}/chronology.pdf"]
    withheld = [
        detailed.child["payload"]["nhs_number"],
        *(str(v) for v in CHILD_DETAIL.values() if isinstance(v, str)),
        "PC Example",
        "Example Aunt",
    ]

    answers = {url: await client.get(url, headers=headers) for url in [*reads, *exports]}

    leaks = {url: [w for w in withheld if w in r.text] for url, r in answers.items()}
    assert leaks == {url: [] for url in answers}
    assert {url: answers[url].status_code for url in exports} == dict.fromkeys(exports, 403)
    answered = {url for url in reads if answers[url].status_code == 200}
    assert {f"/children/{child}/chronology", f"/cases/{case}/chronology"} <= answered
