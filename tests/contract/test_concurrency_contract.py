"""Two server processes on one database, as two repositories in threads: writes take turns.

Each repository here has its own connections (a SQLite file opened twice; two PostgreSQL
pools), as two server processes would. The model (docs/architecture.md, Concurrency): a push
reads, decides and writes inside one write transaction that no other writer enters, so
server_seqs commit in order, a head is replaced as a straight line once, and the audit chain
has one tip.
"""

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shared.ids import new_id
from sync_server.repository import AuditEvent, Repository, open_sqlite_repository
from sync_server.services.access.audit import verify_chain
from tests.contract.factories import AT, make, store

Opener = Callable[[], Repository]
HOLD_S = 0.4  # how long the first writer keeps its transaction open


@pytest.fixture(params=["sqlite-file", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    opened: list[Repository] = []

    def open_one() -> Repository:
        if request.param == "sqlite-file":
            repo = open_sqlite_repository(tmp_path / "shared.db")
        else:
            from sync_server.repository.postgres import open_postgres_repository  # noqa: PLC0415

            repo = open_postgres_repository(request.getfixturevalue("postgres_url"))
        opened.append(repo)
        return repo

    if request.param == "postgresql":
        request.getfixturevalue("postgres_url")  # one database for both repositories
    yield open_one
    for repo in opened:
        repo.close()


def test_a_later_push_waits_so_no_cursor_passes_a_late_commit(opener: Opener) -> None:
    first, second, reader = opener(), opener(), opener()
    case = new_id()
    started, inserted = threading.Event(), threading.Event()
    seqs: dict[str, int] = {}

    def slow_push() -> None:
        with first.ingest() as batch:
            [seqs["slow"]] = batch.insert([make(case)], [])
            started.set()
            time.sleep(HOLD_S)

    def quick_push() -> None:
        started.wait(5)
        [seqs["quick"]] = store(second, [make(case)])
        inserted.set()

    with ThreadPoolExecutor(2) as pool:
        slow, quick = pool.submit(slow_push), pool.submit(quick_push)
        assert started.wait(5)
        # While the slow push is open, nothing after it is visible to a puller...
        assert not inserted.wait(HOLD_S / 2), "a second writer got in beside the first"
        assert reader.pull([case], 0, 100) == []
        slow.result(10)
        quick.result(10)
    # ...and what came after it is numbered after it.
    assert seqs["quick"] > seqs["slow"]
    assert [v.server_seq for v in reader.pull([case], 0, 100)] == [seqs["slow"], seqs["quick"]]


def test_two_replacements_of_one_head_cannot_both_see_it_as_the_only_head(
    opener: Opener,
) -> None:
    first, second = opener(), opener()
    case = new_id()
    base = make(case)
    store(first, [base])
    saw_one_head: list[bool] = []
    barrier = threading.Barrier(2)

    def replace(repo: Repository) -> None:
        barrier.wait(5)
        with repo.ingest() as batch:
            heads = batch.heads([base.record_id])[base.record_id]
            saw_one_head.append(heads == [base.version_id])
            time.sleep(HOLD_S / 4)  # the other writer tries to get in here
            batch.insert([make(case, replaces=base)], [])

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(replace, first), pool.submit(replace, second)]:
            done.result(10)
    # The second to get in saw the first's replacement: the ingest rules call it a conflict.
    assert sorted(saw_one_head) == [False, True]
    assert len(first.heads([base.record_id])[base.record_id]) == 2


def test_audit_rows_from_two_writers_form_one_chain(opener: Opener) -> None:
    repos = [opener(), opener()]
    per_writer = 15

    def write(n: int) -> None:
        for i in range(per_writer):
            repos[n].add_audit(AuditEvent(AT, f"actor-{n}", None, "login", "device", str(i)))

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(write, 0), pool.submit(write, 1)]:
            done.result(30)
    rows = repos[0].audit_chain()
    assert [row.id for row in rows] == list(range(1, 2 * per_writer + 1))
    report = verify_chain(rows)
    assert report.ok
    assert report.count == 2 * per_writer
