"""Choosing the backend: --db and DOORSTEP_DATABASE_URL name PostgreSQL, else a SQLite file."""

from pathlib import Path

import pytest

from sync_server.config import load_settings
from sync_server.errors import ConfigError
from sync_server.repository import SqliteRepository, open_repository
from sync_server.repository.postgres import PostgresRepository

URL = "postgresql://doorstep:s3cret-pass@db.example.org:5433/doorstep"


def test_the_environment_url_selects_postgresql_and_a_db_path_overrides_it() -> None:
    settings = load_settings({"DOORSTEP_DATABASE_URL": URL})
    assert settings.database_url == URL
    on_file = settings.with_database("data/other.db")
    assert on_file.database_url is None
    assert on_file.db_path == Path("data/other.db")
    assert load_settings({}).with_database(URL).database_url == URL


def test_the_url_is_never_shown_with_its_password() -> None:
    settings = load_settings({}).with_database(URL)
    assert settings.database_label == "postgresql://doorstep@db.example.org:5433/doorstep"
    assert "s3cret" not in repr(settings)


def test_a_url_of_another_kind_is_refused_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match="database_url: must be a postgresql:// URL"):
        load_settings({"DOORSTEP_DATABASE_URL": "mysql://db.example.org/doorstep"})


def test_open_repository_opens_the_backend_named(tmp_path: Path, postgres_url: str) -> None:
    sqlite = open_repository(tmp_path / "server.db", None)
    postgres = open_repository(tmp_path / "unused.db", postgres_url)
    try:
        assert isinstance(sqlite, SqliteRepository)
        assert isinstance(postgres, PostgresRepository)
        assert not (tmp_path / "unused.db").exists()
    finally:
        sqlite.close()
        postgres.close()
