"""The PostgreSQL write that differs from SQLite's: storing a push (audit rows: audit_chain.py).

It runs under one transaction-level advisory lock, the write lock (docs/architecture.md,
Concurrency), which `PooledStatements.transaction` takes first in every transaction. With any
number of server processes, pushes happen one at a time, as on SQLite: the heads a push reads
are still the heads when it commits (two replacements of one head cannot both be a straight
line), and server_seqs are handed out and committed in the same order (a pull cursor never
passes a version that commits later with a lower number).

Round trips decide a small push's cost, per-row work a large one's (measured with fsync on):
- A batch of fewer than COPY_FROM rows is sent as one pipeline (psycopg's pipeline mode): every
  INSERT of every table: one flush for the versions' server_seqs, one sync for the rest, where
  COPY takes five round trips.
- A larger batch goes in by COPY: one statement streams all its rows, where executemany runs
  (and psycopg encodes) one INSERT per row: 20 ms against 32 ms for 1,000 versions. COPY cannot
  return the server_seqs, so the batch draws them from the versions sequence first (one
  statement) and writes them itself, in push order.
"""

from collections.abc import Sequence
from typing import Any

import psycopg

from sync_server.errors import DuplicateVersion, StorageError
from sync_server.repository.dialect import to_postgres
from sync_server.repository.interface import (
    ChronologyIndexRow,
    NewVersion,
    ReplacementRow,
    RestrictionRow,
)
from sync_server.repository.postgres_conn import PgConn
from sync_server.repository.restriction_inheritance import (
    INSERT_RESTRICTION_SQL,
    restriction_params,
)
from sync_server.repository.schema_ddl import (
    INSERT_ALSO_REPLACES_SQL,
    INSERT_INDEX_SQL,
    INSERT_VERSION_FIELD_SQL,
    INSERT_VERSION_SQL,
    VERSION_COLUMNS,
)
from sync_server.repository.version_fields import versions_field_rows
from sync_server.repository.versions_sql import IngestReads

# From this many versions a batch is copied rather than pipelined. Median of 150 batches with
# their commit: 10 versions 2.3 ms pipelined, 2.5 ms copied; 30: 3.6 and 3.1; 100: 14.8 and 10.4.
COPY_FROM = 20
_INSERT_VERSION_RETURNING = to_postgres(INSERT_VERSION_SQL + " RETURNING server_seq")
# Holding the write lock, nobody else draws from the sequence, so these are the next n numbers.
_NEXT_SEQS_SQL = (
    "SELECT nextval(pg_get_serial_sequence('versions', 'server_seq')) FROM generate_series(1, %s)"
)
_COPY_VERSIONS_SQL = f"COPY versions (server_seq, {', '.join(VERSION_COLUMNS)}) FROM STDIN"
_COPY_INDEX_SQL = "COPY chronology_index (child_id, version_id, event_time) FROM STDIN"


def _side_rows(
    versions: Sequence[NewVersion],
    also_replaces: Sequence[ReplacementRow],
    restricted: Sequence[RestrictionRow],
) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """The statements and rows of the side tables a batch writes beside its versions."""
    return [
        (INSERT_ALSO_REPLACES_SQL, [tuple(row) for row in also_replaces]),
        (INSERT_RESTRICTION_SQL, [restriction_params(r) for r in restricted]),
        (INSERT_VERSION_FIELD_SQL, list(versions_field_rows(versions))),
    ]


def _pipelined(
    raw: psycopg.Connection[Any],
    versions: Sequence[NewVersion],
    index_rows: Sequence[ChronologyIndexRow],
    side: list[tuple[str, list[tuple[Any, ...]]]],
) -> list[int]:
    """Send every INSERT of a small batch in one pipeline; return the versions' server_seqs."""
    with raw.pipeline(), raw.cursor() as cursor:
        # Versions first, so a version id stored twice is what a failed batch reports.
        cursor.executemany(_INSERT_VERSION_RETURNING, versions, returning=True)
        seqs = [int(cursor.fetchone()[0])]  # type: ignore[index]
        while cursor.nextset():
            seqs.append(int(cursor.fetchone()[0]))  # type: ignore[index]
        index: tuple[str, list[tuple[Any, ...]]] = (
            INSERT_INDEX_SQL,
            [tuple(r) for r in index_rows],
        )
        for sql, rows in (index, *side):
            if rows:  # sent now, answered by the one sync as the pipeline closes
                cursor.executemany(to_postgres(sql), rows)
    return seqs


def _copied(
    raw: psycopg.Connection[Any],
    versions: Sequence[NewVersion],
    index_rows: Sequence[ChronologyIndexRow],
    side: list[tuple[str, list[tuple[Any, ...]]]],
) -> list[int]:
    """COPY a large batch's versions and index rows; return the versions' server_seqs."""
    drawn = raw.execute(_NEXT_SEQS_SQL, (len(versions),)).fetchall()
    seqs = sorted(int(row[0]) for row in drawn)
    _copy(raw, _COPY_VERSIONS_SQL, [(s, *v) for s, v in zip(seqs, versions, strict=True)])
    _copy(raw, _COPY_INDEX_SQL, index_rows)
    with raw.cursor() as cursor:
        for sql, rows in side:
            if rows:
                cursor.executemany(to_postgres(sql), rows)
    return seqs


def _copy(raw: psycopg.Connection[Any], sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Stream rows into a table in one COPY statement."""
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


class PgIngestBatch(IngestReads):
    """The reads and writes of one push, in a PostgreSQL transaction holding the write lock."""

    _conn: PgConn

    def __init__(self, conn: PgConn) -> None:
        super().__init__(conn)
        if not conn.holds_write_lock:
            raise StorageError("a push must be stored in a transaction holding the write lock")

    def insert(
        self,
        versions: Sequence[NewVersion],
        index_rows: Sequence[ChronologyIndexRow],
        also_replaces: Sequence[ReplacementRow] = (),
        restricted: Sequence[RestrictionRow] = (),
    ) -> list[int]:
        """Store versions (in order), chronology index rows, the extra replaced ids of
        resolutions, the rows of restricted versions and the payload fields queries read;
        return the new server_seqs."""
        if not versions:
            return []
        store = _copied if len(versions) >= COPY_FROM else _pipelined
        try:
            seqs = store(
                self._conn.raw,
                versions,
                index_rows,
                _side_rows(versions, also_replaces, restricted),
            )
        except psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "versions_version_id_key":
                raise DuplicateVersion() from exc
            raise StorageError() from exc
        except psycopg.Error as exc:
            raise StorageError() from exc
        if seqs != sorted(seqs) or len(seqs) != len(versions):
            raise StorageError("server sequence numbers were not in order; batch undone")
        return seqs
