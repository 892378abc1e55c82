"""The real server process on PostgreSQL: two processes share one database over HTTP.

Each process is `python -m sync_server --db postgresql://...` with the demo data (the second
finds it already seeded). A device signs in on one and pushes; another signs in on the other
and pulls what was pushed: sessions, versions and cursors live in the database, not in either
process.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.e2e.conftest import DEMO_PASSWORD, ROOT, ServerProcess
from tests.e2e.sync_devices import SyncDevice

pytestmark = pytest.mark.e2e
WORKERS_START_S = 90


@pytest.fixture
def two_servers(postgres_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    # ServerProcess passes --db FILE first; the later --db URL is the one argparse keeps (the
    # file path only names the log).
    first = ServerProcess(tmp_path / "first.db", extra_args=("--db", postgres_url)).start()
    try:
        second = ServerProcess(tmp_path / "second.db", extra_args=("--db", postgres_url)).start()
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


def pulled(server: ServerProcess, token: str) -> set[str]:
    answer = httpx.get(
        f"{server.url}/sync/pull",
        params={"cursor": 0, "limit": 2000},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    return {item["version_id"] for item in answer.json()["items"]}


def test_a_push_to_one_process_is_pulled_from_the_other(
    two_servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    first, second = two_servers
    hv = SyncDevice.sign_in("hv phone", tmp_path / "hv", first.url, "demo-hv")
    sw = SyncDevice.sign_in("sw phone", tmp_path / "sw", second.url, "demo-sw")
    try:
        case_id = next(case for case in sw.children if case in hv.children)
        child_id = hv.children[case_id][0]
        entries = hv.record_entries(case_id, child_id, ["Synthetic: visit one.", "Synthetic: two."])
        report = hv.sync()
        assert report.rejected == []
        assert hv.pending() == set()

        sw.sync()
        mine = {entry.version_id for entry in entries}
        assert mine <= set(sw.version_ids())
        # The same device token is good on either process: its session is in the database.
        assert mine <= pulled(first, sw.token)
        assert mine <= pulled(second, hv.token)
    finally:
        hv.close()
        sw.close()
    assert first.log is not None
    log = first.log.read_text()
    assert "(db: postgresql://doorstep@127.0.0.1:" in log
    assert not (tmp_path / "first.db").exists(), "no SQLite file was made beside it"


class WorkersProcess(ServerProcess):
    """`python -m sync_server --workers N` on PostgreSQL: slower to answer than one process
    (the parent migrates and seeds, then each worker starts the app), so waited for longer."""

    def start(self) -> "WorkersProcess":
        env = {**os.environ, "DOORSTEP_DEMO_PASSWORD": DEMO_PASSWORD}
        self.log = self.db.with_suffix(".log")
        command = [sys.executable, "-m", "sync_server", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--demo", *self.extra_args]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + WORKERS_START_S
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the workers did not answer /health:\n{self.log.read_text()}")


def test_workers_share_one_port_and_one_database(postgres_url: str, tmp_path: Path) -> None:
    args = ("--db", postgres_url, "--workers", "2")
    server = WorkersProcess(tmp_path / "workers.db", extra_args=args).start()
    try:
        hv = SyncDevice.sign_in("hv phone", tmp_path / "hv", server.url, "demo-hv")
        try:
            case_id = sorted(hv.children)[0]
            child_id = hv.children[case_id][0]
            entries = hv.record_entries(
                case_id, child_id, [f"Synthetic: note {n}." for n in range(3)]
            )
            assert hv.sync().rejected == []
            # New connections each time: the kernel hands them to either worker.
            for _ in range(6):
                assert {e.version_id for e in entries} <= pulled(server, hv.token)
        finally:
            hv.close()
        with psycopg.connect(postgres_url) as conn:
            names = conn.execute(
                "SELECT DISTINCT application_name FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name LIKE 'doorstep-%'"
            ).fetchall()
        assert len(names) == 2, "each worker process holds its own pool"
    finally:
        server.stop()
