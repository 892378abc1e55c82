"""Who may push what (docs/domain.md, Roles): a refusal names the field at fault."""

from datetime import UTC, datetime
from typing import Any

from litestar.testing import AsyncTestClient

from sync_server.services import ServiceContainer
from tests.sync_server.alert_builders import cp_family, decision, incident
from tests.sync_server.server_builders import entry_payload, push, sign_in, version

WHEN = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def _plan(child_id: str, lead_id: str) -> dict[str, Any]:
    return {
        "lead_practitioner_id": lead_id,
        "record_type": "cp_plan",
        "child_ids": [child_id],
        "categories": ["neglect"],
        "strategy_date": "2025-02-10",
        "icpc_date": "2025-03-03",
        "visit_frequency_days": 10,
    }


async def test_a_health_visitor_may_not_record_a_plan_but_a_social_worker_may(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: dict[str, str]
) -> None:
    family = await cp_family(client, services, sw, "demo-hv")
    hv = await sign_in(client, "demo-hv")

    refused = await push(
        client, hv, [version(family.case_id, _plan(family.child_id, family.author_id))]
    )
    accepted = await push(
        client, sw, [version(family.case_id, _plan(family.child_id, family.author_id))]
    )

    assert refused[0]["status"] == "rejected"
    assert refused[0]["field"] == "payload.record_type"
    assert "social worker or conference chair" in refused[0]["message"]
    assert accepted[0]["status"] == "accepted"


async def test_a_decision_is_made_in_ones_own_name(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: dict[str, str]
) -> None:
    family = await cp_family(client, services, sw, "demo-sup")
    trigger = incident(family, WHEN)
    await push(client, sw, [trigger])
    sup = await sign_in(client, "demo-sup")

    in_another_name = await push(client, sup, [decision(family, trigger, WHEN)])
    own = await push(client, sw, [decision(family, trigger, WHEN)])

    assert in_another_name[0]["status"] == "rejected"
    assert in_another_name[0]["field"] == "payload.decided_by"
    assert own[0]["status"] == "accepted"


async def test_a_countersignature_cannot_be_forged_by_the_decider(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: dict[str, str]
) -> None:
    family = await cp_family(client, services, sw, "demo-sup")
    trigger = incident(family, WHEN)
    await push(client, sw, [trigger])
    found = services.repository.practitioner_login("demo-sup")
    assert found is not None
    forged = decision(family, trigger, WHEN, choice="no_action")
    forged["payload"] |= {"countersigned_by": found[0].id, "countersigned_at": WHEN.isoformat()}

    results = await push(client, sw, [forged])

    assert results[0]["status"] == "rejected"
    assert results[0]["field"] == "payload.countersigned_by"


async def test_only_a_supervisor_reviews_and_only_in_their_own_name(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: dict[str, str]
) -> None:
    family = await cp_family(client, services, sw, "demo-sup")
    entry = incident(family, WHEN)
    await push(client, sw, [entry])
    sup = await sign_in(client, "demo-sup")
    found = services.repository.practitioner_login("demo-sup")
    assert found is not None
    supervisor_id = found[0].id

    def review(reviewer_id: str) -> dict[str, Any]:
        payload = {
            "record_type": "review_decision",
            "reviewed_record_id": entry["record_id"],
            "reviewed_version_id": entry["version_id"],
            "action": "countersign",
            "reviewer_id": reviewer_id,
            "decided_at": WHEN.isoformat(),
        }
        return version(family.case_id, payload)

    by_social_worker = await push(client, sw, [review(family.author_id)])
    in_another_name = await push(client, sup, [review(family.author_id)])
    own = await push(client, sup, [review(supervisor_id)])

    assert by_social_worker[0]["field"] == "payload.record_type"
    assert in_another_name[0]["field"] == "payload.reviewer_id"
    assert own[0]["status"] == "accepted", own


async def test_a_supervisor_reviews_any_team_case_but_records_only_on_their_own(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: dict[str, str]
) -> None:
    family = await cp_family(client, services, sw)  # the social worker's case, not demo-sup's
    entry = incident(family, WHEN)
    await push(client, sw, [entry])
    sup = await sign_in(client, "demo-sup")
    found = services.repository.practitioner_login("demo-sup")
    assert found is not None
    review = {
        "record_type": "review_decision",
        "reviewed_record_id": entry["record_id"],
        "reviewed_version_id": entry["version_id"],
        "action": "return",
        "comment": "Say what the nursery did next.",
        "reviewer_id": found[0].id,
        "decided_at": WHEN.isoformat(),
    }
    analysis = {
        "record_type": "analysis_note",
        "child_ids": [family.child_id],
        "period_from": "2025-01-01",
        "period_to": "2025-03-01",
        "analysis": "Three missed health appointments in two months, each after a move.",
        "author_id": found[0].id,
        "author_role": "supervisor",
    }
    own_entry = version(family.case_id, entry_payload(found[0].id, [family.child_id]))

    results = await push(
        client,
        sup,
        [version(family.case_id, review), version(family.case_id, analysis), own_entry],
    )

    assert results[0]["status"] == "accepted", results[0]
    assert results[1]["status"] == "accepted", results[1]  # analysis at supervision (DOMAIN 6)
    assert results[2]["status"] == "rejected"
    assert results[2]["field"] == "case_id"


async def test_a_new_record_type_may_not_name_a_child_of_another_case(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: dict[str, str]
) -> None:
    family = await cp_family(client, services, sw)
    other = await cp_family(client, services, sw, seed=2)

    results = await push(
        client, sw, [version(family.case_id, _plan(other.child_id, family.author_id))]
    )

    assert results[0]["status"] == "rejected"
    assert results[0]["field"] == "payload.child_ids"


async def test_a_decision_must_be_about_an_entry_of_its_own_case(
    client: AsyncTestClient[Any], services: ServiceContainer, sw: dict[str, str]
) -> None:
    family = await cp_family(client, services, sw)
    other = await cp_family(client, services, sw, seed=2)
    elsewhere, here = incident(other, WHEN), incident(family, WHEN)
    await push(client, sw, [elsewhere])

    results = await push(
        client, sw, [decision(family, elsewhere, WHEN), here, decision(family, here, WHEN)]
    )

    assert (results[0]["status"], results[0]["field"]) == ("rejected", "payload.trigger_entry_id")
    assert [r["status"] for r in results[1:]] == ["accepted", "accepted"]  # same batch is fine
    about_the_child = decision(family, {"record_id": family.child_id}, WHEN)
    not_an_entry = await push(client, sw, [about_the_child])
    assert not_an_entry[0]["field"] == "payload.trigger_entry_id"
    assert not_an_entry[0]["message"] == results[0]["message"]
