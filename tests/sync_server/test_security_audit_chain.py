"""The hash-chained audit log: rows link to the one before, and verify-audit finds tampering."""

import itertools
import os
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from sync_server.admin_cli import EXIT_BROKEN_CHAIN, admin_command
from sync_server.repository import AuditEvent, open_sqlite_repository
from sync_server.repository.interface import AUDIT_GENESIS_HASH, audit_row_hash
from sync_server.repository.sqlite_schema import AUDIT_HASH_FUNCTION, audit_hash_sql, migrations
from sync_server.services.access.audit import ChainReport, verify_chain
from tests.postgres_server import PostgresServer

AT = "2025-03-01T09:00:00Z"


def _event(n: int) -> AuditEvent:
    return AuditEvent(AT, f"actor-{n}", None, "login", "device", f"device-{n}")


@pytest.fixture
def audited_db(tmp_path: Path) -> Path:
    path = tmp_path / "audit.db"
    repository = open_sqlite_repository(path)
    for n in range(5):
        repository.add_audit(_event(n))
    repository.close()
    return path


def test_each_row_hashes_its_fields_and_the_row_before(audited_db: Path) -> None:
    repository = open_sqlite_repository(audited_db)
    rows = repository.audit_chain()
    repository.close()
    assert [row.id for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == AUDIT_GENESIS_HASH
    for before, row in itertools.pairwise(rows):
        assert row.prev_hash == before.hash
    assert rows[2].hash == audit_row_hash(rows[1].hash or "", 3, _event(2))
    assert verify_chain(rows).ok


def test_rows_written_inside_a_push_batch_join_the_chain(tmp_path: Path) -> None:
    repository = open_sqlite_repository(tmp_path / "batch.db")
    repository.add_audit(_event(0))
    with repository.ingest() as batch:
        batch.add_audit(_event(1))
    rows = repository.audit_chain()
    repository.close()
    assert rows[1].prev_hash == rows[0].hash
    assert verify_chain(rows).count == 2


def test_verify_audit_prints_ok_with_the_count(
    audited_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert admin_command(["verify-audit", "--db", str(audited_db)]) == 0
    assert "OK: 5 audit rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    "tamper",
    ["UPDATE audit_log SET actor_id = 'someone-else' WHERE id = 3",
     "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE id = 3",
     "DELETE FROM audit_log WHERE id = 2"],
    ids=["actor-changed", "time-changed", "row-deleted"],
)  # fmt: skip
def test_verify_audit_names_the_first_tampered_row(
    audited_db: Path, capsys: pytest.CaptureFixture[str], tamper: str
) -> None:
    conn = sqlite3.connect(audited_db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute(tamper)
    conn.commit()
    conn.close()

    status = admin_command(["verify-audit", "--db", str(audited_db)])

    assert status == EXIT_BROKEN_CHAIN
    # a changed row 3 fails its own hash; after a deleted row 2, row 3's link fails
    assert "row id 3." in capsys.readouterr().err


def test_a_rehashed_row_still_breaks_the_next_link(audited_db: Path) -> None:
    """Recomputing a tampered row's own hash does not help: the next row still names the old."""
    conn = sqlite3.connect(audited_db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    row = conn.execute("SELECT prev_hash FROM audit_log WHERE id = 3").fetchone()
    forged = AuditEvent(AT, "someone-else", None, "login", "device", "device-2")
    conn.execute(
        "UPDATE audit_log SET actor_id = ?, hash = ? WHERE id = 3",
        ["someone-else", audit_row_hash(row[0], 3, forged)],
    )
    conn.commit()
    conn.close()
    repository = open_sqlite_repository(audited_db)
    report = verify_chain(repository.audit_chain())
    repository.close()
    assert report.broken_id == 4


def test_the_audit_log_stays_append_only_after_the_chain_migration(audited_db: Path) -> None:
    conn = sqlite3.connect(audited_db)
    try:
        for statement in ("UPDATE audit_log SET hash = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
    finally:
        conn.close()


def test_the_migration_chains_rows_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="0004_audit_chain")
    for n in range(3):
        event = _event(n)
        db.execute(
            "INSERT INTO audit_log (at, actor_id, device_id, action, subject_type, subject_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [event.at, event.actor_id, event.device_id, event.action, event.subject_type,
             event.subject_id],
        )  # fmt: skip
    db.close()

    repository = open_sqlite_repository(path)
    repository.add_audit(_event(3))
    report = verify_chain(repository.audit_chain())
    repository.close()
    assert report.ok
    assert report.count == 4


def test_concurrent_writers_keep_one_linear_chain(tmp_path: Path) -> None:
    """Two connections (the server and an admin command) append at once; no fork, no gap."""
    path = tmp_path / "busy.db"
    open_sqlite_repository(path).close()
    writers = [open_sqlite_repository(path) for _ in range(2)]

    def write(index: int) -> None:
        for n in range(40):
            writers[index].add_audit(_event(index * 100 + n))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = writers[0].audit_chain()
    for writer in writers:
        writer.close()
    assert len(rows) == 80
    assert verify_chain(rows).ok


def _triggers(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    conn.close()
    return {row[0] for row in rows}


def test_rows_the_retired_trigger_chained_verify_with_new_ones_in_one_walk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database from before step 0013, its rows chained by the trigger that called Python:
    the step drops the trigger and rewrites nothing, and verify-audit walks old and new."""
    path = tmp_path / "before-0013.db"
    db = Database(path)
    db.conn.create_function(AUDIT_HASH_FUNCTION, 8, audit_hash_sql, deterministic=True)
    migrations.apply(db, stop_before="0013_audit_chain_in_one_place")
    for n in range(3):
        event = _event(n)
        db.execute(
            "INSERT INTO audit_log (at, actor_id, device_id, action, subject_type, subject_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [event.at, event.actor_id, event.device_id, event.action, event.subject_type,
             event.subject_id],
        )  # fmt: skip
    old = [tuple(row) for row in db.execute("SELECT * FROM audit_log ORDER BY id").fetchall()]
    db.close()
    assert "audit_log_chain" in _triggers(path)
    assert len(old) == 3

    repository = open_sqlite_repository(path)
    repository.add_audit(_event(3))
    with repository.ingest() as batch:
        batch.add_audit(_event(4))
    repository.close()

    with sqlite3.connect(path) as conn:
        kept = [tuple(row) for row in conn.execute("SELECT * FROM audit_log ORDER BY id")]
    conn.close()
    assert kept[:3] == old  # history untouched
    assert _triggers(path) >= {"audit_log_no_update", "audit_log_no_delete"}
    assert "audit_log_chain" not in _triggers(path)
    assert admin_command(["verify-audit", "--db", str(path)]) == 0
    assert "OK: 5 audit rows" in capsys.readouterr().out


def _pg_steps(url: str) -> set[str]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(url) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM doorstep_schema_steps")}


def test_postgres_rows_from_before_step_0013_verify_with_new_ones(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL already chained rows in Python; the step changes nothing there, and rows
    written before it and after verify as one chain."""
    from sync_server.repository import postgres  # noqa: PLC0415

    name = f"doorstep_pre0013_{os.getpid()}"
    postgres_server.admin(f"CREATE DATABASE {name}")  # empty: built step by step here
    url = postgres_server.url(name)
    try:
        with monkeypatch.context() as before:
            before.setattr(postgres, "STEPS", postgres.STEPS[:-1])
            old = postgres.open_postgres_repository(url)
            for n in range(3):
                old.add_audit(_event(n))
            written = old.audit_chain()
            old.close()
        assert "0013_audit_chain_in_one_place" not in _pg_steps(url)
        repository = postgres.open_postgres_repository(url)
        repository.add_audit(_event(3))
        rows = repository.audit_chain()
        repository.close()
        assert "0013_audit_chain_in_one_place" in _pg_steps(url)
        assert rows[:3] == written
        assert verify_chain(rows) == ChainReport(4)
    finally:
        postgres_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
