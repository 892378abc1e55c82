"""Crashes, retries, dropped connections and a stopped server lose nothing and duplicate nothing."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mobile_app.crypto import new_kdf_params
from mobile_app.errors import ServerUnreachable
from mobile_app.services.demo import record_demo_visits
from mobile_app.services.records import RecordService
from mobile_app.services.security.account import AccountService
from mobile_app.services.sync.sync import SyncService
from mobile_app.services.visits.visits import VisitService
from mobile_app.store import DeviceStore, SyncState
from mobile_app.sync_client import SyncClient
from tests.e2e.conftest import DEMO_PASSWORD, PASSPHRASE, CliDevice, ServerProcess

pytestmark = pytest.mark.e2e


class DropAfterServerAnswers(httpx.HTTPTransport):
    """Sends each push to the real server, lets it commit, then loses the answer."""

    def __init__(self, drops: int) -> None:
        super().__init__()
        self.drops = drops

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == "/sync/push" and self.drops > 0:
            response.read()
            response.close()
            self.drops -= 1
            raise httpx.ReadError("connection dropped after the server committed", request=request)
        return response


def signed_in_store(data: Path, server: ServerProcess, username: str) -> DeviceStore:
    store = DeviceStore.create(data, PASSPHRASE, new_kdf_params(1, 1, 1024))
    AccountService(store).sign_in(server.url, username, DEMO_PASSWORD, "test-device")
    with AccountService(store).client() as client:
        SyncService(store, client).sync()
    return store


def record_visits(store: DeviceStore, count: int) -> None:
    records = RecordService(store)
    me = AccountService(store).session().practitioner
    record_demo_visits(records, VisitService(records, me), count, seed=7)


@pytest.fixture
def device(server: ServerProcess, tmp_path: Path) -> Iterator[DeviceStore]:
    store = signed_in_store(tmp_path / "device", server, "demo-sw")
    yield store
    store.close()


def test_answer_lost_after_commit_then_retry_duplicates_nothing(
    server: ServerProcess, device: DeviceStore, tmp_path: Path
) -> None:
    record_visits(device, 3)
    queued = device.outbox.peek(1000)
    session = AccountService(device).session()
    flaky = SyncClient(session.server_url, session.token, transport=DropAfterServerAnswers(1))
    with flaky, pytest.raises(ServerUnreachable):
        SyncService(device, flaky).sync()
    assert device.outbox.peek(1000) == queued, "nothing leaves the outbox without an answer"

    with AccountService(device).client() as client:
        report = SyncService(device, client).sync()
    assert report.duplicates == len(queued)
    assert report.accepted == 0
    assert device.outbox.count() == 0
    rows = {r.version_id: r for r in device.records.rows()}
    assert all(rows[v].state == SyncState.SYNCED for v in queued)
    seqs = [rows[v].server_seq for v in queued]
    assert seqs == sorted(seqs), "the server stored them in outbox order"

    # A fresh device of the same practitioner pulls each version exactly once.
    fresh = signed_in_store(tmp_path / "fresh", server, "demo-sw")
    try:
        pulled = [r.version_id for r in fresh.records.rows()]
        assert len(pulled) == len(set(pulled))
        assert set(queued) <= set(pulled)
    finally:
        fresh.close()


def test_a_retried_sync_after_success_sends_nothing_twice(device: DeviceStore) -> None:
    record_visits(device, 2)
    with AccountService(device).client() as client:
        first = SyncService(device, client).sync()
        second = SyncService(device, client).sync()
    assert first.accepted == first.pushed > 0
    assert second.pushed == 0
    assert second.pulled == 0


def test_offline_records_survive_a_stopped_server_and_sync_after_restart(
    tmp_path: Path,
) -> None:
    server = ServerProcess(tmp_path / "server.db").start()
    try:
        hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
        server.stop()
        hv.run("demo", "--visits", "2", "--seed", "3")
        assert "Offline" in hv.run("sync", expect=3)
        pending = [r["version_id"] for r in hv.records() if r["state"] == "pending"]
        assert pending
        server.start()
        hv.run("sync")
        records = hv.records()
        assert {r["version_id"] for r in records if r["state"] == "synced"} >= set(pending)
        assert '"pending": 0' in hv.run("status", "--json")
    finally:
        server.stop()


def test_no_personal_data_in_clear_in_a_synced_device_folder(
    server: ServerProcess, tmp_path: Path
) -> None:
    hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
    hv.run("demo", "--visits", "2", "--seed", "5")
    hv.run("sync")
    records = hv.records()
    needles = set()
    for r in records:
        payload = r["payload"]
        for key in ("family_name", "given_name", "name", "summary", "voice_of_child"):
            if payload.get(key):
                needles.add(payload[key])
        if payload.get("address"):
            needles.add(payload["address"]["line1"])
    assert len(needles) > 5
    # Every file's bytes: a name as long as 6 bytes turns up in ~170 KB of ciphertext by
    # chance about once in 10**9 runs (a 3-letter name, about once in 100), so the short
    # ones are looked for cell by cell below instead, where chance cannot put them.
    blob = b"".join(p.read_bytes() for p in hv.data.iterdir() if p.is_file())
    found = [n for n in needles if len(n.encode()) >= 6 and n.encode() in blob]
    assert found == []
    assert _clear_text_cells(hv.data / "doorstep-device.db", needles) == []


def _clear_text_cells(db: Path, needles: set[str]) -> list[str]:
    """Return the needles found inside any text cell of any table of the database."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        cells = [
            value
            for table in tables
            for row in conn.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own names
            for value in row
            if isinstance(value, str)
        ]
    finally:
        conn.close()
    return sorted(n for n in needles if any(n in cell for cell in cells))
