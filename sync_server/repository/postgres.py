"""The PostgreSQL backend: psycopg 3 through its own connection pool, the same queries as SQLite.

Every query module is shared with the SQLite backend (dialect.py says how one spelling serves
both); this backend differs only in how it connects, migrates and stores a push
(postgres_versions.py). Audit rows are chained by the same code as on SQLite (audit_chain.py).
Nothing is kept in process memory that another server process would need: any number of
processes may share one database.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from sync_server.errors import StorageError
from sync_server.repository.authority_transfers_sql import SqliteAuthorityTransferQueries
from sync_server.repository.break_glass_sql import SqliteBreakGlassQueries
from sync_server.repository.chronology_sql import SqliteChronologyQueries
from sync_server.repository.devices_sql import SqliteDeviceQueries
from sync_server.repository.handover_sql import SqliteHandoverQueries
from sync_server.repository.people_sql import SqlitePeopleQueries
from sync_server.repository.postgres_conn import PgConn, PooledStatements
from sync_server.repository.postgres_versions import PgIngestBatch
from sync_server.repository.schema_steps import STEPS, refuse_newer
from sync_server.repository.security_sql import SqliteSecurityQueries
from sync_server.repository.versions_sql import SqliteVersionQueries

SCHEMA_TABLE = "doorstep_schema_steps"
# Held (per session) while one process migrates, so processes starting together take turns.
_MIGRATE_LOCK = 0x446F6F72_6D696772


def applied_steps(conn: psycopg.Connection[Any]) -> list[str]:
    """Return the names of the schema steps applied to the database, oldest first."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (name TEXT PRIMARY KEY,"
        " applied_at TEXT NOT NULL)"
    )
    rows = conn.execute(f"SELECT name FROM {SCHEMA_TABLE} ORDER BY applied_at, name")
    return [str(row[0]) for row in rows]


def migrate_postgres(url: str) -> list[str]:
    """Apply the pending schema steps; return their names.

    Raises:
        StorageError: the database cannot be reached, or a newer server has moved it on.
    """
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATE_LOCK,))
            applied = applied_steps(conn)
            refuse_newer(applied)
            done = []
            for step in STEPS:
                if step.name in applied:
                    continue
                with conn.transaction():
                    for action in step.postgresql:
                        if isinstance(action, str):
                            conn.execute(action)
                        else:
                            action(PgConn(conn))
                    conn.execute(
                        f"INSERT INTO {SCHEMA_TABLE} (name, applied_at) VALUES (%s, %s)",
                        (step.name, datetime.now(UTC).isoformat()),
                    )
                done.append(step.name)
            return done
    except psycopg.Error as exc:
        raise StorageError("cannot open the PostgreSQL database") from exc


class PostgresRepository(
    SqliteVersionQueries,
    SqliteChronologyQueries,
    SqlitePeopleQueries,
    SqliteBreakGlassQueries,
    SqliteDeviceQueries,
    SqliteSecurityQueries,
    SqliteAuthorityTransferQueries,
    SqliteHandoverQueries,
):
    """The Repository on one PostgreSQL database, through a pool of connections.

    The query classes keep the Sqlite names they were born with; each runs on both backends.
    """

    def __init__(self, url: str, max_connections: int = 8) -> None:
        migrate_postgres(url)
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            # Each server process names itself, so pg_stat_activity tells them apart.
            kwargs={"autocommit": True, "application_name": f"doorstep-{os.getpid()}"},
            open=False,
            name="doorstep",
        )
        try:
            pool.open(wait=True, timeout=30)
        except Exception as exc:
            raise StorageError("cannot open the PostgreSQL database") from exc
        self._statements = PooledStatements(pool)
        self._conn = self._statements
        # Each thread's transaction is its own (PooledStatements holds it in a context
        # variable) on its own pooled connection; the pool is thread-safe.
        self.concurrent_callers = max_connections

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Open a write transaction; nested calls join the outer one (as a savepoint)."""
        with self._statements.transaction():
            yield

    @contextmanager
    def ingest(self) -> Iterator[PgIngestBatch]:
        """Open the write transaction for one push, holding the write lock until it ends."""
        with self._statements.transaction() as conn:
            yield PgIngestBatch(conn)

    def close(self) -> None:
        """Close the pool's connections."""
        self._statements.pool.close()


def open_postgres_repository(url: str) -> PostgresRepository:
    """Open the PostgreSQL repository at url, applying any pending schema steps."""
    return PostgresRepository(url)
