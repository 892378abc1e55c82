"""Sync never gets stuck (issue 14): a damaged row is set aside, a version the server keeps
failing on is held back, and the rest goes on. Real store, real crypto; the server is the
in-memory FakeServer of test_sync_scope."""

import sqlite3
from pathlib import Path

import pytest

from mobile_app.errors import ServerFault
from mobile_app.services.records import RecordService
from mobile_app.services.sync.set_aside import (
    NO_SERVER_COPY,
    RERECORD_ADVICE,
    RESTORE_ADVICE,
    SERVER_HAS_COPY,
    restore_server_copies,
    retry_held,
    set_aside_issues,
)
from mobile_app.services.sync.sync import SyncReport, SyncService
from mobile_app.store import DeviceStore, SyncState
from mobile_app.store.database import DB_FILENAME
from shared.protocol import PushRequest, PushResponse
from tests.mobile_app.test_sync_scope import FakeServer, cases_held, record_offline, sync


def flip_a_bit(data_dir: Path, version_id: str) -> bytes:
    """Flip one bit of a version's sealed row on disk, as a failing flash cell would."""
    with sqlite3.connect(data_dir / DB_FILENAME) as raw:
        (sealed,) = raw.execute(
            "SELECT ciphertext FROM versions WHERE version_id = ?", [version_id]
        ).fetchone()
        flipped = sealed[:30] + bytes([sealed[30] ^ 0x04]) + sealed[31:]
        raw.execute(
            "UPDATE versions SET ciphertext = ? WHERE version_id = ?", [flipped, version_id]
        )
    return bytes(flipped)


def quarantined_ciphertext(data_dir: Path, version_id: str) -> bytes:
    with sqlite3.connect(data_dir / DB_FILENAME) as raw:
        (kept,) = raw.execute(
            "SELECT ciphertext FROM quarantine WHERE version_id = ?", [version_id]
        ).fetchone()
    return bytes(kept)


def test_one_damaged_unsynced_row_is_set_aside_and_the_other_eleven_are_pushed(
    store: DeviceStore, data_dir: Path
) -> None:
    server = FakeServer()
    case_id = server.add_case(1)
    sync(store, server)
    made = [record_offline(store, case_id) for _ in range(12)]
    victim = made[5]
    damaged = flip_a_bit(data_dir, victim)

    report = sync(store, server)

    assert report.set_aside == [victim]
    assert report.accepted == 11
    assert {v.version_id for v in server.versions} >= set(made) - {victim}
    assert store.outbox.count() == 0
    assert quarantined_ciphertext(data_dir, victim) == damaged, "kept exactly as it was"
    (issue,) = set_aside_issues(store)
    assert NO_SERVER_COPY in issue.detail
    assert issue.advice == RERECORD_ADVICE
    assert "safe" not in issue.detail
    assert victim not in issue.detail + issue.title
    # Recording goes on while the damaged row exists, and the caseload still opens.
    again = record_offline(store, case_id)
    assert sync(store, server).accepted == 1
    assert store.records.get(again).state == SyncState.SYNCED
    assert RecordService(store).caseload()


def test_a_damaged_synced_row_says_the_server_has_a_copy_and_restores_it(
    store: DeviceStore, data_dir: Path
) -> None:
    server = FakeServer()
    case_id = server.add_case(1)
    sync(store, server)
    child = next(r for r in store.records.rows() if r.record_type == "child")
    flip_a_bit(data_dir, child.version_id)

    summary = RecordService(store).caseload()  # reading finds it, sets it aside, goes on
    assert [c.children for c in summary] == [{}]
    (issue,) = set_aside_issues(store)
    assert SERVER_HAS_COPY in issue.detail
    assert issue.advice == RESTORE_ADVICE

    assert restore_server_copies(store) == 1
    sync(store, server)
    assert cases_held(store) == {case_id: 2}
    assert store.records.get(child.version_id).state == SyncState.SYNCED
    assert set_aside_issues(store) == []
    assert [e.restored for e in store.records.quarantine.entries()] == [True]


class PoisonServer(FakeServer):
    """Answers 5xx to any push that carries one of the poisoned version ids."""

    def __init__(self) -> None:
        super().__init__()
        self.poisoned: set[str] = set()
        self.pushes = 0

    def push(self, request: PushRequest) -> PushResponse:
        self.pushes += 1
        if self.poisoned & {item.version_id for item in request.items}:
            raise ServerFault("The server had a problem (HTTP 500).")
        return super().push(request)


def test_a_version_the_server_keeps_failing_on_is_held_back_and_the_rest_goes_on(
    store: DeviceStore,
) -> None:
    server = PoisonServer()
    case_id = server.add_case(1)
    sync(store, server)
    made = [record_offline(store, case_id) for _ in range(9)]
    poison = made[3]
    server.poisoned.add(poison)
    record_id = store.records.get(poison).version.record_id
    payload = store.records.get(poison).version.payload
    later = RecordService(store).amend(record_id, payload, reason="Added the date of birth.")

    def sync_with_limit() -> SyncReport:
        return SyncService(store, server, hold_after=3).sync()  # type: ignore[arg-type]

    first = sync_with_limit()
    assert first.accepted == 8
    assert first.not_sent == [poison]
    assert store.records.get(later.version_id).state == SyncState.PENDING
    assert later.version_id not in {v.version_id for v in server.versions}, (
        "the amendment waits behind the version it builds on"
    )
    assert store.outbox.count() == 2
    assert sync_with_limit().not_sent == [poison]
    third = sync_with_limit()
    assert (third.not_sent, third.held) == ([], [poison])
    assert [i.status for i in set_aside_issues(store)] == ["held"]
    pushes = server.pushes
    assert sync_with_limit().held == []
    assert server.pushes == pushes, "a held version is not sent again by itself"

    server.poisoned.clear()  # the administrator fixed the server
    assert retry_held(store) == 1
    report = sync_with_limit()
    assert report.accepted == 2
    assert store.records.get(later.version_id).state == SyncState.SYNCED
    assert set_aside_issues(store) == []


class BrokenPushServer(FakeServer):
    """Every push fails (the server's disk is full): no version is to blame."""

    def push(self, request: PushRequest) -> PushResponse:
        raise ServerFault("The server had a problem (HTTP 507).")


def test_a_server_failing_every_push_holds_nothing_back(store: DeviceStore) -> None:
    server = BrokenPushServer()
    case_id = server.add_case(1)
    made = [record_offline(store, case_id) for _ in range(40)]
    for _ in range(6):
        with pytest.raises(ServerFault):
            SyncService(store, server, hold_after=2).sync()  # type: ignore[arg-type]
    assert store.outbox.held() == []
    assert store.outbox.peek(100) == made
    assert cases_held(store)[case_id] == 42, "the pull still ran"
