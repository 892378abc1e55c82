"""Conformance: a team's stored allocations, live and ended, as services/access/team_caseload.py
reads them to decide what a supervisor's team holds (the stretch rule lives there, not here)."""

from shared.ids import new_id
from shared.models import Practitioner
from sync_server.repository import Repository
from sync_server.repository.interface import TeamAllocation
from sync_server.services.access.team_caseload import team_caseload

MONDAY, TUESDAY = "2025-03-03T09:00:00+00:00", "2025-03-04T09:00:00+00:00"


def _member(repository: Repository, team: str) -> Practitioner:
    person = Practitioner(id=new_id(), username=f"user-{new_id()}", display_name="A Person",
                          role="social_worker", agency="CSC", team=team)  # fmt: skip
    repository.add_practitioner(person, "$argon2id$stand-in", MONDAY)
    return person


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
    # Read through the service's rule: the case kept by the team keeps its first allocation.
    held = team_caseload(rows)
    assert held.live == {kept: ids[kept]}
    assert held.left == [moved]
