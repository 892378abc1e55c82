"""Conformance of SignInCounterQueries on every backend: failed sign-ins per key (a hash, never
the typed username), and each username's run of failures and lockout."""

import pytest

from sync_server.repository import Repository
from sync_server.repository.security_queries import FailureWindow, SignInLock


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


def test_counting_in_a_transaction_is_undone_with_it(repository: Repository) -> None:
    """Sign-in counts a failure and may lock in one transaction: both happen or neither."""
    at = "2025-03-01T09:00:00.000000Z"

    def undone() -> None:
        with repository.transaction():
            repository.add_signin_failure("user:a", at)
            repository.put_signin_lock("user:a", SignInLock(5, "2025-03-01T09:15:00.000000Z"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        undone()
    assert repository.signin_failures("user:a", "") == FailureWindow(0, None)
    assert repository.signin_lock("user:a") == SignInLock()
    with repository.transaction():
        kept = repository.add_signin_failure("user:a", at)
        with repository.transaction():  # nested: joins it
            repository.put_signin_lock("user:a", SignInLock(1))
    assert repository.signin_failures("user:a", "") == FailureWindow(1, at)
    assert repository.signin_lock("user:a") == SignInLock(1)
    repository.drop_signin_failure(kept)
    repository.drop_signin_failure(kept)  # taking back twice takes back once
    assert repository.signin_failures("user:a", "") == FailureWindow(0, None)
