"""The SQLite backend: one connection, explicit transactions, WAL.

The server uses this one connection from its event-loop thread only, one request's database
work at a time, so transactions never interleave.
"""

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from pathlib import Path

from sync_server.errors import DuplicateVersion, StorageError
from sync_server.repository.authority_transfers_sql import SqliteAuthorityTransferQueries
from sync_server.repository.break_glass_sql import SqliteBreakGlassQueries
from sync_server.repository.chronology_sql import SqliteChronologyQueries
from sync_server.repository.devices_sql import SqliteDeviceQueries
from sync_server.repository.handover_sql import SqliteHandoverQueries
from sync_server.repository.interface import (
    ChronologyIndexRow,
    NewVersion,
    ReplacementRow,
    RestrictionRow,
)
from sync_server.repository.people_sql import SqlitePeopleQueries
from sync_server.repository.restriction_inheritance import (
    INSERT_RESTRICTION_SQL,
    restriction_params,
)
from sync_server.repository.schema_ddl import (
    INSERT_ALSO_REPLACES_SQL,
    INSERT_INDEX_SQL,
    INSERT_VERSION_FIELD_SQL,
    INSERT_VERSION_SQL,
)
from sync_server.repository.security_sql import SqliteSecurityQueries
from sync_server.repository.sqlite_schema import connect
from sync_server.repository.version_fields import versions_field_rows
from sync_server.repository.versions_sql import IngestReads, SqliteVersionQueries


class SqliteIngestBatch(IngestReads):
    """The reads and writes of one push, on SQLite's connection inside BEGIN IMMEDIATE."""

    _conn: sqlite3.Connection

    def insert(
        self,
        versions: Sequence[NewVersion],
        index_rows: Sequence[ChronologyIndexRow],
        also_replaces: Sequence[ReplacementRow] = (),
        restricted: Sequence[RestrictionRow] = (),
    ) -> list[int]:
        """Store versions (in order), chronology index rows, the extra replaced ids of
        resolutions and the rows of restricted versions; return the new server_seqs."""
        if not versions:
            return []
        conn = self._conn
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'versions'").fetchone()
        first = (row[0] if row else 0) + 1
        try:
            # sqlite3 binds exact tuples faster than NamedTuples (about 10% of the insert)
            conn.executemany(INSERT_VERSION_SQL, map(tuple, versions))
            # We hold the write lock, so AUTOINCREMENT hands out consecutive numbers.
            last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
            conn.executemany(INSERT_INDEX_SQL, map(tuple, index_rows))
            if also_replaces:
                conn.executemany(INSERT_ALSO_REPLACES_SQL, map(tuple, also_replaces))
            if restricted:  # only restricted versions write the side table
                conn.executemany(INSERT_RESTRICTION_SQL, map(restriction_params, restricted))
            fields = versions_field_rows(versions)
            if fields:  # only versions of a few types have fields a query reads
                conn.executemany(INSERT_VERSION_FIELD_SQL, fields)
        except sqlite3.IntegrityError as exc:
            if "versions.version_id" in str(exc):
                raise DuplicateVersion() from exc
            raise StorageError() from exc
        if last != first + len(versions) - 1:
            raise StorageError("server sequence numbers were not consecutive; batch undone")
        return list(range(first, last + 1))


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

    # One connection, used by one caller at a time: never from several threads.
    concurrent_callers = 1

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
