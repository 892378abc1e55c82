"""The device store while the app is unlocked: set up, unlock, lock, wipe, worker connections.

SQLite connections belong to the thread that opened them, so the UI thread holds one store
and background work (sync, sign-in) opens its own connection with the same data key. Key
derivation (Argon2id) runs on any thread, so a spinner can turn while it works.

Unlocking needs the passphrase and the store's device secret from the keystore. Wrong
passphrases are counted in the keystore beside that secret (store.unlock_counter), so a copy
of the data folder does not reset the count; waits between tries grow (UnlockBackoff, on the
injected clock), and the last allowed wrong one erases the device (services.wipe).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from mobile_app.crypto import AeadCipher, KdfParams
from mobile_app.errors import (
    DeviceWiped,
    NotInitialised,
    StoreLocked,
    UnlockDelayed,
    WrongPassphrase,
)
from mobile_app.services.security.lock import Clock, UnlockBackoff, plain_wait
from mobile_app.services.security.wipe import wipe_device
from mobile_app.store import DeviceStore
from mobile_app.store.database import database_exists, open_database
from mobile_app.store.device_secret import DeviceSecretStore, file_secret_store
from mobile_app.store.keyring import create_keyring, unlock_keyring
from mobile_app.store.unlock_counter import (
    UnlockAttempts,
    clear_failed_unlocks,
    record_failed_unlock,
    unlock_attempts,
)
from shared.clock import utc_now

T = TypeVar("T")
TOO_MANY_TRIES = "Too many wrong passphrases: this device has erased its keys and data."


@dataclass(frozen=True)
class UnlockStatus:
    """What the lock screen tells the person about their remaining tries."""

    failed: int
    tries_left: int
    wait_seconds: float


class DeviceSession:
    """Holds the unlocked store for the UI thread; locking drops the store and its key."""

    def __init__(
        self,
        data_dir: Path,
        kdf: KdfParams | None = None,
        secrets: DeviceSecretStore | None = None,
        clock: Clock = utc_now,
        backoff: UnlockBackoff | None = None,
    ) -> None:
        self.data_dir = data_dir
        self._kdf = kdf
        self._secrets = secrets
        self._clock = clock
        self._backoff = backoff or UnlockBackoff()
        self._on_wiped: Callable[[str], None] | None = None
        self._store: DeviceStore | None = None
        self._store_thread: int | None = None
        self._cipher: AeadCipher | None = None

    def configure_security(
        self,
        secrets: DeviceSecretStore,
        clock: Clock,
        backoff: UnlockBackoff,
        on_wiped: Callable[[str], None] | None = None,
    ) -> None:
        """Choose the keystore, clock and unlock limits; on_wiped hears (on any thread) that
        the device erased itself, with the message to show."""
        self._secrets = secrets
        self._clock = clock
        self._backoff = backoff
        self._on_wiped = on_wiped

    @property
    def secrets(self) -> DeviceSecretStore:
        """The keystore holding this store's device secret (the file keystore by default)."""
        if self._secrets is None:
            self._secrets = file_secret_store(self.data_dir)
        return self._secrets

    def is_set_up(self) -> bool:
        """Return True when this device already has a store (a passphrase was set)."""
        return database_exists(self.data_dir)

    def create_key(self, passphrase: str) -> bytes:
        """Set the device up with a passphrase and return its new data key (any thread)."""
        db = open_database(self.data_dir)
        try:
            return create_keyring(db, passphrase, self._kdf, secrets=self.secrets)
        finally:
            db.close()

    def derive_key(self, passphrase: str) -> bytes:
        """Return the data key the passphrase unwraps (any thread).

        Raises:
            UnlockDelayed: the last wrong passphrase was too recent; nothing was tried.
            WrongPassphrase: it does not unlock; the message says how many tries are left.
            DeviceWiped: that was the last allowed try; keys and data are destroyed.
            DeviceKeyMissing: the keystore has no secret for this store.
            NotInitialised: the device has not been set up.
        """
        db = open_database(self.data_dir)
        try:
            attempts = unlock_attempts(db, self.secrets)
            self._refuse_while_waiting(attempts)
            # Counted before the slow derivation, cleared on success: a second tap or a kill
            # during Argon2id cannot skip the count.
            failed = self._count_failure(db, attempts)
            try:
                key = unlock_keyring(db, passphrase, secrets=self.secrets)
            except WrongPassphrase:
                pass
            else:
                clear_failed_unlocks(db, self.secrets)
                return key
        finally:
            db.close()
        if self._backoff.tries_left(failed) == 0:
            raise DeviceWiped(self.wipe(TOO_MANY_TRIES))
        raise WrongPassphrase(self._wrong_message(failed))

    def _refuse_while_waiting(self, attempts: UnlockAttempts) -> None:
        if attempts.next_try_at is None:
            return
        seconds = (attempts.next_try_at - self._clock()).total_seconds()
        if seconds > 0:
            raise UnlockDelayed(
                f"Too many wrong passphrases. Try again in {plain_wait(seconds)}. "
                f"{self._tries_left_words(self._failed(attempts))}",
                int(seconds) + 1,
            )

    def _failed(self, attempts: UnlockAttempts) -> int:
        """The count to go by: a damaged count (a copy, or an edit) leaves one try, not ten."""
        if attempts.damaged:
            return max(attempts.failed, self._backoff.max_failed - 1)
        return attempts.failed

    def _count_failure(self, db: Database, attempts: UnlockAttempts) -> int:
        failed = self._failed(attempts) + 1
        wait = self._backoff.wait_after(failed)
        return record_failed_unlock(
            db, self.secrets, failed, self._clock() + wait if wait else None
        )

    def _wrong_message(self, failed: int) -> str:
        words = [
            "That passphrase does not unlock this device.",
            self._tries_left_words(failed),
        ]
        wait = self._backoff.wait_after(failed).total_seconds()
        if wait:
            words.append(f"Wait {plain_wait(wait)} before the next try.")
        return " ".join(words)

    def _tries_left_words(self, failed: int) -> str:
        left = self._backoff.tries_left(failed)
        return f"{left} {'try' if left == 1 else 'tries'} left before this device erases its data."

    def unlock_status(self) -> UnlockStatus | None:
        """Return the failed tries so far and any wait, or None when there is no keyring."""
        if not database_exists(self.data_dir):
            return None
        db = open_database(self.data_dir)
        try:
            attempts = unlock_attempts(db, self.secrets)
        except NotInitialised:
            return None
        finally:
            db.close()
        wait = 0.0
        if attempts.next_try_at is not None:
            wait = max((attempts.next_try_at - self._clock()).total_seconds(), 0.0)
        failed = self._failed(attempts)
        return UnlockStatus(failed, self._backoff.tries_left(failed), wait)

    def wipe(self, why: str) -> str:
        """Crypto-shred this device (any thread): keys, then data. Returns the message to show:
        why, what unsynced work was lost, what to do next; on_wiped hears it too.

        The UI thread's own connection is closed here when this is the UI thread, else by its
        next lock(); either way the data key is dropped at once.
        """
        self._cipher = None
        if self._store is not None and self._store_thread == threading.get_ident():
            self.lock()
        report = wipe_device(self.data_dir, self.secrets)
        message = f"{why} {report.lost()} Set the device up again and sign in to carry on."
        if self._on_wiped is not None:
            self._on_wiped(message)
        return message

    def open(self, data_key: bytes) -> DeviceStore:
        """Open the store for this (the UI) thread with a data key from create_key/derive_key."""
        self.lock()
        self._cipher = AeadCipher(data_key)
        self._store = DeviceStore(open_database(self.data_dir), self._cipher)
        self._store_thread = threading.get_ident()
        return self._store

    @property
    def unlocked(self) -> bool:
        """True while a store is open and its key is held."""
        return self._store is not None and self._cipher is not None

    @property
    def store(self) -> DeviceStore:
        """The UI thread's open store; raises StoreLocked when the app is locked."""
        if self._store is None or self._cipher is None:
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
