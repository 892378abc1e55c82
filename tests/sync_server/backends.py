"""Which backend the server suite runs on: SQLite (the default) or PostgreSQL.

    DOORSTEP_TEST_BACKEND=postgresql .venv/bin/python -m pytest tests/sync_server

runs every test's app on a fresh PostgreSQL database (tests/postgres_server.py) instead of a
SQLite file. A test that asks for `db_path` itself reads or writes the SQLite file (its rows,
its triggers, an admin command's --db) and is skipped there, saying so, as is a module named
for SQLite (test_server_sqlite.py: WAL, its triggers, its migrations).
"""

import inspect
import os
from pathlib import Path

import pytest

from sync_server.config import Settings
from tests.sync_server.server_builders import fast_settings

BACKEND = os.environ.get("DOORSTEP_TEST_BACKEND", "sqlite")
if BACKEND not in {"sqlite", "postgresql"}:
    raise ValueError("DOORSTEP_TEST_BACKEND: sqlite or postgresql")


def server_settings(db_path: Path, request: pytest.FixtureRequest) -> Settings:
    """The test app's settings, on the backend this run tests."""
    settings = fast_settings(db_path)
    if BACKEND == "postgresql":
        return settings.with_database(request.getfixturevalue("postgres_url"))
    return settings


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
