"""The device's SQLite file: opening it safely and migrating its schema.

Clear columns hold only ids, versions, record types and sync state; every piece of content
is an AES-GCM ciphertext (see mobile_app.crypto).
"""

from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

DB_FILENAME = "doorstep-device.db"

migrations = Migrations("doorstep-device")


@migrations()
def m001_initial(db: Database) -> None:
    """Keyring, record versions, outbox, encrypted settings, drafts and sync issues."""
    db.execute(
        "CREATE TABLE keyring (id INTEGER PRIMARY KEY CHECK (id = 1), store_id TEXT NOT NULL, "
        "kdf_salt BLOB NOT NULL, kdf_iterations INTEGER NOT NULL, kdf_lanes INTEGER NOT NULL, "
        "kdf_memory_kib INTEGER NOT NULL, wrapped_key BLOB NOT NULL)"
    )
    db.execute(
        "CREATE TABLE versions (version_id TEXT PRIMARY KEY, record_id TEXT NOT NULL, "
        "record_type TEXT NOT NULL, case_id TEXT NOT NULL, replaces_version_id TEXT, "
        "state TEXT NOT NULL, server_seq INTEGER, "
        "ciphertext BLOB NOT NULL)"
    )
    db.execute("CREATE INDEX versions_record ON versions (record_id)")
    db.execute("CREATE INDEX versions_case ON versions (case_id, record_type)")
    db.execute(
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
        "version_id TEXT NOT NULL UNIQUE REFERENCES versions(version_id))"
    )
    db.execute("CREATE TABLE settings (name TEXT PRIMARY KEY, ciphertext BLOB NOT NULL)")
    db.execute(
        "CREATE TABLE sync_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "server_seq INTEGER NOT NULL)"
    )
    db.execute(
        "CREATE TABLE drafts (draft_id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
        "ciphertext BLOB NOT NULL)"
    )
    db.execute(
        "CREATE TABLE sync_issues (version_id TEXT PRIMARY KEY REFERENCES versions(version_id), "
        "status TEXT NOT NULL, ciphertext BLOB NOT NULL)"
    )


@migrations()
def m002_also_replaces(db: Database) -> None:
    """Versions that resolve a conflict replace several heads: keep their extra ids in clear."""
    db.execute("ALTER TABLE versions ADD COLUMN also_replaces TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX versions_replaces ON versions (replaces_version_id)")


@migrations()
def m003_scope(db: Database) -> None:
    """The cases this device holds, each with the allocation it last fetched them under."""
    db.execute("CREATE TABLE scope (case_id TEXT PRIMARY KEY, allocation_id TEXT NOT NULL)")


@migrations()
def m004_device_bound_key(db: Database) -> None:
    """Keyring: how the wrapping key is made (1 passphrase only, 2 bound to the device secret),
    and the failed-unlock count and next-try time, in clear so they count before any unlock.

    Stores made before this step keep key_version 1 until their next successful unlock, which
    rewraps the data key under a device-bound key (see keyring.unlock_keyring).
    """
    db.execute("ALTER TABLE keyring ADD COLUMN key_version INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE keyring ADD COLUMN failed_unlocks INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE keyring ADD COLUMN next_try_at TEXT")


@migrations()
def m005_never_stuck(db: Database) -> None:
    """Set-aside versions (damaged rows moved out of the way, kept as they were) and, per
    outbox item, how many pushes the server failed (5xx) and when it was held back."""
    db.execute(
        "CREATE TABLE quarantine (version_id TEXT PRIMARY KEY, record_id TEXT NOT NULL, "
        "record_type TEXT NOT NULL, case_id TEXT NOT NULL, replaces_version_id TEXT, "
        "also_replaces TEXT NOT NULL, state TEXT NOT NULL, server_seq INTEGER, "
        "ciphertext BLOB NOT NULL, was_waiting INTEGER NOT NULL, issue_ciphertext BLOB, "
        "reason TEXT NOT NULL, found_at TEXT NOT NULL, restore_asked_at TEXT)"
    )
    db.execute("ALTER TABLE outbox ADD COLUMN server_failures INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE outbox ADD COLUMN held_at TEXT")


def open_database(data_dir: Path) -> Database:
    """Open (creating if needed) the device database in data_dir and bring its schema up to date."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = Database(data_dir / DB_FILENAME)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    # Freed pages are zeroed, so an overwritten draft's old ciphertext does not linger.
    db.execute("PRAGMA secure_delete=ON")
    migrations.apply(db)
    return db


def database_exists(data_dir: Path) -> bool:
    """Return True when data_dir already holds a device database."""
    return (data_dir / DB_FILENAME).exists()


def database_files(data_dir: Path) -> list[Path]:
    """The device database and its write-ahead log files, as far as they exist."""
    names = (DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm", f"{DB_FILENAME}-journal")
    return [data_dir / name for name in names if (data_dir / name).exists()]
