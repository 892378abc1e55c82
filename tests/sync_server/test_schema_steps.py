"""The one list of schema steps: both backends apply it, record it, and refuse a newer database."""

import sqlite3
from pathlib import Path

import psycopg
import pytest

from sync_server.errors import StorageError
from sync_server.repository import open_sqlite_repository
from sync_server.repository.postgres import migrate_postgres, open_postgres_repository
from sync_server.repository.schema_steps import STEP_NAMES, postgres_ddl

FUTURE_STEP = "9999_from_a_newer_server"


def test_postgres_records_every_step_and_applies_nothing_twice(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT name FROM doorstep_schema_steps ORDER BY name").fetchall()
    assert tuple(row[0] for row in rows) == STEP_NAMES
    assert migrate_postgres(postgres_url) == []


def test_postgres_refuses_a_database_a_newer_server_moved_on(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        conn.execute(
            "INSERT INTO doorstep_schema_steps (name, applied_at) VALUES (%s, '2030-01-01')",
            (FUTURE_STEP,),
        )
    with pytest.raises(StorageError, match=f"newer Doorstep server .*{FUTURE_STEP}"):
        open_postgres_repository(postgres_url)


def test_sqlite_refuses_a_database_a_newer_server_moved_on(tmp_path: Path) -> None:
    db = tmp_path / "newer.db"
    open_sqlite_repository(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('doorstep-sync-server', ?, '2030-01-01')",
            (FUTURE_STEP,),
        )
    conn.close()
    with pytest.raises(StorageError, match=FUTURE_STEP):
        open_sqlite_repository(db)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE versions SET payload_json = '{}'", "DELETE FROM versions",
     "UPDATE audit_log SET hash = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log",
     "DELETE FROM version_fields",
     "DELETE FROM break_glass_grants", "DELETE FROM restricted_versions"],
)  # fmt: skip
def test_postgres_append_only_tables_refuse_changes(postgres_url: str, statement: str) -> None:
    with psycopg.connect(postgres_url) as conn, pytest.raises(psycopg.errors.IntegrityError):
        conn.execute(statement)


def test_postgres_text_compares_byte_by_byte_as_sqlite_does() -> None:
    """Stored times sort as text: a locale's collation would put "10:00:00+00" after
    "10:00:00.5+00" on one backend and before it on the other."""
    assert postgres_ddl("at TEXT NOT NULL") == 'at TEXT COLLATE "C" NOT NULL'
    assert postgres_ddl("id INTEGER PRIMARY KEY AUTOINCREMENT") == "id BIGSERIAL PRIMARY KEY"
