"""Fixtures: a server app over a SQLite file of its own with the demo data, and signed-in
clients."""

import copy
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from sync_server.app import create_app
from sync_server.demo import DemoSeed
from sync_server.repository import Repository
from sync_server.services import ServiceContainer
from tests.postgres_server import PostgresServer, database_from
from tests.sync_server.backends import BACKEND, _sqlite_file_tests  # noqa: F401
from tests.sync_server.seeded_template import SeededTemplate
from tests.sync_server.server_builders import fast_settings, sign_in


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "server.db"


@pytest.fixture(scope="session")
def seeded_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SeededTemplate:
    """The demo-seeded database, built once for the run (per xdist worker) on the backend
    under test."""
    if BACKEND == "postgresql":
        return SeededTemplate.build_postgres(request.getfixturevalue("postgres_server"))
    return SeededTemplate.build(tmp_path_factory.mktemp("seeded"))


@pytest.fixture
def seeded_postgres_url(
    postgres_server: PostgresServer, seeded_template: SeededTemplate
) -> Iterator[str]:
    """A PostgreSQL database of this test's own, copied from the seeded one."""
    with database_from(postgres_server, seeded_template.path.name) as url:
        yield url


@pytest.fixture
def app(db_path: Path, request: pytest.FixtureRequest, seeded_template: SeededTemplate) -> Litestar:
    """The app over a copy of the seeded database of this test's own (start-up finds it
    seeded): a copied file on SQLite, a database copied from a template on PostgreSQL."""
    if BACKEND == "postgresql":
        url = request.getfixturevalue("seeded_postgres_url")
        seed = copy.deepcopy(seeded_template.seed)
        app = create_app(fast_settings(db_path).with_database(url))
    else:
        seed = seeded_template.copy_to(db_path)
        app = create_app(fast_settings(db_path))
    app.state["demo"] = seed
    return app


@pytest.fixture
def services(app: Litestar) -> ServiceContainer:
    container: ServiceContainer = app.state["services"]
    return container


@pytest.fixture
def repository(services: ServiceContainer) -> Repository:
    return services.repository


@pytest.fixture
def demo(app: Litestar) -> DemoSeed:
    seed: DemoSeed = app.state["demo"]
    assert seed.created
    return seed


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
async def sw(client: AsyncTestClient[Any]) -> dict[str, str]:
    """Authorization header of demo-sw (social worker, families 1-3)."""
    return await sign_in(client, "demo-sw")


@pytest.fixture
async def hv(client: AsyncTestClient[Any]) -> dict[str, str]:
    """Authorization header of demo-hv (health visitor, families 1-2)."""
    return await sign_in(client, "demo-hv")


@pytest.fixture
def push_clock_in_2032(services: ServiceContainer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Receive pushes on 1 Jan 2032: tests whose entries sort after the demo's date them in
    2031, which V1 would otherwise refuse as being in the future."""
    monkeypatch.setattr(services.sync, "_clock", lambda: datetime(2032, 1, 1, tzinfo=UTC))
