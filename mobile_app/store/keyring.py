"""The wrapped data key: created once, unwrapped at each unlock, destroyed on a wipe.

The key that wraps the data key needs both the passphrase and this store's device secret from
the keystore (key_version 2). Stores made before device secrets (key_version 1, passphrase only)
are rewrapped under a device-bound key at their first successful unlock.

The failed-unlock count and the next allowed try live in the keystore beside the device
secret (store.unlock_counter), so a copy of the data folder does not reset them.
"""

import os
from dataclasses import dataclass

from sqlite_utils import Database

from mobile_app.crypto import (
    KdfParams,
    bind_to_device,
    derive_wrapping_key,
    new_data_key,
    new_kdf_params,
    unwrap_data_key,
    wrap_data_key,
)
from mobile_app.errors import (
    DecryptionFailed,
    DeviceKeyMissing,
    NotInitialised,
    StoreError,
    WrongPassphrase,
)
from mobile_app.store.device_secret import DeviceSecretStore
from mobile_app.store.unlock_counter import clear_failed_unlocks
from shared.ids import new_id

MIN_PASSPHRASE_CHARS = 10
PASSPHRASE_ONLY = 1
DEVICE_BOUND = 2
_NOT_SET_UP = "This device has not been set up yet: run init first."


@dataclass(frozen=True)
class _KeyringRow:
    store_id: str
    kdf: KdfParams
    wrapped: bytes
    key_version: int


def create_keyring(
    db: Database, passphrase: str, kdf: KdfParams | None = None, *, secrets: DeviceSecretStore
) -> bytes:
    """Make a new data key, wrap it under the passphrase and a new device secret; return it.

    Raises:
        StoreError: the passphrase is too short, or the device is already set up.
    """
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise StoreError(f"Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters.")
    if db.execute("SELECT 1 FROM keyring").fetchone():
        raise StoreError("This device is already set up; unlock it instead.")
    kdf = kdf or new_kdf_params()
    store_id = new_id()
    data_key = new_data_key()
    secret = secrets.create(store_id)
    wrapping_key = bind_to_device(derive_wrapping_key(passphrase, kdf), secret)
    try:
        with db.atomic():
            db.execute(
                "INSERT INTO keyring (id, store_id, kdf_salt, kdf_iterations, kdf_lanes, "
                "kdf_memory_kib, wrapped_key, key_version) VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                [
                    store_id,
                    kdf.salt,
                    kdf.iterations,
                    kdf.lanes,
                    kdf.memory_kib,
                    wrap_data_key(wrapping_key, data_key, store_id),
                    DEVICE_BOUND,
                ],
            )
        clear_failed_unlocks(db, secrets)  # the count starts in the keystore, at 0
    except BaseException:
        secrets.destroy(store_id)
        raise
    return data_key


def _row(db: Database) -> _KeyringRow:
    row = db.execute(
        "SELECT store_id, kdf_salt, kdf_iterations, kdf_lanes, kdf_memory_kib, wrapped_key, "
        "key_version FROM keyring WHERE id = 1"
    ).fetchone()
    if row is None:
        raise NotInitialised(_NOT_SET_UP)
    store_id, salt, iterations, lanes, memory_kib, wrapped, version = row
    kdf = KdfParams(salt=salt, iterations=iterations, lanes=lanes, memory_kib=memory_kib)
    return _KeyringRow(store_id, kdf, wrapped, version)


def unlock_keyring(db: Database, passphrase: str, *, secrets: DeviceSecretStore) -> bytes:
    """Unwrap and return the data key (upgrading a passphrase-only keyring on the way).

    Raises:
        NotInitialised: the device has no keyring.
        DeviceKeyMissing: the keystore has no secret for this store (e.g. a copied folder).
        WrongPassphrase: the passphrase (or the device secret) does not unwrap the key.
    """
    row = _row(db)
    passphrase_key = derive_wrapping_key(passphrase, row.kdf)
    if row.key_version == PASSPHRASE_ONLY:
        data_key = _unwrap(passphrase_key, row)
        _bind_old_keyring(db, row, passphrase_key, data_key, secrets)
        return data_key
    secret = secrets.get(row.store_id)
    if secret is None:
        raise DeviceKeyMissing(
            "This device's key is missing from its keystore, so this data folder cannot be "
            "opened here. Set the device up again and sign in."
        )
    return _unwrap(bind_to_device(passphrase_key, secret), row)


def _unwrap(wrapping_key: bytes, row: _KeyringRow) -> bytes:
    try:
        return unwrap_data_key(wrapping_key, row.wrapped, row.store_id)
    except DecryptionFailed as exc:
        raise WrongPassphrase(
            "That passphrase does not unlock this device. Nothing was changed."
        ) from exc


def _bind_old_keyring(
    db: Database,
    row: _KeyringRow,
    passphrase_key: bytes,
    data_key: bytes,
    secrets: DeviceSecretStore,
) -> None:
    # A secret left by an upgrade that crashed before its UPDATE is reused, not replaced.
    secret = secrets.get(row.store_id) or secrets.create(row.store_id)
    wrapped = wrap_data_key(bind_to_device(passphrase_key, secret), data_key, row.store_id)
    with db.atomic():
        db.execute(
            "UPDATE keyring SET wrapped_key = ?, key_version = ? WHERE id = 1",
            [wrapped, DEVICE_BOUND],
        )


def destroy_keyring(db: Database, secrets: DeviceSecretStore) -> None:
    """Crypto-shred: forget the device secret, overwrite the wrapped key, delete the row."""
    found = db.execute("SELECT store_id, length(wrapped_key) FROM keyring WHERE id = 1").fetchone()
    if found is None:
        return
    store_id, length = found
    secrets.destroy(store_id)
    with db.atomic():
        db.execute("UPDATE keyring SET wrapped_key = ? WHERE id = 1", [os.urandom(length)])
        db.execute("DELETE FROM keyring WHERE id = 1")
