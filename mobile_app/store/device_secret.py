"""Where a store's device secret lives: a keystore apart from the data it protects.

The secret is half of the key that wraps the data key (see mobile_app.crypto.bind_to_device).
`DeviceSecretStore` is the interface; the UI picks the platform keystore (Android Keystore,
iOS Keychain) where the app is built with it, and `FileSecretStore` everywhere else (desktop,
web, CLI). `MemorySecretStore` keeps secrets for the life of the object only.
"""

import os
import re
from pathlib import Path
from typing import Protocol

from mobile_app.config import default_keystore_dir
from mobile_app.crypto import DEVICE_SECRET_BYTES, new_device_secret
from mobile_app.errors import ConfigError, StoreError

_STORE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class DeviceSecretStore(Protocol):
    """Keeps one random device secret per store id."""

    def get(self, store_id: str) -> bytes | None:
        """Return the store's secret, or None when the keystore has none."""
        ...

    def create(self, store_id: str) -> bytes:
        """Make, keep and return a fresh secret for the store (replacing none: it must be new)."""
        ...

    def destroy(self, store_id: str) -> None:
        """Forget the store's secret (and its unlock count) for good (nothing happens when
        there is none)."""
        ...

    def get_counter(self, store_id: str) -> bytes | None:
        """Return the store's sealed unlock count (see store.unlock_counter), or None."""
        ...

    def put_counter(self, store_id: str, sealed: bytes) -> None:
        """Keep the store's sealed unlock count beside its secret, replacing the last one."""
        ...


def checked_store_id(store_id: str) -> str:
    """Return store_id if it is safe as a key or file name.

    Raises:
        StoreError: it is not a plain id.
    """
    if not _STORE_ID.match(store_id):
        raise StoreError("The store id is not a plain id; the keystore cannot use it.")
    return store_id


class MemorySecretStore:
    """Secrets held in this object only: for tests, and a fake of the platform keystore."""

    def __init__(self) -> None:
        self._secrets: dict[str, bytes] = {}
        self._counters: dict[str, bytes] = {}

    def get(self, store_id: str) -> bytes | None:
        """Return the store's secret, or None."""
        return self._secrets.get(checked_store_id(store_id))

    def create(self, store_id: str) -> bytes:
        """Make and keep a fresh secret; raises StoreError if the store already has one."""
        if checked_store_id(store_id) in self._secrets:
            raise StoreError("This store already has a device secret.")
        self._secrets[store_id] = new_device_secret()
        return self._secrets[store_id]

    def destroy(self, store_id: str) -> None:
        """Forget the store's secret and its unlock count."""
        self._secrets.pop(checked_store_id(store_id), None)
        self._counters.pop(store_id, None)

    def get_counter(self, store_id: str) -> bytes | None:
        """Return the store's sealed unlock count, or None."""
        return self._counters.get(checked_store_id(store_id))

    def put_counter(self, store_id: str, sealed: bytes) -> None:
        """Keep the store's sealed unlock count."""
        self._counters[checked_store_id(store_id)] = sealed


class FileSecretStore:
    """One 0600 file per store in a keystore folder (0700) kept outside any data folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, store_id: str) -> Path:
        return self.directory / f"{checked_store_id(store_id)}.key"

    def _counter_path(self, store_id: str) -> Path:
        return self.directory / f"{checked_store_id(store_id)}.attempts"

    def get_counter(self, store_id: str) -> bytes | None:
        """Return the store's sealed unlock count, or None when there is no file for it."""
        try:
            return self._counter_path(store_id).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError("The device keystore could not be read.") from exc

    def put_counter(self, store_id: str, sealed: bytes) -> None:
        """Replace the count's 0600 file at once (write beside it, then rename over it)."""
        path = self._counter_path(store_id)
        partial = path.with_suffix(".attempts-new")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(sealed)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
        except OSError as exc:
            raise StoreError("The device keystore could not be written.") from exc

    def get(self, store_id: str) -> bytes | None:
        """Return the store's secret, or None when there is no file for it.

        Raises:
            StoreError: the file exists but is not a device secret.
        """
        try:
            secret = self._path(store_id).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError("The device keystore could not be read.") from exc
        if len(secret) != DEVICE_SECRET_BYTES:
            raise StoreError("The device keystore holds a damaged key for this store.")
        return secret

    def create(self, store_id: str) -> bytes:
        """Write a fresh secret to a new 0600 file.

        Raises:
            StoreError: the store already has a secret, or the keystore cannot be written.
        """
        path = self._path(store_id)
        secret = new_device_secret()
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise StoreError("This store already has a device secret.") from exc
        except OSError as exc:
            raise StoreError("The device keystore could not be written.") from exc
        with os.fdopen(fd, "wb") as out:
            out.write(secret)
            out.flush()
            os.fsync(out.fileno())
        return secret

    def destroy(self, store_id: str) -> None:
        """Overwrite the secret's file with zeros, then delete it (and the unlock count)."""
        self._counter_path(store_id).unlink(missing_ok=True)
        path = self._path(store_id)
        try:
            with path.open("r+b") as out:
                out.write(bytes(DEVICE_SECRET_BYTES))
                out.flush()
                os.fsync(out.fileno())
            path.unlink()
        except FileNotFoundError:
            return


def file_secret_store(data_dir: Path, keystore_dir: Path | None = None) -> FileSecretStore:
    """Return the file keystore for a data folder (DOORSTEP_KEYSTORE or the user's config).

    Raises:
        ConfigError: the keystore would sit inside the data folder it protects.
    """
    directory = (keystore_dir or default_keystore_dir()).resolve()
    if directory.is_relative_to(data_dir.resolve()):
        raise ConfigError(
            "DOORSTEP_KEYSTORE must be outside the data folder: keys are never kept beside "
            "the data they protect."
        )
    return FileSecretStore(directory)
