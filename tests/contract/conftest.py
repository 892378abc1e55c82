"""The backends the conformance suite runs against: every Repository must pass it."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync_server.repository import Repository, open_sqlite_repository

BACKENDS: dict[str, Callable[[Path], Repository]] = {
    "sqlite-file": lambda tmp: open_sqlite_repository(tmp / "contract.db"),
    "sqlite-memory": lambda _: open_sqlite_repository(":memory:"),
}


@pytest.fixture(params=sorted(BACKENDS), ids=sorted(BACKENDS))
def repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    repo = BACKENDS[request.param](tmp_path)
    yield repo
    repo.close()
