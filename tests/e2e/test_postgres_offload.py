"""One PostgreSQL server process keeps serving while one of its pushes waits for the write lock.

Push and pull run in worker threads on PostgreSQL (sync_server/controllers/offload.py), each
on its own pooled connection. Here a test connection holds the write lock; a push sent to the
one server process waits for it. The process still answers /health at once, and a pull sent
to the same process runs all its reads and reaches its own audit row (which waits for the
lock too): two of the process's requests wait on the lock side by side. Before the offload the
handlers called the services on the event loop, so the waiting push stalled the whole process:
/health timed out and the pull never reached the database.
"""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from shared.protocol import ItemStatus
from sync_server.controllers.offload import Offload
from sync_server.repository.postgres_conn import WRITE_LOCK
from sync_server.repository.sqlite import SqliteRepository
from tests.e2e.http_devices import HttpDevice
from tests.e2e.quick_server import QuickServerProcess
from tests.e2e.sync_devices import transport

pytestmark = pytest.mark.e2e

PROMPT_S = 2.0  # a /health answer, on a shared 2-core machine
WAIT_S = 15.0  # for the requests to reach the lock


def _lock_waiters(monitor: psycopg.Connection) -> int:
    """How many server connections wait for an advisory lock (the write lock) now."""
    row = monitor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'doorstep-%'"
        " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
    ).fetchone()
    return int(row[0]) if row else 0


def _wait_for_waiters(monitor: psycopg.Connection, count: int) -> int:
    deadline = time.monotonic() + WAIT_S
    while (seen := _lock_waiters(monitor)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return seen


@pytest.fixture
def one_process(postgres_url: str, tmp_path: Path) -> Iterator[QuickServerProcess]:
    server = QuickServerProcess(tmp_path / "one.db", extra_args=("--db", postgres_url)).start()
    try:
        yield server
    finally:
        server.stop()


def test_a_pull_is_served_while_a_push_to_the_same_process_waits_for_the_lock(
    one_process: QuickServerProcess, postgres_url: str
) -> None:
    """The write lock held elsewhere: the process's push waits, its /health and pull do not."""
    pusher = HttpDevice.sign_in("hv-a", [one_process.url], "demo-hv")
    puller = HttpDevice.sign_in("sup", [one_process.url], "demo-sup")
    entry = pusher.new_entry(sorted(set(pusher.children) & set(puller.children))[0])
    with (
        psycopg.connect(postgres_url, autocommit=True) as monitor,
        psycopg.connect(postgres_url) as holder,
        httpx.Client(transport=transport(), timeout=PROMPT_S * 3) as probe,
        ThreadPoolExecutor(2) as requests,
    ):
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))  # opens a transaction
        try:
            push = requests.submit(pusher.push, 0, [entry])
            assert _wait_for_waiters(monitor, 1) == 1, "the push never reached the lock"
            started = time.monotonic()
            assert probe.get(f"{one_process.url}/health").status_code == 200
            assert time.monotonic() - started < PROMPT_S, "/health waited behind the push"
            pull = requests.submit(puller.pull_page, 0, 500)
            # The pull's reads are done once it waits to append its audit row.
            assert _wait_for_waiters(monitor, 2) == 2, "the pull was stalled behind the push"
            assert not push.done(), "the push passed the held lock"
            assert not pull.done(), "the pull passed the held lock"
        finally:
            holder.commit()  # lets go of the lock
        assert [r.status for r in push.result(30)] == [ItemStatus.ACCEPTED]
        # The pull read before the push committed; the next one brings the entry.
        assert entry.version_id not in {v.version_id for v in pull.result(30).items}
        assert entry.version_id in {v.version_id for v in puller.pull_page(0, 500).items}
    pusher.close()
    puller.close()


def test_sqlite_runs_push_and_pull_inline_postgresql_in_threads_below_the_pool() -> None:
    """SQLite serves one caller at a time: no threads; a pool of 8 gets 7 threads."""
    assert SqliteRepository.concurrent_callers == 1
    assert Offload.for_callers(1).threads == 0
    assert Offload.for_callers(8).threads == 7
