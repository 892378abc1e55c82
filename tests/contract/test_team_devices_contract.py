"""Conformance of TeamDeviceQueries on every backend: a team's live devices and when each
last synced (the team dashboard's device figure)."""

from shared.ids import new_id
from sync_server.repository import Repository
from sync_server.repository.device_queries import TeamDevice
from tests.contract.factories import AT, device, person

LATER = "2025-03-02T09:00:00Z"


def _member(repository: Repository, team: str) -> str:
    someone = person(team=team)
    repository.add_practitioner(someone, "$argon2id$stand-in", AT)
    return someone.id


def test_a_teams_live_devices_by_member_then_age_with_last_contact(
    repository: Repository,
) -> None:
    team = f"team-{new_id()}"
    first, second = sorted([_member(repository, team), _member(repository, team)])
    outsider = _member(repository, f"other-{new_id()}")
    newer, older = device(first, LATER), device(first, AT)
    seconds = device(second, AT)
    lost = device(second, AT)
    for each in (newer, seconds, older, lost, device(outsider)):
        repository.add_device(each)
    repository.touch_device(older.id, "2025-03-03T09:00:00Z")
    repository.revoke_device(lost.id, LATER)

    assert repository.team_devices(team) == [
        TeamDevice(older.id, first, "2025-03-03T09:00:00Z"),
        TeamDevice(newer.id, first, LATER),  # never seen since sign-in: seen at sign-in
        TeamDevice(seconds.id, second, AT),
    ]
    assert repository.team_devices(f"none-{new_id()}") == []


def test_a_revoked_practitioners_devices_leave_the_figure(repository: Repository) -> None:
    team = f"team-{new_id()}"
    leaver, stayer = _member(repository, team), _member(repository, team)
    repository.add_device(device(leaver))
    kept = device(stayer)
    repository.add_device(kept)
    with repository.transaction():
        repository.revoke_practitioner(leaver, LATER)
    assert repository.team_devices(team) == [TeamDevice(kept.id, stayer, AT)]
