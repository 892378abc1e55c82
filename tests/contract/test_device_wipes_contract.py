"""Conformance of DeviceWipeQueries on every backend: withdrawn devices confirming their wipe."""

from shared.ids import new_id
from sync_server.repository import DeviceRecord, Repository
from sync_server.repository.security_queries import DeviceWipe, TokenDevice
from tests.contract.factories import AT, person


def _device(repository: Repository, token_hash: str) -> DeviceRecord:
    someone = person()
    repository.add_practitioner(someone, "$argon2id$stand-in", AT)
    device = DeviceRecord(new_id(), someone.id, "tablet", token_hash, AT)
    repository.add_device(device)
    return device


def test_a_wipe_is_recorded_once_and_only_for_a_revoked_device(repository: Repository) -> None:
    device = _device(repository, "cd" * 32)
    wipe = DeviceWipe(device.id, "2025-03-02T09:00:00Z", 4, 1)

    assert repository.token_device("cd" * 32) == TokenDevice(
        device.id, device.practitioner_id, None
    )
    assert repository.token_device("ef" * 32) is None
    assert not repository.confirm_device_wipe(wipe), "a live device is never marked wiped"
    assert repository.revoke_device(device.id, AT)
    assert repository.token_device("cd" * 32) == TokenDevice(device.id, device.practitioner_id, AT)
    assert repository.confirm_device_wipe(wipe)
    assert not repository.confirm_device_wipe(
        wipe._replace(confirmed_at="later", unsynced_records=0)
    )
    assert repository.device_wipes([device.id, new_id()]) == {device.id: wipe}


def test_only_confirmed_wipes_are_read_back(repository: Repository) -> None:
    wiped, revoked_only = _device(repository, "ab" * 32), _device(repository, "ba" * 32)
    live = _device(repository, "dc" * 32)
    for each in (wiped, revoked_only):
        assert repository.revoke_device(each.id, AT)
    wipe = DeviceWipe(wiped.id, "2025-03-02T09:00:00Z", 0, 0)
    assert repository.confirm_device_wipe(wipe)
    assert not repository.confirm_device_wipe(DeviceWipe(new_id(), AT, 0, 0)), "no such device"

    assert repository.device_wipes([wiped.id, revoked_only.id, live.id]) == {wiped.id: wipe}
    assert repository.device_wipes([]) == {}
