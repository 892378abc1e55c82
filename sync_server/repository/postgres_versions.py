"""The PostgreSQL write that differs from SQLite's: storing a push (audit rows: audit_chain.py).

It runs under one transaction-level advisory lock, the write lock (docs/architecture.md,
Concurrency). Every transaction takes it first; a push takes it again in case a caller ever
opens one without (taking it twice is free). With any number of server processes, pushes
happen one at a time, as on SQLite: the heads a push reads are still the heads when it
commits (two replacements of one head cannot both be a straight line), and server_seqs are
handed out and committed in the same order (a pull cursor never passes a version that
commits later with a lower number).
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
from sync_server.repository.postgres_conn import PgConn, take_write_lock
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
from sync_server.repository.version_fields import versions_field_rows
from sync_server.repository.versions_sql import IngestReads

_INSERT_VERSION_RETURNING = to_postgres(INSERT_VERSION_SQL + " RETURNING server_seq")


def _many(conn: PgConn, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        conn.executemany(sql, rows)


class PgIngestBatch(IngestReads):
    """The reads and writes of one push, in a PostgreSQL transaction holding the write lock."""

    _conn: PgConn

    def __init__(self, conn: PgConn) -> None:
        super().__init__(conn)
        take_write_lock(conn)

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
        try:
            with self._conn.raw.cursor() as cursor:
                cursor.executemany(
                    _INSERT_VERSION_RETURNING, [tuple(v) for v in versions], returning=True
                )
                seqs = [int(cursor.fetchone()[0])]  # type: ignore[index]
                while cursor.nextset():
                    seqs.append(int(cursor.fetchone()[0]))  # type: ignore[index]
        except psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name == "versions_version_id_key":
                raise DuplicateVersion() from exc
            raise StorageError() from exc
        except psycopg.Error as exc:
            raise StorageError() from exc
        _many(self._conn, INSERT_INDEX_SQL, [tuple(row) for row in index_rows])
        _many(self._conn, INSERT_ALSO_REPLACES_SQL, [tuple(row) for row in also_replaces])
        _many(self._conn, INSERT_RESTRICTION_SQL, [restriction_params(r) for r in restricted])
        _many(self._conn, INSERT_VERSION_FIELD_SQL, versions_field_rows(versions))
        if seqs != sorted(seqs) or len(seqs) != len(versions):
            raise StorageError("server sequence numbers were not in order; batch undone")
        return seqs
