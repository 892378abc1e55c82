"""Sign-in rate limits and lockout: per username, per client address, reset by success, and
kept in the server's database so that a restart does not clear them."""

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.demo import DemoSeed
from sync_server.errors import InvalidCredentials, TooManyRequests
from sync_server.repository import Repository, open_sqlite_repository
from sync_server.services import AuditAction, AuditTrail, AuthService
from sync_server.services.access.passwords import PasswordHasher
from sync_server.services.access.signin_guard import SignInGuard, SignInLimits
from tests.sync_server.server_builders import PASSWORD

PERSON_ID = new_id()
LIMITS = SignInLimits(
    window=timedelta(minutes=5),
    max_failures_per_username=3,
    max_failures_per_address=5,
    lockout_after=4,
    lockout=timedelta(minutes=15),
)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def counters(tmp_path: Path) -> Iterator[Repository]:
    """A real SQLite file holding the counters."""
    repository = open_sqlite_repository(tmp_path / "counters.db")
    yield repository
    repository.close()


@pytest.fixture
def guard(counters: Repository, clock: FakeClock) -> SignInGuard:
    return SignInGuard(counters, LIMITS, clock)


def test_failures_per_username_fill_the_window_then_refuse(
    guard: SignInGuard, clock: FakeClock
) -> None:
    for _ in range(3):
        guard.check("demo-hv", "10.0.0.1")
        guard.failed("demo-hv", "10.0.0.1")
        clock.advance(seconds=10)
    with pytest.raises(TooManyRequests) as refused:
        guard.check("demo-hv", "10.0.0.2")
    # the oldest failure (30 s ago) leaves the 5-minute window in 270 s
    assert refused.value.retry_after_seconds == 270
    guard.check("demo-sw", "10.0.0.2")  # other usernames are not affected
    clock.advance(seconds=270)
    guard.check("demo-hv", "10.0.0.1")


def test_failures_per_address_count_across_usernames(guard: SignInGuard) -> None:
    for n in range(5):
        guard.failed(f"guess-{n}", "10.0.0.9")
    with pytest.raises(TooManyRequests):
        guard.check("guess-new", "10.0.0.9")
    guard.check("guess-new", "10.0.0.10")


def test_consecutive_failures_lock_the_account(guard: SignInGuard, clock: FakeClock) -> None:
    for n in range(4):  # spread out, so the window alone never refuses
        guard.failed("demo-hv", f"10.0.1.{n}")
        clock.advance(minutes=6)
    with pytest.raises(TooManyRequests) as locked:
        guard.check("demo-hv", "10.0.2.1")
    assert locked.value.retry_after_seconds == 15 * 60 - 6 * 60
    clock.advance(minutes=10)
    guard.check("demo-hv", "10.0.2.1")


def refusal(guard: SignInGuard, username: str, address: str | None) -> int | None:
    """The seconds the guard asks a sign-in to wait, or None when it lets the attempt through."""
    try:
        guard.check(username, address)
    except TooManyRequests as refused:
        return refused.retry_after_seconds
    return None


def test_a_successful_sign_in_resets_the_username(guard: SignInGuard, clock: FakeClock) -> None:
    for _ in range(3):
        guard.failed("demo-hv", "10.0.0.1")
    assert refusal(guard, "demo-hv", "10.0.0.1") == 300  # the window is full
    guard.succeeded("demo-hv")
    assert refusal(guard, "demo-hv", "10.0.0.1") is None
    for _ in range(3):  # consecutive count restarted too: 3 more do not lock ...
        guard.failed("demo-hv", None)
        clock.advance(minutes=6)
    assert refusal(guard, "demo-hv", None) is None
    guard.failed("demo-hv", None)  # ... and the 4th since the reset does
    assert refusal(guard, "demo-hv", None) == 15 * 60


@pytest.fixture
def auth(tmp_path: Path, clock: FakeClock) -> AuthService:
    repository: Repository = open_sqlite_repository(tmp_path / "auth.db")
    hasher = PasswordHasher(64, 1)
    service = AuthService(repository, hasher, AuditTrail(repository, clock), clock, LIMITS)
    person = Practitioner(
        id=PERSON_ID,
        username="hv-one",
        display_name="HV One",
        role=Role.HEALTH_VISITOR,
        agency=Agency.HEALTH_VISITING,
        team="north",
    )
    service.add_practitioner(person, PASSWORD)
    return service


def _body(username: str, password: str) -> bytes:
    return json.dumps({"username": username, "password": password, "device_name": "t"}).encode()


async def test_a_locked_account_refuses_even_the_right_password(
    auth: AuthService, clock: FakeClock
) -> None:
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            await auth.login(_body("hv-one", "wrong"), "10.0.0.1")
    with pytest.raises(TooManyRequests):
        await auth.login(_body("hv-one", PASSWORD), "10.0.0.1")
    clock.advance(minutes=5)
    assert (await auth.login(_body("hv-one", PASSWORD), "10.0.0.1")).practitioner.id == PERSON_ID


async def test_parallel_attempts_cannot_all_slip_past_the_limit(auth: AuthService) -> None:
    """Each attempt is counted before its slow password check, not after."""
    results = await asyncio.gather(
        *(auth.login(_body("hv-one", "wrong"), "10.0.0.1") for _ in range(8)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, TooManyRequests)]
    checked = [r for r in results if isinstance(r, InvalidCredentials)]
    assert len(checked) == LIMITS.max_failures_per_username
    assert len(refused) == 8 - LIMITS.max_failures_per_username


async def test_a_good_sign_in_takes_back_its_count_on_the_address(auth: AuthService) -> None:
    for _ in range(LIMITS.max_failures_per_address + 2):  # an office signing in
        signed_in = await auth.login(_body("hv-one", PASSWORD), "10.0.0.1")
        assert signed_in.practitioner.id == PERSON_ID
    # None of them is left on the address: it still has its whole allowance of failures.
    for n in range(LIMITS.max_failures_per_address):
        with pytest.raises(InvalidCredentials):
            await auth.login(_body(f"guess-{n}", "wrong"), "10.0.0.1")
    with pytest.raises(TooManyRequests):
        await auth.login(_body("guess-last", "wrong"), "10.0.0.1")


async def test_login_answers_429_with_retry_after_and_audits_by_id(
    client: AsyncTestClient[Any], repository: Repository, demo: DemoSeed
) -> None:
    wrong = {"username": "demo-hv", "password": "not it", "device_name": "tab"}
    statuses = [(await client.post("/auth/login", json=wrong)).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]

    refused = await client.post("/auth/login", json={**wrong, "password": PASSWORD})

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "too_many_requests"
    assert 0 < int(refused.headers["retry-after"]) <= 300
    assert body["details"] == {"retry_after_seconds": int(refused.headers["retry-after"])}
    hv_id = demo.practitioners["demo-hv"].id
    assert [e.actor_id for e in repository.audit_events(AuditAction.LOGIN_FAILED)] == [hv_id] * 5
    assert [e.actor_id for e in repository.audit_events(AuditAction.LOGIN_THROTTLED)] == [hv_id] * 2


async def test_unknown_usernames_are_limited_and_never_audited_as_text(
    client: AsyncTestClient[Any], repository: Repository
) -> None:
    attempt = {"username": "Jane Example", "password": "x", "device_name": "tab"}
    statuses = [(await client.post("/auth/login", json=attempt)).status_code for _ in range(6)]
    assert statuses[-1] == 429
    for event in repository.audit_events():
        assert "Jane" not in repr(event)


class CountingHasher(PasswordHasher):
    """A real Argon2 hasher that counts how often a password is checked."""

    def __init__(self) -> None:
        super().__init__(64, 1)
        self.verified = 0

    def verify(self, password: str, phc: str) -> bool:
        self.verified += 1
        return super().verify(password, phc)


async def test_an_unknown_username_costs_a_password_check_too(tmp_path: Path) -> None:
    """Guards against answering unknown usernames faster than wrong passwords."""
    repository = open_sqlite_repository(tmp_path / "timing.db")
    hasher = CountingHasher()
    service = AuthService(repository, hasher, AuditTrail(repository))
    with pytest.raises(InvalidCredentials):
        await service.login(_body("nobody-by-this-name", PASSWORD), "10.0.0.1")
    repository.close()
    assert hasher.verified == 1
