"""Conformance of ScopeQueries on every backend: who holds which case, and since when.

An allocation is ended, never deleted (its case id is the "left scope" marker devices get);
a reallocation gets a new allocation id. A team's stored allocations, live and ended, are
read by services/access/team_caseload.py, which decides what a supervisor's team holds.
"""

from shared.ids import new_id
from shared.models import Practitioner
from sync_server.repository import Repository
from sync_server.repository.interface import TeamAllocation
from sync_server.services.access.team_caseload import team_caseload
from tests.contract.factories import AT, person

MONDAY, TUESDAY = "2025-03-03T09:00:00+00:00", "2025-03-04T09:00:00+00:00"


def _member(repository: Repository, team: str = "T") -> Practitioner:
    someone = person(team=team)
    repository.add_practitioner(someone, "$argon2id$stand-in", MONDAY)
    return someone


def test_allocating_twice_is_one_allocation(repository: Repository) -> None:
    first, second = _member(repository), _member(repository)
    case = new_id()
    assert repository.allocated_cases(first.id) == frozenset()
    assert repository.allocate(first.id, case, AT)
    assert not repository.allocate(first.id, case, AT)
    assert repository.allocate(second.id, case, AT)
    assert repository.allocated_cases(first.id) == {case}
    assert len(repository.allocations(first.id)) == 1
    assert repository.case_practitioners(case) == {first.id, second.id}
    assert repository.case_practitioners(new_id()) == frozenset()


def test_an_ended_allocation_is_kept_as_a_marker_and_a_new_one_gets_a_new_id(
    repository: Repository,
) -> None:
    someone = _member(repository)
    kept, moved = sorted([new_id(), new_id()])
    assert repository.allocate(someone.id, kept, AT)
    assert repository.allocate(someone.id, moved, AT)
    first = repository.allocations(someone.id)
    assert set(first) == {kept, moved}
    assert repository.deallocate(someone.id, moved, AT)
    assert not repository.deallocate(someone.id, moved, AT)
    assert repository.allocations(someone.id) == {kept: first[kept]}
    assert repository.allocated_cases(someone.id) == {kept}
    assert repository.ended_allocations(someone.id) == [moved]
    assert repository.case_practitioners(moved) == frozenset()
    assert repository.case_practitioners(kept) == {someone.id}
    assert repository.allocate(someone.id, moved, AT)
    again = repository.allocations(someone.id)
    assert again[kept] == first[kept]
    assert again[moved] != first[moved]
    assert repository.ended_allocations(someone.id) == []


def test_ended_allocations_are_one_practitioners_in_case_order(repository: Repository) -> None:
    someone, other = _member(repository), _member(repository)
    cases = sorted(new_id() for _ in range(3))
    for case in reversed(cases):
        repository.allocate(someone.id, case, MONDAY)
        repository.allocate(other.id, case, MONDAY)
        repository.deallocate(someone.id, case, TUESDAY)
    assert not repository.deallocate(someone.id, new_id(), TUESDAY)
    assert repository.ended_allocations(someone.id) == cases
    assert repository.ended_allocations(other.id) == []
    assert repository.ended_allocations(new_id()) == []


def test_allocation_starts_give_when_each_allocation_began(repository: Repository) -> None:
    someone = _member(repository)
    first, second = new_id(), new_id()
    repository.allocate(someone.id, first, MONDAY)
    repository.allocate(someone.id, second, TUESDAY)
    before = repository.allocations(someone.id)
    assert repository.allocation_starts([*before.values(), new_id()]) == {
        before[first]: MONDAY,
        before[second]: TUESDAY,
    }
    # An ended allocation keeps its start; a reallocation starts anew under a new id.
    repository.deallocate(someone.id, first, TUESDAY)
    assert repository.allocation_starts([before[first]]) == {before[first]: MONDAY}
    later = "2025-03-05T09:00:00+00:00"
    repository.allocate(someone.id, first, later)
    again = repository.allocations(someone.id)[first]
    assert repository.allocation_starts([before[first], again]) == {again: later}
    assert repository.allocation_starts([]) == {}


def test_every_allocation_of_the_teams_members_live_or_ended_and_no_other_teams(
    repository: Repository,
) -> None:
    team = f"team-{new_id()}"
    first, second = _member(repository, team), _member(repository, team)
    outsider = _member(repository, f"other-{new_id()}")
    kept, moved, theirs = new_id(), new_id(), new_id()
    repository.allocate(first.id, kept, MONDAY)
    repository.allocate(first.id, moved, MONDAY)
    repository.deallocate(first.id, moved, TUESDAY)
    repository.allocate(second.id, kept, TUESDAY)
    repository.allocate(outsider.id, theirs, MONDAY)
    ids = repository.allocations(first.id)
    [ended] = [row for row in repository.team_allocation_history(team) if row.case_id == moved]
    rows = sorted(repository.team_allocation_history(team))
    assert {row.case_id for row in rows} == {kept, moved}
    assert ended.ended_at is not None
    assert TeamAllocation(kept, ids[kept], MONDAY, None) in rows
    assert len([row for row in rows if row.case_id == kept]) == 2
    assert repository.team_allocation_history(f"none-{new_id()}") == []
    # Read through the service's rule: the case kept by the team keeps its first allocation.
    held = team_caseload(rows)
    assert held.live == {kept: ids[kept]}
    assert held.left == [moved]
