"""PostgreSQL connections as the shared query modules see them (dialect.SqlConnection).

`PgConn` runs one connection's statements, written in SQLite's spelling, through
`dialect.to_postgres`. `PooledStatements` is the repository's `_conn`: inside a transaction
its statements run on that transaction's connection (held in a context variable, so each
request or thread has its own); outside one, each statement borrows a pooled connection in
autocommit, as a statement outside a transaction does on SQLite.

Every transaction takes the write lock first (docs/architecture.md, Concurrency): write
transactions run one at a time across every server process, as SQLite's BEGIN IMMEDIATE makes
them on one file, while reads outside a transaction run side by side. Taken first, it is never
waited for while holding a row lock, so two writers cannot deadlock on it. Transactions stay
READ COMMITTED: each statement after the lock sees every write committed before it.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from sync_server.errors import StorageError
from sync_server.repository.dialect import to_postgres

# The advisory lock key of the write lock ("Doorstep" in ASCII, as a bigint).
WRITE_LOCK = 0x446F6F7273746570


class Rows:
    """A statement's result, read in full (the connection goes back to the pool at once)."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        """The next row, or None."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        """Every remaining row."""
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[Any]:
        """The remaining rows, one by one."""
        return iter(self.fetchall())


class PgConn:
    """One psycopg connection, reading queries in SQLite's spelling."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn
        # Set once this connection's transaction has taken the write lock (it ends with it).
        self.holds_write_lock = False

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Rows:
        """Run one statement and read its rows."""
        try:
            cursor = self.raw.execute(to_postgres(sql), parameters)
            rows = cursor.fetchall() if cursor.description else []
        except psycopg.Error as exc:
            raise StorageError() from exc
        return Rows(rows, cursor.rowcount)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> None:
        """Run one statement once per parameter row (pipelined by psycopg)."""
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(to_postgres(sql), parameters)
        except psycopg.Error as exc:
            raise StorageError() from exc


# One round trip opens the transaction and waits for the write lock: a simple query may hold
# two statements, run in order, so the lock is still the transaction's first act.
_BEGIN_LOCKED = f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"


def take_write_lock(conn: PgConn) -> None:
    """Open a transaction on conn holding the write lock, waiting for it; it is held until
    the transaction ends."""
    conn.raw.execute(_BEGIN_LOCKED)
    conn.holds_write_lock = True


def _roll_back(raw: psycopg.Connection[Any]) -> None:
    """Undo the open transaction; on a broken connection the server has undone it already
    (the pool discards that connection), and the first error is the one to report."""
    with suppress(psycopg.Error):
        raw.rollback()


class PooledStatements:
    """The repository's connection seam: the held transaction's connection, or a pooled one."""

    def __init__(self, pool: ConnectionPool[psycopg.Connection[Any]]) -> None:
        self.pool = pool
        self._held: ContextVar[PgConn | None] = ContextVar("doorstep_pg_held", default=None)

    @property
    def held(self) -> PgConn | None:
        """The connection of the transaction open in this context, if any."""
        return self._held.get()

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Rows:
        """Run one statement in the open transaction, else alone (autocommit)."""
        held = self._held.get()
        if held is not None:
            return held.execute(sql, parameters)
        with self.pool.connection() as conn:
            return PgConn(conn).execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> None:
        """Run one statement per parameter row, in the open transaction, else in one of its own."""
        with self.transaction() as conn:
            conn.executemany(sql, parameters)

    @contextmanager
    def transaction(self) -> Iterator[PgConn]:
        """Open a transaction; nested calls join the outer one (as a savepoint)."""
        held = self._held.get()
        if held is not None:
            with held.raw.transaction():
                yield held
            return
        try:
            with self.pool.connection() as raw:
                conn = PgConn(raw)
                take_write_lock(conn)
                token = self._held.set(conn)
                try:
                    yield conn
                except BaseException:
                    _roll_back(raw)
                    raise
                finally:
                    self._held.reset(token)
                raw.commit()
        except psycopg.Error as exc:
            raise StorageError() from exc
