"""The SQLite schema, applied step by step with sqlite-utils Migrations.

The versions table and the chronology index are the ingest hot path: each index on them
costs every push, so there are only the ones a query needs (docs/architecture.md, Performance).
"""

import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from sync_server.repository.interface import AUDIT_GENESIS_HASH, AuditEvent, audit_row_hash
from sync_server.repository.sqlite_authority_transfers import AUTHORITY_TRANSFER_DDL
from sync_server.repository.sqlite_scope import inherit_existing_restrictions

# bench/sync_bench.py builds its raw-SQLite baseline from these same statements.
VERSIONS_DDL = (
    """CREATE TABLE versions (
        server_seq INTEGER PRIMARY KEY AUTOINCREMENT,
        version_id TEXT NOT NULL UNIQUE,
        record_id TEXT NOT NULL,
        record_type TEXT NOT NULL,
        replaces_version_id TEXT,
        case_id TEXT NOT NULL,
        author_id TEXT NOT NULL,
        author_agency TEXT NOT NULL,
        device_id TEXT,
        device_time TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        content_hash BLOB NOT NULL,
        payload_json TEXT NOT NULL
    )""",
    # existence of a record, version counts, children's cases
    "CREATE INDEX versions_record ON versions (record_id)",
    # heads and conflicts: who replaces this version? (first versions replace nothing)
    "CREATE INDEX versions_replaces ON versions (replaces_version_id)"
    " WHERE replaces_version_id IS NOT NULL",
    # pull: a caller's cases after a cursor
    "CREATE INDEX versions_case_seq ON versions (case_id, server_seq)",
    """CREATE TABLE chronology_index (
        child_id TEXT NOT NULL,
        version_id TEXT NOT NULL,
        event_time TEXT NOT NULL,
        PRIMARY KEY (child_id, version_id)
    ) WITHOUT ROWID""",
)

VERSION_COLUMNS = (
    "version_id", "record_id", "record_type", "replaces_version_id", "case_id", "author_id",
    "author_agency", "device_id", "device_time", "recorded_at", "content_hash", "payload_json",
)  # fmt: skip
INSERT_VERSION_SQL = (
    f"INSERT INTO versions ({', '.join(VERSION_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in VERSION_COLUMNS)})"
)
INSERT_INDEX_SQL = (
    "INSERT INTO chronology_index (child_id, version_id, event_time) VALUES (?, ?, ?)"
)

# A version resolving a conflict replaces several: the first in versions.replaces_version_id,
# the rest here. Only resolutions write to it, so the ingest of new entries never touches it.
# The key serves "who replaces this version?" (heads and conflicts).
ALSO_REPLACES_DDL = (
    """CREATE TABLE also_replaces (
        replaced_version_id TEXT NOT NULL,
        version_id TEXT NOT NULL,
        PRIMARY KEY (replaced_version_id, version_id)
    ) WITHOUT ROWID""",
)
INSERT_ALSO_REPLACES_SQL = (
    "INSERT INTO also_replaces (replaced_version_id, version_id) VALUES (?, ?)"
)

_PEOPLE_DDL = (
    """CREATE TABLE practitioners (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        agency TEXT NOT NULL,
        team TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        practitioner_id TEXT NOT NULL REFERENCES practitioners (id),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_seen_at TEXT,
        revoked_at TEXT
    )""",
    """CREATE TABLE allocations (
        practitioner_id TEXT NOT NULL REFERENCES practitioners (id),
        case_id TEXT NOT NULL,
        allocated_at TEXT NOT NULL,
        PRIMARY KEY (practitioner_id, case_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_id TEXT,
        device_id TEXT,
        action TEXT NOT NULL,
        subject_type TEXT,
        subject_id TEXT
    )""",
)


def _append_only(table: str) -> tuple[str, str]:
    return tuple(  # type: ignore[return-value]
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    )


migrations = Migrations("doorstep-sync-server")


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    statements = (
        *VERSIONS_DDL,
        *_PEOPLE_DDL,
        *_append_only("versions"),
        *_append_only("chronology_index"),
        *_append_only("audit_log"),
    )
    for statement in statements:
        db.execute(statement)


@migrations(name="0002_also_replaces")
def _also_replaces(db: Database) -> None:
    for statement in (*ALSO_REPLACES_DDL, *_append_only("also_replaces")):
        db.execute(statement)


@migrations(name="0003_allocation_history")
def _allocation_history(db: Database) -> None:
    # An allocation is ended, never deleted: its case id is the "left scope" marker devices
    # receive. Each (re)allocation gets a new id, so a device can tell it must backfill.
    db.execute("ALTER TABLE allocations ADD COLUMN allocation_id TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE allocations ADD COLUMN ended_at TEXT")
    db.execute("UPDATE allocations SET allocation_id = lower(hex(randomblob(16)))")


AUDIT_HASH_FUNCTION = "doorstep_audit_hash"
_AUDIT_FIELDS = "at, actor_id, device_id, action, subject_type, subject_id"
_NEW_AUDIT_FIELDS = ", ".join(f"NEW.{name}" for name in _AUDIT_FIELDS.split(", "))

# Every insert into audit_log is re-issued with its id, prev_hash and hash, then the original
# is dropped (RAISE(IGNORE)): the chain is computed inside the inserting statement, under the
# write lock, so concurrent writers cannot fork it, and no row ever needs an UPDATE.
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


def _audit_hash_sql(  # noqa: PLR0917 - SQLite calls it with positional arguments
    prev_hash: str,
    row_id: int,
    at: str,
    actor_id: str | None,
    device_id: str | None,
    action: str,
    subject_type: str | None,
    subject_id: str | None,
) -> str:
    event = AuditEvent(at, actor_id, device_id, action, subject_type, subject_id)
    return audit_row_hash(prev_hash, row_id, event)


@migrations(name="0004_audit_chain")
def _audit_chain(db: Database) -> None:
    db.execute("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT")
    db.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT")
    # The rows written before the chain existed are chained once, here, in id order.
    db.execute("DROP TRIGGER audit_log_no_update")
    prev = AUDIT_GENESIS_HASH
    rows = db.execute(f"SELECT id, {_AUDIT_FIELDS} FROM audit_log ORDER BY id").fetchall()
    for row_id, *fields in rows:
        row_hash = _audit_hash_sql(prev, row_id, *fields)
        db.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [prev, row_hash, row_id]
        )
        prev = row_hash
    db.execute(_append_only("audit_log")[0])
    db.execute(AUDIT_CHAIN_TRIGGER)


@migrations(name="0005_practitioner_revocation")
def _practitioner_revocation(db: Database) -> None:
    db.execute("ALTER TABLE practitioners ADD COLUMN revoked_at TEXT")


@migrations(name="0006_scope")
def _scope(db: Database) -> None:
    # Rows for restricted versions only (see sqlite_scope.py), so its two keys cost only
    # them: by record (history, chronology, edits) and by case (pull's hidden records).
    db.execute(
        """CREATE TABLE restricted_versions (
            record_id TEXT NOT NULL,
            version_id TEXT NOT NULL,
            case_id TEXT NOT NULL,
            owner_agency TEXT NOT NULL,
            roles TEXT NOT NULL,
            PRIMARY KEY (record_id, version_id, owner_agency, roles)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX restricted_versions_case ON restricted_versions (case_id)")
    for statement in _append_only("restricted_versions"):
        db.execute(statement)


@migrations(name="0007_break_glass")
def _break_glass(db: Database) -> None:
    # Grants are append-only: an expired one stays as the record of what was opened and why.
    db.execute(
        """CREATE TABLE break_glass_grants (
            id TEXT PRIMARY KEY,
            practitioner_id TEXT NOT NULL REFERENCES practitioners (id),
            case_id TEXT NOT NULL,
            team TEXT NOT NULL,
            reason TEXT NOT NULL,
            granted_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )"""
    )
    # scope reads a caller's live grants on every case read; the review reads a team's
    db.execute(
        "CREATE INDEX break_glass_holder ON break_glass_grants (practitioner_id, expires_at)"
    )
    db.execute("CREATE INDEX break_glass_team ON break_glass_grants (team, granted_at)")
    for statement in _append_only("break_glass_grants"):
        db.execute(statement)


@migrations(name="0008_signin_limits_and_wipes")
def _signin_limits_and_wipes(db: Database) -> None:
    # Sign-in counters survive a restart. Keys are hashes; times fixed-width UTC stamps.
    # (key, at) serves one key's window; (at) the pruning of expired failures.
    db.execute(
        """CREATE TABLE signin_failures (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL,
            at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX signin_failures_key ON signin_failures (key, at)")
    db.execute("CREATE INDEX signin_failures_at ON signin_failures (at)")
    db.execute(
        """CREATE TABLE signin_locks (
            user_key TEXT PRIMARY KEY,
            consecutive INTEGER NOT NULL,
            locked_until TEXT
        ) WITHOUT ROWID"""
    )
    # A withdrawn device's confirmation that its keys and data are gone: counts, no content.
    db.execute("ALTER TABLE devices ADD COLUMN wipe_confirmed_at TEXT")
    db.execute("ALTER TABLE devices ADD COLUMN wipe_unsynced_records INTEGER")
    db.execute("ALTER TABLE devices ADD COLUMN wipe_unfinished_drafts INTEGER")


@migrations(name="0009_restrictions_by_version")
def _restrictions_by_version(db: Database) -> None:
    # A record about a restricted entry (a review, a decision, a link) stored before the
    # entry was restricted gets a row keyed by the restricting version, not one of its own:
    # withdrawal finds such rows from the versions a pull page holds, by version id.
    db.execute("CREATE INDEX restricted_versions_version ON restricted_versions (version_id)")
    # Entries restricted before this migration pass their rows to the records about them.
    inherit_existing_restrictions(db.conn)


@migrations(name="0010_authority_transfers")
def _authority_transfers(db: Database) -> None:
    # Bundles sent to and received from other authorities' servers (authority_transfers.py).
    for statement in AUTHORITY_TRANSFER_DDL:
        db.execute(statement)


@migrations(name="0011_handover_arrivals")
def _handover_arrivals(db: Database) -> None:
    # Issue 13: a version the previous team pushed after a transfer (within the grace period,
    # or forwarded by their supervisor) is marked here, not in its JSON: its hash stays its own.
    db.execute(
        """CREATE TABLE handover_arrivals (
            version_id TEXT PRIMARY KEY REFERENCES versions (version_id),
            case_id TEXT NOT NULL,
            author_id TEXT NOT NULL,
            allocation_ended_at TEXT NOT NULL,
            transfer_record_id TEXT NOT NULL,
            receiving_team TEXT NOT NULL,
            arrived_at TEXT NOT NULL,
            forwarded_by TEXT
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX handover_arrivals_case ON handover_arrivals (case_id)")


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
    conn.create_function(AUDIT_HASH_FUNCTION, 8, _audit_hash_sql, deterministic=True)
    db = Database(conn)
    if not in_memory:
        db.enable_wal()
        conn.execute("PRAGMA synchronous = FULL")  # a committed push survives power loss
    migrations.apply(db)
    return db
