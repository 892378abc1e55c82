"""Storage: the Repository interface and its SQLite backend."""

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
    "open_sqlite_repository",
]
