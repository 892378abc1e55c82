"""The encrypted local store: one SQLite file, every piece of content sealed under the data key.

`DeviceStore.create` sets a device up with a passphrase; `DeviceStore.unlock` opens it. Both
also need the store's device secret, from the keystore passed in (by default the file keystore
outside the data folder). Only an unlocked store exists as an object.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from mobile_app.crypto import AeadCipher, KdfParams
from mobile_app.errors import NotInitialised
from mobile_app.store.cipher import ContentCipher
from mobile_app.store.database import database_exists, open_database
from mobile_app.store.device_secret import DeviceSecretStore, file_secret_store
from mobile_app.store.keyring import create_keyring, unlock_keyring
from mobile_app.store.outbox import OutboxStore
from mobile_app.store.records import RecordStore, StoredVersion, SyncState, VersionRow, heads
from mobile_app.store.scope import ScopeStore
from mobile_app.store.sealed import CursorStore, SealedValues

__all__ = [
    "DeviceSecretStore",
    "DeviceStore",
    "ScopeStore",
    "StoredVersion",
    "SyncState",
    "VersionRow",
    "heads",
]


class DeviceStore:
    """An unlocked device store: records, outbox, cursor, scope, settings, drafts, sync issues."""

    def __init__(self, db: Database, cipher: ContentCipher) -> None:
        self.db = db
        self.records = RecordStore(db, cipher)
        self.outbox = OutboxStore(db)
        self.cursor = CursorStore(db)
        self.scope = ScopeStore(db)
        self.settings = SealedValues(db, cipher, "settings", "name")
        self.drafts = SealedValues(db, cipher, "drafts", "draft_id")
        self.sync_issues = SealedValues(db, cipher, "sync_issues", "version_id")

    @classmethod
    def create(
        cls,
        data_dir: Path,
        passphrase: str,
        kdf: KdfParams | None = None,
        secrets: DeviceSecretStore | None = None,
    ) -> "DeviceStore":
        """Set up a new store in data_dir, protected by the passphrase and a device secret."""
        secrets = secrets or file_secret_store(data_dir)
        db = open_database(data_dir)
        try:
            data_key = create_keyring(db, passphrase, kdf, secrets=secrets)
        except BaseException:
            db.close()
            raise
        return cls(db, AeadCipher(data_key))

    @classmethod
    def unlock(
        cls, data_dir: Path, passphrase: str, secrets: DeviceSecretStore | None = None
    ) -> "DeviceStore":
        """Open the store in data_dir; raises WrongPassphrase, DeviceKeyMissing or
        NotInitialised."""
        if not database_exists(data_dir):
            raise NotInitialised("This device has not been set up yet: run init first.")
        secrets = secrets or file_secret_store(data_dir)
        db = open_database(data_dir)
        try:
            data_key = unlock_keyring(db, passphrase, secrets=secrets)
        except BaseException:
            db.close()
            raise
        return cls(db, AeadCipher(data_key))

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Run the block in one transaction: all of it is stored, or none."""
        with self.db.atomic():
            yield

    @contextmanager
    def refetchable(self) -> Iterator[None]:
        """Inside the block, commit without waiting for the disk (SQLite synchronous=NORMAL):
        only for what can be fetched again, as pulled pages can.

        A page is stored with its cursor, so a power cut that loses the last few pages loses
        their cursor too and they are pulled again; WAL keeps the file whole either way (an
        app crash loses nothing). The first commit after the block waits for the disk again
        and so makes everything before it durable. Only this connection relaxes: work recorded
        on the app's own connection meanwhile is committed as durably as ever.
        """
        before = self.db.execute("PRAGMA synchronous").fetchone()[0]
        self.db.execute("PRAGMA synchronous=NORMAL")
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA synchronous={int(before)}")

    def close(self) -> None:
        """Close the database; the data key goes with this object."""
        self.db.close()
