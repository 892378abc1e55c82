"""The backends the conformance suite runs against: every Repository must pass it."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync_server.repository import Repository, open_sqlite_repository

BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], Repository]] = {
    "sqlite-file": lambda _, tmp: open_sqlite_repository(tmp / "contract.db"),
    "sqlite-memory": lambda _, __: open_sqlite_repository(":memory:"),
    # A fresh database per test on the run's throwaway server (tests/postgres_server.py).
    "postgresql": lambda request, _: _postgres(request.getfixturevalue("postgres_url")),
}


def _postgres(url: str) -> Repository:
    from sync_server.repository.postgres import open_postgres_repository  # noqa: PLC0415

    return open_postgres_repository(url)


@pytest.fixture(params=sorted(BACKENDS), ids=sorted(BACKENDS))
def repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    repo = BACKENDS[request.param](request, tmp_path)
    yield repo
    repo.close()
