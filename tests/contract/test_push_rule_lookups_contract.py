"""Conformance: every backend answers the push rules' batch lookups for plans and meetings."""

import json

from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.repository import NewVersion, Repository
from tests.contract.test_repository_contract import AT, make, store


def _plan(case: str, lead: str, replaces: NewVersion | None = None) -> NewVersion:
    row = make(case, replaces=replaces, record_type="cp_plan")
    body = json.dumps({"version_id": row.version_id, "payload": {"lead_practitioner_id": lead}})
    return row._replace(payload_json=body)


def _person(repository: Repository, role: Role) -> str:
    person_id = new_id()
    person = Practitioner(
        id=person_id,
        username=f"user-{person_id}",
        display_name="Test person",
        role=role,
        agency=Agency.CSC,
        team="north",
    )
    repository.add_practitioner(person, "not-a-real-hash", AT)
    return person_id


def test_plan_leads_name_the_lead_of_every_current_version_of_a_plan(
    repository: Repository,
) -> None:
    case = new_id()
    first = _plan(case, "lead-1")
    handed = _plan(case, "lead-2", replaces=first)
    rival_a, rival_b = _plan(case, "lead-3"), _plan(case, "lead-4")
    rival_b = rival_b._replace(record_id=rival_a.record_id)
    not_a_plan = make(case)
    store(repository, [first, handed, rival_a, rival_b, not_a_plan])

    with repository.ingest() as batch:
        found = batch.plan_leads([first.record_id, rival_a.record_id, not_a_plan.record_id])
        assert batch.plan_leads([]) == {}

    assert found == {
        first.record_id: (case, frozenset({"lead-2"})),
        rival_a.record_id: (case, frozenset({"lead-3", "lead-4"})),
    }


def test_practitioner_cases_give_the_role_and_only_live_allocations(
    repository: Repository,
) -> None:
    chair, worker = _person(repository, Role.CP_CHAIR), _person(repository, Role.SOCIAL_WORKER)
    kept, ended = new_id(), new_id()
    repository.allocate(chair, kept, AT)
    repository.allocate(chair, ended, AT)
    repository.deallocate(chair, ended, AT)

    with repository.ingest() as batch:
        found = batch.practitioner_cases([chair, worker, new_id()])
        assert batch.practitioner_cases([]) == {}

    assert found == {
        chair: ("cp_chair", frozenset({kept})),
        worker: ("social_worker", frozenset()),
    }
