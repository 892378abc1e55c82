"""Issue 6: an entry or a visit is changed only by its original author; others add to it.

Amending, withdrawing, marking entered in error and resolving a conflict are all new versions
that replace the record's head: the server refuses each from anyone but the practitioner who
made the record's first version, names the field at fault and stores nothing of it. Records
that are not one person's account (children, adults, plans) stay open to the roles allowed.
"""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.clock import iso
from shared.protocol import RecordVersion
from shared.vocabulary import Agency, Role
from sync_server.repository import NewVersion
from sync_server.services import ServiceContainer
from sync_server.services.sync.ingest import _to_json
from tests.sync_server.alert_builders import Family, cp_family
from tests.sync_server.ingest_counting import ingest_counting
from tests.sync_server.role_builders import add_person
from tests.sync_server.server_builders import (
    Item,
    edit,
    entry,
    push,
    resolve,
    sign_in,
    take_back,
    version,
)

WHEN = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
NOT_YOURS = "only the entry's author may change it"
Headers = dict[str, str]


def _change(base: Item, kind: str) -> Item:
    """Return a version that amends base, withdraws it or marks it entered in error."""
    return (
        edit(base, summary="Seen at home; corrected.") if kind == "amend" else take_back(base, kind)
    )


def _as(item: Item, author_id: str, role: str = "health_visitor") -> Item:
    """Return item's version signed by another practitioner, as their device would sign it."""
    payload = {**item["payload"], "author_id": author_id, "author_role": role}
    return {**item, "payload": payload}


def _practitioner_id(services: ServiceContainer, username: str) -> str:
    found = services.repository.practitioner_login(username)
    assert found is not None
    return found[0].id


def _stored(services: ServiceContainer, *items: Item) -> list[bool]:
    held = services.repository.version_ids()
    return [item["version_id"] in held for item in items]


def _visit(family: Family, worker_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "record_type": "visit",
        "child_ids": [family.child_id],
        "visit_type": "statutory_CP",
        "start": WHEN.isoformat(),
        "end": (WHEN + timedelta(hours=1)).isoformat(),
        "persons_present": [{"person_id": worker_id}],
        "child_seen": True,
        "seen_alone": True,
        "father_or_male_carer": {"not_known_reason": "Mother declined to say."},
        **changes,
    }


@pytest.fixture
async def family(client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers) -> Family:
    """A family allocated to demo-sw (who records entries) and demo-hv."""
    return await cp_family(client, services, sw, "demo-hv")


@pytest.mark.parametrize("kind", ["amend", "withdrawn", "entered_in_error"])
async def test_only_the_author_amends_withdraws_or_marks_an_entry_in_error(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    sw: Headers,
    hv: Headers,
    family: Family,
    kind: str,
) -> None:
    base = entry(family.case_id, family.author_id, [family.child_id])
    await push(client, sw, [base])
    hv_id = _practitioner_id(services, "demo-hv")
    by_other = _as(_change(base, kind), hv_id)

    refused = await push(client, hv, [by_other])
    by_author = _change(base, kind)
    accepted = await push(client, sw, [by_author])

    assert refused[0]["status"] == "rejected"
    assert refused[0]["field"] == "payload.author_id"
    assert NOT_YOURS in refused[0]["message"]
    assert accepted[0]["status"] == "accepted", accepted
    assert _stored(services, by_other, by_author) == [False, True]
    assert services.repository.heads([base["record_id"]]) == {
        base["record_id"]: [by_author["version_id"]]
    }


async def test_only_the_author_resolves_a_conflict_between_their_own_devices(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    sw: Headers,
    hv: Headers,
    family: Family,
) -> None:
    base = entry(family.case_id, family.author_id, [family.child_id])
    await push(client, sw, [base])
    second_phone = await sign_in(client, "demo-sw")
    left, right = edit(base, summary="Seen at home."), edit(base, summary="Seen at nursery.")
    await push(client, sw, [left])
    assert (await push(client, second_phone, [right]))[0]["status"] == "conflict"
    hv_id = _practitioner_id(services, "demo-hv")
    by_other = _as(resolve([left, right], summary="Seen at home, then at nursery."), hv_id)

    refused = await push(client, hv, [by_other])
    by_author = resolve([left, right], summary="Seen at home, then at nursery.")
    accepted = await push(client, second_phone, [by_author])

    assert (refused[0]["status"], refused[0]["field"]) == ("rejected", "payload.author_id")
    assert accepted[0]["status"] == "accepted", accepted
    assert _stored(services, by_other) == [False]
    assert services.repository.heads([base["record_id"]]) == {
        base["record_id"]: [by_author["version_id"]]
    }


async def test_a_refused_change_does_not_stop_the_rest_of_the_batch(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    sw: Headers,
    hv: Headers,
    family: Family,
) -> None:
    theirs = entry(family.case_id, family.author_id, [family.child_id])
    await push(client, sw, [theirs])
    hv_id = _practitioner_id(services, "demo-hv")
    mine = _as(entry(family.case_id, family.author_id, [family.child_id]), hv_id)
    # Made and amended before one sync: the batch's own first version names the author.
    mine_amended = edit(mine, summary="Seen at home with the father present.")

    results = await push(client, hv, [_as(edit(theirs), hv_id), mine, mine_amended])

    assert [r["status"] for r in results] == ["rejected", "accepted", "accepted"]
    assert results[0]["field"] == "payload.author_id"


async def test_a_new_worker_on_a_transferred_case_adds_entries_but_cannot_amend_old_ones(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, family: Family
) -> None:
    old = entry(family.case_id, family.author_id, [family.child_id])
    await push(client, sw, [old])
    services.allocations.deallocate("demo-sw", family.case_id)
    new_worker = add_person(
        services, "next-sw", Role.SOCIAL_WORKER, Agency.CSC, cases=(family.case_id,)
    )
    headers = await sign_in(client, "next-sw")
    own_entry = entry(family.case_id, new_worker.id, [family.child_id])

    results = await push(
        client,
        headers,
        [
            _as(edit(old), new_worker.id, "social_worker"),
            own_entry,
            _as(take_back(old, "withdrawn"), new_worker.id, "social_worker"),
        ],
    )
    by_old_worker = await push(client, sw, [edit(old)])

    assert [r["status"] for r in results] == ["rejected", "accepted", "rejected"]
    assert {results[0]["field"], results[2]["field"]} == {"payload.author_id"}
    assert by_old_worker[0]["field"] == "case_id"  # the old worker no longer holds the case
    assert services.repository.heads([old["record_id"]]) == {old["record_id"]: [old["version_id"]]}


async def test_only_the_practitioner_who_recorded_a_visit_changes_it(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    sw: Headers,
    hv: Headers,
    family: Family,
) -> None:
    hv_id = _practitioner_id(services, "demo-hv")
    visit = version(family.case_id, _visit(family, hv_id))
    await push(client, hv, [visit])
    reason = "The bedroom was seen too."
    by_other = version(
        family.case_id, _visit(family, hv_id, bedroom_seen=True), replaces=visit, reason=reason
    )
    by_author = version(
        family.case_id, _visit(family, hv_id, bedroom_seen=True), replaces=visit, reason=reason
    )

    refused = await push(client, sw, [by_other])
    accepted = await push(client, hv, [by_author])

    assert (refused[0]["status"], refused[0]["field"]) == ("rejected", "replaces_version_id")
    assert "recorded the visit" in refused[0]["message"]
    assert accepted[0]["status"] == "accepted", accepted
    assert _stored(services, by_other, by_author) == [False, True]


async def test_a_significant_adult_stays_open_to_everyone_on_the_case(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, family: Family
) -> None:
    adult = {"record_type": "significant_adult", "child_ids": [family.child_id],
             "relationship": "mother_partner", "name": "A Person"}  # fmt: skip
    first = version(family.case_id, adult)
    await push(client, sw, [first])

    results = await push(client, hv, [edit(first, residency="resident")])

    assert results[0]["status"] == "accepted", results


def _stored_as(services: ServiceContainer, item: Item, author_id: str) -> None:
    """Store a version as made by author_id, bypassing the push rules (data from before them)."""
    parsed = RecordVersion.model_validate(item)
    canonical = _to_json(parsed)
    row = NewVersion(
        parsed.version_id, parsed.record_id, parsed.payload.record_type,
        parsed.replaces_version_id, parsed.case_id, author_id, "CSC", None,
        iso(parsed.device_time), iso(WHEN), hashlib.sha256(canonical).digest(),
        canonical.decode(),
    )  # fmt: skip
    with services.repository.ingest() as batch:
        batch.insert([row], [])


async def test_the_original_author_is_who_made_the_first_version_not_the_latest(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    sw: Headers,
    hv: Headers,
    family: Family,
) -> None:
    """Regression guard: a non-author's amendment stored before the rule gives them no claim."""
    base = entry(family.case_id, family.author_id, [family.child_id])
    await push(client, sw, [base])
    hv_id = _practitioner_id(services, "demo-hv")
    earlier = _as(edit(base, summary="Changed by another before the rule."), hv_id)
    _stored_as(services, earlier, hv_id)

    by_latest = await push(client, hv, [_as(edit(earlier), hv_id)])
    by_original = await push(client, sw, [_as(edit(earlier), family.author_id, "social_worker")])

    assert (by_latest[0]["status"], by_latest[0]["field"]) == ("rejected", "payload.author_id")
    assert by_original[0]["status"] == "accepted", by_original


async def test_original_authors_are_looked_up_once_per_batch_and_only_for_edits(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: Headers, family: Family
) -> None:
    bases = [entry(family.case_id, family.author_id, [family.child_id]) for _ in range(30)]
    new_only = ingest_counting(services, family, bases)
    edits = [edit(base) for base in bases]
    fresh = [entry(family.case_id, family.author_id, [family.child_id]) for _ in range(10)]

    mixed = ingest_counting(services, family, [*edits, *fresh, *(edit(e) for e in edits)])

    assert new_only["original_authors"] == 0
    assert mixed["original_authors"] == 1


async def test_only_the_practitioner_who_made_a_checklist_changes_it(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    sw: Headers,
    hv: Headers,
    family: Family,
) -> None:
    hv_id = _practitioner_id(services, "demo-hv")
    checklist = version(family.case_id, {
        "record_type": "checklist_response", "child_id": family.child_id,
        "assessed_at": "2025-03-01T10:00:00+00:00", "assessor_id": hv_id, "age_band": "0-1",
        "answers": [],
    })  # fmt: skip
    await push(client, hv, [checklist])

    sw_id = _practitioner_id(services, "demo-sw")
    by_other = await push(client, sw, [edit(checklist, reason="Seen again.", assessor_id=sw_id)])
    by_maker = await push(client, hv, [edit(checklist, reason="Seen again.")])

    assert (by_other[0]["status"], by_other[0]["field"]) == ("rejected", "replaces_version_id")
    assert "made the checklist" in by_other[0]["message"]
    assert by_maker[0]["status"] == "accepted", by_maker
