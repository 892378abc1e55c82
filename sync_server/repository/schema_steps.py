"""The one list of schema steps both backends apply, in order.

Each step names its SQLite and its PostgreSQL statements. Most are one portable statement,
written once in SQLite's spelling and given to PostgreSQL through `postgres_ddl`; a step that
cannot be portable (a trigger, a data change in SQLite's own functions) spells each side out.
A database records the names of the steps applied to it (sqlite-utils' `_sqlite_migrations`
on SQLite, `doorstep_schema_steps` on PostgreSQL); a server that finds a name it does not know
refuses to start (`refuse_newer`): the database was moved on by a newer server.

The versions table and the chronology index are the ingest hot path: each index on them
costs every push, so there are only the ones a query needs (docs/architecture.md, Performance).
"""

import re
from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple

from sync_server.errors import StorageError
from sync_server.repository.dialect import SqlConnection
from sync_server.repository.schema_ddl import (
    ALSO_REPLACES_DDL,
    AUTHORITY_TRANSFER_DDL,
    BREAK_GLASS_DDL,
    HANDOVER_DDL,
    PEOPLE_DDL,
    RESTRICTED_DDL,
    SIGNIN_DDL,
    VERSION_FIELDS_DDL,
    VERSIONS_DDL,
)
from sync_server.repository.version_fields import backfill_version_fields

Action = str | Callable[[SqlConnection], None]


class Step(NamedTuple):
    """One schema step: its name (recorded once applied) and each backend's actions."""

    name: str
    sqlite: tuple[Action, ...]
    postgresql: tuple[Action, ...]


def postgres_ddl(statement: str) -> str:
    """Return a portable statement (SQLite's spelling) as PostgreSQL reads it.

    Text compares byte by byte (COLLATE "C"), as SQLite's BINARY does: stored times and ids
    must sort the same on both backends, whatever the server's locale.
    """
    out = statement.replace(" WITHOUT ROWID", "")
    out = out.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
    out = re.sub(r"\bBLOB\b", "BYTEA", out)
    out = re.sub(r"\bINTEGER\b", "BIGINT", out)
    return re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', out)


def append_only_sqlite(*tables: str) -> tuple[str, ...]:
    """Return SQLite triggers refusing every UPDATE and DELETE on these tables."""
    return tuple(
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for table in tables
        for verb in ("UPDATE", "DELETE")
    )


# One function serves every append-only table: it names the table in its refusal.
_PG_APPEND_ONLY_FUNCTION = """CREATE OR REPLACE FUNCTION doorstep_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$"""


def append_only_postgres(*tables: str) -> tuple[str, ...]:
    """Return PostgreSQL triggers refusing every UPDATE, DELETE and TRUNCATE on these tables."""
    return (
        _PG_APPEND_ONLY_FUNCTION,
        *(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION doorstep_append_only()"
            for table in tables
        ),
    )


def portable(
    name: str,
    *statements: str,
    append_only: Sequence[str] = (),
    sqlite: Sequence[Action] = (),
    postgresql: Sequence[Action] = (),
) -> Step:
    """Return a step of portable statements, then each backend's own actions."""
    return Step(
        name,
        (*statements, *append_only_sqlite(*append_only), *sqlite),
        (*map(postgres_ddl, statements), *append_only_postgres(*append_only), *postgresql),
    )


def _sqlite_audit_chain(conn: SqlConnection) -> None:
    from sync_server.repository.sqlite_schema import add_sqlite_audit_chain  # noqa: PLC0415

    add_sqlite_audit_chain(conn)


def _sqlite_inherit_existing(conn: SqlConnection) -> None:
    from sync_server.repository.scope_sql import inherit_existing_restrictions  # noqa: PLC0415

    inherit_existing_restrictions(conn)  # type: ignore[arg-type]


STEPS: tuple[Step, ...] = (
    portable(
        "0001_initial",
        *VERSIONS_DDL,
        *PEOPLE_DDL,
        append_only=("versions", "chronology_index", "audit_log"),
    ),
    portable("0002_also_replaces", *ALSO_REPLACES_DDL, append_only=("also_replaces",)),
    # An allocation is ended, never deleted: its case id is the "left scope" marker devices
    # receive. Each (re)allocation gets a new id, so a device can tell it must backfill.
    portable(
        "0003_allocation_history",
        "ALTER TABLE allocations ADD COLUMN allocation_id TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE allocations ADD COLUMN ended_at TEXT",
        sqlite=("UPDATE allocations SET allocation_id = lower(hex(randomblob(16)))",),
        postgresql=("UPDATE allocations SET allocation_id = md5(random()::text)",),
    ),
    # SQLite chained audit rows in a trigger until 0013; PostgreSQL in the repository.
    Step(
        "0004_audit_chain",
        (_sqlite_audit_chain,),
        tuple(
            postgres_ddl(f"ALTER TABLE audit_log ADD COLUMN {column} TEXT")
            for column in ("prev_hash", "hash")
        ),
    ),
    portable(
        "0005_practitioner_revocation", "ALTER TABLE practitioners ADD COLUMN revoked_at TEXT"
    ),
    # Rows for restricted versions only (see scope_sql.py), so its two keys cost only
    # them: by record (history, chronology, edits) and by case (pull's hidden records).
    portable("0006_scope", *RESTRICTED_DDL, append_only=("restricted_versions",)),
    # Grants are append-only: an expired one stays as the record of what was opened and why.
    portable("0007_break_glass", *BREAK_GLASS_DDL, append_only=("break_glass_grants",)),
    portable("0008_signin_limits_and_wipes", *SIGNIN_DDL),
    # A record about a restricted entry (a review, a decision, a link) stored before the
    # entry was restricted gets a row keyed by the restricting version, not one of its own:
    # withdrawal finds such rows from the versions a pull page holds, by version id. Entries
    # restricted before this step pass their rows to the records about them (a database
    # born on PostgreSQL had no such rows).
    portable(
        "0009_restrictions_by_version",
        "CREATE INDEX restricted_versions_version ON restricted_versions (version_id)",
        sqlite=(_sqlite_inherit_existing,),
    ),
    # Bundles sent to and received from other authorities' servers (authority_transfers.py).
    portable(
        "0010_authority_transfers",
        *AUTHORITY_TRANSFER_DDL,
        append_only=("bundles_sent", "bundles_received", "received_versions", "received_authors"),
    ),
    # Issue 13: a version the previous team pushed after a transfer (within the grace period,
    # or forwarded by their supervisor) is marked here, not in its JSON: its hash stays its own.
    portable("0011_handover_arrivals", *HANDOVER_DDL),
    # The payload fields queries read (the records a review, decision, link or analysis names;
    # a plan's lead; an outcome's plan) as rows written at ingest: no backend parses payload
    # JSON in SQL. Versions stored before are read once, here.
    portable(
        "0012_version_fields",
        *VERSION_FIELDS_DDL,
        append_only=("version_fields",),
        sqlite=(backfill_version_fields,),
        postgresql=(backfill_version_fields,),
    ),
    # Issue 15: both backends chain audit rows in one shared method under the write lock
    # (audit_chain.py), so SQLite's trigger that called Python goes. Nothing is rewritten:
    # rows the trigger chained keep their hashes, and verify-audit walks old and new as one
    # chain. The append-only triggers stay; PostgreSQL's audit_log has refused UPDATE,
    # DELETE and TRUNCATE since 0001 (append_only_postgres).
    Step("0013_audit_chain_in_one_place", ("DROP TRIGGER IF EXISTS audit_log_chain",), ()),
)

STEP_NAMES = tuple(step.name for step in STEPS)


def refuse_newer(applied: Collection[str]) -> None:
    """Refuse a database that a newer server has moved on (it names a step we do not know).

    Raises:
        StorageError: the database holds a step this server does not have.
    """
    unknown = sorted(set(applied) - set(STEP_NAMES))
    if unknown:
        raise StorageError(
            f"the database was upgraded by a newer Doorstep server (schema step {unknown[-1]});"
            " run that version of the server, or restore a backup taken before the upgrade"
        )
