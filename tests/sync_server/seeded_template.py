"""The demo-seeded server database, built once per test run and copied for each test.

A fresh database costs a test about 0.1 s before it starts (the schema's migrations and the
demo seed, each committed with a sync to disk); copying the finished file costs well under a
millisecond, and each test still gets a database of its own. A PostgreSQL backend mirrors this
with one seeded database and `CREATE DATABASE <test's> TEMPLATE <seeded>` per test.
"""

import copy
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sync_server.app import create_app
from sync_server.demo import DemoSeed
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import fast_settings


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

    def copy_to(self, target: Path) -> DemoSeed:
        """Write a copy of the seeded database at target; return its own copy of the seed."""
        shutil.copyfile(self.path, target)
        return copy.deepcopy(self.seed)
