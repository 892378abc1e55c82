"""The demo's conference chair and school (docs/domain.md, Roles), both on demo family 2.

demo-school is a partner contributor: it pulls family 2's child and family records reduced,
the plan and its outcomes, and its own agency's entry, but no visit and no other agency's
entry. demo-chair chaired family 2's initial conference, so the app's professionals-only
meeting form offers them as approver, and the server accepts a meeting naming them.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from mobile_app.crypto import new_kdf_params
from mobile_app.services.planning.meetings import MeetingForm, MeetingService
from mobile_app.store import DeviceStore
from shared.models import ChronologyEntry, Meeting
from shared.protocol import PulledVersion
from shared.vocabulary import Agency, EventType, MeetingType, ProfessionalsOnlyReason, Role
from sync_server.demo import DemoSeed
from sync_server.demo.cases import DemoCase
from sync_server.services.access.partner_view import reduced_payload
from tests.sync_server.server_builders import push, sign_in, statutory_visit, version
from tests.sync_server.test_server_pull import pull_all

Headers = dict[str, str]
PARTNER_READS = {"family", "child", "cp_plan", "plan_outcome"}


async def _pulled(client: AsyncTestClient[Any], username: str) -> list[PulledVersion]:
    headers = await sign_in(client, username)
    return [item for page in await pull_all(client, headers, limit=500) for item in page.items]


def _school_entries(case: DemoCase, school_id: str) -> list[str]:
    return [
        v.version_id
        for v in case.versions
        if isinstance(v.payload, ChronologyEntry) and v.payload.author_id == school_id
    ]


async def _a_visit_by_demo_hv(client: AsyncTestClient[Any], case: DemoCase) -> str:
    item = statutory_visit(case.family_id, case.child_ids[0], hours_ago=3)
    results = await push(client, await sign_in(client, "demo-hv"), [item])
    assert [r["status"] for r in results] == ["accepted"], results
    return str(item["version_id"])


def test_the_chair_and_the_school_are_on_family_2_only(demo: DemoSeed) -> None:
    chair, school = demo.practitioners["demo-chair"], demo.practitioners["demo-school"]
    assert (chair.role, chair.agency) == (Role.CP_CHAIR, Agency.CSC)
    assert (school.role, school.agency) == (Role.PARTNER_CONTRIBUTOR, Agency.SCHOOL)
    family_2 = demo.cases[1]
    [icpc] = [
        v.payload
        for v in family_2.versions
        if isinstance(v.payload, Meeting) and v.payload.meeting_type == MeetingType.ICPC
    ]
    assert icpc.chair_id == chair.id
    assert set(icpc.child_ids) == set(family_2.child_ids)
    [entry_id] = _school_entries(family_2, school.id)
    assert family_2.pushed_by[entry_id] == school  # pushed in the school's own name
    for other in (demo.cases[0], demo.cases[2]):
        assert not any(isinstance(v.payload, Meeting) for v in other.versions)
        assert not _school_entries(other, school.id)


async def test_demo_school_pulls_the_reduced_family_the_plan_and_its_own_entry_only(
    client: AsyncTestClient[Any], demo: DemoSeed
) -> None:
    family_2 = demo.cases[1]
    visit_id = await _a_visit_by_demo_hv(client, family_2)
    school = demo.practitioners["demo-school"]

    items = await _pulled(client, "demo-school")

    assert {i.case_id for i in items} == {family_2.family_id}
    seeded = {v.version_id: v for v in family_2.versions}
    expected = {vid for vid, v in seeded.items() if v.payload.record_type in PARTNER_READS} | set(
        _school_entries(family_2, school.id)
    )
    assert {i.version_id for i in items} == expected
    assert visit_id not in {i.version_id for i in items}
    kinds = {i.payload.record_type for i in items}
    assert kinds == PARTNER_READS | {"chronology_entry"}  # no visit, meeting or adult
    [own] = [i.payload for i in items if isinstance(i.payload, ChronologyEntry)]
    assert own.author_id == school.id
    assert own.source_agency == Agency.SCHOOL
    assert own.event_type == EventType.SCHOOL_ABSENCE_EXCLUSION
    for item in items:
        if item.payload.record_type in {"child", "family"}:
            original = seeded[item.version_id].payload
            assert item.payload == reduced_payload(original)
            assert item.payload != original  # the NHS number, flags and the like are gone


async def test_demo_chair_pulls_family_2_with_the_conference_they_chaired(
    client: AsyncTestClient[Any], demo: DemoSeed
) -> None:
    family_2 = demo.cases[1]
    items = await _pulled(client, "demo-chair")
    assert {i.case_id for i in items} == {family_2.family_id}
    assert {i.version_id for i in items} == {v.version_id for v in family_2.versions}
    [icpc] = [
        i.payload
        for i in items
        if isinstance(i.payload, Meeting) and i.payload.meeting_type == MeetingType.ICPC
    ]
    assert icpc.chair_id == demo.practitioners["demo-chair"].id


async def test_demo_sw_records_a_professionals_only_meeting_demo_chair_approves(
    client: AsyncTestClient[Any], demo: DemoSeed, tmp_path: Path
) -> None:
    family_2, sw = demo.cases[1], demo.practitioners["demo-sw"]
    chair_id = demo.practitioners["demo-chair"].id
    store = DeviceStore.create(
        tmp_path / "sw-device",
        "amber-kettle-orchard-7",
        new_kdf_params(iterations=1, lanes=1, memory_kib=1024),
    )
    try:
        store.records.merge_pulled(await _pulled(client, "demo-sw"))
        meetings = MeetingService(store, sw)
        assert [c.chair_id for c in meetings.chairs(family_2.family_id)] == [chair_id]
        assert meetings.chairs(demo.cases[0].family_id) == []  # family 1 had no conference
        made = meetings.record(
            family_2.family_id,
            family_2.child_ids,
            MeetingForm(
                reason_code=ProfessionalsOnlyReason.DISGUISED_COMPLIANCE_CONCERN.value,
                chair_approved_by=chair_id,
                decisions="Agencies to share attendance and visit records weekly.",
            ),
        )
    finally:
        store.close()

    sw_headers = await sign_in(client, "demo-sw")
    results = await push(client, sw_headers, [made.model_dump(mode="json")])
    assert [r["status"] for r in results] == ["accepted"], results

    chair_items = await _pulled(client, "demo-chair")  # the chair sees it made in their name
    [held] = [i for i in chair_items if i.record_id == made.record_id]
    assert isinstance(held.payload, Meeting)
    assert held.payload.chair_approved_by == chair_id


async def test_a_professionals_only_meeting_approved_by_the_supervisor_is_refused(
    client: AsyncTestClient[Any], demo: DemoSeed
) -> None:
    family_2 = demo.cases[1]
    meeting = {
        "record_type": "meeting",
        "meeting_type": "professionals_only",
        "child_ids": list(family_2.child_ids),
        "held_at": datetime.now(UTC).isoformat(),
        "reason_code": "drift_review",
        "chair_approved_by": demo.practitioners["demo-sup"].id,
    }
    results = await push(
        client, await sign_in(client, "demo-sw"), [version(family_2.family_id, meeting)]
    )
    assert [r["status"] for r in results] == ["rejected"]
    assert results[0]["field"] == "payload.chair_approved_by"
