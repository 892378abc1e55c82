"""A throwaway PostgreSQL server for the tests, and the fixtures that hand out its databases.

The server is `initdb`'d into a temporary folder and listens on 127.0.0.1 on a free port, as an
unprivileged user (root cannot run postgres: under root it runs as the `postgres` system user,
created when missing). fsync is off: these databases live for one test run only.

Each test that asks for `postgres_url` gets a fresh database copied from a template that holds
the migrated schema (CREATE DATABASE ... TEMPLATE is a file copy: milliseconds, not a
migration). In CI (`CI=true`) a missing PostgreSQL fails the run; elsewhere those tests skip.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from tests.ports import free_port

PG_USER = "postgres"  # the system user the server runs as when the tests run as root
DB_USER = "doorstep"  # the database superuser initdb creates (trust auth on 127.0.0.1 only)
TEMPLATE = "doorstep_template"
_databases = count(1)


def find_bin_dir() -> Path | None:
    """Return the folder of PostgreSQL 15+'s programs (DOORSTEP_PG_BIN, else Debian's)."""
    chosen = os.environ.get("DOORSTEP_PG_BIN")
    if chosen:
        return Path(chosen) if (Path(chosen) / "initdb").exists() else None
    found = sorted(
        (int(path.parent.name), path)
        for path in Path("/usr/lib/postgresql").glob("*/bin")
        if path.parent.name.isdigit() and int(path.parent.name) >= 15 and (path / "initdb").exists()
    )
    return found[-1][1] if found else None


def _as_server_user(argv: list[str]) -> list[str]:
    """Run a PostgreSQL program as the unprivileged server user when we are root."""
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", PG_USER, "--", *argv]


def _ensure_server_user() -> None:
    if os.geteuid() != 0:
        return
    if subprocess.run(["id", "-u", PG_USER], capture_output=True, check=False).returncode != 0:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            check=True,
        )


@dataclass
class PostgresServer:
    """One running PostgreSQL cluster in a temporary folder."""

    bin_dir: Path
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        """Return the connection URL of one database of this server."""
        return f"postgresql://{DB_USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """initdb into the folder and start the server; return once it accepts connections."""
        _ensure_server_user()
        if os.geteuid() == 0:
            shutil.chown(self.folder, PG_USER)
        initdb = [str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", DB_USER]
        initdb += ["--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]
        subprocess.run(_as_server_user(initdb), check=True, capture_output=True)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        ctl = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log")]
        subprocess.run(
            _as_server_user([*ctl, "-w", "-t", "60", "-o", options, "start"]),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        """Stop the server at once (its data is thrown away)."""
        ctl = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
        subprocess.run(_as_server_user(ctl), check=False, capture_output=True)

    def admin(self, *statements: str, database: str = "postgres") -> None:
        """Run statements outside a transaction (CREATE DATABASE cannot run inside one)."""
        import psycopg  # noqa: PLC0415 - only when a PostgreSQL test runs

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL tests need a local PostgreSQL 15+: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the whole test run, with a migrated template (under
    pytest-xdist, one per worker: its own folder, port and databases)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _unavailable("no initdb under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401, PLC0415
    except ImportError:
        _unavailable("the psycopg driver is not installed")
    assert bin_dir is not None
    folder = Path(tempfile.mkdtemp(prefix="doorstep-pg-"))
    server = PostgresServer(bin_dir, folder, free_port())
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"the server did not start: {exc.stderr!r}")
    try:
        _make_template(server)
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _make_template(server: PostgresServer) -> None:
    from sync_server.repository.postgres import migrate_postgres  # noqa: PLC0415

    server.admin(f"CREATE DATABASE {TEMPLATE}")
    migrate_postgres(server.url(TEMPLATE))


@contextmanager
def database_from(server: PostgresServer, template: str) -> Iterator[str]:
    """A fresh database copied from template (a file copy), dropped afterwards; yield its URL."""
    name = f"doorstep_test_{os.getpid()}_{next(_databases)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield server.url(name)
    finally:
        server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh database holding the migrated schema, dropped after the test."""
    with database_from(postgres_server, TEMPLATE) as url:
        yield url
