"""The tables, as portable CREATE statements both backends run (schema_steps.py applies them).

Written in SQLite's spelling; `schema_steps.postgres_ddl` gives PostgreSQL its own.
"""

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

PEOPLE_DDL = (
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


RESTRICTED_DDL = (
    """CREATE TABLE restricted_versions (
        record_id TEXT NOT NULL,
        version_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        owner_agency TEXT NOT NULL,
        roles TEXT NOT NULL,
        PRIMARY KEY (record_id, version_id, owner_agency, roles)
    ) WITHOUT ROWID""",
    "CREATE INDEX restricted_versions_case ON restricted_versions (case_id)",
)

BREAK_GLASS_DDL = (
    """CREATE TABLE break_glass_grants (
        id TEXT PRIMARY KEY,
        practitioner_id TEXT NOT NULL REFERENCES practitioners (id),
        case_id TEXT NOT NULL,
        team TEXT NOT NULL,
        reason TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )""",
    # scope reads a caller's live grants on every case read; the review reads a team's
    "CREATE INDEX break_glass_holder ON break_glass_grants (practitioner_id, expires_at)",
    "CREATE INDEX break_glass_team ON break_glass_grants (team, granted_at)",
)

# Sign-in counters survive a restart. Keys are hashes; times fixed-width UTC stamps.
# (key, at) serves one key's window; (at) the pruning of expired failures.
SIGNIN_DDL = (
    """CREATE TABLE signin_failures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX signin_failures_key ON signin_failures (key, at)",
    "CREATE INDEX signin_failures_at ON signin_failures (at)",
    """CREATE TABLE signin_locks (
        user_key TEXT PRIMARY KEY,
        consecutive INTEGER NOT NULL,
        locked_until TEXT
    ) WITHOUT ROWID""",
    # A withdrawn device's confirmation that its keys and data are gone: counts, no content.
    "ALTER TABLE devices ADD COLUMN wipe_confirmed_at TEXT",
    "ALTER TABLE devices ADD COLUMN wipe_unsynced_records INTEGER",
    "ALTER TABLE devices ADD COLUMN wipe_unfinished_drafts INTEGER",
)

AUTHORITY_TRANSFER_DDL = (
    """CREATE TABLE bundles_sent (
        bundle_id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        to_authority TEXT NOT NULL,
        exported_at TEXT NOT NULL,
        exported_by TEXT NOT NULL,
        bundle_sha256 TEXT NOT NULL,
        version_count INTEGER NOT NULL
    )""",
    "CREATE INDEX bundles_sent_case ON bundles_sent (case_id)",
    """CREATE TABLE bundles_received (
        bundle_id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        from_authority TEXT NOT NULL,
        exported_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        bundle_sha256 TEXT NOT NULL,
        allocated_to TEXT NOT NULL,
        versions_stored INTEGER NOT NULL
    )""",
    "CREATE INDEX bundles_received_case ON bundles_received (case_id)",
    """CREATE TABLE received_versions (
        version_id TEXT PRIMARY KEY,
        bundle_id TEXT NOT NULL REFERENCES bundles_received (bundle_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE received_authors (
        bundle_id TEXT NOT NULL REFERENCES bundles_received (bundle_id),
        practitioner_id TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        agency TEXT NOT NULL,
        team TEXT NOT NULL,
        PRIMARY KEY (bundle_id, practitioner_id)
    ) WITHOUT ROWID""",
)

HANDOVER_DDL = (
    """CREATE TABLE handover_arrivals (
        version_id TEXT PRIMARY KEY REFERENCES versions (version_id),
        case_id TEXT NOT NULL,
        author_id TEXT NOT NULL,
        allocation_ended_at TEXT NOT NULL,
        transfer_record_id TEXT NOT NULL,
        receiving_team TEXT NOT NULL,
        arrived_at TEXT NOT NULL,
        forwarded_by TEXT
    ) WITHOUT ROWID""",
    "CREATE INDEX handover_arrivals_case ON handover_arrivals (case_id)",
)

# The payload fields a query reads, one row per (version, field, value): the records a
# review, decision, same-event link or analysis note is about, a plan's lead, an outcome's
# plan (version_fields.py). Only versions of those types have rows. (case_id, value) serves
# "which records in this case are about that one" (restriction inheritance).
VERSION_FIELDS_DDL = (
    """CREATE TABLE version_fields (
        version_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        case_id TEXT NOT NULL,
        PRIMARY KEY (version_id, field, value)
    ) WITHOUT ROWID""",
    "CREATE INDEX version_fields_case_value ON version_fields (case_id, value)",
)
INSERT_VERSION_FIELD_SQL = (
    "INSERT INTO version_fields (version_id, field, value, case_id) VALUES (?, ?, ?, ?)"
)
