"""The wrapped data key: created once, unwrapped at each unlock."""

from sqlite_utils import Database

from mobile_app.crypto import (
    KdfParams,
    derive_wrapping_key,
    new_data_key,
    new_kdf_params,
    unwrap_data_key,
    wrap_data_key,
)
from mobile_app.errors import DecryptionFailed, NotInitialised, StoreError, WrongPassphrase
from shared.ids import new_id

MIN_PASSPHRASE_CHARS = 10


def create_keyring(db: Database, passphrase: str, kdf: KdfParams | None = None) -> bytes:
    """Make a new data key, wrap it under the passphrase, store it; return the data key."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise StoreError(f"Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters.")
    if db.execute("SELECT 1 FROM keyring").fetchone():
        raise StoreError("This device is already set up; unlock it instead.")
    kdf = kdf or new_kdf_params()
    store_id = new_id()
    data_key = new_data_key()
    wrapped = wrap_data_key(derive_wrapping_key(passphrase, kdf), data_key, store_id)
    with db.atomic():
        db.execute(
            "INSERT INTO keyring VALUES (1, ?, ?, ?, ?, ?, ?)",
            [store_id, kdf.salt, kdf.iterations, kdf.lanes, kdf.memory_kib, wrapped],
        )
    return data_key


def unlock_keyring(db: Database, passphrase: str) -> bytes:
    """Unwrap and return the data key; raise WrongPassphrase and change nothing if it fails."""
    row = db.execute(
        "SELECT store_id, kdf_salt, kdf_iterations, kdf_lanes, kdf_memory_kib, wrapped_key "
        "FROM keyring WHERE id = 1"
    ).fetchone()
    if row is None:
        raise NotInitialised("This device has not been set up yet: run init first.")
    store_id, salt, iterations, lanes, memory_kib, wrapped = row
    kdf = KdfParams(salt=salt, iterations=iterations, lanes=lanes, memory_kib=memory_kib)
    try:
        return unwrap_data_key(derive_wrapping_key(passphrase, kdf), wrapped, store_id)
    except DecryptionFailed as exc:
        raise WrongPassphrase(
            "That passphrase does not unlock this device. Nothing was changed."
        ) from exc
