"""The SQLite backend's own guarantees: WAL, append-only tables, repeatable migrations."""

import sqlite3
from pathlib import Path

import pytest

from sync_server.repository import open_sqlite_repository
from sync_server.repository.sqlite_schema import migrations


@pytest.fixture
def seeded(db_path: Path, demo: object) -> Path:
    """A database file holding the demo data (the app fixture seeded it)."""
    return db_path


def test_wal_mode_and_one_migration_applied(seeded: Path) -> None:
    conn = sqlite3.connect(seeded)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()
    again = open_sqlite_repository(seeded)  # re-opening applies nothing twice
    try:
        assert [m.name for m in migrations.applied(again._db)] == ["0001_initial"]
    finally:
        again.close()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE versions SET payload_json = '{}'", "DELETE FROM versions",
     "DELETE FROM chronology_index", "UPDATE audit_log SET actor_id = NULL",
     "DELETE FROM audit_log"],
    ids=["update-version", "delete-version", "delete-index", "update-audit", "delete-audit"],
)  # fmt: skip
def test_versions_and_audit_are_append_only(seeded: Path, statement: str) -> None:
    conn = sqlite3.connect(seeded)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    finally:
        conn.close()
