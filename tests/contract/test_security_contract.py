"""The security queries every backend must answer alike: sign-in counters and wipe confirmations."""

from shared.ids import new_id
from shared.models import Practitioner
from sync_server.repository import DeviceRecord, Repository
from sync_server.repository.security_queries import (
    DeviceWipe,
    FailureWindow,
    SignInLock,
    TokenDevice,
)

AT = "2025-03-01T09:00:00Z"


def _device(repository: Repository, token_hash: str) -> DeviceRecord:
    person = Practitioner(id=new_id(), username=f"user-{new_id()}", display_name="A Person",
                          role="health_visitor", agency="health_visiting", team="T")  # fmt: skip
    repository.add_practitioner(person, "$argon2id$stand-in", AT)
    device = DeviceRecord(new_id(), person.id, "tablet", token_hash, AT)
    repository.add_device(device)
    return device


def test_failures_count_per_key_after_a_time_and_can_be_taken_back(
    repository: Repository,
) -> None:
    stamps = [f"2025-03-01T09:0{n}:00.000000Z" for n in range(4)]
    ids = [repository.add_signin_failure("user:a", at) for at in stamps]
    repository.add_signin_failure("addr:b", stamps[0])

    assert repository.signin_failures("user:a", "") == FailureWindow(4, stamps[0])
    assert repository.signin_failures("user:a", stamps[1]) == FailureWindow(2, stamps[2])
    assert repository.signin_failures("user:z", "") == FailureWindow(0, None)
    repository.drop_signin_failure(ids[2])
    assert repository.signin_failures("user:a", stamps[1]) == FailureWindow(1, stamps[3])
    repository.prune_signin_failures(stamps[1])
    assert repository.signin_failures("user:a", "") == FailureWindow(1, stamps[3])
    assert repository.signin_failures("addr:b", "") == FailureWindow(0, None)


def test_a_lock_is_stored_replaced_and_forgotten_with_the_users_failures(
    repository: Repository,
) -> None:
    assert repository.signin_lock("user:a") == SignInLock(0, None)
    repository.put_signin_lock("user:a", SignInLock(3))
    repository.put_signin_lock("user:a", SignInLock(0, "2025-03-01T09:15:00.000000Z"))
    repository.add_signin_failure("user:a", "2025-03-01T09:00:00.000000Z")
    repository.add_signin_failure("addr:b", "2025-03-01T09:00:00.000000Z")

    assert repository.signin_lock("user:a") == SignInLock(0, "2025-03-01T09:15:00.000000Z")
    repository.forget_signin_user("user:a")
    assert repository.signin_lock("user:a") == SignInLock()
    assert repository.signin_failures("user:a", "").failures == 0
    assert repository.signin_failures("addr:b", "").failures == 1


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
