"""Conformance of AuditQueries on every backend: the audit log, one hash chain, append-only.

One shared method (repository/audit_chain.py) chains each row to the last under the write lock,
whether written alone, in a push or in a transaction."""

import sqlite3

import pytest

from sync_server.errors import StorageError
from sync_server.repository import AuditEvent, Repository
from sync_server.repository.interface import AUDIT_GENESIS_HASH, audit_row_hash
from sync_server.services.access.audit import verify_chain
from tests.contract.factories import AT


def _event(n: int) -> AuditEvent:
    return AuditEvent(AT, f"actor-{n}", f"device-{n}", "login", "device", f"d-{n}")


def test_audit_is_kept_in_order(repository: Repository) -> None:
    events = [AuditEvent(AT, "a", "d", "login"), AuditEvent(AT, "a", "d", "sync_pull", "x", "y")]
    for event in events:
        repository.add_audit(event)
    assert repository.audit_events() == events
    assert repository.audit_events("login") == events[:1]
    assert repository.audit_events("no_such_action") == []


def test_rows_alone_in_a_push_and_in_a_transaction_form_one_chain(
    repository: Repository,
) -> None:
    repository.add_audit(_event(0))
    with repository.ingest() as batch:
        batch.add_audit(_event(1))
    with repository.transaction():
        repository.add_audit(_event(2))  # nested: joins the open transaction
    rows = repository.audit_chain()
    assert [row.id for row in rows] == [1, 2, 3]
    assert [row.event for row in rows] == [_event(0), _event(1), _event(2)]
    assert verify_chain(rows).ok


def test_every_backend_computes_the_same_hashes(repository: Repository) -> None:
    """The hash is a function of the fields, the id and the row before, nothing a backend adds."""
    for n in range(3):
        repository.add_audit(_event(n))
    prev = AUDIT_GENESIS_HASH
    for n, row in enumerate(repository.audit_chain(), start=1):
        assert (row.prev_hash, row.hash) == (prev, audit_row_hash(prev, n, _event(n - 1)))
        prev = row.hash


def test_a_rolled_back_row_leaves_no_gap_in_the_chain(repository: Repository) -> None:
    repository.add_audit(_event(0))

    def undone() -> None:
        with repository.transaction():
            repository.add_audit(_event(1))
            raise RuntimeError("undone")

    with pytest.raises(RuntimeError):
        undone()
    repository.add_audit(_event(2))
    rows = repository.audit_chain()
    assert [row.id for row in rows] == [1, 2]
    assert rows[1].event == _event(2)
    assert verify_chain(rows).ok


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor_id = 'someone-else'", "UPDATE audit_log SET hash = 'x'",
     "DELETE FROM audit_log"],
)  # fmt: skip
def test_the_audit_log_refuses_changes_on_every_backend(
    repository: Repository, statement: str
) -> None:
    repository.add_audit(_event(0))
    conn = repository._conn  # type: ignore[attr-defined]  # the raw seam, as an intruder would
    with pytest.raises((sqlite3.IntegrityError, StorageError)):
        conn.execute(statement)
    assert verify_chain(repository.audit_chain()).count == 1
