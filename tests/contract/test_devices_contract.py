"""Conformance of DeviceQueries on every backend: each device's token, last contact and
revocation, and revoking a practitioner (their sign-in and every live device at once)."""

from sync_server.repository import DeviceRecord, Repository
from sync_server.repository.interface import DeviceListing
from tests.contract.factories import AT, device, person

LATER, LATEST = "2025-03-02T09:00:00Z", "2025-03-03T09:00:00Z"


def _practitioner(repository: Repository, username: str | None = None) -> str:
    someone = person(username)
    repository.add_practitioner(someone, "$argon2id$stand-in", AT)
    return someone.id


def test_a_device_session_is_found_touched_and_revoked(repository: Repository) -> None:
    someone = person("someone")
    repository.add_practitioner(someone, "$argon2id$stand-in", AT)
    tablet = DeviceRecord("device-1", someone.id, "tablet", "ab" * 32, AT)
    repository.add_device(tablet)
    session = repository.device_session("ab" * 32)
    assert session is not None
    assert session.practitioner == someone
    repository.touch_device(tablet.id, LATER)
    session = repository.device_session("ab" * 32)
    assert session is not None
    assert session.last_seen_at == LATER
    assert repository.revoke_device(tablet.id, AT)
    assert repository.device_session("ab" * 32) is None
    assert not repository.revoke_device(tablet.id, AT)
    assert not repository.revoke_device("no-such-device", AT)
    assert repository.device_session("cd" * 32) is None


def test_only_a_revoked_devices_token_reads_as_revoked(repository: Repository) -> None:
    owner = _practitioner(repository)
    kept, lost = device(owner), device(owner)
    repository.add_device(kept)
    repository.add_device(lost)
    assert not repository.revoked_token(lost.token_hash)
    assert repository.revoke_device(lost.id, LATER)
    assert repository.revoked_token(lost.token_hash)
    assert not repository.revoked_token(kept.token_hash)
    assert not repository.revoked_token("ef" * 32), "an unknown token is not a revoked one"


def test_devices_are_listed_oldest_first_with_their_contact_and_revocation(
    repository: Repository,
) -> None:
    first_id, second_id = _practitioner(repository, "first"), _practitioner(repository, "second")
    newest = device(first_id, LATEST)
    oldest = device(second_id, AT)
    middle = device(first_id, LATER)
    for each in (newest, oldest, middle):
        repository.add_device(each)
    repository.touch_device(middle.id, LATEST)
    repository.revoke_device(oldest.id, LATEST)

    assert repository.devices() == [
        DeviceListing(oldest.id, "second", "tablet", AT, AT, LATEST),
        DeviceListing(middle.id, "first", "tablet", LATER, LATEST, None),
        DeviceListing(newest.id, "first", "tablet", LATEST, LATEST, None),
    ]
    assert [d.id for d in repository.devices(first_id)] == [middle.id, newest.id]
    assert repository.devices("no-such-practitioner") == []


def test_revoking_a_practitioner_revokes_their_live_devices_and_no_one_elses(
    repository: Repository,
) -> None:
    leaver, stayer = _practitioner(repository), _practitioner(repository)
    later, earlier, already = device(leaver, LATER), device(leaver, AT), device(leaver, AT)
    theirs = device(stayer)
    for each in (later, earlier, already, theirs):
        repository.add_device(each)
    repository.revoke_device(already.id, AT)
    assert not repository.practitioner_revoked(leaver)

    with repository.transaction():  # as the caller does: all of it happens or none
        revoked = repository.revoke_practitioner(leaver, LATEST)
    assert revoked == [earlier.id, later.id]  # live ones only, oldest first
    assert repository.practitioner_revoked(leaver)
    assert not repository.practitioner_revoked(stayer)
    assert all(repository.device_session(d.token_hash) is None for d in (later, earlier))
    assert repository.device_session(theirs.token_hash) is not None
    listed = {d.id: d.revoked_at for d in repository.devices(leaver)}
    assert listed == {later.id: LATEST, earlier.id: LATEST, already.id: AT}
    assert repository.revoke_practitioner(leaver, "2025-03-04T09:00:00Z") == []
    assert {d.id: d.revoked_at for d in repository.devices(leaver)} == listed  # times kept


def test_revoking_an_unknown_practitioner_revokes_nothing(repository: Repository) -> None:
    owner = _practitioner(repository)
    repository.add_device(device(owner))
    assert repository.revoke_practitioner("no-such-practitioner", AT) == []
    assert not repository.practitioner_revoked("no-such-practitioner")
    assert [d.revoked_at for d in repository.devices()] == [None]
