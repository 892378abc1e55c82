"""Conformance of BreakGlassQueries on every backend: grants to read a case outside one's
scope until they expire. Grants are append-only: an expired one stays as the record of what
was opened, when and why. Times are ISO 8601 UTC of one width, compared as text."""

from shared.ids import new_id
from sync_server.repository import Repository
from sync_server.repository.break_glass import BreakGlassGrant
from tests.contract.factories import AT, person

NINE, TEN, ELEVEN = "2025-03-01T09:00:00Z", "2025-03-01T10:00:00Z", "2025-03-01T11:00:00Z"


def _holder(repository: Repository, team: str = "T") -> str:
    someone = person(team=team)
    repository.add_practitioner(someone, "$argon2id$stand-in", AT)
    return someone.id


def _grant(holder: str, case: str, granted: str, expires: str, team: str = "T") -> BreakGlassGrant:
    return BreakGlassGrant(new_id(), holder, case, team, "Child seen at A&E overnight",
                           granted, expires)  # fmt: skip


def test_a_grant_is_live_until_the_moment_it_expires(repository: Repository) -> None:
    holder, other = _holder(repository), _holder(repository)
    case, later_case, theirs = new_id(), new_id(), new_id()
    repository.add_break_glass(_grant(holder, case, NINE, TEN))
    repository.add_break_glass(_grant(holder, later_case, NINE, ELEVEN))
    repository.add_break_glass(_grant(other, theirs, NINE, ELEVEN))

    assert repository.live_break_glass(holder, NINE) == {case, later_case}
    assert repository.live_break_glass(holder, "2025-03-01T09:59:59Z") == {case, later_case}
    assert repository.live_break_glass(holder, TEN) == {later_case}, "expired at its expiry"
    assert repository.live_break_glass(holder, ELEVEN) == frozenset()
    assert repository.live_break_glass(other, TEN) == {theirs}
    assert repository.live_break_glass(new_id(), NINE) == frozenset()


def test_a_second_grant_for_one_case_extends_it_and_names_the_case_once(
    repository: Repository,
) -> None:
    holder = _holder(repository)
    case = new_id()
    repository.add_break_glass(_grant(holder, case, NINE, TEN))
    repository.add_break_glass(_grant(holder, case, "2025-03-01T09:30:00Z", ELEVEN))
    assert repository.live_break_glass(holder, "2025-03-01T09:45:00Z") == {case}
    assert repository.live_break_glass(holder, "2025-03-01T10:30:00Z") == {case}


def test_a_teams_grants_since_a_time_newest_first_expired_ones_kept(
    repository: Repository,
) -> None:
    team, other_team = f"team-{new_id()}", f"team-{new_id()}"
    first, second = _holder(repository, team), _holder(repository, team)
    outsider = _holder(repository, other_team)
    before = _grant(first, new_id(), "2025-03-01T08:59:59Z", TEN, team)
    at_since = _grant(first, new_id(), NINE, TEN, team)  # expired by now: still listed
    newest = _grant(second, new_id(), ELEVEN, "2025-03-01T12:00:00Z", team)
    ties = sorted(
        (_grant(second, new_id(), TEN, ELEVEN, team) for _ in range(2)), key=lambda g: g.id
    )
    for grant in (before, newest, ties[0], at_since, ties[1]):  # ties: not by arrival
        repository.add_break_glass(grant)
    repository.add_break_glass(_grant(outsider, new_id(), TEN, ELEVEN, other_team))

    found = repository.team_break_glass(team, NINE)
    assert found == [newest, *ties, at_since]  # every field as stored
    assert repository.team_break_glass(team, "2025-03-01T11:00:01Z") == []
    assert repository.team_break_glass(f"none-{new_id()}", NINE) == []
