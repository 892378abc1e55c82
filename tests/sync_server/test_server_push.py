"""POST /sync/push: every ingest rule, idempotent retries, and nothing lost or duplicated."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.visit_completeness import MESSAGES
from sync_server.demo import DemoSeed
from tests.sync_server.server_builders import (
    edit,
    entry,
    push,
    resolve,
    statutory_visit,
    stored_rows,
    take_back,
    version,
)

Headers = dict[str, str]


@pytest.fixture
def fam1(demo: DemoSeed) -> Any:
    return demo.cases[0]


@pytest.fixture
def sw_id(demo: DemoSeed) -> str:
    return demo.practitioners["demo-sw"].id


async def test_new_entry_is_accepted_with_a_server_seq(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str
) -> None:
    item = entry(fam1.family_id, sw_id, list(fam1.child_ids))
    [result] = await push(client, sw, [item])
    assert result["status"] == "accepted"
    assert result["version_id"] == item["version_id"]
    assert result["server_seq"] > 0
    assert result["conflicting_version_ids"] == []


async def test_retried_batch_duplicates_nothing(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str, db_path: Path
) -> None:
    base = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    items = [
        base,
        edit(base, summary="Corrected summary."),
        entry(fam1.family_id, sw_id, [fam1.child_ids[1]]),
    ]
    first = await push(client, sw, items)
    after_first = stored_rows(db_path)
    second = await push(client, sw, items)
    assert [r["status"] for r in first] == ["accepted"] * 3
    assert [r["status"] for r in second] == ["duplicate"] * 3
    assert [r["server_seq"] for r in second] == [r["server_seq"] for r in first]
    assert stored_rows(db_path) == after_first


async def test_two_edits_of_one_base_are_both_kept_as_a_conflict(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str, db_path: Path
) -> None:
    base = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    await push(client, sw, [base])
    mine = edit(base, summary="Edit made on the tablet.")
    theirs = edit(base, summary="Edit made on the phone.")
    [first] = await push(client, sw, [mine])
    [second] = await push(client, sw, [theirs])
    assert first["status"] == "accepted"
    assert second["status"] == "conflict"
    assert second["server_seq"] > first["server_seq"]
    assert second["conflicting_version_ids"] == [mine["version_id"]]
    stored = {row[1] for row in stored_rows(db_path)["versions"]}
    assert {base["version_id"], mine["version_id"], theirs["version_id"]} <= stored


async def test_conflicting_edits_in_one_batch(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str
) -> None:
    base = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    a, b, c = (edit(base, summary=f"Edit {n}.") for n in "abc")
    results = await push(client, sw, [base, a, b, c])
    assert [r["status"] for r in results] == ["accepted", "accepted", "conflict", "conflict"]
    assert results[3]["conflicting_version_ids"] == [a["version_id"], b["version_id"]]


async def test_same_version_twice_in_one_batch(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str
) -> None:
    item = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    changed = {**item, "payload": {**item["payload"], "summary": "Different text."}}
    results = await push(client, sw, [item, item, changed])
    assert [r["status"] for r in results] == ["accepted", "duplicate", "rejected"]
    assert results[1]["server_seq"] == results[0]["server_seq"]
    assert results[2]["field"] == "version_id"


async def test_a_new_record_twice_in_one_batch_is_refused(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str
) -> None:
    first = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    second = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    second["record_id"] = first["record_id"]
    results = await push(client, sw, [first, second])
    assert [(r["status"], r["field"]) for r in results] == [
        ("accepted", None),
        ("rejected", "record_id"),
    ]


async def test_duplicate_check_ignores_json_formatting(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str
) -> None:
    item = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    await push(client, sw, [item])
    reordered = dict(reversed(list(item.items())))
    reordered["payload"] = {**item["payload"], "summary": "  " + item["payload"]["summary"]}
    [result] = await push(client, sw, [reordered])
    assert result["status"] == "duplicate", "same content after validation: a true resubmission"


def _rules(fam: Any, other_fam: Any, sw_id: str, hv_id: str) -> dict[str, Any]:
    """Per rule: (items to push first, the item, the field it must name; None: accepted)."""
    case, child = fam.family_id, fam.child_ids[0]
    base = entry(case, sw_id, [child])
    other_base = entry(other_fam.family_id, sw_id, [other_fam.child_ids[0]])
    same_id = {**base, "payload": {**base["payload"], "summary": "Another text."}}
    reused_record = entry(case, sw_id, [child])
    reused_record["record_id"] = base["record_id"]
    unknown_base = edit(base)
    unknown_base["replaces_version_id"] = new_id()
    other_record = edit(base)
    other_record["record_id"] = new_id()
    other_case = edit(other_base)
    other_case["case_id"] = case
    checklist = version(case, {"record_type": "checklist_response", "child_id": child,
                               "assessed_at": "2025-03-01T10:00:00+00:00", "assessor_id": hv_id,
                               "age_band": "0-1", "answers": []})  # fmt: skip
    child_rec = version(case, {"record_type": "child", "given_name": "A", "family_name": "B",
                               "dob": "2024-01-01"})  # fmt: skip
    adult = {"record_type": "significant_adult", "child_ids": [child], "relationship": "mother",
             "name": "A Person"}  # fmt: skip
    retyped = version(case, adult, replaces=base, reason="Wrong kind of record.")
    no_reason = edit(base, reason="   ")
    withdrawn_first = entry(case, sw_id, [child])
    withdrawn_first["lifecycle"] = "withdrawn"
    rival = edit(base)
    also_unknown = resolve([base, rival])
    also_unknown["also_replaces"] = [new_id()]
    other_entry = entry(case, sw_id, [child])
    also_other_record = resolve([base, other_entry])
    also_other_record["record_id"] = base["record_id"]
    also_other_case = resolve([base, other_base])
    also_other_case["record_id"] = base["record_id"]
    cases = [
        ("case-not-allocated", [], entry(new_id(), sw_id, [child]), "case_id"),
        ("author-not-me", [], entry(case, hv_id, [child]), "payload.author_id"),
        ("assessor-not-me", [], checklist, "payload.assessor_id"),
        ("version-id-reused", [base], same_id, "version_id"),
        ("record-exists", [base], reused_record, "record_id"),
        ("replaces-unknown", [base], unknown_base, "replaces_version_id"),
        ("replaces-other-record", [base], other_record, "replaces_version_id"),
        ("replaces-other-case", [other_base], other_case, "replaces_version_id"),
        ("child-of-other-case", [], entry(case, sw_id, [other_fam.child_ids[0]]),
         "payload.child_ids"),
        ("child-unknown", [], entry(case, sw_id, [new_id()]), "payload.child_ids"),
        ("family-not-own-case", [], version(case, {"record_type": "family", "family_name": "X",
         "address": {"line1": "1 A St", "town": "T", "postcode": "OX1 1AA"}}), "case_id"),
        ("child-by-social-worker-only-ok", [], child_rec, None),
        ("edit-changes-record-type", [base], retyped, "payload.record_type"),
        ("edit-without-reason", [base], no_reason, "amend_reason"),
        ("withdraw-without-reason", [base], take_back(base, "withdrawn", reason=""),
         "amend_reason"),
        ("first-version-withdrawn", [], withdrawn_first, "lifecycle"),
        ("also-replaces-unknown", [base, rival], also_unknown, "also_replaces"),
        ("also-replaces-other-record", [base, other_entry], also_other_record, "also_replaces"),
        ("also-replaces-other-case", [base, other_base], also_other_case, "also_replaces"),
    ]  # fmt: skip
    return {name: rest for name, *rest in cases}


RULES = ["case-not-allocated", "author-not-me", "assessor-not-me", "version-id-reused",
         "record-exists", "replaces-unknown", "replaces-other-record", "replaces-other-case",
         "child-of-other-case", "child-unknown", "family-not-own-case",
         "child-by-social-worker-only-ok", "edit-changes-record-type", "edit-without-reason",
         "withdraw-without-reason", "first-version-withdrawn", "also-replaces-unknown",
         "also-replaces-other-record", "also-replaces-other-case"]  # fmt: skip


@pytest.mark.parametrize("name", RULES)
async def test_each_rule_rejects_with_its_field(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, sw_id: str, name: str, db_path: Path
) -> None:
    hv_id = demo.practitioners["demo-hv"].id
    rules = _rules(demo.cases[0], demo.cases[2], sw_id, hv_id)
    assert set(rules) == set(RULES)
    before, item, field = rules[name]
    if before:
        assert {r["status"] for r in await push(client, sw, before)} == {"accepted"}
    snapshot = stored_rows(db_path)
    [result] = await push(client, sw, [item])
    if field is None:
        assert result["status"] == "accepted", name
        return
    assert result["status"] == "rejected", name
    assert result["field"] == field, name
    assert result["message"]
    assert result["server_seq"] is None
    assert stored_rows(db_path) == snapshot, f"{name}: a rejected item changed nothing"


async def test_family_and_child_records_need_a_social_worker(
    client: AsyncTestClient[Any], hv: Headers, fam1: Any
) -> None:
    child = version(
        fam1.family_id,
        {"record_type": "child", "given_name": "A", "family_name": "B", "dob": "2024-01-01"},
    )
    [result] = await push(client, hv, [child])
    assert (result["status"], result["field"]) == ("rejected", "payload.record_type")


async def test_health_visitor_may_add_entries_to_an_allocated_case(
    client: AsyncTestClient[Any], hv: Headers, fam1: Any, demo: DemoSeed
) -> None:
    hv_id = demo.practitioners["demo-hv"].id
    item = entry(fam1.family_id, hv_id, [fam1.child_ids[0]], author_role="health_visitor",
                 source_agency="health_visiting")  # fmt: skip
    [result] = await push(client, hv, [item])
    assert result["status"] == "accepted"


async def test_one_bad_item_does_not_stop_the_good_ones(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str
) -> None:
    good1 = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    invalid = entry(fam1.family_id, sw_id, [fam1.child_ids[0]], summary="")
    not_mine = entry(new_id(), sw_id, [fam1.child_ids[0]])
    good2 = entry(fam1.family_id, sw_id, [fam1.child_ids[1]])
    not_an_object = ["nope"]
    results = await push(client, sw, [good1, invalid, not_mine, good2, not_an_object])
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected", "accepted",
                                              "rejected"]  # fmt: skip
    assert results[1]["field"] == "payload.summary"
    assert results[1]["version_id"] == invalid["version_id"]
    assert results[2]["field"] == "case_id"
    assert results[4]["version_id"] == ""
    assert results[3]["server_seq"] == results[0]["server_seq"] + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"persons_present": []}, "persons_present"),
        ({"seen_alone": False}, "not_seen_alone_reason"),
    ],
)
async def test_an_incomplete_visit_is_refused_in_the_words_the_app_shows(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, change: dict[str, Any], field: str
) -> None:
    item = statutory_visit(fam1.family_id, fam1.child_ids[0], hours_ago=2)
    item["payload"].update(change)

    [result] = await push(client, sw, [item])

    assert (result["status"], result["field"]) == ("rejected", f"payload.{field}")
    assert result["message"] == MESSAGES[field]  # V3 (shared.visit_completeness)


async def test_item_errors_do_not_echo_what_was_sent(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str
) -> None:
    secret = "Mother disclosed X-SECRET-DETAIL"
    bad = entry(fam1.family_id, sw_id, [fam1.child_ids[0]], significance=secret)
    bad["payload"]["no_such_field"] = secret
    response = await client.post("/sync/push", json={"items": [bad]}, headers=sw)
    assert response.status_code == 200
    assert secret not in response.text
    assert response.json()["results"][0]["status"] == "rejected"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (b"{not json", "invalid_json", None),
        (b"", "invalid_json", None),
        (b'{"items": [{"x": "\\ud800"}]}', "invalid_json", None),
        (b"[]", "validation_failed", "body"),
        (b'{"protocol_version": 2, "items": []}', "validation_failed", "protocol_version"),
        (b'{"items": {}}', "validation_failed", "items"),
        (b'{"items": [], "extra": 1}', "validation_failed", "extra"),
        (b'{"protocol_version": 1}', "validation_failed", "items"),
        (b'{"items": [' + b",".join([b"{}"] * 2001) + b"]}", "validation_failed", "items"),
        (b"[" * 100_000, "invalid_json", None),
    ],
    ids=["syntax", "empty", "lone-surrogate", "array", "protocol", "items-not-list",
         "extra-key", "no-items", "too-many", "deep-nesting"],
)  # fmt: skip
async def test_bad_bodies_get_400_and_store_nothing(
    client: AsyncTestClient[Any], sw: Headers, db_path: Path, body: bytes, code: str,
    field: str | None,
) -> None:  # fmt: skip
    snapshot = stored_rows(db_path)
    response = await client.post("/sync/push", content=body, headers=sw)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == code
    assert set(payload) == {"code", "message", "details"}
    if field is not None:
        assert payload["details"]["errors"][0]["field"] == field
    assert stored_rows(db_path) == snapshot


async def test_push_is_audited_with_ids_only(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str, repository: Any
) -> None:
    await push(client, sw, [entry(fam1.family_id, sw_id, [fam1.child_ids[0]])])
    [event] = [e for e in repository.audit_events("sync_push") if e.device_id is not None]
    assert event.actor_id == sw_id


async def test_a_retry_after_the_case_left_scope_is_still_a_duplicate(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any, sw_id: str, services: Any
) -> None:
    """Regression: a retried version (its answer lost) was refused once the case was
    re-allocated, and the practitioner was told to record it again: a duplicate."""
    item = entry(fam1.family_id, sw_id, [fam1.child_ids[0]])
    (first,) = await push(client, sw, [item])
    services.allocations.deallocate("demo-sw", fam1.family_id)
    (again,) = await push(client, sw, [item])
    assert again["status"] == "duplicate"
    assert again["server_seq"] == first["server_seq"]
    (fresh,) = await push(client, sw, [entry(fam1.family_id, sw_id, [fam1.child_ids[0]])])
    assert fresh["status"] == "rejected"
    assert fresh["field"] == "case_id"


async def test_a_cursor_beyond_64_bits_is_a_named_400(
    client: AsyncTestClient[Any], sw: Headers
) -> None:
    """Regression: a huge cursor overflowed SQLite's integer bind (a 500)."""
    response = await client.get("/sync/pull?cursor=100000000000000000000", headers=sw)
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "cursor"


async def test_a_baby_seen_without_saying_whether_awake_is_refused(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any
) -> None:
    baby, older = fam1.child_ids  # the demo's family 1: 5 months and 2 years old
    asleep_unknown = statutory_visit(fam1.family_id, baby, hours_ago=2)
    del asleep_unknown["payload"]["seen_awake"]
    older_child = statutory_visit(fam1.family_id, older, hours_ago=2)
    del older_child["payload"]["seen_awake"]
    answered = statutory_visit(fam1.family_id, baby, hours_ago=2)
    answered["payload"]["seen_awake"] = False

    results = await push(client, sw, [asleep_unknown, older_child, answered])

    assert [r["status"] for r in results] == ["rejected", "accepted", "accepted"], results
    assert (results[0]["field"], results[0]["message"]) == (
        "payload.seen_awake",
        MESSAGES["seen_awake"],  # V3 in the app's words (shared.visit_completeness)
    )


async def test_seen_awake_is_asked_by_the_age_on_the_visit_date_of_a_child_made_in_the_push(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any
) -> None:
    born = (datetime.now(UTC) - timedelta(days=400)).date()
    child_id = new_id()
    child = version(
        fam1.family_id,
        {"record_type": "child", "given_name": "Test", "family_name": "Child",
         "dob": born.isoformat(), "status": "CIN"},
        record_id=child_id,
    )  # fmt: skip
    then = statutory_visit(fam1.family_id, child_id, hours_ago=24 * 60)  # under 1 then
    then["payload"]["late_entry_reason"] = "Written up from the paper notes."
    del then["payload"]["seen_awake"]
    now = statutory_visit(fam1.family_id, child_id, hours_ago=2)  # over 1 now
    del now["payload"]["seen_awake"]

    results = await push(client, sw, [child, then, now])

    assert [(r["status"], r["field"]) for r in results] == [
        ("accepted", None), ("rejected", "payload.seen_awake"), ("accepted", None)
    ]  # fmt: skip


async def test_withdrawing_a_visit_is_never_refused_for_seen_awake(
    client: AsyncTestClient[Any], sw: Headers, fam1: Any
) -> None:
    visit = statutory_visit(fam1.family_id, fam1.child_ids[0], hours_ago=2)
    [accepted] = await push(client, sw, [visit])
    gone = take_back(visit, "withdrawn")
    del gone["payload"]["seen_awake"]

    [result] = await push(client, sw, [gone])

    assert (accepted["status"], result["status"]) == ("accepted", "accepted")
