"""The audit log's hash chain, computed in one place for both backends.

A row's predecessor is the last committed row: its id is the next one and its prev_hash that
row's hash, and its own hash is `audit_row_hash` (interface.py) of the two and its fields.
Callers hold the write lock (docs/architecture.md, Concurrency: SQLite's BEGIN IMMEDIATE,
PostgreSQL's advisory lock), so no other writer can read the same tip: the chain never forks
and ids stay consecutive for `verify-audit`.
"""

from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import AUDIT_GENESIS_HASH, AuditEvent, audit_row_hash

_TIP_SQL = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"
_INSERT_SQL = (
    "INSERT INTO audit_log (id, at, actor_id, device_id, action, subject_type, subject_id,"
    " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def append_audit_row(conn: SqlConnection, event: AuditEvent) -> int:
    """Append one audit row chained to the last; return its id. The caller holds the lock."""
    tip = conn.execute(_TIP_SQL).fetchone()
    row_id, prev = (int(tip[0]) + 1, str(tip[1])) if tip else (1, AUDIT_GENESIS_HASH)
    conn.execute(
        _INSERT_SQL,
        (row_id, event.at, event.actor_id, event.device_id, event.action, event.subject_type,
         event.subject_id, prev, audit_row_hash(prev, row_id, event)),
    )  # fmt: skip
    return row_id
