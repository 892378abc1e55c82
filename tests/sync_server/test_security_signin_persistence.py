"""Sign-in limits live in the server's SQLite file: a restart, a second connection or a second
process over the same file sees the same counts and lockouts (issue 7)."""

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from sync_server.app import create_app
from sync_server.errors import TooManyRequests
from sync_server.repository import open_sqlite_repository
from sync_server.repository.sqlite import SqliteRepository
from sync_server.services.access.signin_guard import SignInGuard, SignInLimits
from tests.sync_server.server_builders import PASSWORD, fast_settings

LIMITS = SignInLimits(
    window=timedelta(minutes=5),
    max_failures_per_username=3,
    max_failures_per_address=5,
    lockout_after=4,
    lockout=timedelta(minutes=15),
    key=b"k" * 32,
)
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def admit_at_once(guards: list[SignInGuard]) -> tuple[list[int], list[int]]:
    """Ask every guard to admit one sign-in for the same username at the same moment, each
    from its own thread and address; return which guards admitted it and which refused."""
    admitted: list[int] = []
    refused: list[int] = []
    start = threading.Barrier(len(guards))

    def attempt(n: int, guard: SignInGuard) -> None:
        start.wait()
        try:
            guard.admit("demo-hv", f"10.0.0.{n}")
        except TooManyRequests:
            refused.append(n)
        else:
            admitted.append(n)

    threads = [threading.Thread(target=attempt, args=item) for item in enumerate(guards)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return admitted, refused


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "server.db"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def opened(db_file: Path) -> Iterator[list[SqliteRepository]]:
    """Repositories opened by a test over db_file, each its own connection; all closed after."""
    repositories: list[SqliteRepository] = []
    yield repositories
    for repository in repositories:
        repository.close()


def _guard(opened: list[SqliteRepository], db_file: Path, clock: FakeClock) -> SignInGuard:
    repository = open_sqlite_repository(db_file)
    opened.append(repository)
    return SignInGuard(repository, LIMITS, clock)


async def test_a_lockout_survives_a_new_app_instance_over_the_same_database_file(
    db_file: Path,
) -> None:
    settings = fast_settings(db_file).with_overrides(
        signin_lockout_after=3, signin_max_failures_per_username=5
    )
    wrong = {"username": "demo-hv", "password": "not it", "device_name": "tab"}
    right = {**wrong, "password": PASSWORD}
    async with AsyncTestClient(app=create_app(settings)) as before:
        statuses = [(await before.post("/auth/login", json=wrong)).status_code for _ in range(3)]
        assert statuses == [401, 401, 401]
        assert (await before.post("/auth/login", json=right)).status_code == 429

    async with AsyncTestClient(app=create_app(settings)) as after:
        refused = await after.post("/auth/login", json=right)
        other = await after.post("/auth/login", json={**right, "username": "demo-sw"})

    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_requests"
    # longer than the 5-minute window: it is the 15-minute lockout that was remembered
    assert 300 < int(refused.headers["retry-after"]) <= 900
    assert other.status_code == 200


def test_failure_windows_survive_a_new_guard_over_the_same_file(
    opened: list[SqliteRepository], db_file: Path, clock: FakeClock
) -> None:
    first = _guard(opened, db_file, clock)
    for n in range(3):
        first.admit("demo-hv", f"10.0.0.{n}")
        clock.advance(seconds=10)
    for n in range(2):
        first.admit(f"guess-{n}", "10.0.9.9")
    opened.pop().close()

    restarted = _guard(opened, db_file, clock)

    with pytest.raises(TooManyRequests) as refused:
        restarted.check("demo-hv", "10.0.1.1")
    assert refused.value.retry_after_seconds == 270  # the oldest failure, 30 s ago
    for n in range(3):  # the address's two earlier failures still count towards its five
        restarted.failed(f"guess-more-{n}", "10.0.9.9")
    with pytest.raises(TooManyRequests):
        restarted.check("someone-else", "10.0.9.9")


def test_guards_on_separate_connections_cannot_together_slip_past_the_limit(
    opened: list[SqliteRepository], db_file: Path, clock: FakeClock
) -> None:
    """Each admit checks and counts in one write transaction: two server processes over one
    file admit no more attempts between them than one would."""
    guards = [_guard(opened, db_file, clock) for _ in range(8)]
    admitted, refused = admit_at_once(guards)

    assert len(admitted) == LIMITS.max_failures_per_username
    assert len(refused) == len(guards) - LIMITS.max_failures_per_username


def test_the_database_never_holds_the_typed_username_or_the_address(
    opened: list[SqliteRepository], db_file: Path, clock: FakeClock
) -> None:
    guard = _guard(opened, db_file, clock)
    for _ in range(LIMITS.lockout_after):
        guard.failed("Jane Example", "192.0.2.44")
    opened.pop().close()

    with sqlite3.connect(db_file) as conn:
        rows = [
            *conn.execute("SELECT key, at FROM signin_failures"),
            *conn.execute("SELECT user_key, consecutive, locked_until FROM signin_locks"),
        ]
    conn.close()
    assert len(rows) == 2 * LIMITS.lockout_after + 1
    dump = repr(rows)
    assert "Jane" not in dump
    assert "192.0.2" not in dump
    # nor a plain digest, which a copied database could be searched with
    for typed in ("Jane Example", "192.0.2.44"):
        assert hashlib.sha256(typed.encode()).hexdigest() not in dump


def test_a_failure_counted_while_locked_does_not_lift_the_lockout(
    opened: list[SqliteRepository], db_file: Path, clock: FakeClock
) -> None:
    guard = _guard(opened, db_file, clock)
    for _ in range(LIMITS.lockout_after):
        guard.failed("demo-hv", None)
        clock.advance(minutes=6)  # spread out, so the window alone never refuses
    guard.failed("demo-hv", None)  # a straggler, checked before the lockout began

    with pytest.raises(TooManyRequests) as locked:
        guard.check("demo-hv", None)
    assert locked.value.retry_after_seconds == 15 * 60 - 6 * 60


def test_expired_failures_are_pruned_so_rows_do_not_pile_up(
    opened: list[SqliteRepository], db_file: Path, clock: FakeClock
) -> None:
    guard = _guard(opened, db_file, clock)
    for n in range(20):
        guard.failed(f"guess-{n}", f"10.1.0.{n}")
        clock.advance(minutes=1)

    with sqlite3.connect(db_file) as conn:
        remaining = conn.execute("SELECT count(*) FROM signin_failures").fetchone()[0]
    conn.close()
    assert remaining == 2 * 5  # only the last five minutes' usernames and addresses remain
