"""The SQLite backend's schema: the steps of schema_steps.py, applied with sqlite-utils Migrations.

Each step's SQLite actions run as one sqlite-utils migration of the same name, so a database
records what it holds in `_sqlite_migrations`; one naming a step this server does not know
is refused (schema_steps.refuse_newer).
"""

import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import AUDIT_GENESIS_HASH, AuditEvent, audit_row_hash
from sync_server.repository.schema_ddl import (
    ALSO_REPLACES_DDL,
    INSERT_ALSO_REPLACES_SQL,
    INSERT_INDEX_SQL,
    INSERT_VERSION_SQL,
    VERSION_COLUMNS,
    VERSIONS_DDL,
)
from sync_server.repository.schema_steps import (
    STEPS,
    Action,
    Step,
    append_only_sqlite,
    refuse_newer,
)

__all__ = [
    "ALSO_REPLACES_DDL",
    "INSERT_ALSO_REPLACES_SQL",
    "INSERT_INDEX_SQL",
    "INSERT_VERSION_SQL",
    "VERSIONS_DDL",
    "VERSION_COLUMNS",
    "connect",
    "migrations",
]

MIGRATION_SET = "doorstep-sync-server"
migrations = Migrations(MIGRATION_SET)


def _register(step: Step) -> None:
    def apply(db: Database, actions: tuple[Action, ...] = step.sqlite) -> None:
        for action in actions:
            if isinstance(action, str):
                db.execute(action)
            else:
                action(db.conn)

    migrations(name=step.name)(apply)


for _step in STEPS:
    _register(_step)


AUDIT_HASH_FUNCTION = "doorstep_audit_hash"
_AUDIT_FIELDS = "at, actor_id, device_id, action, subject_type, subject_id"
_NEW_AUDIT_FIELDS = ", ".join(f"NEW.{name}" for name in _AUDIT_FIELDS.split(", "))

# History: step 0004 created this trigger (every insert re-issued with its id, prev_hash and
# hash, computed by a Python function registered on the connection); step 0013 drops it, and
# audit_chain.py chains rows on both backends. Kept so a database is built step by step as
# the ones in service were.
AUDIT_CHAIN_TRIGGER = f"""CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    WHEN NEW.hash IS NULL
    BEGIN
        INSERT INTO audit_log (id, {_AUDIT_FIELDS}, prev_hash, hash)
        SELECT tip.next_id, {_NEW_AUDIT_FIELDS}, tip.prev,
            {AUDIT_HASH_FUNCTION}(tip.prev, tip.next_id, {_NEW_AUDIT_FIELDS})
        FROM (
            SELECT COALESCE((SELECT id FROM audit_log ORDER BY id DESC LIMIT 1), 0) + 1
                AS next_id,
            COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '{AUDIT_GENESIS_HASH}')
                AS prev
        ) AS tip;
        SELECT RAISE(IGNORE);
    END"""


def audit_hash_sql(  # noqa: PLR0917 - SQLite called it with positional arguments
    prev_hash: str,
    row_id: int,
    at: str,
    actor_id: str | None,
    device_id: str | None,
    action: str,
    subject_type: str | None,
    subject_id: str | None,
) -> str:
    """Return an audit row's chain hash from its columns (the retired trigger's function)."""
    event = AuditEvent(at, actor_id, device_id, action, subject_type, subject_id)
    return audit_row_hash(prev_hash, row_id, event)


def add_sqlite_audit_chain(conn: SqlConnection) -> None:
    """Schema step 0004 on SQLite: chain the rows written so far, then every new one."""
    conn.execute("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT")
    conn.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT")
    # The rows written before the chain existed are chained once, here, in id order.
    conn.execute("DROP TRIGGER audit_log_no_update")
    prev = AUDIT_GENESIS_HASH
    rows = conn.execute(f"SELECT id, {_AUDIT_FIELDS} FROM audit_log ORDER BY id").fetchall()
    for row_id, *fields in rows:
        row_hash = audit_hash_sql(prev, row_id, *fields)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [prev, row_hash, row_id]
        )
        prev = row_hash
    conn.execute(append_only_sqlite("audit_log")[0])
    conn.execute(AUDIT_CHAIN_TRIGGER)


def _applied(db: Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]


def connect(path: Path | str) -> Database:
    """Open (creating if needed) the database at path, in WAL mode, with the schema applied."""
    in_memory = str(path) == ":memory:"
    if not in_memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), never implicit.
    # check_same_thread=False: the app uses its one connection from one thread at a time.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn)
    if not in_memory:
        db.enable_wal()
        conn.execute("PRAGMA synchronous = FULL")  # a committed push survives power loss
    refuse_newer(_applied(db))
    migrations.apply(db)
    return db
