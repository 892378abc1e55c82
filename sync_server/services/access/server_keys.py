"""The server's own keys, kept in files outside the data folder they protect.

A key file holds 32 random bytes, readable only by the server's user; it is made on first use.
"""

import os
import secrets
from pathlib import Path

from sync_server.errors import ConfigError

KEY_BYTES = 32


def load_or_create_key(path: Path, setting: str = "signin_key_file") -> bytes:
    """Return the key kept at path, making it (0600, in a 0700 folder) when there is none.

    Raises:
        ConfigError: the file exists but is not a key of the expected length.
    """
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(KEY_BYTES))
        try:
            os.link(draft, path)  # whole or not at all; a second process keeps the first's key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise ConfigError(f"{setting}: is not a key this server made")
    return key
