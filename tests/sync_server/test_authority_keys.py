"""The transfer signing key (a file outside the database's folder) and the trust list."""

from pathlib import Path

import pytest

from sync_server.config import Settings, load_settings
from sync_server.errors import ConfigError
from sync_server.services.handover.authority_keys import (
    load_trust_list,
    parse_public_key,
    public_key_line,
    signing_key,
)


def test_the_key_is_made_once_readable_only_by_the_server(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "transfer.key"
    first = public_key_line(signing_key(path).public_key())
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert public_key_line(signing_key(path).public_key()) == first


@pytest.mark.parametrize("inside", ["transfer.key", "keys/transfer.key"])
def test_a_key_file_inside_the_database_folder_is_refused(tmp_path: Path, inside: str) -> None:
    with pytest.raises(ConfigError, match="transfer_key_file"):
        Settings(db_path=tmp_path / "server.db", transfer_key_file=tmp_path / inside)


def test_settings_read_the_authority_and_the_trust_list(tmp_path: Path) -> None:
    settings = load_settings({
        "DOORSTEP_AUTHORITY_NAME": "Oxfordshire",
        "DOORSTEP_TRUSTED_AUTHORITIES_FILE": str(tmp_path / "trusted.toml"),
    })  # fmt: skip
    assert settings.authority_name == "Oxfordshire"
    assert settings.trusted_authorities_file == tmp_path / "trusted.toml"


def test_the_trust_list_names_a_bad_entry_never_its_value(tmp_path: Path) -> None:
    good = public_key_line(signing_key(tmp_path / "k" / "a.key").public_key())
    trusted = tmp_path / "trusted.toml"
    trusted.write_text(f'[authorities]\nOxfordshire = "{good}"\n', encoding="utf-8")
    assert load_trust_list(trusted).keys == {"Oxfordshire": good}
    trusted.write_text('[authorities]\nReading = "ed25519:bm90IGEga2V5"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^authorities\.Reading: an Ed25519 public key"):
        load_trust_list(trusted)
    with pytest.raises(ConfigError, match="DOORSTEP_TRUSTED_AUTHORITIES_FILE"):
        load_trust_list(None)
    with pytest.raises(ConfigError, match="must be a key line"):
        parse_public_key("ssh-ed25519 AAAA", "authorities.X")
