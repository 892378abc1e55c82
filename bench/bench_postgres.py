"""sync_bench.py's PostgreSQL side: a fresh database per run, and the raw psycopg baseline.

The baseline is psycopg 3 `executemany` (pipeline mode) of the same version and chronology
index rows into a fresh database holding the server's own tables (the portable DDL of
schema_ddl.py as PostgreSQL reads it), in one transaction.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from sync_server.repository.dialect import to_postgres
from sync_server.repository.schema_ddl import (
    ALSO_REPLACES_DDL,
    INSERT_INDEX_SQL,
    INSERT_VERSION_SQL,
    VERSIONS_DDL,
)
from sync_server.repository.schema_steps import postgres_ddl


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def fresh_database(url: str, name: str) -> Iterator[str]:
    """Create an empty database beside the one url names (CREATEDB needed); drop it after."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield _with_database(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def raw_postgres(url: str, rows: list[tuple[Any, ...]], index: list[tuple[str, str, str]]) -> float:
    """executemany the rows into a fresh database with the server's DDL; return seconds."""
    with psycopg.connect(url) as conn:
        for statement in (*VERSIONS_DDL, *ALSO_REPLACES_DDL):
            conn.execute(postgres_ddl(statement))
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor:
            cursor.executemany(to_postgres(INSERT_VERSION_SQL), rows)
            cursor.executemany(to_postgres(INSERT_INDEX_SQL), index)
        conn.commit()
        return time.perf_counter() - started
