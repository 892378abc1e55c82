"""Which backend the server suite runs on: SQLite (the default) or PostgreSQL.

    DOORSTEP_TEST_BACKEND=postgresql .venv/bin/python -m pytest tests/sync_server

runs every test's app on a fresh PostgreSQL database (tests/postgres_server.py) instead of a
SQLite file. A test that asks for `db_path` itself reads or writes the SQLite file (its rows,
its triggers, an admin command's --db) and is skipped there, saying so, as is a module named
for SQLite (test_server_sqlite.py: WAL, its triggers, its migrations).
"""

import inspect
import os

import pytest

BACKEND = os.environ.get("DOORSTEP_TEST_BACKEND", "sqlite")
if BACKEND not in {"sqlite", "postgresql"}:
    raise ValueError("DOORSTEP_TEST_BACKEND: sqlite or postgresql")


@pytest.fixture(autouse=True)
def _sqlite_file_tests(request: pytest.FixtureRequest) -> None:
    """Skip, on PostgreSQL, the tests that work on the SQLite file itself."""
    function = getattr(request, "function", None)
    if BACKEND != "postgresql" or function is None:
        return
    if "db_path" in inspect.signature(function).parameters:
        pytest.skip("works on the SQLite file itself (db_path): SQLite only")
    if "sqlite" in request.path.stem:
        pytest.skip("tests the SQLite backend's own guarantees: SQLite only")
