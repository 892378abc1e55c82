"""The SQLite backend: one connection, explicit transactions, WAL.

The server uses this one connection from its event-loop thread only, one request's database
work at a time, so transactions never interleave.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

from sync_server.errors import StorageError
from sync_server.repository.sqlite_authority_transfers import SqliteAuthorityTransferQueries
from sync_server.repository.sqlite_break_glass import SqliteBreakGlassQueries
from sync_server.repository.sqlite_chronology import SqliteChronologyQueries
from sync_server.repository.sqlite_devices import SqliteDeviceQueries
from sync_server.repository.sqlite_handover import SqliteHandoverQueries
from sync_server.repository.sqlite_people import SqlitePeopleQueries
from sync_server.repository.sqlite_schema import connect
from sync_server.repository.sqlite_security import SqliteSecurityQueries
from sync_server.repository.sqlite_versions import SqliteIngestBatch, SqliteVersionQueries


class SqliteRepository(
    SqliteVersionQueries,
    SqliteChronologyQueries,
    SqlitePeopleQueries,
    SqliteBreakGlassQueries,
    SqliteDeviceQueries,
    SqliteSecurityQueries,
    SqliteAuthorityTransferQueries,
    SqliteHandoverQueries,
):
    """The Repository on one SQLite database file (or ":memory:")."""

    def __init__(self, path: Path | str) -> None:
        try:
            self._db = connect(path)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open the database at {path}") from exc
        self._conn: sqlite3.Connection = self._db.conn
        self._savepoints = count(1)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Open a write transaction; nested calls join the outer one (as a savepoint)."""
        conn = self._conn
        if conn.in_transaction:
            name = f"doorstep_{next(self._savepoints)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            conn.execute(f"RELEASE {name}")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StorageError() from exc
            raise

    @contextmanager
    def ingest(self) -> Iterator[SqliteIngestBatch]:
        """Open the write transaction for one push; everything commits or nothing does."""
        with self.transaction():
            yield SqliteIngestBatch(self._conn)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def open_sqlite_repository(path: Path | str) -> SqliteRepository:
    """Open the SQLite repository at path, creating the file and schema when needed."""
    return SqliteRepository(path)
