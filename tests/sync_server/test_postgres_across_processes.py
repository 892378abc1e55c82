"""Sign-in limits, lockouts, revocations and break-glass grants hold across server processes
sharing one PostgreSQL database (each process is a repository with its own pool here)."""

from collections.abc import Callable, Iterator

import pytest

from shared.ids import new_id
from shared.models import Practitioner
from sync_server.errors import TooManyRequests
from sync_server.repository import DeviceRecord, Repository
from sync_server.repository.break_glass import BreakGlassGrant
from sync_server.repository.postgres import open_postgres_repository
from sync_server.services.access.signin_guard import SignInGuard
from tests.sync_server.test_security_signin_persistence import LIMITS, FakeClock, admit_at_once

AT = "2025-03-01T09:00:00+00:00"
LATER = "2025-03-01T10:00:00+00:00"


@pytest.fixture
def process(postgres_url: str) -> Iterator[Callable[[], Repository]]:
    """Open another 'server process' on the test's database."""
    opened: list[Repository] = []

    def open_one() -> Repository:
        opened.append(open_postgres_repository(postgres_url))
        return opened[-1]

    yield open_one
    for repository in opened:
        repository.close()


def test_guards_in_many_processes_admit_no_more_than_one_would(
    process: Callable[[], Repository],
) -> None:
    clock = FakeClock()
    guards = [SignInGuard(process(), LIMITS, clock) for _ in range(6)]
    admitted, refused = admit_at_once(guards)
    assert len(admitted) == LIMITS.max_failures_per_username
    assert len(refused) == len(guards) - LIMITS.max_failures_per_username


def test_a_lockout_made_by_one_process_refuses_in_another(
    process: Callable[[], Repository],
) -> None:
    clock = FakeClock()
    first, second = SignInGuard(process(), LIMITS, clock), SignInGuard(process(), LIMITS, clock)
    for _ in range(LIMITS.lockout_after):
        first.failed("demo-hv", None)
        clock.advance(minutes=6)  # spread out: only the lockout can refuse
    with pytest.raises(TooManyRequests):
        second.check("demo-hv", None)


def _person_with_device(repository: Repository) -> tuple[Practitioner, DeviceRecord]:
    person = Practitioner(id=new_id(), username=f"user-{new_id()}", display_name="A Person",
                          role="social_worker", agency="CSC", team="North")  # fmt: skip
    repository.add_practitioner(person, "$argon2id$stand-in", AT)
    device = DeviceRecord(new_id(), person.id, "tablet", f"token-{new_id()}", AT)
    repository.add_device(device)
    return person, device


def test_a_revocation_in_one_process_ends_the_session_in_the_other(
    process: Callable[[], Repository],
) -> None:
    first, second = process(), process()
    person, device = _person_with_device(first)
    assert second.device_session(device.token_hash) is not None
    with first.transaction():
        assert first.revoke_practitioner(person.id, LATER) == [device.id]
    assert second.device_session(device.token_hash) is None
    assert second.revoked_token(device.token_hash)
    assert second.practitioner_revoked(person.id)


def test_a_break_glass_grant_in_one_process_is_live_in_the_other_until_it_expires(
    process: Callable[[], Repository],
) -> None:
    first, second = process(), process()
    person, _ = _person_with_device(first)
    case = new_id()
    first.add_break_glass(BreakGlassGrant(new_id(), person.id, case, "North", "Out of hours.",
                                          AT, LATER))  # fmt: skip
    assert second.live_break_glass(person.id, AT) == frozenset({case})
    assert second.live_break_glass(person.id, LATER) == frozenset()
