"""The demo-seeded server database, built once per test run and copied for each test.

A fresh database costs a test about 0.1 s before it starts (the schema's migrations and the
demo seed, each committed with a sync to disk); copying the finished file costs well under a
millisecond, and each test still gets a database of its own. On PostgreSQL the same: one
seeded database, and `CREATE DATABASE <test's> TEMPLATE <seeded>` per test.
"""

import copy
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sync_server.app import create_app
from sync_server.demo import DemoSeed
from sync_server.services import ServiceContainer
from tests.postgres_server import TEMPLATE, PostgresServer, database_from
from tests.sync_server.server_builders import fast_settings

SEEDED = "doorstep_seeded"  # the demo-seeded PostgreSQL template


@dataclass(frozen=True)
class SeededTemplate:
    """A closed SQLite file holding the schema and the demo data, and what seeding made."""

    path: Path
    seed: DemoSeed

    @classmethod
    def build(cls, folder: Path) -> "SeededTemplate":
        """Seed a new database in folder as the app does at start-up, then close it whole."""
        path = folder / "seeded.db"
        app = create_app(fast_settings(path))
        seed: DemoSeed = app.state["demo"]
        services: ServiceContainer = app.state["services"]
        services.repository.close()
        # WAL: fold every committed page into the main file, so the file alone is the database.
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        assert seed.created
        return cls(path, seed)

    @classmethod
    def build_postgres(cls, server: PostgresServer) -> "SeededTemplate":
        """Seed a database on server as the app does at start-up; its name is the path."""
        with database_from(server, TEMPLATE) as url:
            app = create_app(fast_settings(":memory:").with_database(url))
            seed: DemoSeed = app.state["demo"]
            services: ServiceContainer = app.state["services"]
            services.repository.close()  # a template takes no connections while it is copied
            server.admin(f"CREATE DATABASE {SEEDED} TEMPLATE {url.rsplit('/', 1)[1]}")
        assert seed.created
        return cls(Path(SEEDED), seed)

    def copy_to(self, target: Path) -> DemoSeed:
        """Write a copy of the seeded database at target; return its own copy of the seed."""
        shutil.copyfile(self.path, target)
        return copy.deepcopy(self.seed)
