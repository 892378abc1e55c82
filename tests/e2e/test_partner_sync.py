"""A partner contributor's phone, over the real server process (docs/domain.md, Roles; issue 7).

School and police staff allocated to the demo family on a CP plan sync with the app's own
services and client: each phone receives the family, the child, the plan and its outcomes,
and its own agency's entries, never the visits, adults or other agencies' entries the
family's workers recorded. A school entry reaches the school colleague's phone, not the
police officer's. The child and family arrive reduced (services/access/partner_view.py): names and
date of birth, no NHS number, GP, address history or think-family flags, and the child is
still on the phone's caseload, ready for an entry.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobile_app.services.records import RecordService
from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.repository import open_sqlite_repository
from sync_server.services.access.passwords import PasswordHasher
from tests.e2e.admin_here import admin_here
from tests.e2e.conftest import DEMO_PASSWORD, ServerProcess
from tests.e2e.sync_devices import SyncDevice, transport

pytestmark = pytest.mark.e2e

PARTNERS = {
    "school-dsl": Agency.SCHOOL,
    "school-deputy": Agency.SCHOOL,
    "police-liaison": Agency.POLICE,
}
HOUSING = "housing-officer"  # a fourth partner, for the test of one phone alone
WHOLE_TYPES = {"family", "child", "cp_plan", "plan_outcome"}  # every record of these kinds
# What the social worker adds to the child and family: none of it may reach a partner's phone.
CHILD_DETAIL = {
    "ethnicity": "White British",
    "gp": "Banbury Cross Surgery",
    "address_history": [{"line1": "2 Old Row", "town": "Bicester", "postcode": "OX26 1AA"}],
}
FAMILY_DETAIL = {
    "think_family_flags": ["DA", "substance"],
    "agencies_involved": [{"agency": "police", "worker_name": "PC Example"}],
}


def add_partner(server: ServerProcess, username: str, agency: Agency) -> None:
    """Store a partner contributor in the running server's database (an administrator's act:
    there is no sign-up), with the demo password at the cheapest hashing cost."""
    person = Practitioner(
        id=new_id(), username=username, display_name=f"Test {agency.value} partner",
        role=Role.PARTNER_CONTRIBUTOR, agency=agency, team="North Oxon",
    )  # fmt: skip
    repository = open_sqlite_repository(server.db)
    try:
        password_hash = PasswordHasher(memory_kib=64, iterations=1).hash(DEMO_PASSWORD)
        repository.add_practitioner(person, password_hash, datetime.now(UTC).isoformat())
    finally:
        repository.close()


def allocate(server: ServerProcess, username: str, case_id: str) -> None:
    """Allocate the case with the administrator's command, as an administrator would."""
    admin_here(server, "allocate", username, case_id)


def _amended(item: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    """A new version of a pulled record with `detail` added to its payload."""
    return {
        "version_id": new_id(), "record_id": item["record_id"], "case_id": item["case_id"],
        "replaces_version_id": item["version_id"], "amend_reason": "Details from the GP.",
        "device_time": datetime.now(UTC).isoformat(), "payload": {**item["payload"], **detail},
    }  # fmt: skip


def planned_family(server: ServerProcess) -> dict[str, dict[str, Any]]:
    """As demo-sw: record a visit to the demo family on a CP plan, and the child's and the
    family's details; return the family's records (the child and family at their new head)."""
    with httpx.Client(base_url=server.url, transport=transport(), timeout=30) as sw:
        body = {"username": "demo-sw", "password": DEMO_PASSWORD, "device_name": "e2e script"}
        login = sw.post("/auth/login", json=body)
        assert login.status_code == 200, login.text
        sw.headers["Authorization"] = f"Bearer {login.json()['token']}"
        sw_id = login.json()["practitioner"]["id"]
        items = sw.get("/sync/pull", params={"limit": 2000}).json()["items"]
        [case_id] = {i["case_id"] for i in items if i["payload"]["record_type"] == "cp_plan"}
        child_id = next(
            i["record_id"]
            for i in items
            if i["case_id"] == case_id and i["payload"]["record_type"] == "child"
        )
        start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
        visit = {
            "version_id": new_id(), "record_id": new_id(), "case_id": case_id,
            "device_time": (start + timedelta(hours=2)).isoformat(),
            "payload": {
                "record_type": "visit", "child_ids": [child_id], "visit_type": "statutory_CP",
                "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat(),
                "persons_present": [{"person_id": sw_id}], "child_seen": True,
                "seen_alone": True, "bedroom_seen": True,
                "father_or_male_carer": {"not_known_reason": "Mother declined to say."},
            },
        }  # fmt: skip
        child = _amended(next(i for i in items if i["record_id"] == child_id), CHILD_DETAIL)
        family_record = next(i for i in items if i["record_id"] == case_id)
        family_detail = _amended(family_record, FAMILY_DETAIL)
        pushed = sw.post("/sync/push", json={"items": [visit, child, family_detail]})
        results = pushed.json()["results"]
        assert [r["status"] for r in results] == ["accepted"] * 3, results
        family = [i for i in items if i["case_id"] == case_id]
        return {i["record_id"]: i for i in [*family, visit, child, family_detail]}


@pytest.fixture(scope="module")
def family(server: ServerProcess) -> dict[str, dict[str, Any]]:
    """The partners' accounts, and the family's records once its workers have added theirs."""
    for username, agency in {**PARTNERS, HOUSING: Agency.HOUSING}.items():
        add_partner(server, username, agency)
    return planned_family(server)


@pytest.fixture
def devices() -> Iterator[dict[str, SyncDevice]]:
    """The phones a test signs in, closed after it."""
    phones: dict[str, SyncDevice] = {}
    yield phones
    for phone in phones.values():
        phone.close()


def _held(device: SyncDevice, case_id: str) -> dict[str, str]:
    """The records of the case on the phone: record id -> record type."""
    return {r.record_id: r.record_type for r in device.store.records.rows(case_id=case_id)}


def test_partner_phones_hold_the_plan_summary_and_their_own_agencys_entries_only(
    server: ServerProcess,
    tmp_path: Path,
    family: dict[str, dict[str, Any]],
    devices: dict[str, SyncDevice],
) -> None:
    case_id = next(iter(family.values()))["case_id"]
    for username in PARTNERS:
        allocate(server, username, case_id)
        devices[username] = SyncDevice.sign_in(username, tmp_path / username, server.url, username)
    school, deputy, police = devices.values()

    child_id = school.children[case_id][0]
    [written] = school.record_entries(case_id, child_id, ["Arrived hungry; breakfast club."])
    school.sync()
    deputy.sync()
    police.sync()

    kinds = {record_id: r["payload"]["record_type"] for record_id, r in family.items()}
    assert {"visit", "significant_adult", "chronology_entry"} <= set(kinds.values())
    summary = {record_id for record_id, kind in kinds.items() if kind in WHOLE_TYPES}
    # Who pushed each record: demo-sw's visit and details above were pushed here, not pulled.
    agency = {
        record_id: r.get("author_agency", Agency.CSC.value) for record_id, r in family.items()
    }
    assert (school.pending(), school.refused()) == (set(), {})
    for phone in (school, deputy, police):
        held = _held(phone, case_id)
        # the demo school's own entry is the school phones' too; nothing else beyond the summary
        own = {r for r in set(kinds) - summary if agency[r] == phone.me.agency.value}
        withheld = set(kinds) - summary - own  # the visit, the adults, other agencies' entries
        assert set(held.values()) <= {*WHOLE_TYPES, "chronology_entry"}, phone.name
        assert summary | own <= set(held), phone.name
        assert withheld.isdisjoint(held), phone.name
    assert written.record_id in _held(deputy, case_id), "a school colleague's phone has it"
    assert written.record_id not in _held(police, case_id), "another agency's phone does not"


def test_a_partner_phone_holds_the_child_reduced_shows_them_and_records_an_entry(
    server: ServerProcess,
    tmp_path: Path,
    family: dict[str, dict[str, Any]],
    devices: dict[str, SyncDevice],
) -> None:
    case_id = next(iter(family.values()))["case_id"]
    child_id = next(r for r, i in family.items() if i["payload"]["record_type"] == "child")
    sent = family[child_id]
    allocate(server, HOUSING, case_id)
    housing = SyncDevice.sign_in(HOUSING, tmp_path / "housing", server.url, HOUSING)
    devices[HOUSING] = housing

    [case] = RecordService(housing.store).caseload()
    child = case.children[child_id]
    held = housing.store.records.get(housing.heads(child_id)[0]).version

    assert held.version_id == sent["version_id"]  # the head the social worker pushed
    assert (child.given_name, child.family_name) == (
        sent["payload"]["given_name"],
        sent["payload"]["family_name"],
    )
    assert child.dob is not None
    assert child.dob.isoformat() == sent["payload"]["dob"]
    assert sent["payload"]["nhs_number"] is not None  # the social worker's record has one
    assert (child.nhs_number, child.ethnicity, child.gp) == (None, None, None)
    assert child.address_history == ()
    assert (case.family.think_family_flags, case.family.agencies_involved) == ((), ())
    assert case.family.family_name == family[case_id]["payload"]["family_name"]

    [written] = housing.record_entries(
        case_id, child_id, ["Rent arrears letter served; mother fears eviction."]
    )
    report = housing.sync()

    assert (housing.pending(), housing.refused()) == (set(), {})
    assert report.accepted == 1
    with httpx.Client(base_url=server.url, transport=transport(), timeout=30) as sw:
        body = {"username": "demo-sw", "password": DEMO_PASSWORD, "device_name": "e2e check"}
        sw.headers["Authorization"] = f"Bearer {sw.post('/auth/login', json=body).json()['token']}"
        versions = sw.get(f"/records/{written.record_id}/versions").json()["versions"]
    assert [v["version_id"] for v in versions] == [written.version_id]
