"""Restricted entries reach only their owner agency and the roles they name; everyone else in
scope is answered as if they did not exist (pull, chronologies, history, edits)."""

import sqlite3
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.vocabulary import Role
from sync_server.demo import DemoSeed
from sync_server.repository.scope_sql import inherit_existing_restrictions
from sync_server.services import AuditAction, ServiceContainer
from sync_server.services.access.scope import READ_RULES_GENERATION
from tests.sync_server.alert_builders import cp_family
from tests.sync_server.ingest_counting import ingest_counting
from tests.sync_server.role_builders import person_headers
from tests.sync_server.server_builders import Item, edit, entry, push, sign_in, version
from tests.sync_server.test_server_pull import PULL, pull_all

Headers = dict[str, str]
HV_ENTRY: dict[str, Any] = {"author_role": "health_visitor", "source_agency": "health_visiting"}


async def pulled_ids(client: AsyncTestClient[Any], headers: Headers) -> set[str]:
    return {i.version_id for p in await pull_all(client, headers, limit=500) for i in p.items}


async def chronology_ids(client: AsyncTestClient[Any], headers: Headers, url: str) -> set[str]:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return {e["record_id"] for e in response.json()["entries"]}


def restriction_rows(db_path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT record_id, version_id, case_id, owner_agency, roles FROM restricted_versions"
        ).fetchall()
    finally:
        conn.close()


async def test_a_csc_restricted_entry_reaches_csc_only(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed, db_path: Path
) -> None:
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    child = case.child_ids[0]
    secret = entry(case.family_id, sw_id, [child], restricted=True)
    plain = entry(case.family_id, sw_id, [child], hours=1)
    assert [r["status"] for r in await push(client, sw, [secret, plain])] == ["accepted"] * 2
    sup = await sign_in(client, "demo-sup")  # CSC too

    assert secret["version_id"] not in await pulled_ids(client, hv)
    assert plain["version_id"] in await pulled_ids(client, hv)
    assert secret["version_id"] in await pulled_ids(client, sw)
    assert secret["version_id"] in await pulled_ids(client, sup)
    for url in (f"/children/{child}/chronology", f"/cases/{case.family_id}/chronology"):
        assert secret["record_id"] not in await chronology_ids(client, hv, url)
        assert plain["record_id"] in await chronology_ids(client, hv, url)
        assert secret["record_id"] in await chronology_ids(client, sw, url)
    only_the_restricted_one = [
        (secret["record_id"], secret["version_id"], case.family_id, "CSC", "")
    ]
    assert restriction_rows(db_path) == only_the_restricted_one


async def test_restricted_history_is_a_404_like_an_unknown_record(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed,
    services: ServiceContainer,
) -> None:  # fmt: skip
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    secret = entry(case.family_id, sw_id, [case.child_ids[0]], restricted=True)
    await push(client, sw, [secret])
    hidden = await client.get(f"/records/{secret['record_id']}/versions", headers=hv)
    unknown = await client.get(f"/records/{new_id()}/versions", headers=hv)
    assert (hidden.status_code, hidden.json()) == (unknown.status_code, unknown.json())
    assert hidden.status_code == 404
    refused = services.repository.audit_events(AuditAction.HISTORY_READ_REFUSED.value)
    assert secret["record_id"] in {e.subject_id for e in refused}
    assert (await client.get(f"/records/{secret['record_id']}/versions", headers=sw)).is_success


async def test_named_roles_read_another_agencys_restricted_entry(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed, db_path: Path
) -> None:
    case, hv_id = demo.cases[0], demo.practitioners["demo-hv"].id
    child = case.child_ids[0]
    secret = entry(case.family_id, hv_id, [child], restricted=True,
                   restricted_roles=["social_worker"], **HV_ENTRY)  # fmt: skip
    assert (await push(client, hv, [secret]))[0]["status"] == "accepted"
    sup = await sign_in(client, "demo-sup")  # CSC supervisor: neither the agency nor the role

    assert secret["version_id"] in await pulled_ids(client, hv)
    assert secret["version_id"] in await pulled_ids(client, sw)
    assert secret["version_id"] not in await pulled_ids(client, sup)
    url = f"/children/{child}/chronology"
    assert secret["record_id"] in await chronology_ids(client, sw, url)
    assert secret["record_id"] not in await chronology_ids(client, sup, url)
    assert restriction_rows(db_path) == [
        (
            secret["record_id"],
            secret["version_id"],
            case.family_id,
            "health_visiting",
            "[social_worker]",
        )
    ]


async def test_an_amendment_of_a_restricted_entry_stays_restricted(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    """Restriction is per record: an amendment saying restricted=False does not lift it."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    secret = entry(case.family_id, sw_id, [case.child_ids[0]], restricted=True)
    await push(client, sw, [secret])
    amended = edit(secret, restricted=False, summary="Corrected wording.")
    assert (await push(client, sw, [amended]))[0]["status"] == "accepted"
    assert not {secret["version_id"], amended["version_id"]} & await pulled_ids(client, hv)
    assert amended["version_id"] in await pulled_ids(client, sw)
    url = f"/cases/{case.family_id}/chronology"
    assert secret["record_id"] not in await chronology_ids(client, hv, url)


async def test_an_edit_of_a_hidden_record_is_refused_as_unknown(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    secret = entry(case.family_id, sw_id, [case.child_ids[0]], restricted=True)
    await push(client, sw, [secret])
    guessed = edit(secret, author_id=demo.practitioners["demo-hv"].id, **HV_ENTRY)
    ghost = {**secret, "version_id": new_id()}
    unknown = edit(ghost, author_id=demo.practitioners["demo-hv"].id, **HV_ENTRY)
    results = await push(client, hv, [guessed, unknown])
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert results[0]["field"] == results[1]["field"] == "replaces_version_id"
    assert results[0]["message"] == results[1]["message"]
    assert guessed["version_id"] not in await pulled_ids(client, sw)


async def test_an_amendment_can_narrow_the_named_roles_but_the_owner_agency_stays(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed, db_path: Path
) -> None:
    """A reader must pass every restricted version: dropping a role shuts that role out."""
    case, hv_id = demo.cases[0], demo.practitioners["demo-hv"].id
    sup = await sign_in(client, "demo-sup")
    secret = entry(case.family_id, hv_id, [case.child_ids[0]], restricted=True,
                   restricted_roles=["social_worker", "supervisor"], **HV_ENTRY)  # fmt: skip
    await push(client, hv, [secret])
    assert secret["version_id"] in await pulled_ids(client, sw)
    narrowed = edit(secret, restricted_roles=["supervisor"])
    assert (await push(client, hv, [narrowed]))[0]["status"] == "accepted"
    assert not {secret["version_id"], narrowed["version_id"]} & await pulled_ids(client, sw)
    assert narrowed["version_id"] in await pulled_ids(client, sup)
    assert narrowed["version_id"] in await pulled_ids(client, hv)
    owners = {row[3] for row in restriction_rows(db_path)}
    assert owners == {"health_visiting"}


async def test_a_review_of_a_restricted_entry_is_hidden_alike(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    """A supervisor's comment describes the entry it reviews: it must not reach a reader the
    entry is hidden from."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    secret = entry(case.family_id, sw_id, [case.child_ids[0]], restricted=True)
    plain = entry(case.family_id, sw_id, [case.child_ids[0]], hours=1)
    await push(client, sw, [secret, plain])
    sup = await sign_in(client, "demo-sup")

    def review(of: dict[str, Any]) -> dict[str, Any]:
        payload = {
            "record_type": "review_decision",
            "reviewed_record_id": of["record_id"],
            "reviewed_version_id": of["version_id"],
            "action": "return",
            "comment": "Say which agency told you and when.",
            "reviewer_id": demo.practitioners["demo-sup"].id,
            "decided_at": "2025-03-04T10:00:00+00:00",
        }
        return version(case.family_id, payload)

    of_secret, of_plain = review(secret), review(plain)
    results = await push(client, sup, [of_secret, of_plain])

    assert [r["status"] for r in results] == ["accepted"] * 2
    assert of_secret["version_id"] not in await pulled_ids(client, hv)
    assert of_plain["version_id"] in await pulled_ids(client, hv)
    assert of_secret["version_id"] in await pulled_ids(client, sw)


async def pull_from(client: AsyncTestClient[Any], headers: Headers, cursor: int) -> list[Any]:
    """Pull page by page from a cursor to the end, small pages; return the pages."""
    pages = []
    for _ in range(1000):
        response = await client.get(f"/sync/pull?cursor={cursor}&limit=3", headers=headers)
        assert response.status_code == 200, response.text
        pages.append(PULL.validate_json(response.content))
        cursor = pages[-1].next_cursor
        if not pages[-1].has_more:
            return pages
    raise AssertionError("pull never finished")


def withdrawn(pages: list[Any]) -> list[str]:
    return [record_id for page in pages for record_id in page.withdrawn]


async def test_an_entry_restricted_after_the_hv_pulled_it_is_withdrawn_on_her_next_pull(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    """Issue 7: restriction reaches back to a device that pulled the unrestricted version."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    plain = entry(case.family_id, sw_id, [case.child_ids[0]])
    await push(client, sw, [plain])
    held = await pull_from(client, hv, 0)
    assert plain["version_id"] in {i.version_id for p in held for i in p.items}
    assert withdrawn(held) == []
    hv_cursor, sw_cursor = held[-1].next_cursor, (await pull_from(client, sw, 0))[-1].next_cursor

    restricted = edit(plain, restricted=True, reason="Disclosure: CSC only.")
    assert (await push(client, sw, [restricted]))[0]["status"] == "accepted"
    later = entry(case.family_id, sw_id, [case.child_ids[0]], hours=2)
    await push(client, sw, [later])

    after = await pull_from(client, hv, hv_cursor)
    assert withdrawn(after) == [plain["record_id"]]
    assert [i.version_id for p in after for i in p.items] == [later["version_id"]]
    assert withdrawn(await pull_from(client, sw, sw_cursor)) == [], "the author still reads it"
    assert withdrawn(await pull_from(client, hv, after[-1].next_cursor)) == []


async def test_a_record_restricted_from_its_first_version_is_never_named(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    """Withdrawal leaks nothing new: a record the HV could never read is never named, not even
    after it is amended or on a pull from cursor 0."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    cursor = (await pull_from(client, hv, 0))[-1].next_cursor
    secret = entry(case.family_id, sw_id, [case.child_ids[0]], restricted=True)
    await push(client, sw, [secret])
    await push(client, sw, [edit(secret, summary="Reworded.")])
    for start in (0, cursor):
        pages = await pull_from(client, hv, start)
        assert withdrawn(pages) == []
        assert secret["record_id"] not in {i.record_id for p in pages for i in p.items}


async def test_a_record_hidden_before_the_callers_allocation_began_is_never_named(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    """A practitioner allocated the family later could never read the entry: not named."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    plain = entry(case.family_id, sw_id, [case.child_ids[0]])
    await push(client, sw, [plain])
    await push(client, sw, [edit(plain, restricted=True)])
    services.allocations.allocate("demo-hv2", case.family_id)
    hv2 = await sign_in(client, "demo-hv2")
    pages = await pull_from(client, hv2, 0)
    assert case.family_id in {i.case_id for p in pages for i in p.items}
    assert withdrawn(pages) == []


async def test_narrowing_the_named_roles_withdraws_the_record_from_the_role_dropped(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    case, hv_id = demo.cases[0], demo.practitioners["demo-hv"].id
    secret = entry(case.family_id, hv_id, [case.child_ids[0]], restricted=True,
                   restricted_roles=["social_worker", "supervisor"], **HV_ENTRY)  # fmt: skip
    await push(client, hv, [secret])
    cursor = (await pull_from(client, sw, 0))[-1].next_cursor
    await push(client, hv, [edit(secret, restricted_roles=["supervisor"])])
    assert withdrawn(await pull_from(client, sw, cursor)) == [secret["record_id"]]
    sup = await sign_in(client, "demo-sup")
    assert withdrawn(await pull_from(client, sup, 0)) == []


async def test_a_withdrawal_is_named_on_the_page_whose_range_holds_the_restriction(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    """Pages of three: the restriction lands mid-pull, and exactly one page names it, the
    one whose (cursor, next_cursor] holds it (the last page holds everything after)."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    plain = entry(case.family_id, sw_id, [case.child_ids[0]])
    await push(client, sw, [plain])
    cursor = (await pull_from(client, hv, 0))[-1].next_cursor
    before = [entry(case.family_id, sw_id, [case.child_ids[0]], hours=h) for h in range(1, 5)]
    await push(client, sw, before)
    [result] = await push(client, sw, [edit(plain, restricted=True)])
    after = [entry(case.family_id, sw_id, [case.child_ids[0]], hours=h) for h in range(5, 10)]
    await push(client, sw, after)

    pages = await pull_from(client, hv, cursor)
    naming = [p for p in pages if p.withdrawn]
    assert [p.withdrawn for p in naming] == [[plain["record_id"]]]
    start = ([cursor] + [p.next_cursor for p in pages])[pages.index(naming[0])]
    assert start < result["server_seq"] <= naming[0].next_cursor


async def test_every_pull_page_carries_the_read_rules_generation(
    client: AsyncTestClient[Any], demo: DemoSeed, services: ServiceContainer, hv: Headers
) -> None:
    """A partner's device (whose read rules were narrowed) learns the generation on every
    page, so one that pulled under older rules drops them and pulls again."""
    partner = await person_headers(
        client, services, Role.PARTNER_CONTRIBUTOR, cases=(demo.cases[0].family_id,)
    )
    for headers in (partner, hv):
        pages = await pull_from(client, headers, 0)
        assert {p.read_rules for p in pages} == {READ_RULES_GENERATION}


def about(case: Any, demo: DemoSeed, of: Item, plain: Item) -> dict[str, Item]:
    """Return a supervisor's review of `of`, the SW's decision on it, her same-event link and
    her chronology analysis naming it (with `plain`): the records that describe an entry."""
    sup_id, sw_id = demo.practitioners["demo-sup"].id, demo.practitioners["demo-sw"].id
    review = version(case.family_id, {
        "record_type": "review_decision", "reviewed_record_id": of["record_id"],
        "reviewed_version_id": of["version_id"], "action": "return",
        "comment": "Say which agency told you and when.", "reviewer_id": sup_id,
        "decided_at": "2025-03-04T10:00:00+00:00",
    })  # fmt: skip
    decision = version(case.family_id, {
        "record_type": "decision_record", "trigger_entry_id": of["record_id"],
        "child_ids": [case.child_ids[0]], "question": "Does the injury need a strategy meeting?",
        "options_considered": ["request_strategy_discussion", "no_action"],
        "decision": "request_strategy_discussion", "rationale": "Weighed with the plan.",
        "decided_by": sw_id, "decided_at": "2025-03-04T11:00:00+00:00",
    })  # fmt: skip
    link = version(case.family_id, {
        "record_type": "same_event_link", "made_by": sw_id, "reason": "One incident.",
        "entry_record_ids": [of["record_id"], plain["record_id"]],
    })  # fmt: skip
    analysis = version(case.family_id, {
        "record_type": "analysis_note", "child_ids": [case.child_ids[0]],
        "period_from": "2025-01-01", "period_to": "2025-03-31",
        "analysis": "Two accounts of one night; the pattern is escalating.",
        "entry_ids": [of["record_id"], plain["record_id"]], "author_id": sw_id,
        "author_role": "social_worker",
    })  # fmt: skip
    return {"review": review, "decision": decision, "link": link, "analysis": analysis}


async def history_status(client: AsyncTestClient[Any], headers: Headers, record_id: str) -> int:
    return (await client.get(f"/records/{record_id}/versions", headers=headers)).status_code


async def test_records_about_an_entry_restricted_later_are_hidden_and_withdrawn_alike(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed, db_path: Path
) -> None:
    """A review, a decision and a link made while the entry was open describe it: once a later
    version restricts it they are hidden with it, and leave the HV's device with it."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    first = entry(case.family_id, sw_id, [case.child_ids[0]])
    plain = entry(case.family_id, sw_id, [case.child_ids[0]], hours=1)
    await push(client, sw, [first, plain])
    sup = await sign_in(client, "demo-sup")
    made = about(case, demo, first, plain)
    await push(client, sup, [made["review"]])
    by_sw = [made["decision"], made["link"], made["analysis"]]
    assert [r["status"] for r in await push(client, sw, by_sw)] == ["accepted"] * 3
    before = {v["version_id"] for v in made.values()}
    held = await pull_from(client, hv, 0)
    assert before <= {i.version_id for p in held for i in p.items}, "the HV read them all"

    restricting = edit(first, restricted=True, reason="Disclosure: CSC only.")
    assert (await push(client, sw, [restricting]))[0]["status"] == "accepted"

    hidden = {first["record_id"], *(v["record_id"] for v in made.values())}
    assert not before & await pulled_ids(client, hv)
    assert before <= await pulled_ids(client, sw)
    assert before <= await pulled_ids(client, sup)
    url = f"/cases/{case.family_id}/chronology"
    assert not hidden & await chronology_ids(client, hv, url)
    for record_id in hidden:
        assert await history_status(client, hv, record_id) == 404
        assert await history_status(client, sw, record_id) == 200
    reviews = await client.get(f"/records/{first['record_id']}/reviews", headers=sw)
    found = [r["review_record_id"] for r in reviews.json()["reviews"]]
    assert found == [made["review"]["record_id"]]
    assert sorted(withdrawn(await pull_from(client, hv, held[-1].next_cursor))) == sorted(hidden)
    sw_pages = await pull_from(client, sw, 0)
    assert withdrawn(sw_pages) == [], "the author's agency still reads them"
    inherited = {row[0] for row in restriction_rows(db_path) if row[1] == restricting["version_id"]}
    assert inherited == hidden


async def test_a_record_about_the_entry_made_after_it_was_hidden_is_never_named(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    """Withdrawal names only what the HV could read: a review pushed after the restriction
    inherits it at push and never reached her, so it is not named even when roles narrow."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    first = entry(case.family_id, sw_id, [case.child_ids[0]])
    plain = entry(case.family_id, sw_id, [case.child_ids[0]], hours=1)
    await push(client, sw, [first, plain])
    cursor = (await pull_from(client, hv, 0))[-1].next_cursor
    restricting = edit(first, restricted=True, restricted_roles=["supervisor"])
    await push(client, sw, [restricting])
    sup = await sign_in(client, "demo-sup")
    late = about(case, demo, restricting, plain)["review"]
    assert (await push(client, sup, [late]))[0]["status"] == "accepted"
    await push(client, sw, [edit(restricting, restricted_roles=[])])

    assert withdrawn(await pull_from(client, hv, cursor)) == [first["record_id"]]
    assert late["version_id"] not in await pulled_ids(client, hv)


async def test_an_amendment_lifting_the_restriction_leaves_records_about_it_hidden(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed
) -> None:
    """As for the entry itself (restriction is sticky), restricted=False lifts nothing."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    first = entry(case.family_id, sw_id, [case.child_ids[0]])
    plain = entry(case.family_id, sw_id, [case.child_ids[0]], hours=1)
    await push(client, sw, [first, plain])
    link = about(case, demo, first, plain)["link"]
    await push(client, sw, [link])
    restricting = edit(first, restricted=True)
    await push(client, sw, [restricting])
    lifted = edit(restricting, restricted=False, reason="Shared after the meeting.")
    assert (await push(client, sw, [lifted]))[0]["status"] == "accepted"
    assert not {lifted["version_id"], link["version_id"]} & await pulled_ids(client, hv)
    assert {lifted["version_id"], link["version_id"]} <= await pulled_ids(client, sw)


async def test_a_batch_restricting_an_existing_record_passes_it_on_with_one_query(
    services: ServiceContainer, client: AsyncTestClient[Any], sw: Headers
) -> None:
    """The common push (new records, plain edits, a restriction kept as it was) never asks
    for records about the entry; a restricting edit asks once, whatever the batch holds."""
    family = await cp_family(client, services, sw, "demo-hv")
    entries = [entry(family.case_id, family.author_id, [family.child_id]) for _ in range(3)]
    fresh = ingest_counting(services, family, entries)
    restricting = [edit(e, restricted=True) for e in entries]
    another = entry(family.case_id, family.author_id, [family.child_id])
    restricted = ingest_counting(services, family, [*restricting, another])
    kept = ingest_counting(services, family, [edit(r, summary="Reworded.") for r in restricting])
    assert fresh["inherit_restrictions"] == kept["inherit_restrictions"] == 0
    assert restricted["inherit_restrictions"] == 1


async def test_entries_restricted_before_the_upgrade_pass_it_on_to_the_records_about_them(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed, db_path: Path
) -> None:
    """Migration 0009's backfill: an entry whose restriction row was written before records
    about it inherited restrictions gives its row to the review already made about it."""
    case, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    first = entry(case.family_id, sw_id, [case.child_ids[0]])
    plain = entry(case.family_id, sw_id, [case.child_ids[0]], hours=1)
    await push(client, sw, [first, plain])
    review = about(case, demo, first, plain)["review"]
    await push(client, await sign_in(client, "demo-sup"), [review])
    with sqlite3.connect(db_path) as conn:  # an old server's row: the entry alone restricted
        conn.execute(
            "INSERT INTO restricted_versions (record_id, version_id, case_id, owner_agency,"
            " roles) VALUES (?, ?, ?, 'CSC', '')",
            (first["record_id"], first["version_id"], case.family_id),
        )
    assert await history_status(client, hv, review["record_id"]) == 200

    with sqlite3.connect(db_path) as conn:
        written = inherit_existing_restrictions(conn)

    assert written == 1
    assert await history_status(client, hv, review["record_id"]) == 404
    assert await history_status(client, sw, review["record_id"]) == 200
