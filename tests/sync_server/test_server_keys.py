"""The server's sign-in key: made once, kept apart from the database, refused when damaged."""

from pathlib import Path

import pytest

from sync_server.config import Settings
from sync_server.errors import ConfigError
from sync_server.services.access.server_keys import KEY_BYTES, load_or_create_key


def test_a_key_is_made_once_private_and_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signin.key"

    first = load_or_create_key(path)
    again = load_or_create_key(path)

    assert len(first) == KEY_BYTES
    assert again == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["signin.key"]


def test_a_damaged_key_file_is_refused_naming_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "signin.key"
    path.write_bytes(b"short")

    with pytest.raises(ConfigError, match="signin_key_file"):
        load_or_create_key(path)


def test_the_key_may_not_sit_beside_the_database(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="signin_key_file: keep it outside"):
        Settings(db_path=tmp_path / "doorstep.db", signin_key_file=tmp_path / "signin.key")
