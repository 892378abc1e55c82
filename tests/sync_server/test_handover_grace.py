"""Issue 13: what the previous team recorded before a transfer still arrives, within the grace
period; outside it the refusal names the transfer, and the sender's supervisor may forward it.

The server's push clock is set to the allocation's end plus or minus a second, so the bounds
are exact: the grace period itself is in time, one second over is not; an event exactly at the
allocation's end counts as before it, one second after does not."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.rules.handover import DEFAULT_HANDOVER_GRACE
from sync_server.demo import DemoSeed
from sync_server.repository import Repository
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import PASSWORD, entry_payload, push, sign_in, version

Headers = dict[str, str]
TRANSFER = {
    "to_username": "demo-hv2",
    "reason": "Family moved to the south of the county.",
    "housing_provider_informed": "no",
}


async def _transfer(client: AsyncTestClient[Any], sw: Headers, case_id: str) -> None:
    response = await client.post(f"/cases/{case_id}/transfers", json=TRANSFER, headers=sw)
    assert response.status_code == 201, response.text


def _hv_entry(demo: DemoSeed, at: datetime) -> dict[str, Any]:
    fam = demo.cases[0]
    payload = entry_payload(
        demo.practitioners["demo-hv"].id, [fam.child_ids[0]], event_datetime=at.isoformat(),
        author_role="health_visitor", source_agency="health_visiting",
        summary="Home visit before the move; baby seen, home cold.",
    )  # fmt: skip
    return version(fam.family_id, payload)


def _ended(repository: Repository, demo: DemoSeed) -> datetime:
    hv_id, case_id = demo.practitioners["demo-hv"].id, demo.cases[0].family_id
    return datetime.fromisoformat(repository.allocation_ends(hv_id, [case_id])[case_id])


def _receive_at(services: ServiceContainer, monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    monkeypatch.setattr(services.sync, "_clock", lambda: at)


@pytest.fixture
async def transferred(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed, repository: Repository
) -> datetime:
    """Case 1 transferred by demo-sw to demo-hv2 (South Oxon); demo-hv's hold ended. Returns
    when it ended."""
    await _transfer(client, sw, demo.cases[0].family_id)
    return _ended(repository, demo)


async def test_exactly_the_grace_period_and_an_event_at_the_end_is_accepted_and_marked(
    client: AsyncTestClient[Any],
    hv: Headers,
    demo: DemoSeed,
    services: ServiceContainer,
    repository: Repository,
    monkeypatch: pytest.MonkeyPatch,
    transferred: datetime,
) -> None:
    late = _hv_entry(demo, transferred)
    _receive_at(services, monkeypatch, transferred + DEFAULT_HANDOVER_GRACE)

    [result] = await push(client, hv, [late])

    assert result["status"] == "accepted", result
    case_id = demo.cases[0].family_id
    [mark] = repository.handover_arrivals([case_id])
    assert (mark.version_id, mark.author_id) == (
        late["version_id"],
        demo.practitioners["demo-hv"].id,
    )
    assert mark.receiving_team == demo.practitioners["demo-hv2"].team
    assert [e.subject_id for e in repository.audit_events("handover_arrival")] == [mark.version_id]
    hv2 = await sign_in(client, "demo-hv2")
    page = (await client.get("/sync/pull?cursor=0&limit=2000", headers=hv2)).json()
    flags = {i["version_id"]: i.get("recorded_before_transfer") for i in page["items"]}
    assert flags[late["version_id"]] is True
    assert sum(1 for flag in flags.values() if flag) == 1, "only the late arrival is flagged"
    chronology = (await client.get(f"/cases/{case_id}/chronology", headers=hv2)).json()
    [line] = [e for e in chronology["entries"] if e["version_id"] == late["version_id"]]
    assert line["recorded_before_transfer"] is True
    assert line["author_name"] == demo.practitioners["demo-hv"].display_name
    pack = (await client.get(f"/cases/{case_id}/transfer-pack", headers=hv2)).json()
    marked = [c["version_id"] for c in pack["chronology"] if c["recorded_before_transfer"]]
    assert marked == [late["version_id"]]
    again = await push(client, hv, [late])
    assert again[0]["status"] == "duplicate", "a retry stores nothing twice"
    assert len(repository.handover_arrivals([case_id])) == 1


async def test_one_second_over_the_grace_period_is_refused_naming_the_transfer(
    client: AsyncTestClient[Any],
    hv: Headers,
    demo: DemoSeed,
    services: ServiceContainer,
    repository: Repository,
    monkeypatch: pytest.MonkeyPatch,
    transferred: datetime,
) -> None:
    late = _hv_entry(demo, transferred - timedelta(hours=2))
    _receive_at(services, monkeypatch, transferred + DEFAULT_HANDOVER_GRACE + timedelta(seconds=1))

    [result] = await push(client, hv, [late])

    assert result["status"] == "rejected"
    assert result["field"] == "case_id"
    team = demo.practitioners["demo-hv2"].team
    assert result["message"].startswith(f"this case was transferred to {team} on ")
    assert "Ask your supervisor to forward it" in result["message"]
    assert late["version_id"] not in repository.version_ids()


async def test_an_event_one_second_after_the_allocation_ended_is_refused(
    client: AsyncTestClient[Any],
    hv: Headers,
    demo: DemoSeed,
    services: ServiceContainer,
    monkeypatch: pytest.MonkeyPatch,
    transferred: datetime,
) -> None:
    after = _hv_entry(demo, transferred + timedelta(seconds=1))
    _receive_at(services, monkeypatch, transferred + timedelta(minutes=1))

    [result] = await push(client, hv, [after])

    assert result["status"] == "rejected"
    assert "before this happened" in result["message"]
    assert "pass it to the receiving team" in result["message"]


async def test_a_case_never_held_or_merely_deallocated_hears_nothing_of_a_transfer(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    await _transfer(client, sw, demo.cases[0].family_id)
    hv2_case = demo.cases[0].family_id
    services.allocations.deallocate("demo-hv2", hv2_case)  # not a transfer: no grace
    hv2 = await sign_in(client, "demo-hv2")
    payload = entry_payload(
        demo.practitioners["demo-hv2"].id, [demo.cases[0].child_ids[0]],
        author_role="health_visitor", source_agency="health_visiting",
    )  # fmt: skip
    [result] = await push(client, hv2, [version(hv2_case, payload)])
    assert result["message"] == "this case is not allocated to you"
    stranger = await sign_in(client, "demo-hv")  # never held case 3: no word of its moves
    other = demo.cases[2]
    payload = entry_payload(demo.practitioners["demo-hv"].id, [other.child_ids[0]])
    [result] = await push(client, stranger, [version(other.family_id, payload)])
    assert result["message"] == "this case is not allocated to you"


async def test_the_senders_supervisor_forwards_a_refused_version_in_person(
    client: AsyncTestClient[Any],
    hv: Headers,
    demo: DemoSeed,
    services: ServiceContainer,
    repository: Repository,
    monkeypatch: pytest.MonkeyPatch,
    transferred: datetime,
) -> None:
    late = _hv_entry(demo, transferred - timedelta(days=1))
    _receive_at(services, monkeypatch, transferred + DEFAULT_HANDOVER_GRACE + timedelta(days=3))
    assert (await push(client, hv, [late]))[0]["status"] == "rejected"

    def body(username: str, password: str = PASSWORD) -> dict[str, Any]:
        return {"supervisor_username": username, "supervisor_password": password, "version": late}

    wrong = await client.post("/sync/forward", json=body("demo-sup", "not it"), headers=hv)
    assert wrong.status_code == 401
    not_sup = await client.post("/sync/forward", json=body("demo-sw"), headers=hv)
    assert not_sup.status_code == 403
    assert "supervisor of your team" in not_sup.text
    done = await client.post("/sync/forward", json=body("demo-sup"), headers=hv)

    assert done.status_code == 200, done.text
    assert done.json()["status"] == "accepted"
    [mark] = repository.handover_arrivals([demo.cases[0].family_id])
    sup_id = demo.practitioners["demo-sup"].id
    assert (mark.author_id, mark.forwarded_by) == (demo.practitioners["demo-hv"].id, sup_id)
    [audited] = repository.audit_events("handover_forwarded")
    assert (audited.actor_id, audited.subject_id) == (sup_id, late["version_id"])
    assert [e.actor_id for e in repository.audit_events("handover_forward_refused")] == [
        demo.practitioners["demo-sw"].id
    ]
    again = await push(client, hv, [late])
    assert again[0]["status"] == "duplicate", "the device's own retry is the same version"
