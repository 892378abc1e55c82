"""This server's transfer signing key, and the authorities whose transfer bundles it trusts.

The signing key is an Ed25519 private key: 32 random bytes in a file outside the database's
folder (made on first use, 0600, like the sign-in key), so a copied database cannot sign a
bundle. Other authorities are given its public key as one line, `ed25519:<base64>`
(`python -m sync_server transfer-key`). The trust list is a TOML file (the
`trusted_authorities_file` setting) with one `[authorities]` table: authority name = key line.
"""

import base64
import binascii
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sync_server.errors import ConfigError
from sync_server.services.access.server_keys import load_or_create_key

KEY_PREFIX = "ed25519:"
_PUBLIC_KEY_BYTES = 32


def signing_key(path: Path) -> Ed25519PrivateKey:
    """Return this server's signing key, making its file on first use."""
    return Ed25519PrivateKey.from_private_bytes(load_or_create_key(path, "transfer_key_file"))


def public_key_line(key: Ed25519PublicKey) -> str:
    """Return a public key as the one line other authorities put in their trust list."""
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode()


def fingerprint(key_line: str) -> str:
    """Return a short fingerprint of a key line, for reading out over the phone."""
    digest = hashlib.sha256(key_line.encode()).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def parse_public_key(line: str, where: str) -> Ed25519PublicKey:
    """Read one `ed25519:<base64>` key line.

    Raises:
        ConfigError: the line is not such a key; the message names `where`.
    """
    if not line.startswith(KEY_PREFIX):
        raise ConfigError(f"{where}: must be a key line starting {KEY_PREFIX}")
    try:
        raw = base64.b64decode(line.removeprefix(KEY_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"{where}: the key is not base64") from None
    if len(raw) != _PUBLIC_KEY_BYTES:
        raise ConfigError(f"{where}: an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True, slots=True)
class TrustList:
    """The authorities whose bundles this server accepts: name to public key line."""

    keys: dict[str, str]

    def key_of(self, authority: str) -> Ed25519PublicKey | None:
        """Return the trusted key of an authority, or None when it is not trusted."""
        line = self.keys.get(authority)
        return parse_public_key(line, f"authorities.{authority}") if line else None


def load_trust_list(path: Path | None) -> TrustList:
    """Read the trust list file.

    Raises:
        ConfigError: no file is set, or it cannot be read, or an entry is not a key line.
    """
    if path is None:
        raise ConfigError(
            "trusted_authorities_file: set DOORSTEP_TRUSTED_AUTHORITIES_FILE to the file "
            "naming the authorities whose transfers this server accepts"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"trusted_authorities_file: cannot read it as TOML ({type(exc).__name__})"
        ) from None
    table = data.get("authorities", {})
    if not isinstance(table, dict):
        raise ConfigError("trusted_authorities_file: [authorities] must be a table")
    keys: dict[str, str] = {}
    for name, line in table.items():
        if not isinstance(line, str):
            raise ConfigError(f"authorities.{name}: must be a key line")
        parse_public_key(line, f"authorities.{name}")
        keys[name] = line
    return TrustList(keys)
