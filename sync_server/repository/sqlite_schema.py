"""The SQLite schema, applied step by step with sqlite-utils Migrations.

The versions table and the chronology index are the ingest hot path: each index on them
costs every push, so there are only the ones a query needs (PERFORMANCE-NOTES.md).
"""

import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

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
    migrations.apply(db)
    return db
