"""POST /cases/{case_id}/transfers: a social worker or supervisor holding a case hands it whole
to a practitioner in another team; the sender's team leaves scope; everything is audited."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.demo import DemoSeed
from sync_server.repository import Repository
from sync_server.services import ServiceContainer
from sync_server.services.handover.transfer_pack import case_holders
from tests.sync_server.server_builders import PASSWORD, edit, entry, push, sign_in

Headers = dict[str, str]
REASON = "Family moved to the south of the county."
TOLD = "Ms Patel, Cherwell Housing"


def body(to: str = "demo-hv2", **changes: Any) -> dict[str, Any]:
    return {
        "to_username": to,
        "reason": REASON,
        "housing_provider_informed": "yes",
        "housing_provider_told": TOLD,
        **changes,
    }


async def pull_all(client: AsyncTestClient[Any], headers: Headers) -> dict[str, Any]:
    response = await client.get("/sync/pull?cursor=0&limit=2000", headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    assert page["has_more"] is False
    return page


async def test_transfer_hands_the_whole_case_over_and_the_senders_team_leaves_scope(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed, repository: Repository
) -> None:
    fam = demo.cases[0]
    sup = await sign_in(client, "demo-sup")
    hv_id = demo.practitioners["demo-hv"].id
    first = entry(fam.family_id, hv_id, [fam.child_ids[0]], summary="Home visit; baby seen.",
                  author_role="health_visitor", source_agency="health_visiting")  # fmt: skip
    amended = edit(first, summary="Home visit; baby seen awake.")
    assert {r["status"] for r in await push(client, hv, [first, amended])} == {"accepted"}
    before = await pull_all(client, sw)
    case_versions = {i["version_id"] for i in before["items"] if i["case_id"] == fam.family_id}

    response = await client.post(f"/cases/{fam.family_id}/transfers", json=body(), headers=sw)

    assert response.status_code == 201, response.text
    answer = response.json()
    hv2 = demo.practitioners["demo-hv2"]
    assert answer["transferred_to"]["practitioner_id"] == hv2.id
    assert answer["pack_id"] == answer["pack"]["pack_id"]
    assert answer["pack"]["housing_provider_informed"] == "yes"
    assert answer["pack"]["transfer"]["reason"] == REASON
    ended = {p["name"] for p in answer["ended_allocations"]}
    north = {demo.practitioners[u].display_name for u in ("demo-sw", "demo-hv", "demo-sup")}
    assert ended == north

    hv2_headers = await sign_in(client, "demo-hv2")
    received = await pull_all(client, hv2_headers)
    got = {i["version_id"] for i in received["items"] if i["case_id"] == fam.family_id}
    made = [i for i in received["items"] if i["version_id"] in got - case_versions]
    assert sorted(i["payload"]["record_type"] for i in made) == ["chronology_entry", "transfer_out"]
    facts = next(i["payload"] for i in made if i["payload"]["record_type"] == "transfer_out")
    assert (facts["reason"], facts["housing_provider_told"], facts["to_team"]) == (
        REASON, TOLD, demo.practitioners["demo-hv2"].team,
    )  # fmt: skip
    assert got - {i["version_id"] for i in made} == case_versions, "every version, amended too"
    assert {first["version_id"], amended["version_id"]} <= got
    assert [s["case_id"] for s in received["scope"]] == [fam.family_id]
    for headers in (sw, hv, sup):
        assert fam.family_id in (await pull_all(client, headers))["left_scope"]
        chronology = await client.get(f"/cases/{fam.family_id}/chronology", headers=headers)
        assert chronology.status_code == 404
    others = await pull_all(client, sw)
    assert {s["case_id"] for s in others["scope"]} == {c.family_id for c in demo.cases[1:]}

    transferred = repository.audit_events("case_transferred")
    assert {(e.subject_type, e.subject_id) for e in transferred} == {
        ("case", fam.family_id),
        ("practitioner", hv2.id),
        ("transfer_pack", answer["pack_id"]),
    }
    assert {e.actor_id for e in transferred} == {demo.practitioners["demo-sw"].id}
    deallocated = repository.audit_events("case_deallocated")
    assert {e.subject_id for e in deallocated if e.subject_type == "practitioner"} == {
        demo.practitioners[u].id for u in ("demo-sw", "demo-hv", "demo-sup")
    }


async def test_a_supervisor_holding_the_case_may_transfer_it(
    client: AsyncTestClient[Any], demo: DemoSeed, repository: Repository
) -> None:
    sup = await sign_in(client, "demo-sup")
    await sign_in(client, "demo-sw")  # holds the case too: their allocation must end as well
    fam = demo.cases[2]
    response = await client.post(f"/cases/{fam.family_id}/transfers", json=body(), headers=sup)
    assert response.status_code == 201, response.text
    assert fam.family_id in (await pull_all(client, sup))["left_scope"]
    for username in ("demo-sw", "demo-sup"):
        held = repository.allocated_cases(demo.practitioners[username].id)
        assert fam.family_id not in held, username


async def test_a_health_visitor_holding_the_case_gets_403_and_nothing_changes(
    client: AsyncTestClient[Any], hv: Headers, demo: DemoSeed, repository: Repository
) -> None:
    fam = demo.cases[0]
    response = await client.post(f"/cases/{fam.family_id}/transfers", json=body(), headers=hv)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert repository.allocated_cases(demo.practitioners["demo-hv2"].id) == frozenset()
    assert fam.family_id in repository.allocated_cases(demo.practitioners["demo-hv"].id)
    refused = repository.audit_events("case_transfer_refused")
    assert [(e.actor_id, e.subject_id) for e in refused] == [
        (demo.practitioners["demo-hv"].id, fam.family_id)
    ]


async def test_a_caller_not_holding_the_case_gets_404(
    client: AsyncTestClient[Any], demo: DemoSeed, repository: Repository
) -> None:
    hv2 = await sign_in(client, "demo-hv2")
    for case_id in (demo.cases[0].family_id, new_id(), "not-an-id"):
        response = await client.post(
            f"/cases/{case_id}/transfers", json=body("demo-sw"), headers=hv2
        )
        assert response.status_code == 404, case_id
    assert repository.audit_events("case_transferred") == []


@pytest.fixture
def school(services: ServiceContainer) -> Practitioner:
    """A partner contributor in a team of their own: not a role that holds cases."""
    partner = Practitioner(
        id=new_id(),
        username="test-school",
        display_name="Test School",
        role=Role.PARTNER_CONTRIBUTOR,
        agency=Agency.SCHOOL,
        team="School",
    )
    services.auth.add_practitioner(partner, PASSWORD)
    return partner


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"to_username": "demo-hv"}, "to_username"),
     ({"to_username": "nobody-by-this-name"}, "to_username"),
     ({"to_username": "test-school"}, "to_username"),
     ({"reason": "  "}, "reason"),
     ({"housing_provider_informed": "maybe"}, "housing_provider_informed"),
     ({"surprise": 1}, "surprise")],
    ids=["same-team", "unknown-user", "cannot-hold-cases", "blank-reason", "bad-housing",
         "unknown-field"],
)  # fmt: skip
async def test_a_bad_transfer_is_a_400_naming_the_field_and_changes_nothing(
    client: AsyncTestClient[Any],
    sw: Headers,
    demo: DemoSeed,
    repository: Repository,
    school: Practitioner,
    changes: dict[str, Any],
    field: str,
) -> None:
    fam = demo.cases[0]
    response = await client.post(
        f"/cases/{fam.family_id}/transfers", json={**body(), **changes}, headers=sw
    )
    assert response.status_code == 400, response.text
    assert response.json()["details"]["errors"][0]["field"] == field
    assert "nobody-by-this-name" not in response.text, "the submitted value is not echoed"
    assert fam.family_id in repository.allocated_cases(demo.practitioners["demo-sw"].id)
    assert repository.audit_events("case_transferred") == []


def test_case_holders_are_the_live_allocations(repository: Repository, demo: DemoSeed) -> None:
    """Nobody has signed in: the holders come from the allocations themselves."""
    fam = demo.cases[0]
    found = {p.username for p in case_holders(repository, fam.family_id)}
    assert found == {"demo-hv", "demo-sw", "demo-sup"}


async def test_later_packs_and_the_receivers_chronology_show_the_stored_transfer(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, repository: Repository
) -> None:
    fam = demo.cases[0]
    response = await client.post(f"/cases/{fam.family_id}/transfers", json=body(), headers=sw)
    assert response.status_code == 201, response.text
    hv2 = await sign_in(client, "demo-hv2")

    pack = (await client.get(f"/cases/{fam.family_id}/transfer-pack", headers=hv2)).json()

    transfer = pack["transfer"]
    sender = demo.practitioners["demo-sw"]
    assert transfer["reason"] == REASON
    assert transfer["to"]["practitioner_id"] == demo.practitioners["demo-hv2"].id
    assert transfer["transferred_by"]["practitioner_id"] == sender.id
    assert (transfer["from_team"], transfer["to_team"]) == (
        sender.team, demo.practitioners["demo-hv2"].team,
    )  # fmt: skip
    assert (transfer["housing_provider_informed"], transfer["housing_provider_told"]) == (
        "yes", TOLD,
    )  # fmt: skip
    assert pack["housing_provider_informed"] == "yes"
    moves = [line for line in pack["chronology"] if line["event_type"] == "transfer_out"]
    assert len(moves) == 1
    assert REASON in moves[0]["summary"]
    assert moves[0]["author_name"] == sender.display_name
    chronology = await client.get(f"/cases/{fam.family_id}/chronology", headers=hv2)
    assert [e["event_type"] for e in chronology.json()["entries"]].count("transfer_out") == 1
    pdf = await client.get(f"/cases/{fam.family_id}/transfer-pack.pdf", headers=hv2)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


async def test_yes_without_who_was_told_is_refused_naming_the_field(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, repository: Repository
) -> None:
    fam = demo.cases[0]
    response = await client.post(
        f"/cases/{fam.family_id}/transfers", json=body(housing_provider_told=""), headers=sw
    )
    assert response.status_code == 400
    assert "housing_provider_told" in response.text
    assert repository.allocated_cases(demo.practitioners["demo-sw"].id) >= {fam.family_id}
