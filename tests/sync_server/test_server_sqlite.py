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


def test_wal_mode_and_each_migration_applied_once(seeded: Path) -> None:
    conn = sqlite3.connect(seeded)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()
    again = open_sqlite_repository(seeded)  # re-opening applies nothing twice
    try:
        applied = [m.name for m in migrations.applied(again._db)]
        assert applied == [
            "0001_initial",
            "0002_also_replaces",
            "0003_allocation_history",
            "0004_audit_chain",
            "0005_practitioner_revocation",
            "0006_scope",
            "0007_break_glass",
            "0008_signin_limits_and_wipes",
            "0009_restrictions_by_version",
            "0010_authority_transfers",
            "0011_handover_arrivals",
            "0012_version_fields",
            "0013_audit_chain_in_one_place",
        ]
    finally:
        again.close()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE versions SET payload_json = '{}'", "DELETE FROM versions",
     "DELETE FROM chronology_index", "UPDATE audit_log SET actor_id = NULL",
     "DELETE FROM audit_log", "DELETE FROM also_replaces",
     "UPDATE also_replaces SET version_id = replaced_version_id"],
    ids=["update-version", "delete-version", "delete-index", "update-audit", "delete-audit",
         "delete-also-replaces", "update-also-replaces"],
)  # fmt: skip
def test_versions_and_audit_are_append_only(seeded: Path, statement: str) -> None:
    conn = sqlite3.connect(seeded)
    try:
        # The demo has no resolution: give the side table a row for the trigger to guard.
        conn.execute("INSERT INTO also_replaces VALUES ('replaced', 'resolution')")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    finally:
        conn.close()
