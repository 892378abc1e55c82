"""Storage: the Repository interface and its backends (SQLite, embedded; PostgreSQL)."""

from pathlib import Path

from sync_server.repository.interface import (
    AuditEvent,
    ChronologyHead,
    ChronologyIndexRow,
    DeviceRecord,
    DeviceSession,
    HistoryRow,
    IngestBatch,
    KnownVersion,
    NewVersion,
    ReplacementRow,
    Repository,
    StoredVersion,
)
from sync_server.repository.sqlite import SqliteRepository, open_sqlite_repository


def open_repository(db_path: Path | str, database_url: str | None = None) -> Repository:
    """Open PostgreSQL at database_url when given, else the SQLite file at db_path."""
    if database_url is None:
        return open_sqlite_repository(db_path)
    # Imported here: a SQLite server never loads the PostgreSQL driver.
    from sync_server.repository.postgres import open_postgres_repository  # noqa: PLC0415

    return open_postgres_repository(database_url)


__all__ = [
    "AuditEvent",
    "ChronologyHead",
    "ChronologyIndexRow",
    "DeviceRecord",
    "DeviceSession",
    "HistoryRow",
    "IngestBatch",
    "KnownVersion",
    "NewVersion",
    "ReplacementRow",
    "Repository",
    "SqliteRepository",
    "StoredVersion",
    "open_repository",
    "open_sqlite_repository",
]
