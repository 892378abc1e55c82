"""The device store while the app is unlocked: set up, unlock, lock, and worker connections.

SQLite connections belong to the thread that opened them, so the UI thread holds one store
and background work (sync, sign-in) opens its own connection with the same data key. Key
derivation (Argon2id) runs on any thread, so a spinner can turn while it works.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from mobile_app.crypto import AeadCipher, KdfParams
from mobile_app.errors import StoreLocked
from mobile_app.store import DeviceStore
from mobile_app.store.database import database_exists, open_database
from mobile_app.store.keyring import create_keyring, unlock_keyring

T = TypeVar("T")


class DeviceSession:
    """Holds the unlocked store for the UI thread; locking drops the store and its key."""

    def __init__(self, data_dir: Path, kdf: KdfParams | None = None) -> None:
        self.data_dir = data_dir
        self._kdf = kdf
        self._store: DeviceStore | None = None
        self._cipher: AeadCipher | None = None

    def is_set_up(self) -> bool:
        """Return True when this device already has a store (a passphrase was set)."""
        return database_exists(self.data_dir)

    def create_key(self, passphrase: str) -> bytes:
        """Set the device up with a passphrase and return its new data key (any thread)."""
        db = open_database(self.data_dir)
        try:
            return create_keyring(db, passphrase, self._kdf)
        finally:
            db.close()

    def derive_key(self, passphrase: str) -> bytes:
        """Return the data key the passphrase unwraps; raises WrongPassphrase (any thread)."""
        db = open_database(self.data_dir)
        try:
            return unlock_keyring(db, passphrase)
        finally:
            db.close()

    def open(self, data_key: bytes) -> DeviceStore:
        """Open the store for this (the UI) thread with a data key from create_key/derive_key."""
        self.lock()
        self._cipher = AeadCipher(data_key)
        self._store = DeviceStore(open_database(self.data_dir), self._cipher)
        return self._store

    @property
    def unlocked(self) -> bool:
        """True while a store is open."""
        return self._store is not None

    @property
    def store(self) -> DeviceStore:
        """The UI thread's open store; raises StoreLocked when the app is locked."""
        if self._store is None:
            raise StoreLocked("The app is locked: unlock it with your passphrase first.")
        return self._store

    def lock(self) -> None:
        """Close the store; the data key goes with it."""
        store, self._store, self._cipher = self._store, None, None
        if store is not None:
            store.close()

    def in_worker(self, job: Callable[[DeviceStore], T]) -> T:
        """Run job on this thread with its own connection to the store, then close it."""
        if self._cipher is None:
            raise StoreLocked("The app is locked: unlock it with your passphrase first.")
        store = DeviceStore(open_database(self.data_dir), self._cipher)
        try:
            return job(store)
        finally:
            store.close()
